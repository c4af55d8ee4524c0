"""The tracker as deployed: ``csp serve --workers 2`` (gunicorn, two worker processes) on an
SQLite file, driven over HTTP."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from cspkit.demo.tracker import DEMO_PASSWORD
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
    assert headers["Server"] == "gunicorn"
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
