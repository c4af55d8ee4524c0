"""Turn ``CSP_DATABASE_URL`` into a Django ``DATABASES`` entry.

Two forms are understood:

- ``postgres://user:password@host:5432/name`` (or ``postgresql://``), query options such as
  ``?sslmode=require`` passed to the driver;
- ``sqlite:///relative/path.sqlite3``, ``sqlite:////absolute/path.sqlite3`` (as
  dj-database-url and SQLAlchemy read them), ``sqlite:path.sqlite3`` or a bare file path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_SQLITE_NAME = "csp-tracker.sqlite3"


def data_dir() -> Path:
    """Folder holding the default SQLite file and the local secret key (``CSP_DATA_DIR``)."""
    return Path(os.environ.get("CSP_DATA_DIR") or Path.cwd())


def sqlite_config(path: Path | str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Keep each server thread's connection: reopening it re-runs the PRAGMAs below.
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            # BEGIN IMMEDIATE takes the write lock at the start of every transaction, so two
            # writers queue instead of both reading a version and racing to save.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def postgres_config(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured(
            f"CSP_DATABASE_URL {redact(url)!r} names no database: "
            "expected postgres://user:password@host:5432/name"
        )
    return {
        "ENGINE": "cspkit.site.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": _postgres_options(parse_qsl(parts.query)),
    }


def _postgres_options(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Driver options from the URL's query. ``prepare_threshold`` (default 5) is how many
    times a statement bound on the server runs before psycopg prepares it; the tracker's
    busiest reads are bound on the server (``cspkit.tracker.rows``), so the database stops
    planning them afresh. ``?prepare_threshold=none`` turns it off, as a connection pooler
    without prepared-statement support (PgBouncer before 1.21 in transaction mode) needs."""
    options: dict[str, Any] = {"prepare_threshold": 5}
    for key, value in pairs:
        if key == "prepare_threshold":
            if value.lower() in ("", "none", "off"):
                options[key] = None
            elif value.isdigit():
                options[key] = int(value)
            else:
                raise ImproperlyConfigured(
                    f"CSP_DATABASE_URL: prepare_threshold={value!r} should be a whole number "
                    "or 'none'"
                )
        else:
            options[key] = value
    return options


def database_config(url: str | None) -> dict[str, Any]:
    """The ``DATABASES["default"]`` entry for ``url``; the data-dir SQLite file when empty."""
    if not url:
        return sqlite_config(data_dir() / DEFAULT_SQLITE_NAME)
    scheme = urlsplit(url).scheme
    if scheme in ("postgres", "postgresql"):
        return postgres_config(url)
    if scheme == "sqlite":
        # As dj-database-url and SQLAlchemy: sqlite:///relative and sqlite:////absolute.
        path = url.removeprefix("sqlite:").removeprefix("///").removeprefix("//")
        return sqlite_config(path or data_dir() / DEFAULT_SQLITE_NAME)
    if scheme == "" or len(scheme) == 1:  # a plain path (or a Windows drive letter)
        return sqlite_config(url)
    raise ImproperlyConfigured(
        f"CSP_DATABASE_URL {redact(url)!r}: unknown scheme {scheme!r}; "
        "expected postgres://… or sqlite:////absolute/path/to/file.sqlite3"
    )


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***`` (safe for messages and logs)."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
