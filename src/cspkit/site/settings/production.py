"""A shared deployment behind an HTTPS reverse proxy. Every secret comes from the environment.

Required: ``CSP_SECRET_KEY`` (50+ random characters), ``CSP_ALLOWED_HOSTS`` (comma separated)
and usually ``CSP_DATABASE_URL`` (postgres://…). The proxy must set ``X-Forwarded-Proto``.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from cspkit.site.settings.base import *  # noqa: F403


def _required(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set: production settings need {what}. "
            f"Set it in the environment of the server process."
        )
    return value


SECRET_KEY = _required("CSP_SECRET_KEY", "a long random secret key (50+ characters)")
ALLOWED_HOSTS = _required("CSP_ALLOWED_HOSTS", "the host names served (comma separated)").split(",")
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
