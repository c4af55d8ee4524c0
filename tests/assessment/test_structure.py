"""The assessment's shape: chapters, profiles, required tables, data gaps, provenance."""

from __future__ import annotations

import csv
import json
import re

import duckdb

from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.assessment.data_needs import DATA_NEEDS
from cspkit.assessment.document import DataGap, Finding, Section, Table


def _section(document, section_id: str) -> Section:
    return next(s for s in document.all_sections() if s.id == section_id)


def _blocks(section: Section):
    for child in section.children:
        yield child
        if isinstance(child, Section):
            yield from _blocks(child)


def test_chapters_run_from_summary_to_methods(document):
    titles = [s.title for s in document.sections]
    assert titles[:2] == ["Executive summary", "Performance overview"]
    assert titles[-5:] == ["Deprivation and vulnerable localities", "Peer comparison",
                           "Recommendations", "Appendix A: Data coverage and quality",
                           "Appendix B: Methods and sources"]


def roles_needed(theme) -> tuple[str, ...]:
    """Anti-social behaviour is reported by callers against perpetrators (the warehouse's
    offender role); crime has victims and offenders."""
    return ("caller", "offender") if theme.categories == [ASB_CATEGORY] else ("victim",
                                                                             "offender")


def test_every_priority_theme_has_a_profile_of_each_role_it_needs_and_a_location_profile(
        document, borough):
    chapters = {s.title: s for s in document.sections}
    for theme in borough.config.themes:
        chapter = chapters[theme.name]
        titles = [s.title for s in chapter.sections()]
        if theme.categories == [ASB_CATEGORY]:
            assert "Caller profile" in titles and "Perpetrator profile" in titles
            assert "Victim profile" not in titles
        else:
            assert "Victim profile" in titles and "Offender profile" in titles
        if theme.categories:
            assert "Location profile" in titles


def test_each_role_profile_names_the_missing_data_when_no_person_data(document, borough):
    """Each profile says no data are available and names the data requirements by number;
    each need is set out (a data gap box) once, where it first arises."""
    boxes = []
    for theme in borough.config.themes:
        for role in roles_needed(theme):
            section = _section(document, f"{theme.id}_{role}s")
            who = section.title.split()[0].lower()
            assert section.children[0].text.startswith(f"No {who} data are available"), (
                theme.id, role)
            assert re.search(r"needs data requirements? D\d+", section.children[0].text)
            boxes += [b for b in section.children if isinstance(b, DataGap)]
    assert len({b.missing for b in boxes}) == len(boxes)
    police = _section(document, "violence_victims").children[1]
    assert "victims, suspects and offenders" in police.would_fill and police.owner == "Police"
    callers = _section(document, "anti_social_behaviour_callers").children
    assert callers[0].text.startswith("No caller data are available")
    assert callers[1].missing.startswith("Who reports anti-social behaviour")
    assert callers[1].owner == "Council"
    later = _section(document, "acquisitive_crime_victims").children
    assert not any(isinstance(b, DataGap) for b in later)
    assert "set out under Violence including domestic abuse and robbery" in later[0].text


def test_each_partner_source_and_flag_a_theme_needs_is_a_gap_while_it_is_not_loaded(
        document):
    register = {r["missing"]: r for r in next(
        t for t in document.tables() if t.id == "data_requirements").frame().to_dict("records")}
    expected = {"council_asb": "Anti-social behaviour",
                "fire": "Anti-social behaviour; Criminal damage and arson",
                "ae_assault": "Violence including domestic abuse and robbery",
                "domestic_abuse_flag": "Violence including domestic abuse and robbery",
                "yos_fte": "Young people"}
    for need, themes in expected.items():
        row = register[DATA_NEEDS[need].missing]
        assert (row["themes"], row["owner"]) == (themes, DATA_NEEDS[need].owner), need


def test_location_profile_has_ward_table_map_hot_spots_trend_and_top_locations(document):
    section = _section(document, "acquisitive_crime_location")
    ids = {getattr(b, "id", None) for b in _blocks(section)}
    assert {"acquisitive_crime_wards", "acquisitive_crime_ward_map",
            "acquisitive_crime_hotspots", "acquisitive_crime_hotspot_map",
            "acquisitive_crime_top_locations"} <= ids
    assert "acquisitive_crime_trend" in {f.id for f in document.figures()}


def test_no_section_is_empty(document):
    for section in document.all_sections():
        assert section.children or section.summary, section.id


def test_required_csv_files_have_exactly_the_agreed_columns(assessed):
    data = assessed.written["csv"]
    expected = {
        "performance_by_crime_type.csv":
            ["crime_type", "current", "previous", "change", "pct_change", "p_value"],
        "ward_ranking.csv":
            ["ward_code", "ward_name", "count", "rate_per_1000", "rank", "previous_rank"],
    }
    for name, columns in expected.items():
        with open(data / name, encoding="utf-8") as f:
            assert next(csv.reader(f)) == columns


def test_every_table_is_published_as_csv(document, assessed):
    data = assessed.written["csv"]
    assert {f"{t.id}.csv" for t in document.tables()} == {
        p.name for p in data.glob("*.csv")}


def test_manifest_names_the_analysis_behind_every_table_and_figure(assessed):
    manifest = json.loads((assessed.written["csv"] / "manifest.json").read_text())
    assert manifest["period"] == "2025-01:2025-12"
    assert manifest["comparison_period"] == "2024-01:2024-12"
    assert manifest["config"]["areas"] == ["E06900001"]
    assert manifest["software_version"]
    assert all(t["analysis"] for t in manifest["tables"])
    assert all(f["analysis"] for f in manifest["figures"])
    by_id = {t["id"]: t["analysis"] for t in manifest["tables"]}
    assert by_id["performance_by_crime_type"] == "change.compare_periods"
    assert by_id["ward_ranking"] == "places.ward_ranking"


def test_manifest_inputs_are_the_loaded_files_with_their_ledger_checksums(assessed, borough):
    manifest = json.loads((assessed.written["csv"] / "manifest.json").read_text())
    with duckdb.connect(str(borough.warehouse), read_only=True) as con:
        ledger = dict(con.sql("SELECT file_name, sha256 FROM load_ledger "
                              "WHERE status = 'loaded'").fetchall())
    inputs = {i["file_name"]: i["sha256"] for i in manifest["inputs"]}
    assert inputs and all(ledger[name] == sha for name, sha in inputs.items())
    assert "2025-12-kestrel-fenmoor-street.csv" in inputs
    assert "2024-01-kestrel-fenmoor-street.csv" in inputs


def test_findings_point_at_tables_in_the_document(document):
    tables = {t.id for t in document.tables()}
    for finding in document.findings():
        assert isinstance(finding, Finding)
        assert finding.source_table is None or finding.source_table in tables


def test_analyst_text_targets_and_recommendations_are_carried_in(document):
    summary = _section(document, "executive_summary")
    texts = [getattr(b, "text", "") for b in summary.children]
    assert "Shop theft in the **town centre** is the partnership's main new concern." in texts
    targets = next(t for t in document.tables() if t.id == "targets")
    assert targets.frame()["subject"].tolist() == ["Burglary"]
    recommendations = _section(document, "recommendations")
    listed = [b for b in recommendations.children if hasattr(b, "items")]
    assert [r.text for r in listed[0].items] == ["Commission a shoplifting problem profile."]
    register = next(t for t in document.tables() if t.id == "data_requirements")
    assert len(register.rows) == len({(g.missing, g.would_fill) for g in document.data_gaps()})


def test_unavailable_analyses_are_explained_where_they_belong_and_in_the_appendix(document):
    appendix = {b.title for b in _section(document, "analyses_not_available").children}
    chapters = [s for s in document.sections if s.id in (
        "performance_overview", "deprivation", "peers")]
    missing = {b.title for chapter in chapters for b in _blocks(chapter)
               if getattr(b, "title", "").startswith("Not available: ")}
    assert missing <= appendix
    assert appendix == (missing or {"Analyses not available"})


def test_tables_are_tables(document):
    assert all(isinstance(t, Table) and t.rows for t in document.tables())


def test_executive_summary_counts_the_data_requirements(document):
    summary = _section(document, "executive_summary")
    register = next(t for t in document.tables() if t.id == "data_requirements")
    assert summary.children[-1].text.startswith(
        f"The data requirements register under Recommendations lists {len(register.rows)} "
        "data requirements: ")
    assert "Police" in summary.children[-1].text
