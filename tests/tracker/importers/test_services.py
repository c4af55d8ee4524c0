"""Importing documents into a plan in a real (test) database, through the tracker services.

Expected counts are hand counts of the seed files (see test_reading.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.errors import CspError
from cspkit.tracker.importers.report import ImportReport
from cspkit.tracker.importers.services import import_file
from cspkit.tracker.models import (
    Action,
    ActionUpdate,
    DataRequirement,
    DataRequirementUpdate,
    Recommendation,
    RecommendationUpdate,
    Role,
    SubAction,
    Theme,
)
from cspkit.tracker.services.people import partnership_create, person_create
from cspkit.tracker.status import RagStatus
from tests.tracker.fixtures_import import Stockton, build_stockton, seed


@pytest.fixture
def stockton(db: None) -> Stockton:
    return build_stockton()


def _import(world: Stockton, path: Path) -> ImportReport:
    return import_file(path=path, plan=world.plan, imported_by=world.manager)


@pytest.mark.real_data
def test_community_safety_plan_imports_themes_actions_and_sub_actions(stockton) -> None:
    report = _import(stockton, seed("004"))
    plan = stockton.plan
    assert report.counts["themes"].created == 6
    assert report.counts["actions"].created == 44  # 8 + 8 + 5 + 9 + 6 + 8 rows
    assert report.counts["sub-actions"].created == 59  # 12 + 10 + 19 + 2 + 5 + 11
    assert Theme.objects.filter(plan=plan).count() == 6
    assert Action.objects.filter(theme__plan=plan).count() == 44
    assert SubAction.objects.filter(action__theme__plan=plan).count() == 59
    asb = Theme.objects.get(plan=plan, number=1)
    assert asb.thematic_lead.full_name == "Mick Williams"
    first = Action.objects.get(theme=asb, number=1)
    assert [p.initials for p in first.leads.all()] == ["MW"]
    assert {a.short_name for a in first.lead_agencies.all()} == {"Police"}
    violence_2 = Action.objects.get(theme__plan=plan, theme__number=3, number=2)
    assert [p.initials for p in violence_2.leads.all()] == ["CS"]  # "TA & CS": TA unknown
    unmatched = {lead.name: lead.wheres for lead in report.unmatched_leads}
    assert unmatched["YOS (Youth Offending Service (Julie Dinsdale))"] == ["line 17"]
    # TA leads 2.8 (legend entry "TA – Ted Allen"), and 3.1 and 3.2 in a theme without one.
    assert unmatched["TA (Ted Allen)"] == ["line 34"]
    assert unmatched["TA"] == ["line 43", "line 44"]
    assert unmatched["EC (Emma Champley)"] == [
        "line 27", "line 28", "line 31", "line 32", "line 63", "line 64", "line 65", "line 66",
        "line 67",
    ]  # fmt: skip
    # 8 action point leads (YOS, THL, EC, TA twice, RD twice as spelt, JE) and 3 thematic
    # leads nobody matches; MW and CS are people of the partnership.
    assert len(report.unmatched_leads) == 11
    assert "  leads not linked (11): add them" in "\n".join(report.lines())


@pytest.mark.real_data
def test_importing_the_same_plan_twice_creates_nothing_new(stockton) -> None:
    _import(stockton, seed("004"))
    again = _import(stockton, seed("004"))
    assert again.created == 0 and again.updated == 0
    assert again.counts["actions"].skipped == 44
    assert again.counts["sub-actions"].skipped == 59
    assert Theme.objects.count() == 6
    assert Action.objects.count() == 44
    assert SubAction.objects.count() == 59


@pytest.mark.real_data
def test_action_plan_update_imports_recommendations_updates_and_statuses(stockton) -> None:
    report = _import(stockton, seed("000"))
    assert report.counts["recommendations"].created == 16
    assert report.counts["updates"].created == 16  # every row has an update
    entries = Recommendation.objects.filter(plan=stockton.plan)
    assert entries.filter(status=RagStatus.COMPLETE).count() == 4
    assert entries.filter(status=RagStatus.AMBER).count() == 2
    assert entries.filter(status=RagStatus.NOT_STARTED).count() == 10
    update = RecommendationUpdate.objects.get(recommendation__reference="3.4")
    assert update.written_on == date(2008, 8, 1)  # "August 2008" in the title
    police_sbc = entries.get(reference="6.2")
    assert {a.short_name for a in police_sbc.agencies.all()} == {"Police", "SBC"}
    assert ("line 20", "30") in [(u.where, u.text) for u in report.unmapped]
    again = _import(stockton, seed("000"))
    assert again.created == 0 and again.updated == 0
    assert RecommendationUpdate.objects.count() == 16


@pytest.mark.real_data
def test_progress_report_imports_data_requirements_and_recommendations(stockton) -> None:
    report = _import(stockton, seed("001"))
    assert report.counts["data requirements"].created == 10
    assert report.counts["recommendations"].created == 5
    assert report.counts["updates"].created == 15
    assert len(report.cover_paragraphs) == 6
    assert DataRequirement.objects.count() == 10
    assert Recommendation.objects.count() == 5
    assert {u.written_on for u in DataRequirementUpdate.objects.all()} == {date(2010, 6, 28)}
    reoffending = DataRequirement.objects.get(reference="4.2.3")
    assert {a.short_name for a in reoffending.lead_agencies.all()} == {"SBC", "Police"}
    assert _import(stockton, seed("001")).created == 0


@pytest.mark.real_data
def test_layout_proposal_imports_nothing_and_says_why(stockton) -> None:
    report = _import(stockton, seed("002"))
    assert report.created == 0
    assert any(note.startswith("nothing imported") for note in report.notes)
    assert len(report.cover_paragraphs) == 6
    assert Action.objects.count() == 0 and Recommendation.objects.count() == 0


@pytest.mark.real_data
def test_assessment_summary_imports_recommendations_with_progress(stockton) -> None:
    report = _import(stockton, seed("003"))
    assert report.counts["recommendations"].created == 19  # I–X and 1–9
    assert report.counts["updates"].created == 10  # progress on I–X
    assert RecommendationUpdate.objects.get(recommendation__reference="IX").text.count("\n\n") == 1
    assert Recommendation.objects.get(reference="1").source == (
        "The Partnership Strategic Assessment 2012"
    )
    assert any("carries no date" in note for note in report.notes)


def test_word_table_imports_and_reimports_without_duplicates(stockton, tmp_path) -> None:
    document = Document()
    document.add_heading("2. Violence action plan", level=1)
    document.add_paragraph("THEMATIC LEAD: Ch Insp (Mick Williams)")
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ["No", "Lead", "Action", "Update", "Status"], strict=True
    ):
        cell.text = text
    rows = [
        ["1", "MW", "Hold tactical meetings a) weekly b) with A&E data", "Started", "Green"],
        ["2", "Police", "Fund street pastors", "", ""],
    ]
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    path = tmp_path / "violence.docx"
    document.save(str(path))

    report = _import(stockton, path)
    assert (report.counts["actions"].created, report.counts["sub-actions"].created) == (2, 2)
    assert report.counts["updates"].created == 1
    meetings = Action.objects.get(theme__number=2, number=1)
    assert meetings.status == "green"
    assert meetings.theme.thematic_lead.full_name == "Mick Williams"
    pastors = Action.objects.get(theme__number=2, number=2)
    assert [a.short_name for a in pastors.lead_agencies.all()] == ["Police"]
    assert _import(stockton, path).created == 0
    assert ActionUpdate.objects.count() == 1

    rows[1][2] = "Fund street pastors in Yarm"
    table.rows[2].cells[2].text = rows[1][2]
    document.save(str(path))
    changed = _import(stockton, path)
    assert changed.counts["actions"].updated == 1 and changed.created == 0
    pastors.refresh_from_db()
    assert pastors.text == "Fund street pastors in Yarm"
    assert pastors.history.count() >= 2

    table.rows[1].cells[2].text = "Hold tactical meetings a) fortnightly"
    document.save(str(path))
    fewer = _import(stockton, path)
    assert (fewer.counts["sub-actions"].updated, fewer.counts["sub-actions"].removed) == (1, 1)
    assert list(meetings.sub_actions.values_list("label", "text")) == [("a", "fortnightly")]
    assert "  sub-actions: 0 created, 1 updated, 0 unchanged, 1 removed" in fewer.lines()


def test_import_refuses_a_member_and_writes_nothing(stockton, tmp_path) -> None:
    member = person_create(
        agency=stockton.police, full_name="Reader", role=Role.MEMBER, username="reader"
    )
    path = tmp_path / "recs.txt"
    path.write_text("Recommendations\n\nNo\tRecommendation\n1\tGet A&E data\n", encoding="utf-8")
    with pytest.raises(CspError, match="not allowed to import"):
        import_file(path=path, plan=stockton.plan, imported_by=member.user)
    assert Recommendation.objects.count() == 0


def test_a_row_the_plan_cannot_hold_is_named(stockton, tmp_path) -> None:
    path = tmp_path / "recs.txt"
    long_reference = "R" * 30
    path.write_text(f"No\tRecommendation\n{long_reference}\tGet A&E data\n", encoding="utf-8")
    with pytest.raises(CspError, match=r"line 2: could not be saved"):
        _import(stockton, path)


@pytest.mark.real_data
def test_cli_imports_files_and_prints_the_report(stockton) -> None:
    result = CliRunner().invoke(
        app, ["tracker", "import", str(seed("004")), str(seed("000")), "--as", "manager"]
    )
    assert result.exit_code == 0, result.output
    assert "actions: 44 created, 0 updated, 0 unchanged" in result.output
    assert "recommendations: 16 created, 0 updated, 0 unchanged" in result.output
    assert "line 20: status '30' not recognised" in result.output
    assert Action.objects.count() == 44 and Recommendation.objects.count() == 16


@pytest.mark.real_data
def test_cli_dry_run_saves_nothing(stockton) -> None:
    result = CliRunner().invoke(
        app, ["tracker", "import", str(seed("004")), "--as", "manager", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was saved" in result.output
    assert Action.objects.count() == 0


def test_cli_errors_are_one_line_and_exit_non_zero(stockton, tmp_path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text("No\tBudget\n1\t5k\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["tracker", "import", str(path), "--as", "manager"])
    assert result.exit_code == 1
    assert f"error: {path}:1: line 1, column 2: unknown column header 'Budget'" in result.output
    result = runner.invoke(app, ["tracker", "import", str(path), "--as", "nobody"])
    assert result.exit_code == 1 and "no user called 'nobody'" in result.output
    result = runner.invoke(app, ["tracker", "import", str(path), "--as", "manager",
                                 "--date", "31/3"])
    assert result.exit_code == 1 and "is not a date" in result.output


def test_without_a_plan_the_partnerships_latest_plan_is_used(stockton, tmp_path) -> None:
    path = tmp_path / "recs.txt"
    path.write_text("No\tRecommendation\n1\tGet A&E data\n", encoding="utf-8")
    report = import_file(path=path, partnership=stockton.partnership, imported_by=stockton.manager)
    assert report.plan == "Community Safety Plan 2011-14"
    assert Recommendation.objects.get().plan == stockton.plan


def test_a_partnership_without_a_plan_is_told_to_create_one(stockton, tmp_path) -> None:
    other = partnership_create(name="Elsewhere CSP", area_name="Elsewhere")
    path = tmp_path / "recs.txt"
    path.write_text("No\tRecommendation\n1\tGet A&E data\n", encoding="utf-8")
    with pytest.raises(CspError, match="'Elsewhere CSP' has no plan yet. Create the plan"):
        import_file(path=path, partnership=other, imported_by=stockton.manager)


@pytest.mark.real_data
def test_agencies_the_registers_name_can_be_added_as_written(stockton) -> None:
    report = import_file(
        path=seed("000"), plan=stockton.plan, imported_by=stockton.manager, add_agencies=True
    )
    # AGENCY cells: ASB TEAM, DAT, DV, A&E NEAS, TRISTAR, YOUTH SERVICES are new; POLICE and
    # SBC are known (also inside "ASB TEAM POLICE", "DAT POLICE", "POLICE TRISTAR" …).
    added = {w.text for w in report.warnings}
    assert added == {"ASB TEAM", "DAT", "DV", "A&E NEAS", "TRISTAR", "YOUTH SERVICES"}
    assert report.counts["agencies"].created == 6
    assert report.unmatched_leads == []
    gangs = Recommendation.objects.get(reference="1.2")
    assert {a.short_name for a in gangs.agencies.all()} == {"ASB TEAM", "Police"}
    again = import_file(
        path=seed("000"), plan=stockton.plan, imported_by=stockton.manager, add_agencies=True
    )
    assert again.created == 0 and again.updated == 0
