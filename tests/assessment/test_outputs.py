"""Outputs: every format opens with the expected headings; two builds are byte-identical."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import docx
from typer.testing import CliRunner

from cspkit.assessment.build import build_assessment
from cspkit.cli import app
from cspkit.render import write_outputs
from cspkit.warehouse import connect

HEADINGS = ("Executive summary", "Performance overview", "Acquisitive crime",
            "Victim profile", "Offender profile", "Location profile",
            "Deprivation and vulnerable localities", "Peer comparison", "Recommendations",
            "Appendix A: Data coverage and quality", "Appendix B: Methods and sources")


def test_pdf_opens_and_holds_every_chapter_heading(assessed):
    text = subprocess.run(["pdftotext", str(assessed.written["pdf"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    for heading in HEADINGS:
        assert heading in text, heading
    assert "Data gap: Who the victims, suspects and offenders" in text


def test_docx_opens_with_heading_styles(assessed):
    word = docx.Document(str(assessed.written["docx"]))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for heading in HEADINGS:
        assert any(h.endswith(heading) for h in headings), heading


def test_xlsx_and_html_are_written(assessed):
    assert assessed.written["xlsx"].stat().st_size > 0
    html = assessed.written["html"].read_text(encoding="utf-8")
    assert "Partnership Strategic Assessment 2025" in html


def test_two_builds_give_byte_identical_html_and_csv(borough, assessed, tmp_path):
    con = connect(borough.warehouse, create=False)
    again = build_assessment(con, borough.config, analyst_text=borough.config.analyst_text)
    con.disconnect()
    # assess records the warehouse it was given in the manifest
    again = replace(again, metadata=replace(again.metadata, warehouse=str(borough.warehouse)))
    write_outputs(again, tmp_path, ["html", "csv"])
    first = assessed.written["html"].read_bytes()
    assert (tmp_path / "assessment.html").read_bytes() == first
    data = assessed.written["csv"]
    names = sorted(p.name for p in data.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "data").iterdir())
    for name in names:
        assert (tmp_path / "data" / name).read_bytes() == (data / name).read_bytes(), name


def test_csp_assess_writes_the_formats_the_configuration_asks_for(borough, tmp_path):
    config = tmp_path / "csp.toml"
    text = borough.config_path.read_text(encoding="utf-8")
    config.write_text(text.replace('formats = ["html", "docx", "pdf", "xlsx", "csv"]',
                                   'formats = ["csv"]'), encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", "--config", str(config), "--warehouse",
                                      str(borough.warehouse), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "csv: " in result.output and "tables" in result.output
    assert (tmp_path / "out" / "data" / "performance_by_crime_type.csv").exists()
    assert not (tmp_path / "out" / "assessment.pdf").exists()


def test_csp_assess_names_a_missing_configuration_file(tmp_path):
    result = CliRunner().invoke(app, ["assess", "--config", str(tmp_path / "none.toml"),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no configuration file at" in result.output and "csp init" in result.output


def test_csp_assess_names_a_period_that_is_not_loaded(borough, tmp_path):
    config = tmp_path / "csp.toml"
    config.write_text(borough.config_path.read_text(encoding="utf-8").replace(
        '"2025-01:2025-12"', '"2026-01:2026-12"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", "--config", str(config), "--warehouse",
                                      str(borough.warehouse), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no police_crime data loaded" in result.output


def test_progress_moves_step_by_step_to_its_total(borough, tmp_path):
    from cspkit.assessment.run import assess

    config = tmp_path / "csp.toml"
    config.write_text(borough.config_path.read_text(encoding="utf-8").replace(
        'formats = ["html", "docx", "pdf", "xlsx", "csv"]', 'formats = ["csv", "html"]'),
        encoding="utf-8")
    calls = []
    assess(config, warehouse=borough.warehouse, out_dir=tmp_path / "out",
           progress=lambda what, done, total: calls.append((what, done, total)))
    totals = {total for _, _, total in calls}
    assert len(totals) == 1
    done = [d for _, d, _ in calls]
    assert done == list(range(len(done))) and done[-1] == totals.pop()
    assert [w for w, _, _ in calls[-2:]] == ["writing html, csv", "done"]


def assert_headings_stay_with_their_content(document, pdf) -> None:
    """No heading ends a page, and none is set on an earlier page than its section's first
    table or figure (read back per page with pdftotext)."""
    from tests.render.page_breaks import stranded_headings

    found = stranded_headings(document, pdf)
    assert found.headings_checked >= 5
    assert found.at_page_foot == [] and found.apart_from_content == []


def test_pdf_headings_stay_with_their_tables_and_figures(assessed):
    assert_headings_stay_with_their_content(assessed.document, assessed.written["pdf"])


def test_pdf_with_partner_data_keeps_profile_headings_with_their_charts(partner_document,
                                                                        tmp_path):
    from cspkit.render import write_pdf

    pdf = write_pdf(partner_document, tmp_path / "assessment.pdf")
    assert_headings_stay_with_their_content(partner_document, pdf)
