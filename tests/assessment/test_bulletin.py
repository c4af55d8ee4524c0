"""`csp scan` on the fictional borough: the bulletin in every format, and scan.csv."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cspkit.cli import app


@pytest.fixture(scope="module")
def scanned(borough, tmp_path_factory):
    out = tmp_path_factory.mktemp("bulletin")
    result = CliRunner().invoke(app, ["scan", "--config", str(borough.config_path),
                                      "--warehouse", str(borough.warehouse),
                                      "--month", "2025-12", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_scan_writes_the_bulletin_in_every_format_and_every_test(borough, scanned):
    out, output = scanned
    for name in ("bulletin.html", "bulletin.docx", "bulletin.pdf", "scan.csv",
                 "data/manifest.json"):
        assert (out / name).stat().st_size > 0
    table = pd.read_csv(out / "scan.csv")
    assert list(table.columns) == ["area_code", "area_name", "category", "test", "observed",
                                   "expected", "upper_limit", "p_value", "q_value", "flagged"]
    assert f"{len(table):,} tests" in output
    ward = borough.manifest.trend("rising_ward").area_name
    flagged = table[table["flagged"]]
    assert ward in set(flagged["area_name"])
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    # Flagged issues come first, the rising ward's chart among them.
    assert html.index("Issues standing out") < html.index("Top five wards")
    assert f"Total recorded crime, {ward}" in html
    manifest = json.loads((out / "data/manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == "2025-12:2025-12" and manifest["inputs"]


def test_scan_of_a_month_not_loaded_is_a_one_line_error(borough, tmp_path):
    result = CliRunner().invoke(app, ["scan", "--config", str(borough.config_path),
                                      "--warehouse", str(borough.warehouse),
                                      "--month", "2030-01", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert ("no police_crime data loaded for 1 month(s) of the period 2030-01 to 2030-01: "
            "2030-01") in result.output
    assert not (tmp_path / "scan.csv").exists()


def test_bulletin_pdf_keeps_each_heading_with_its_table_or_chart(borough, tmp_path):
    from cspkit.assessment.bulletin import build_bulletin
    from cspkit.render import write_pdf
    from cspkit.warehouse import connect
    from tests.render.page_breaks import stranded_headings

    con = connect(borough.warehouse, create=False)
    try:
        document, _ = build_bulletin(con, borough.config, month="2025-12")
    finally:
        con.disconnect()
    found = stranded_headings(document, write_pdf(document, tmp_path / "bulletin.pdf"))
    assert found.headings_checked >= 3
    assert found.at_page_foot == [] and found.apart_from_content == []
