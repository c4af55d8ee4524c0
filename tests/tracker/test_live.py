"""The tracker as deployed: ``csp serve --workers 2`` (two waitress processes) on an SQLite
file, driven over HTTP."""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspkit.tracker.demo import DEMO_PASSWORD
from tests.tracker.live import live_tracker


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_tracker(tmp_path_factory.mktemp("live"), workers=2) as base:
        yield base


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if body is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def csrf(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def sign_in(self, username: str) -> None:
        _, page, _ = self.request("/accounts/login/")
        status, _, _ = self.request(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": self.csrf(page),
                "username": username,
                "password": DEMO_PASSWORD,
            },
        )
        assert status == 302, f"{username} could not sign in"


def test_serve_answers_with_pages_static_files_and_security_headers(server: str) -> None:
    browser = Browser(server)
    status, page, headers = browser.request("/accounts/login/")
    assert status == 200 and "Sign in" in page
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    status, css, headers = browser.request("/static/tracker/tracker.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert ".tag--green" in css


def test_two_people_posting_at_once_save_one_update_and_warn_the_other(server: str) -> None:
    lead, admin = Browser(server), Browser(server)
    lead.sign_in("lead.police")
    admin.sign_in("admin")
    _, mine, _ = lead.request("/my-actions/")
    action_path = re.search(r'href="(/actions/\d+/)"', mine).group(1)
    forms = {}
    for name, browser in (("lead", lead), ("admin", admin)):
        _, page, _ = browser.request(action_path)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        forms[name] = (browser, browser.csrf(page), version)
    assert forms["lead"][2] == forms["admin"][2]

    start = threading.Barrier(2)
    results: dict[str, tuple[int, str]] = {}

    def post(name: str) -> None:
        browser, token, version = forms[name]
        data = {
            "csrfmiddlewaretoken": token,
            "status": "amber",
            "text": f"Simultaneous update from {name}",
            "version": version,
        }
        start.wait(timeout=10)
        status, page, _ = browser.request(action_path, data)
        results[name] = (status, page)

    threads = [threading.Thread(target=post, args=(name,)) for name in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _ in results.values()) == [302, 409]
    (loser_page,) = [page for status, page in results.values() if status == 409]
    (winner,) = [name for name, (status, _) in results.items() if status == 302]
    assert "Someone else updated this since you opened it" in loser_page
    assert f"Simultaneous update from {winner}" in loser_page
    _, page, _ = lead.request(action_path)
    assert page.count("Simultaneous update from") == 1


def _holders(server_port: int, client_ports: set[int]) -> dict[int, int]:
    """How many of our connections each server process holds, read from /proc: the
    server's end of each connection (local port ``server_port``, remote port one of
    ``client_ports``) and the process whose file descriptors include that socket."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == server_port and (
                int(remote.rsplit(":", 1)[1], 16) in client_ports
            ):
                inodes.add(f"socket:[{inode}]")
    held: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in fds}
        except OSError:
            continue
        count = len(links & inodes)
        if count:
            held[int(pid)] = count
    return held


@contextlib.contextmanager
def _connected_at_once(port: int, count: int) -> Iterator[dict[int, int]]:
    """Open ``count`` keep-alive connections at once (as a browser opening several pages, or
    a load test, does), get the sign-in page on each, and yield how many of them each server
    process holds; the connections close afterwards."""
    connections = []
    try:
        for _ in range(count):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.connect()
            connections.append(connection)
        for connection in connections:
            connection.request("GET", "/accounts/login/")
        for connection in connections:
            response = connection.getresponse()
            response.read()
            assert response.status == 200
        yield _holders(port, {c.sock.getsockname()[1] for c in connections})
    finally:
        for connection in connections:
            connection.close()


def test_keep_alive_connections_are_shared_evenly_by_the_workers(server: str) -> None:
    with _connected_at_once(urllib.parse.urlsplit(server).port, 16) as held:
        assert sum(held.values()) == 16
        assert len(held) == 2, held  # both workers hold some
        assert max(held.values()) - min(held.values()) <= 2, held


def _serve_family(port: int) -> tuple[int, set[int]]:
    """The ``csp serve`` process listening on ``port`` and its worker processes."""

    def args(pid: str) -> list[str]:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")

    def parent(pid: str) -> int:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])

    pids = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    family = set()
    for pid in pids:
        try:
            found = args(pid)
        except OSError:
            continue
        if "serve" in found and "--port" in found and str(port) in found:
            family.add(int(pid))
    (server,) = {pid for pid in family if parent(str(pid)) not in family}
    workers = set()
    for pid in pids:
        try:
            if parent(pid) == server:
                workers.add(int(pid))
        except (OSError, IndexError):
            continue
    return server, workers


def test_a_worker_that_dies_is_replaced_and_the_site_keeps_answering(server: str) -> None:
    port = urllib.parse.urlsplit(server).port
    parent, workers = _serve_family(port)
    assert len(workers) == 2
    time.sleep(2.5)  # a worker that dies at once stops the server instead
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    for _ in range(300):
        _, now = _serve_family(port)
        if len(now) == 2 and victim not in now:
            break
        time.sleep(0.1)
    assert len(now) == 2 and victim not in now, (
        victim,
        {pid: Path(f"/proc/{pid}/stat").read_text().split()[2] for pid in now},
    )
    # Both workers take connections again: the dead one's count does not hold them back.
    with _connected_at_once(port, 8) as held:
        assert set(held) == now, (held, now)
