"""What ``csp serve`` does before and while serving: templates compiled before the workers
fork, and new connections sent to the worker holding fewest."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.template import engines

from cspkit.tracker.serve import _Loads, _server, _warm_up


def application(environ: dict, start_response: object) -> list[bytes]:  # pragma: no cover
    raise AssertionError("never called: these tests do not send requests")


def busy_channels(count: int) -> dict[int, SimpleNamespace]:
    """Stand-ins for open connections, each in the middle of a request."""
    return {index: SimpleNamespace(requests=[None], last_activity=0.0) for index in range(count)}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock


def test_a_worker_accepts_only_while_no_other_holds_fewer_connections(
    listener: socket.socket,
) -> None:
    loads = _Loads(3)
    server = _server(application, listener, 1, loads, slot=0)
    try:
        assert server.readable()  # nobody holds anything
        assert loads.counts[0] == 0
        server.active_channels.update(busy_channels(4))
        loads.counts[1], loads.counts[2] = 4, 3
        assert not server.readable()  # worker 2 holds 3, fewer than our 4
        assert loads.counts[0] == 4  # what this worker holds, published for the others
        loads.counts[2] = 5
        assert server.readable()  # 4 is now the fewest (tied with worker 1)
        server.active_channels.clear()
        loads.counts[1] = loads.counts[2] = 0
        assert server.readable()
    finally:
        server.close()


def test_a_single_worker_always_accepts(listener: socket.socket) -> None:
    server = _server(application, listener, 1)
    try:
        server.active_channels.update(busy_channels(50))
        assert server.readable()
    finally:
        server.close()


def test_every_page_template_is_compiled_before_serving(db: None) -> None:
    environment = engines["jinja2"].env
    environment.cache.clear()
    _warm_up()
    names = environment.list_templates(extensions=["html", "txt", "xml"])
    assert "tracker/action.html" in names and "base.html" in names
    cached = {key[1] for key in environment.cache}
    assert set(names) <= cached
