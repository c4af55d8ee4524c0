"""Real Chromium (Debian's, through Playwright) against ``csp serve``: sign in, update an
action, see it; keyboard use; an axe-core scan of every main page; screenshots.

Screenshots go to ``$CSP_SCREENSHOT_DIR`` when set (to look at), else a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspkit.demo.tracker import DEMO_PASSWORD
from tests.tracker.conftest import missing_service
from tests.tracker.live import live_tracker

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_script() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(os.environ.get("CSP_NPM_CACHE") or Path(cache) / "cspkit" / "npm")
    return folder / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        missing_service(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_tracker(tmp_path_factory.mktemp("browser")) as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CSP_SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign_in(page, server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))


def theme_row_counts(page, theme: str) -> list[str]:  # type: ignore[no-untyped-def]
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=theme))
    return row.locator("td.numeric").all_inner_texts()


@pytest.mark.parametrize(
    ("javascript", "reference"), [(True, "5.1"), (False, "5.3")], ids=["with-js", "without-js"]
)
def test_a_lead_signs_in_updates_an_action_and_sees_it(
    browser, server: str, shots: Path, javascript: bool, reference: str
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
    page = context.new_page()
    sign_in(page, server, "lead.fire")
    theme = "5. Criminal damage and deliberate fires"
    red_before = int(theme_row_counts(page, theme)[3])

    page.get_by_role("link", name="My actions").click()
    page.get_by_role("link", name=reference, exact=True).click()
    note = f"School sessions paused: two schools withdrew ({'js' if javascript else 'no js'})."
    page.get_by_label("Red: off track, needs help").check()
    page.get_by_label("What has happened since the last update").fill(note)
    page.get_by_role("button", name="Save update").click()

    page.get_by_text(f"Your update to action {reference} is saved.").wait_for()
    timeline = page.get_by_role("region", name="Updates, newest first")
    first = timeline.get_by_role("listitem").first
    assert note in first.inner_text()
    assert "Red" in first.inner_text() and "Gareth Moss" in first.inner_text()
    status_row = page.locator(".summary-list__row", has_text="Status")
    assert "Red" in status_row.inner_text() and "off track" in status_row.inner_text()
    page.screenshot(path=str(shots / f"action-updated-{'js' if javascript else 'nojs'}.png"))

    page.get_by_role("link", name="Plan overview").click()
    assert int(theme_row_counts(page, theme)[3]) == red_before + 1
    context.close()


def test_the_skip_link_is_the_first_stop_for_keyboard_users(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="en-GB")
    sign_in(page, server, "member")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


MAIN_PAGES = [
    ("overview", "/"),
    ("theme", "/themes/{theme}/"),
    ("action-new", "/themes/{theme}/actions/new/"),
    ("action", "/actions/{action}/"),
    ("action-history", "/actions/{action}/history/"),
    ("action-edit", "/actions/{action}/edit/"),
    ("my-actions", "/my-actions/"),
    ("recommendations", "/recommendations/"),
    ("recommendation-new", "/recommendations/new/"),
    ("recommendation", "/recommendations/{recommendation}/"),
    ("data-requirements", "/data-requirements/"),
    ("data-requirement", "/data-requirements/{data_requirement}/"),
    ("history", "/history/"),
]


def first_id(page, server: str, path: str, pattern: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(server + path)
    return re.search(pattern, page.content()).group(1)


def test_main_pages_have_no_serious_accessibility_violations(
    browser, server: str, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    script = axe_script()
    if not script.exists():
        missing_service(
            f"axe-core not found at {script} "
            "(npm install --prefix ~/.cache/cspkit/npm axe-core, or run .ci/services.sh)"
        )
    context = browser.new_context(
        bypass_csp=True, locale="en-GB", viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    serious: dict[str, list[str]] = {}

    def scan(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        page.add_script_tag(path=str(script))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        assert result["passes"], f"axe checked nothing on {name}"
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if found:
            serious[name] = found

    page.goto(f"{server}/accounts/login/")
    scan("login")
    sign_in(page, server, "admin")
    ids = {
        "theme": first_id(page, server, "/", r'href="/themes/(\d+)/"'),
        "action": first_id(page, server, "/my-actions/", r'href="/actions/(\d+)/"'),
        "recommendation": first_id(
            page, server, "/recommendations/", r'href="/recommendations/(\d+)/"'
        ),
        "data_requirement": first_id(
            page, server, "/data-requirements/", r'href="/data-requirements/(\d+)/"'
        ),
    }
    for name, path in MAIN_PAGES:
        page.goto(server + path.format(**ids))
        scan(name)
    page.goto(f"{server}/actions/{ids['action']}/")
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("There is a problem").wait_for()
    scan("action-with-errors")
    context.close()
    assert not serious, json.dumps(serious, indent=2)
