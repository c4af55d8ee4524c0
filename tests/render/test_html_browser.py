"""assessment.html opened in a real browser: charts become interactive with no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspkit.assessment.document import Chart, Document
from cspkit.render import write_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


def test_charts_render_interactively_offline(document: Document, tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    path = write_html(document, tmp_path / "assessment.html")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        charts = [f for f in document.figures() if isinstance(f, Chart)]
        page.wait_for_function(
            f"document.querySelectorAll('.chart-view.vega-embed').length === {len(charts)}"
        )
        for chart in charts:
            view = page.locator(f"#{chart.id} .chart-view")
            # one SVG: vega-embed replaced the static fallback picture with the live view
            assert view.locator("svg.marks").count() == 1
            assert view.get_attribute("aria-label") == chart.alt_text
        headings = page.locator("h1, h2, h3, h4").count()
        browser.close()
    assert errors == []
    assert [url for url in requests if not url.startswith("file:")] == []
    assert headings == 1 + 1 + len(document.all_sections())  # title, contents, sections
