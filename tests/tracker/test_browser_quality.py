"""Real Chromium against ``csp serve``: an administrator links two data requirements to
completeness measures, ``csp tracker quality`` computes them from a real warehouse in
another process, and the register shows one green (target met) and one below target; axe-core
scans the register and the entry page; screenshots go to ``$CSP_SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from tests.sources.partner.conftest import reference_warehouse
from tests.sources.partner.test_load_partner import asb_export
from tests.tracker.conftest import missing_service
from tests.tracker.live import live_tracker, server_environment
from tests.tracker.test_browser import (  # noqa: F401 (fixtures)
    AXE_TAGS,
    axe_script,
    browser,
    shots,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("browser_quality")
    with live_tracker(folder) as base:
        yield base, folder


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser_quality_warehouse")
    con = reference_warehouse(folder)
    load_partner(con, [asb_export(folder)], mapping=load_mapping("council_asb"))
    con.disconnect()
    return folder / "w.duckdb"


def add_requirement(page, server: str, plan: str, reference: str, key: str,  # type: ignore[no-untyped-def]
                    target: str) -> None:
    page.goto(f"{server}/data-requirements/new/?plan={plan}")
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Data gap").fill(f"Council ASB records lack {key.split('.')[1]}")
    page.get_by_label("Data-quality measure").fill(key)
    page.get_by_label("Target completeness (%)").fill(target)
    page.get_by_role("button", name="Add to the register").click()
    page.get_by_text(f"Data requirement {reference} is added.").wait_for()


def test_a_requirement_turns_green_when_its_measure_meets_the_target(
    browser, live: tuple[str, Path], warehouse: Path, shots: Path  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    server, folder = live
    context = browser.new_context(bypass_csp=True, locale="en-GB",
                                  viewport={"width": 1200, "height": 900})
    page = context.new_page()
    sign_in(page, server, "admin")
    page.goto(f"{server}/data-requirements/")
    plan = re.search(r'data-requirements/new/\?plan=(\d+)', page.content()).group(1)
    add_requirement(page, server, plan, "D6", "council_asb.sex", "95")
    add_requirement(page, server, plan, "D7", "council_asb.ethnicity", "40")

    env = {**server_environment(folder), "CSP_DATABASE_URL": str(folder / "live.sqlite3")}
    done = subprocess.run(
        [sys.executable, "-m", "cspkit.cli", "tracker", "quality", "--plan", plan,
         "--warehouse", str(warehouse)],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "D6 Sex in council anti-social behaviour case records: 100.0%" in done.stdout

    page.goto(f"{server}/data-requirements/?plan={plan}")
    rows = {row.locator("td").first.inner_text(): row.locator("td").nth(3)
            for row in page.get_by_role("row").all()[1:]}
    assert rows["D6"].inner_text().split() == ["100.0%", "(target", "95%)", "Target", "met"]
    assert rows["D7"].inner_text().split() == ["0.0%", "(target", "40%)", "Below", "target"]

    def colour(cell) -> str:  # type: ignore[no-untyped-def]
        return cell.locator("strong").last.evaluate("e => getComputedStyle(e).backgroundColor")

    # Met, the measure is drawn in the colour of a Green status (the demo's D2 is Green).
    status = {ref: row.locator("td").nth(4) for ref, row in (
        (row.locator("td").first.inner_text(), row)
        for row in page.get_by_role("row").all()[1:])}
    assert status["D2"].inner_text().strip() == "Green"
    assert colour(rows["D6"]) == colour(status["D2"]) != colour(rows["D7"])
    assert "Not measured yet" in rows["D1"].inner_text()
    page.screenshot(path=str(shots / "data-requirements-quality.png"), full_page=True)
    serious = scan(page, "data-requirements-quality")

    page.get_by_role("link", name="D7", exact=True).click()
    region = page.get_by_role("region", name="Data quality")
    assert "0.0% of records in 2025-02, against a target of 40%" in region.inner_text()
    cells = region.get_by_role("row").nth(1).get_by_role("cell").all_inner_texts()
    assert cells == ["2025-01", "6", "3", "50.0%"]
    page.screenshot(path=str(shots / "data-requirement-quality.png"), full_page=True)
    serious += scan(page, "data-requirement-quality")
    context.close()
    assert not serious, json.dumps(serious, indent=2)


def scan(page, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Serious or critical axe-core violations on the page."""
    script = axe_script()
    if not script.exists():
        missing_service(f"axe-core not found at {script} (run .ci/services.sh)")
    page.add_script_tag(path=str(script))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert result["passes"], f"axe checked nothing on {name}"
    return [f"{name}: {v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]
