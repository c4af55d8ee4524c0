"""Measures in real Chromium against ``csp serve``: a lead sets an action's measure through
the form, ``csp tracker measures`` computes it from a real DuckDB warehouse in another
process, and the action page and plan overview show the figures; axe-core scans the new page
parts (WCAG 2.2 AA). Screenshots go to ``$CSP_SCREENSHOT_DIR`` when set."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.analysis.conftest import LAD, build_tiny
from tests.tracker.conftest import missing_service
from tests.tracker.live import live_tracker, server_environment
from tests.tracker.test_browser import (  # noqa: F401 - fixtures
    AXE_TAGS,
    axe_script,
    browser,
    shots,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("browser-measures")
    with live_tracker(folder) as base:
        yield base, folder


def compute(folder: Path, warehouse: Path) -> list[dict]:
    env = server_environment(folder) | {
        "CSP_DATABASE_URL": str(folder / "live.sqlite3"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "cspkit.cli", "tracker", "measures", "--json", "--warehouse",
         str(warehouse)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_lead_sets_a_measure_and_sees_it_computed_beside_their_status(
    browser, live, shots: Path, tmp_path: Path  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    script = axe_script()
    if not script.exists():
        missing_service(f"axe-core not found at {script}")
    base, folder = live
    warehouse = tmp_path / "tiny.duckdb"
    build_tiny(warehouse).disconnect()
    context = browser.new_context(bypass_csp=True, locale="en-GB",
                                  viewport={"width": 1200, "height": 900})
    page = context.new_page()
    serious: dict[str, list[str]] = {}

    def scan(name: str) -> None:
        page.screenshot(path=str(shots / f"measures-{name}.png"), full_page=True)
        page.add_script_tag(path=str(script))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert result["passes"], f"axe checked nothing on {name}"
        found = [f"{v['id']} ({v['impact']}): {v['help']} at "
                 f"{[n['target'] for n in v['nodes']][:3]}"
                 for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if found:
            serious[name] = found

    sign_in(page, base, "lead.fire")
    page.get_by_role("link", name="My actions").click()
    page.get_by_role("link", name="5.1", exact=True).click()
    action_url = page.url
    section = page.get_by_role("region", name="Measure from the data")
    assert "Not computed yet" in section.inner_text()
    scan("action-not-computed")

    section.get_by_role("link", name="Change the measure").click()
    page.get_by_label("Baseline", exact=True).select_option("fixed")
    page.get_by_role("button", name="Save measure").click()
    page.get_by_text("There is a problem").wait_for()
    scan("form-with-errors")
    page.get_by_label("Area codes").fill(LAD)
    page.get_by_label("Months compared").fill("2")
    page.get_by_label("Baseline", exact=True).select_option("previous")
    page.get_by_role("button", name="Save measure").click()
    page.get_by_text("The measure of action 5.1 is saved.").wait_for()

    rows = {row["reference"]: row for row in compute(folder, warehouse)}
    # Criminal damage and arson in Testborough: 8 in 2025-01…02 against 2 before.
    assert (rows["5.1"]["current"], rows["5.1"]["baseline"]) == (8, 2)
    assert rows["3.1"]["current"] is None and "E06900001" in rows["3.1"]["missing"]

    page.goto(action_url)
    section = page.get_by_role("region", name="Measure from the data")
    text = section.inner_text()
    # The areas by name, the periods and months in words, as the rest of the site writes
    # them: never the area code or YYYY-MM.
    assert "Criminal damage and arson was up 300% (2 → 8) against November to December " \
           "2024" in text
    assert "in Testborough" in text and LAD not in text
    assert re.search(r"8\s+in January to February 2025", text)
    assert re.search(r"2\s+in November to December 2024", text)
    assert not re.search(r"\b20\d\d-\d\d\b", text), text
    assert "Too early to say" in text and "Data to February 2025" in text
    chart = section.get_by_role("img", name=re.compile("monthly counts from November 2024 to "
                                                       "February 2025"))
    assert chart.count() == 1 and chart.bounding_box()["width"] > 100
    scan("action-computed")

    page.get_by_role("link", name="Plan overview").click()
    table = page.get_by_role("table", name=re.compile("Measures computed from the data"))
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="5.1"))
    assert row.get_by_role("cell").all_inner_texts()[:3] == ["Reduce by 5%", "8", "2"]
    assert row.get_by_role("cell").all_inner_texts()[-1].startswith("February 2025")
    other = table.get_by_role("row").filter(has=page.get_by_role("link", name="3.1"))
    assert "No figure" in other.inner_text() and "No figures" in other.inner_text()
    scan("overview")
    context.close()
    assert not serious, json.dumps(serious, indent=2)
