"""``csp tracker publish``: an assessment's recommendations and data gaps, and a scan's flagged
issues, published into the plan (idempotent, carried forward, all or nothing).

The folders are written by the real writer (:func:`cspkit.render.write_csv_bundle`) from
small hand-made Documents, so the manifest read is the one ``csp assess`` writes.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from cspkit.assessment.bulletin import SCAN_CSV_COLUMNS
from cspkit.assessment.document import (
    DataGap,
    Document,
    Finding,
    Metadata,
    Recommendation,
    RecommendationList,
    Section,
)
from cspkit.errors import CspError
from cspkit.render import write_csv_bundle
from cspkit.tracker.models import (
    DataRequirement,
    EmergingIssue,
    PublishedAssessment,
    RecommendationUpdate,
)
from cspkit.tracker.models import (
    Recommendation as Entry,
)
from cspkit.tracker.reports.build import build_progress_report
from cspkit.tracker.services.plan import plan_create, theme_create
from cspkit.tracker.services.publishing import publish, read_folder
from cspkit.tracker.services.updates import recommendation_update_create
from cspkit.tracker.status import RagStatus
from tests.tracker.world import World

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
ROBBERY = Finding("Robbery rose by 43% (223 → 319), a statistically significant increase.",
                  16.3, "rise", {"group": "Robbery", "current": 319, "previous": 223},
                  "asb_performance")
HOT = Finding("2 LSOAs in Central were hot spots in both periods.", 1.4, "hot-spot",
              {"persistent": 2}, "asb_hotspots")


def assessment(folder: Path, *, period: str = "2025-01:2025-12",
               partnership: str = "Testshire CSP", area: str = "Testshire",
               recommendations: tuple[Recommendation, ...] | None = None,
               gaps: tuple[DataGap, ...] | None = None) -> Path:
    """Write an assessment folder as ``csp assess`` does (``data/manifest.json``)."""
    if recommendations is None:
        recommendations = (
            Recommendation("Commission a robbery problem profile.", theme="Anti-social behaviour",
                           key="rise:asb:robbery", agreed=False, findings=(ROBBERY,)),
            Recommendation("Consult residents.", key="agreed:consult-residents"),
        )
    if gaps is None:
        gaps = (
            DataGap("Who the victims are", "Police crime extract with victims", "Police",
                    key="police_crime_extract"),
            DataGap("Deliberate fires", "Fire incidents with motive", "Fire and rescue service",
                    key="fire"),
        )
    document = Document(
        title=f"Partnership Strategic Assessment {period[:4]}", partnership=partnership,
        period_text=period, sections=(
            Section("recommendations", "Recommendations", 1,
                    (RecommendationList(recommendations), *gaps)),),
        metadata=Metadata(period=period, comparison_period="2024-01:2024-12",
                          config={"areas": ["E06000999"]}, warehouse="warehouse.duckdb",
                          area_names=(area,)))
    write_csv_bundle(document, folder / "data")
    return folder


def scan_folder(folder: Path, rows: list[dict], *, month: str = "2026-03",
                partnership: str = "Testshire CSP", area: str = "Testshire") -> Path:
    """A scan folder as ``csp scan`` writes it: ``scan.csv`` and ``data/manifest.json``."""
    document = Document(
        title=f"Scanning bulletin, {month}", partnership=partnership, period_text=month,
        sections=(Section("flagged", "Issues standing out", 1, ()),),
        metadata=Metadata(period=f"{month}:{month}", comparison_period=f"{month}:{month}",
                          area_names=(area,)))
    write_csv_bundle(document, folder / "data")
    header = ",".join(SCAN_CSV_COLUMNS)  # the columns csp scan writes
    lines = [header] + [",".join(str(r[k]) for k in header.split(",")) for r in rows]
    (folder / "scan.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def snapshot(world: World) -> dict[str, object]:
    """Everything publishing may write, to compare before and after."""
    return {
        "recommendations": sorted(Entry.objects.values_list(
            "plan_id", "reference", "key", "text", "version", "status")),
        "requirements": sorted(DataRequirement.objects.values_list(
            "plan_id", "reference", "key", "data_gap", "version", "closure_proposed_in")),
        "published": PublishedAssessment.objects.count(),
        "issues": EmergingIssue.objects.count(),
        "history": (Entry.history.count(), DataRequirement.history.count()),
        "warehouse": list(world.plan.__class__.objects.values_list("warehouse", flat=True)),
    }


def next_plan(world: World):
    plan = plan_create(created_by=world.admin, partnership=world.plan.partnership,
                       title="Plan 2027-28", period_start=date(2027, 4, 1),
                       period_end=date(2028, 3, 31))
    theme_create(created_by=world.admin, plan=plan, number=1, title="Anti-social behaviour")
    return plan


def test_publish_writes_recommendations_with_findings_and_gaps_with_their_owner(
        world: World, tmp_path: Path) -> None:
    folder = read_folder(assessment(tmp_path / "psa"))
    report = publish(folder=folder, plan=world.plan, published_by=world.admin, now=NOW)
    assert report.created == 4
    robbery = Entry.objects.get(plan=world.plan, key="rise:asb:robbery")
    assert robbery.reference == "R3"  # R1 and R2 were there already
    assert robbery.agreed is False and robbery.theme == world.theme
    assert robbery.findings == [{"sentence": ROBBERY.sentence, "kind": "rise",
                                 "figures": {"group": "Robbery", "current": 319,
                                             "previous": 223},
                                 "table": "asb_performance"}]
    assert robbery.source == "Partnership Strategic Assessment 2025"
    assert robbery.published_in.period_end == "2025-12"
    assert Entry.objects.get(key="agreed:consult-residents").agreed is True
    victims = DataRequirement.objects.get(plan=world.plan, key="police_crime_extract")
    assert (victims.data_gap, victims.action) == (
        "Who the victims are", "Police crime extract with victims")
    assert list(victims.lead_agencies.all()) == [world.police]
    fire = DataRequirement.objects.get(key="fire")
    assert fire.suggested_owner == "Fire and rescue service"
    assert list(fire.lead_agencies.all()) == []  # Testshire has no fire service agency
    assert any("Fire and rescue service" in line for line in report.lines())
    world.plan.refresh_from_db()
    assert world.plan.warehouse == "warehouse.duckdb"


def test_publishing_the_same_assessment_again_changes_nothing(world: World,
                                                              tmp_path: Path) -> None:
    folder = read_folder(assessment(tmp_path / "psa"))
    publish(folder=folder, plan=world.plan, published_by=world.admin, now=NOW)
    before = snapshot(world)
    report = publish(folder=read_folder(tmp_path / "psa"), plan=world.plan,
                     published_by=world.admin, now=NOW)
    assert snapshot(world) == before
    assert report.created == report.updated == 0


def test_a_rebuilt_assessment_of_the_same_year_updates_only_what_changed(
        world: World, tmp_path: Path) -> None:
    publish(folder=read_folder(assessment(tmp_path / "a")), plan=world.plan,
            published_by=world.admin, now=NOW)
    reworded = (Recommendation("Commission a robbery problem profile now.",
                               theme="Anti-social behaviour", key="rise:asb:robbery",
                               agreed=True, findings=(ROBBERY, HOT)),
                Recommendation("Consult residents.", key="agreed:consult-residents"))
    report = publish(folder=read_folder(assessment(tmp_path / "b", recommendations=reworded)),
                     plan=world.plan, published_by=world.admin, now=NOW)
    # Every entry now cites the rebuilt assessment; only the robbery one changed its words.
    assert (report.created, report.updated) == (0, 4)
    assert Entry.objects.get(key="agreed:consult-residents").text == "Consult residents."
    robbery = Entry.objects.get(key="rise:asb:robbery")
    assert robbery.version == 2 and robbery.agreed is True and len(robbery.findings) == 2
    assert Entry.objects.filter(key="rise:asb:robbery").count() == 1


def test_next_years_assessment_carries_forward_open_entries_and_proposes_filled_gaps_closed(
        world: World, tmp_path: Path) -> None:
    publish(folder=read_folder(assessment(tmp_path / "2025")), plan=world.plan,
            published_by=world.admin, now=NOW)
    old = Entry.objects.get(plan=world.plan, key="rise:asb:robbery")
    recommendation_update_create(recommendation=old, author=world.admin,
                              text="Profile commissioned", status=RagStatus.GREEN,
                              written_on=date(2026, 9, 1), expected_version=old.version)
    plan = next_plan(world)
    # 2026: the fire data arrived (no fire gap); robbery still rises.
    gaps = (DataGap("Who the victims are", "Police crime extract with victims", "Police",
                    key="police_crime_extract"),)
    report = publish(folder=read_folder(assessment(tmp_path / "2026", period="2026-01:2026-12",
                                                   gaps=gaps)),
                     plan=plan, published_by=world.admin, now=NOW)
    assert report.carried_forward == 4 and report.proposed_for_closure == 1
    carried = Entry.objects.get(plan=plan, key="rise:asb:robbery")
    assert carried.carried_forward_from == old
    assert carried.status == "green" and carried.reference == old.reference
    assert carried.published_in.period_end == "2026-12"
    assert RecommendationUpdate.objects.filter(recommendation=old).count() == 1
    assert Entry.objects.filter(key="rise:asb:robbery").count() == 2  # one per plan
    fire = DataRequirement.objects.get(plan=plan, key="fire")
    assert fire.closure_proposed_in.period_end == "2026-12"
    assert fire.carried_forward_from.plan == world.plan
    assert DataRequirement.objects.get(plan=plan, key="police_crime_extract"
                                       ).closure_proposed_in is None
    before = snapshot(world)
    publish(folder=read_folder(tmp_path / "2026"), plan=plan, published_by=world.admin,
            now=NOW)
    assert snapshot(world) == before


@pytest.mark.parametrize("case", ["not-an-assessment", "other-partnership", "older",
                                  "bad-json", "not-admin"])
def test_bad_input_is_one_line_and_writes_nothing(world: World, tmp_path: Path,
                                                  case: str) -> None:
    publish(folder=read_folder(assessment(tmp_path / "2026", period="2026-01:2026-12")),
            plan=world.plan, published_by=world.admin, now=NOW)
    before = snapshot(world)
    user = world.admin
    if case == "not-an-assessment":
        (tmp_path / "empty").mkdir()
        path, expected = tmp_path / "empty", "not an assessment"
    elif case == "other-partnership":
        path = assessment(tmp_path / "other", period="2027-01:2027-12",
                          partnership="Elsewhere CSP", area="Elsewhere")
        expected = "is for Elsewhere CSP"
    elif case == "older":
        path, expected = assessment(tmp_path / "2025"), "older than an assessment"
    elif case == "bad-json":
        (tmp_path / "bad" / "data").mkdir(parents=True)
        (tmp_path / "bad" / "data" / "manifest.json").write_text('{"title": ', "utf-8")
        path, expected = tmp_path / "bad", "is not valid JSON"
    else:
        path = assessment(tmp_path / "x", period="2027-01:2027-12")
        expected, user = "", world.member
    with pytest.raises((CspError, PermissionDenied)) as error:
        publish(folder=read_folder(path), plan=world.plan, published_by=user, now=NOW)
    assert expected in str(error.value) and "\n" not in str(error.value)
    assert snapshot(world) == before


def test_a_failure_half_way_writes_nothing(world: World, tmp_path: Path) -> None:
    """The second gap's owner is too long for its field: the first gap and every
    recommendation, already saved, are rolled back with it."""
    gaps = (DataGap("Who the victims are", "Extract", "Police", key="police_crime_extract"),
            DataGap("Fires", "Fire incidents", "Fire", key="fire"))
    path = assessment(tmp_path / "psa", gaps=gaps)
    manifest = path / "data" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["data_gaps"][1]["missing"] = ""
    manifest.write_text(json.dumps(data), "utf-8")
    before = snapshot(world)
    with pytest.raises(Exception, match="data_gap"):
        publish(folder=read_folder(path), plan=world.plan, published_by=world.admin, now=NOW)
    assert snapshot(world) == before


def test_a_scans_flagged_issues_join_the_watch_list_once_per_month_and_series(
        world: World, tmp_path: Path) -> None:
    row = {"area_code": "E05000001", "area_name": "Central", "category": "Robbery",
           "test": "month", "observed": 14, "expected": 4.2, "upper_limit": 9, "p_value": 1e-4,
           "q_value": 0.003, "flagged": True}
    quiet = row | {"area_code": "E05000002", "area_name": "North", "flagged": False}
    folder = read_folder(scan_folder(tmp_path / "scan", [row, quiet]))
    report = publish(folder=folder, plan=world.plan, published_by=world.admin, now=NOW)
    assert report.created == 1
    issue = EmergingIssue.objects.get()
    assert (issue.month, issue.key, issue.observed, issue.expected) == (
        "2026-03", "E05000001|Robbery|month", 14, 4.2)
    before = snapshot(world)
    publish(folder=read_folder(tmp_path / "scan"), plan=world.plan, published_by=world.admin,
            now=NOW)
    assert snapshot(world) == before
    publish(folder=read_folder(scan_folder(tmp_path / "april", [row], month="2026-04")),
            plan=world.plan, published_by=world.admin, now=NOW)
    assert sorted(EmergingIssue.objects.values_list("month", flat=True)) == [
        "2026-03", "2026-04"]


def test_the_progress_reports_cover_names_the_latest_scans_issues(world: World,
                                                                  tmp_path: Path) -> None:
    row = {"area_code": "E05000001", "area_name": "Central", "category": "Robbery",
           "test": "month", "observed": 1400, "expected": 420.4, "upper_limit": 900,
           "p_value": 1e-4, "q_value": 0.003, "flagged": True}
    publish(folder=read_folder(scan_folder(tmp_path / "scan", [row])), plan=world.plan,
            published_by=world.admin, now=NOW)
    before = build_progress_report(plan=world.plan, meeting_date=date(2026, 4, 30))
    assert not any("monthly scan" in p for p in before.cover_paragraphs)
    after = build_progress_report(plan=world.plan, meeting_date=date(2026, 5, 1))
    assert ("The monthly scan of March 2026 flagged 1 emerging issue for the partnership to "
            "watch: Robbery in Central (1,400 against about 420 expected).") in (
        after.cover_paragraphs)


def test_the_command_reports_bad_input_on_one_line(world: World, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cspkit.cli import app

    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["tracker", "publish", str(tmp_path / "empty"),
                                      "--as", "admin"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: {tmp_path / 'empty'}: not an assessment: it holds no data/manifest.json. "
        "Give the folder csp assess wrote, with csv among its formats"]
    result = CliRunner().invoke(app, ["tracker", "publish", str(assessment(tmp_path / "psa")),
                                      "--as", "member"])
    assert result.exit_code == 1 and "'member' is not an administrator" in result.output
    assert not PublishedAssessment.objects.exists()


def priorities_folder(folder: Path, *, score: float = 31.21,
                      partnership: str = "Testshire CSP") -> Path:
    """A folder holding ``priorities_plan.json`` in the form docs/priorities.md gives."""
    folder.mkdir(parents=True, exist_ok=True)
    themes = [
        {"key": "theme:anti_social_behaviour", "name": "Anti-social behaviour",
         "kind": "theme", "categories": ["Anti-social behaviour"], "rank": 1, "score": score,
         "share_in_top": 1.0, "evidence": ["4,860 incidents in the strategic period",
                                           "9 persistent hot spots"]},
        {"key": "crime:Shoplifting", "name": "Shoplifting", "kind": "crime type",
         "categories": ["Shoplifting"], "rank": 2, "score": 20.5, "share_in_top": 0.85,
         "evidence": ["2,252 crimes in the strategic period"]},
    ]
    (folder / "priorities_plan.json").write_text(json.dumps({
        "partnership": partnership, "period": "2025-01:2025-12", "scheme": "default",
        "top": 5, "robust_share": 0.8, "themes": themes, "weight_dependent": []}), "utf-8")
    return folder


def test_the_priorities_become_proposed_recommendations_with_their_evidence(
        world: World, tmp_path: Path) -> None:
    themes_before = list(world.plan.themes.values_list("number", "title"))
    report = publish(folder=read_folder(priorities_folder(tmp_path / "prio")),
                     plan=world.plan, published_by=world.admin, now=NOW)
    assert (report.created, report.updated) == (2, 0)
    asb = Entry.objects.get(plan=world.plan, key="priority:theme:anti_social_behaviour")
    assert asb.text == "Adopt as a priority of the plan: Anti-social behaviour."
    assert asb.reference == "R3"  # R1 and R2 were there already
    assert asb.agreed is False and asb.section == "Setting priorities"
    assert asb.theme == world.theme  # the plan's theme of that name
    assert asb.source == "Setting priorities 2025-01:2025-12"
    assert asb.findings == [
        {"kind": "priority", "sentence": "Ranked 1 in the priority matrix (theme), score "
         "31.21 of 125; in the top 5 in 100% of the sensitivity draws.",
         "figures": {"rank": 1, "score": 31.21, "share_in_top": 1.0},
         "table": "priority_matrix"},
        {"kind": "evidence", "sentence": "4,860 incidents in the strategic period"},
        {"kind": "evidence", "sentence": "9 persistent hot spots"},
    ]
    shoplifting = Entry.objects.get(key="priority:crime:Shoplifting")
    assert shoplifting.theme is None and "85% of the sensitivity" in (
        shoplifting.findings[0]["sentence"])
    # Publishing never changes the plan's themes, and the proposals show in the register.
    assert list(world.plan.themes.values_list("number", "title")) == themes_before
    assert PublishedAssessment.objects.count() == 0


def test_publishing_the_priorities_again_changes_nothing_and_a_new_run_updates(
        world: World, tmp_path: Path) -> None:
    publish(folder=read_folder(priorities_folder(tmp_path / "a")), plan=world.plan,
            published_by=world.admin, now=NOW)
    before = snapshot(world)
    report = publish(folder=read_folder(tmp_path / "a"), plan=world.plan,
                     published_by=world.admin, now=NOW)
    assert snapshot(world) == before
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    report = publish(folder=read_folder(priorities_folder(tmp_path / "b", score=40.0)),
                     plan=world.plan, published_by=world.admin, now=NOW)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    asb = Entry.objects.get(key="priority:theme:anti_social_behaviour")
    assert asb.version == 2 and "score 40.0 of 125" in asb.findings[0]["sentence"]
    assert Entry.objects.filter(key__startswith="priority:").count() == 2


@pytest.mark.parametrize("case", ["other-partnership", "no-themes", "theme-without-name"])
def test_a_bad_priorities_file_is_one_line_and_writes_nothing(world: World, tmp_path: Path,
                                                              case: str) -> None:
    path = priorities_folder(tmp_path / "p", partnership=(
        "Elsewhere CSP" if case == "other-partnership" else "Testshire CSP"))
    plan_file = path / "priorities_plan.json"
    data = json.loads(plan_file.read_text("utf-8"))
    if case == "no-themes":
        del data["themes"]
    elif case == "theme-without-name":
        del data["themes"][1]["name"]
    plan_file.write_text(json.dumps(data), "utf-8")
    expected = {"other-partnership": "is for Elsewhere CSP", "no-themes": "has no 'themes'",
                "theme-without-name": "theme 2 has no 'name'"}[case]
    before = snapshot(world)
    with pytest.raises(CspError) as error:
        publish(folder=read_folder(path), plan=world.plan, published_by=world.admin, now=NOW)
    assert expected in str(error.value) and "\n" not in str(error.value)
    assert str(plan_file) in str(error.value)
    assert snapshot(world) == before
