"""Settings for the test suite: SQLite in memory unless ``CSP_TEST_DATABASE_URL`` is set."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cspkit.site.settings.base import *  # noqa: F403
from cspkit.site.settings.base import database_settings

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {
    "default": database_settings(os.environ.get("CSP_TEST_DATABASE_URL") or "sqlite://:memory:")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A real file, as in deployment: in-memory SQLite cannot show how two connections
    # queue for the write lock. One file per process, so parallel runs do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"csp-tracker-test-{os.getpid()}.sqlite3")
    }
# Fast hashing: the tests exercise logins, not the hasher's cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
