"""Run the tracker with waitress, a production WSGI server, after migrating the database.

Waitress is one process with worker threads, so Python runs one request at a time in it;
``workers`` > 1 forks that many waitress processes sharing one listening socket, to use
several CPU cores.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import time
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


class _Loads:
    """Open connections per worker process, in memory the workers share."""

    def __init__(self, workers: int) -> None:
        self.counts = multiprocessing.get_context("fork").Array("i", workers, lock=False)


def _server(
    application: Callable,
    listener: socket.socket,
    threads: int,
    loads: _Loads | None = None,
    slot: int = 0,
) -> object:
    """A waitress server on ``listener``. With ``loads`` (several workers sharing the
    socket) a worker accepts a new connection only while no other worker holds fewer: the
    kernel would otherwise hand a burst of keep-alive connections to whichever process woke
    first, and the busier process's clients wait longer for every request they make."""
    from waitress import wasyncore
    from waitress.adjustments import Adjustments
    from waitress.server import TcpWSGIServer

    class Server(TcpWSGIServer):
        gated = False

        def readable(self) -> bool:
            accepting = super().readable()
            if loads is None:
                return accepting
            mine = len(self.active_channels)
            loads.counts[slot] = mine
            self.gated = mine > min(loads.counts)
            return accepting and not self.gated

        def run(self) -> None:
            """Waitress's loop, except that a worker standing aside looks again every
            10 ms: otherwise, asleep for a second, it could miss the moment the others
            have caught up and leave new connections waiting with every worker aside."""
            if loads is None:
                super().run()
                return
            poll = wasyncore.poll2 if self.adj.asyncore_use_poll else wasyncore.poll
            try:
                while self._map:
                    poll(0.01 if self.gated else self.adj.asyncore_loop_timeout, self._map)
            except (SystemExit, KeyboardInterrupt):
                self.task_dispatcher.shutdown()

    adjustments = Adjustments(
        sockets=[listener], threads=threads, ident="cspkit", **_proxy_options()
    )
    return Server(
        application,
        map={},
        _sock=listener,
        adj=adjustments,
        bind_socket=False,
        sockinfo=(listener.family, listener.type, listener.proto, listener.getsockname()),
    )


def _worker(listener: socket.socket, threads: int, loads: _Loads, slot: int) -> None:
    from django.core.wsgi import get_wsgi_application

    _server(get_wsgi_application(), listener, threads, loads, slot).run()


def _warm_up() -> None:
    """Do before serving (and before forking, so every worker shares the result) what each
    worker would otherwise do during its first requests while clients wait: compile every
    page template, build the URL table and the prepared reads."""
    from django.template import engines
    from django.urls import reverse

    from cspkit.tracker.selectors.pages import prepare

    for engine in engines.all():
        environment = getattr(engine, "env", None)
        if environment is not None and environment.loader is not None:
            for name in environment.list_templates(extensions=["html", "txt", "xml"]):
                environment.get_template(name)
    reverse("tracker:home")
    prepare()


def _settle() -> None:
    """Move everything loaded so far out of the garbage collector's sight.

    Django, the models and the templates make a few hundred thousand long-lived objects; a
    full collection walks all of them and stops every thread of the process meanwhile, which
    showed as the slowest requests under load. ``gc.freeze`` leaves them out of collections
    (and keeps forked workers from copying their pages by touching them).
    """
    gc.collect()
    gc.freeze()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: str | None = None,
    threads: int = 4,
    workers: int = 1,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted."""
    application = tracker_application(database_url=database_url)
    from django.db import connections

    _warm_up()
    connections.close_all()  # forked workers open their own
    _settle()
    listener = socket.create_server((host, port), backlog=1024)
    announce(f"Community Safety Plan tracker on http://{host}:{port}/ (Ctrl+C stops it)")
    if workers <= 1:
        _server(application, listener, threads).run()
        return
    fork = multiprocessing.get_context("fork")
    loads = _Loads(workers)

    def start(slot: int) -> multiprocessing.process.BaseProcess:
        loads.counts[slot] = 0
        process = fork.Process(target=_worker, args=(listener, threads, loads, slot), daemon=True)
        process.start()
        return process

    processes = [start(slot) for slot in range(workers)]
    started = [time.monotonic()] * workers
    # A service manager stops the server with SIGTERM: stop the workers with it.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        while True:
            ended = multiprocessing.connection.wait([p.sentinel for p in processes])
            for slot, process in enumerate(processes):
                if process.sentinel not in ended:
                    continue
                process.join(timeout=10)  # its pipe closes a moment before it can be reaped
                # A worker that stopped must not keep its last count: the others would
                # stand aside for it. One that ran a while is replaced; one that failed
                # at once would only fail again, so the server stops with it.
                if time.monotonic() - started[slot] < 2:
                    raise SystemExit(
                        f"tracker worker {slot} stopped at start (exit code "
                        f"{process.exitcode}); see the messages above"
                    )
                announce(f"worker {slot} stopped (exit code {process.exitcode}); restarting it")
                processes[slot] = start(slot)
                started[slot] = time.monotonic()
    finally:
        for process in processes:
            process.terminate()
            process.join(timeout=10)
