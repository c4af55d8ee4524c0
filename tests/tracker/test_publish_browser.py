"""What publishing shows, in real Chromium against ``csp serve``: ``csp tracker publish`` run
as a command on the demo's database (two years' assessments and a scan), then the
recommendation page with its findings and source assessment, the data requirements
register with a gap proposed for closure, and the watch list, each scanned with axe-core
and screenshotted (``$CSP_SCREENSHOT_DIR`` to look at them)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspkit.assessment.document import DataGap
from tests.tracker.conftest import missing_service
from tests.tracker.live import live_tracker, server_environment
from tests.tracker.test_browser import AXE_TAGS, axe_script, sign_in
from tests.tracker.test_publishing import ROBBERY, assessment, scan_folder

pytestmark = pytest.mark.browser

PARTNERSHIP = "Kestrel Vale Community Safety Partnership"
AREA = "Borough of Kestrel Vale"


def csp(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = server_environment(data_dir) | {
        "CSP_DATABASE_URL": str(data_dir / "live.sqlite3"),
        "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "cspkit.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("publish_browser")
    folders = tmp_path_factory.mktemp("published")
    with live_tracker(data_dir) as base:
        first = assessment(folders / "2025", partnership=PARTNERSHIP, area=AREA)
        gaps = (DataGap("Who the victims are", "Police crime extract with victims", "Police",
                        key="police_crime_extract"),)
        second = assessment(folders / "2026", period="2026-01:2026-12",
                            partnership=PARTNERSHIP, area=AREA, gaps=gaps)
        row = {"area_code": "E05000001", "area_name": "Central", "category": "Robbery",
               "test": "month", "observed": 14, "expected": 4.2, "upper_limit": 9,
               "p_value": 1e-4, "q_value": 0.003, "flagged": True}
        scan = scan_folder(folders / "scan", [row], partnership=PARTNERSHIP, area=AREA)
        for folder in (first, second, scan):
            done = csp(data_dir, "tracker", "publish", str(folder), "--as", "admin")
            assert done.returncode == 0, done.stderr
        older = csp(data_dir, "tracker", "publish", str(first), "--as", "admin")
        assert older.returncode == 0 and "already published" in older.stdout
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from tests.tracker.test_browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        missing_service(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_published_entries_show_their_evidence_and_pass_axe(browser, published: str,
                                                            tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = axe_script()
    if not script.exists():
        missing_service(f"axe-core not found at {script}")
    shots = Path(os.environ.get("CSP_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(bypass_csp=True, locale="en-GB",
                                  viewport={"width": 1200, "height": 900})
    page = context.new_page()
    serious: dict[str, list[str]] = {}

    def scan(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        page.add_script_tag(path=str(script))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert result["passes"], f"axe checked nothing on {name}"
        found = [f"{v['id']}: {v['help']}" for v in result["violations"]
                 if v["impact"] in ("serious", "critical")]
        if found:
            serious[name] = found

    sign_in(page, published, "admin")
    page.goto(f"{published}/recommendations/?q=robbery")
    page.get_by_role("link", name=re.compile(r"^R\d+$")).first.click()
    main = page.locator("main")
    main.get_by_text("The findings behind it").wait_for()
    assert ROBBERY.sentence in main.inner_text()
    assert "Partnership Strategic Assessment 2026 (2026-01 to 2026-12)" in main.inner_text()
    assert "Proposed" in main.inner_text()
    scan("published-recommendation")

    page.goto(f"{published}/data-requirements/")
    row = page.get_by_role("row").filter(has_text="Deliberate fires")
    assert "Proposed for closure" in row.inner_text()
    victims = page.get_by_role("row").filter(has_text="Who the victims are")
    assert "Proposed for closure" not in victims.inner_text()
    scan("data-requirements-closure")
    row.get_by_role("link").click()
    assert "no longer lacks these data" in page.locator("main").inner_text()
    scan("data-requirement-closure")

    page.goto(f"{published}/watch-list/")
    table = page.get_by_role("table")
    assert "2026-03: 1 flagged issue" in table.inner_text()
    assert "Central" in table.inner_text() and "14" in table.inner_text()
    scan("watch-list")
    context.close()
    assert not serious, json.dumps(serious, indent=2)
