"""Run the tracker with waitress, a production WSGI server, after migrating the database."""

from __future__ import annotations

import os
from collections.abc import Callable

from cspkit.site.bootstrap import django_setup, migrate


def tracker_application(*, database_url: str | None = None) -> Callable:
    """The tracker's WSGI application on a migrated database."""
    django_setup(database_url=database_url)
    migrate()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: str | None = None,
    threads: int = 8,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted. ``CSP_TRUSTED_PROXY`` (the proxy's address) makes waitress
    take the client address and scheme from the proxy's X-Forwarded-For/-Proto headers."""
    from waitress import serve as waitress_serve

    application = tracker_application(database_url=database_url)
    options: dict[str, object] = {}
    proxy = os.environ.get("CSP_TRUSTED_PROXY")
    if proxy:
        options.update(
            trusted_proxy=proxy,
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            clear_untrusted_proxy_headers=True,
        )
    announce(f"Community Safety Plan tracker on http://{host}:{port}/ (Ctrl+C stops it)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="cspkit", **options)
