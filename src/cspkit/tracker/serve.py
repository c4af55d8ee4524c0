"""Serve the tracker after migrating its database: gunicorn (threaded workers, the
application loaded once before they fork), or waitress on Windows, where gunicorn does not
run. Static files come through WhiteNoise, in the application itself."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from cspkit.errors import CspError, redact
from cspkit.site.bootstrap import django_setup, migrate

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def tracker_application(*, database_url: str | None = None) -> Callable:
    """The tracker's WSGI application on a migrated database.

    Raises
    ------
    CspError
        When the database settings are wrong or the database cannot be reached or migrated.
    """
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    try:
        django_setup(database_url=database_url)
        migrate()
    except (ImproperlyConfigured, DatabaseError) as error:
        raise CspError(f"cannot use the tracker database: {redact(str(error))}") from error
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    application = get_wsgi_application()
    connections.close_all()  # each worker opens its own
    return application


def plain_http_warning(host: str) -> str | None:
    """A warning when ``host`` takes connections from other machines while the settings
    send the session cookie over plain HTTP; None when it does not."""
    from django.conf import settings

    if host in LOOPBACK or settings.SESSION_COOKIE_SECURE:
        return None
    return (
        f"Warning: listening on {host} over plain HTTP: passwords and session cookies would "
        "cross the network unencrypted. Serve it behind an HTTPS reverse proxy with the "
        "production settings (docs/tracker.md, 'Behind TLS')."
    )


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: str | None = None,
    threads: int = 4,
    workers: int = 1,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted (Ctrl+C, or SIGTERM from a service manager)."""
    application = tracker_application(database_url=database_url)
    warning = plain_http_warning(host)
    if warning:
        announce(warning)
    address = f"[{host}]" if ":" in host else host
    announce(f"Community Safety Plan tracker on http://{address}:{port}/ (Ctrl+C stops it)")
    proxy = os.environ.get("CSP_TRUSTED_PROXY")
    if sys.platform == "win32":
        import waitress

        trusted = {"trusted_proxy": proxy, "trusted_proxy_headers": "x-forwarded-proto"}
        waitress.serve(
            application, host=host, port=port, threads=threads, **(trusted if proxy else {})
        )
        return
    options: dict[str, Any] = {
        "bind": f"{address}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
    }
    if proxy:
        options["forwarded_allow_ips"] = proxy
    run_gunicorn(application, options)


def run_gunicorn(application: Callable, options: dict[str, Any]) -> None:
    """Run gunicorn on ``application`` with ``options`` (gunicorn's setting names) until
    it is stopped, through gunicorn's documented way to embed it: a subclass of
    ``BaseApplication`` (imported here: gunicorn does not import on Windows)."""
    from gunicorn.app.base import BaseApplication

    class TrackerServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Callable:
            return application

    TrackerServer().run()
