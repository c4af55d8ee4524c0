"""The data owner's pseudonymisation secret: read from a key file or the environment.

The secret never comes from a command-line argument, where it would land in shell history
and process listings. A secret shorter than 32 bytes is refused: HMAC-SHA256 is only as
strong as its key, and dates of birth and names are few enough to be guessed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cspkit.errors import CspError

KEY_ENV = "CSP_PSEUDONYM_KEY"
MIN_KEY_BYTES = 32


def read_secret(key_file: Path | None = None, *, environ: dict[str, str] | None = None) -> bytes:
    """The secret from ``key_file`` if given, else from the ``CSP_PSEUDONYM_KEY`` variable.

    Surrounding whitespace (a trailing newline) is not part of the secret.

    Raises
    ------
    CspError
        When there is no secret, the file cannot be read, or it is shorter than 32 bytes.
    """
    environ = os.environ if environ is None else environ
    if key_file is not None:
        try:
            secret = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise CspError(f"cannot read the key file ({exc.strerror})", path=str(key_file),
                           hint="Create one with `csp pseudonymise --new-key FILE`") from None
        where = str(key_file)
    elif environ.get(KEY_ENV):
        secret = environ[KEY_ENV].strip().encode("utf-8")
        where = f"${KEY_ENV}"
    else:
        raise CspError(f"no pseudonymisation secret: give --key-file FILE or set {KEY_ENV}",
                       hint="Create a key with `csp pseudonymise --new-key FILE` and keep it "
                       "inside your organisation; never share it with the partnership")
    if len(secret) < MIN_KEY_BYTES:
        raise CspError(f"the secret in {where} is {len(secret)} bytes; at least "
                       f"{MIN_KEY_BYTES} are needed", hint="Create a strong key with "
                       "`csp pseudonymise --new-key FILE`")
    return secret


def write_new_key(path: Path) -> Path:
    """Write a fresh random secret (64 hex characters, 256 bits) readable by its owner only.

    Raises
    ------
    CspError
        When the file exists already: replacing a key would change every person key.
    """
    path = Path(path)
    if path.exists():
        raise CspError("the key file exists already; a new key would give every person a "
                       "new key", path=str(path), hint="Keep using it, or choose a new file")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(MIN_KEY_BYTES) + "\n")
    return path
