"""Run the tracker with waitress, a production WSGI server, after migrating the database.

Waitress is one process with worker threads, so Python runs one request at a time in it;
``workers`` > 1 forks that many waitress processes sharing one listening socket, to use
several CPU cores.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
from collections.abc import Callable

from cspkit.site.bootstrap import django_setup, migrate


def tracker_application(*, database_url: str | None = None) -> Callable:
    """The tracker's WSGI application on a migrated database."""
    django_setup(database_url=database_url)
    migrate()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _proxy_options() -> dict[str, object]:
    """With ``CSP_TRUSTED_PROXY`` (the proxy's address) waitress takes the client address
    and scheme from the proxy's X-Forwarded-For/-Proto headers."""
    proxy = os.environ.get("CSP_TRUSTED_PROXY")
    if not proxy:
        return {}
    return {
        "trusted_proxy": proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def _worker(listener: socket.socket, threads: int) -> None:
    from django.core.wsgi import get_wsgi_application
    from waitress import serve as waitress_serve

    waitress_serve(
        get_wsgi_application(),
        sockets=[listener],
        threads=threads,
        ident="cspkit",
        _quiet=True,
        **_proxy_options(),
    )


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: str | None = None,
    threads: int = 8,
    workers: int = 1,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted."""
    application = tracker_application(database_url=database_url)
    from django.db import connections

    connections.close_all()  # forked workers open their own
    listener = socket.create_server((host, port), backlog=1024)
    announce(f"Community Safety Plan tracker on http://{host}:{port}/ (Ctrl+C stops it)")
    if workers <= 1:
        from waitress import serve as waitress_serve

        waitress_serve(
            application,
            sockets=[listener],
            threads=threads,
            ident="cspkit",
            _quiet=True,
            **_proxy_options(),
        )
        return
    fork = multiprocessing.get_context("fork")
    processes = [
        fork.Process(target=_worker, args=(listener, threads), daemon=True)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    # A service manager stops the server with SIGTERM: stop the workers with it.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        for process in processes:
            process.join()
    finally:
        for process in processes:
            process.terminate()
            process.join(timeout=10)
