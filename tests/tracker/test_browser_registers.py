"""The registers in real Chromium against ``csp serve`` (the demo seeded): entries added
through the page list in reference order, and the recommendation page holds each element id
once while both of its forms still work. Screenshots go to ``$CSP_SCREENSHOT_DIR`` when set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.tracker.test_browser import (  # noqa: F401 - fixtures
    browser,
    server,
    shots,
    sign_in,
)

pytestmark = pytest.mark.browser

DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}"""


def add(page, base: str, register: str, reference: str,  # type: ignore[no-untyped-def]
        fields: dict[str, str]) -> None:
    page.goto(f"{base}/{register}/new/")
    page.get_by_label("Reference", exact=True).fill(reference)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Add to the register").click()
    page.get_by_text(f"{reference} is added.").wait_for()


def references(page, base: str, register: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/{register}/")
    table = page.get_by_role("table").first
    return [re.sub(r"\s+", "", text) for text in
            table.locator("tbody tr").evaluate_all(
                "rows => rows.map(r => r.querySelector('a').textContent)")]


def test_registers_list_references_by_number_and_ids_are_unique(
    browser, server: str, shots: Path  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    sign_in(page, server, "admin")
    # The demo's registers run D1…D5 and R1…R6; D10 and R10 sort as text before D2 and R2.
    add(page, server, "data-requirements", "D10", {"Data gap": "Fire incidents lack a ward."})
    add(page, server, "recommendations", "R10",
        {"Recommendation": "Share repeat-location lists monthly.", "Source": "PSA 2026"})
    shown = references(page, server, "data-requirements")
    page.screenshot(path=str(shots / "registers-data-requirements.png"), full_page=True)
    assert shown == ["D1", "D2", "D3", "D4", "D5", "D10"], shown
    shown = references(page, server, "recommendations")
    page.screenshot(path=str(shots / "registers-recommendations.png"), full_page=True)
    assert shown == ["R1", "R2", "R3", "R4", "R5", "R6", "R10"], shown

    page.get_by_role("link", name="R10", exact=True).click()
    page.get_by_role("heading", name="Manage").wait_for()
    page.screenshot(path=str(shots / "registers-recommendation.png"), full_page=True)
    assert page.evaluate(DUPLICATE_IDS) == []
    # Both forms still post their own version: the update form, and making it an action.
    page.get_by_label("Make it an action of theme").select_option(index=1)
    page.get_by_role("button", name="Make it a plan action").click()
    page.get_by_text(re.compile(r"Recommendation R10 is now action \d+\.\d+")).wait_for()
    context.close()
