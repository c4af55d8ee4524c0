"""Errors meant for the user: each says what is wrong, where, and what to do."""

from __future__ import annotations

import re

_PASSWORD_IN_URL = re.compile(r"(?P<user>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]+@", re.IGNORECASE)


class CspError(Exception):
    """A problem the user can act on.

    The message names the file (and line, or field) where there is one, what was expected,
    and what to do. The CLI prints ``str(error)`` on one line and exits non-zero.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text = f"{text}. {self.hint}"
        return text


class LoadError(CspError):
    """A file could not be loaded; the warehouse was left unchanged."""


class LoadFailed(CspError):
    """One or more files failed validation; nothing was loaded."""

    def __init__(self, errors: list[CspError]) -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more file(s) with errors)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}; nothing was loaded, the warehouse is unchanged")

    def __str__(self) -> str:
        return self.message


def redact(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``.

    >>> redact("could not use postgres://csp:s3cret@db:5432/tracker")
    'could not use postgres://csp:***@db:5432/tracker'
    """
    return _PASSWORD_IN_URL.sub(r"\g<user>:***@", text)
