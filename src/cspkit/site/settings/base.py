"""Settings shared by every environment. Secrets never live here: see local/production."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cspkit.errors import redact


def data_dir() -> Path:
    """Folder holding the default SQLite file and the local secret key (``CSP_DATA_DIR``)."""
    return Path(os.environ.get("CSP_DATA_DIR") or Path.cwd())


def database_settings(url: str | None) -> dict[str, Any]:
    """The ``DATABASES["default"]`` entry for a database URL (dj-database-url's forms:
    ``postgres://user:password@host:5432/name``, ``sqlite:////absolute/path.sqlite3``) or
    a plain SQLite file path; the data dir's ``csp-tracker.sqlite3`` when empty.

    Connections are kept between requests and checked before reuse.
    """
    url = url or str(data_dir() / "csp-tracker.sqlite3")
    if "://" not in url:  # a plain path (or a Windows drive letter)
        url = f"sqlite:///{Path(url).absolute()}"
    try:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"database URL {redact(url)!r} is not understood: expected "
            "postgres://user:password@host:5432/name or sqlite:////absolute/path.sqlite3"
        ) from error
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # BEGIN IMMEDIATE takes the write lock at the start of every transaction, so two
            # writers queue instead of both reading a version and racing to save.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "cspkit.tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cspkit.site.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cspkit.site.urls"
WSGI_APPLICATION = "cspkit.site.wsgi.application"

TEMPLATES = [
    {
        # The pages are Jinja2 templates (cspkit/tracker/jinja2/): several times quicker to
        # render than Django's language, which the load benchmark showed to dominate.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "cspkit.tracker.jinja2_env.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "cspkit.tracker.context_processors.tracker_person",
            ],
        },
    },
]

DATABASES = {"default": database_settings(os.environ.get("CSP_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The warehouse `csp tracker measures` reads when neither --warehouse nor the plan names one.
MEASURES_WAREHOUSE = os.environ.get("CSP_WAREHOUSE", "")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked account name or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cspkit.tracker.auth.TrackerBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracker:home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes, see cspkit.tracker.sign_in): this many failures inside the
# window lock the account name, and separately the client address, until the window has
# passed. A good sign-in clears its account's failures only (not the address's).
AXES_FAILURE_LIMIT = int(os.environ.get("CSP_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CSP_LOGIN_FAILURE_WINDOW_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "cspkit.tracker.sign_in.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "cspkit.tracker.sign_in.sign_in_address"
# The reverse proxies in front of `csp serve` (CSP_TRUSTED_PROXY, comma-separated addresses):
# sign-ins through them are counted by the client address they forward.
SIGN_IN_TRUSTED_PROXIES = [
    address.strip() for address in os.environ.get("CSP_TRUSTED_PROXY", "").split(",")
    if address.strip()
]
AXES_LOCKOUT_CALLABLE = "cspkit.tracker.views.auth.sign_in_refused"
AXES_RESET_ON_SUCCESS = False
# Tries made while locked are refused unchecked and neither counted nor extend the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No log of every sign-in (who, address, browser): nothing in the tracker reads it.
AXES_DISABLE_ACCESS_LOG = True

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# WhiteNoise serves the app's static folder straight from the package, so `csp serve`
# needs no collectstatic step; files are indexed once at start-up.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}
