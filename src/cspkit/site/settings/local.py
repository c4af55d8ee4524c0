"""One machine, plain HTTP on loopback (``csp serve``, ``csp demo``).

The secret key comes from ``CSP_SECRET_KEY`` or, failing that, from a file created once in
the data dir (readable by its owner only), so sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cspkit.site.settings.base import *  # noqa: F403
from cspkit.site.settings.base import data_dir


def _local_secret_key(folder: Path) -> str:
    path = folder / ".csp-secret-key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("CSP_SECRET_KEY") or _local_secret_key(data_dir())
DEBUG = os.environ.get("CSP_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [
    host for host in os.environ.get("CSP_ALLOWED_HOSTS", "").split(",") if host
]
