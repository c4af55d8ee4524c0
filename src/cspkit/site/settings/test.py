"""Settings for the test suite: SQLite in memory unless ``CSP_TEST_DATABASE_URL`` is set."""

from __future__ import annotations

import os

from cspkit.site.database import database_config
from cspkit.site.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": database_config(os.environ.get("CSP_TEST_DATABASE_URL") or ":memory:")}
# Fast hashing: the tests exercise logins, not the hasher's cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
