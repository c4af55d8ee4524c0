"""A data requirement linked to a completeness measure: refreshed from a real warehouse by
the service and the command, cached, shown on the register pages and in the progress report.

The warehouse holds the hand-made council ASB export of the partner loader tests; its
figures are worked by hand there: ethnicity 3 of 6 people in January 2025, 0 of 2 in
February; sex 6 of 6 and 2 of 2.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from typer.testing import CliRunner

from cspkit.errors import CspError
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.tracker.forms import DataRequirementCreateForm
from cspkit.tracker.models import QualityReading
from cspkit.tracker.reports.build import build_progress_report
from cspkit.tracker.reports.document import progress_document
from cspkit.tracker.selectors.quality import data_requirement_quality, measure_label
from cspkit.tracker.services.quality import data_requirement_quality_refresh
from tests.sources.partner.conftest import reference_warehouse
from tests.sources.partner.test_load_partner import asb_export
from tests.tracker.test_views import signed_in, text_of
from tests.tracker.world import World

WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("quality_warehouse")
    con = reference_warehouse(folder)
    load_partner(con, [asb_export(folder)], mapping=load_mapping("council_asb"))
    con.disconnect()
    return str(folder / "w.duckdb")


def link(world: World, *, ethnicity: str = "40", sex: str = "95") -> None:
    """D1 tracks callers' and offenders' ethnicity, D2 their sex."""
    for entry, key, target in ((world.police_data_requirement, "council_asb.ethnicity",
                                ethnicity),
                               (world.council_data_requirement, "council_asb.sex", sex)):
        entry.quality_measure, entry.quality_threshold = key, Decimal(target)
        entry.full_clean()
        entry.save()


def test_refresh_caches_each_month_and_the_threshold_turns_the_measure_green(
    world: World, warehouse: str
) -> None:
    link(world)
    done = data_requirement_quality_refresh(plan=world.plan, warehouse=warehouse, now=WHEN)
    assert done.measured == ("D1", "D2") and done.without_data == ()
    readings = QualityReading.objects.filter(data_requirement=world.police_data_requirement)
    assert [(r.month, r.complete, r.rows, r.computed_at) for r in readings] == [
        ("2025-01", 3, 6, WHEN), ("2025-02", 0, 2, WHEN)]
    status = data_requirement_quality([world.police_data_requirement,
                                       world.council_data_requirement])
    ethnicity, sex = status[world.police_data_requirement.pk], status[
        world.council_data_requirement.pk]
    assert [r.share for r in ethnicity.trend] == [50.0, 0.0]
    assert ethnicity.latest.month == "2025-02" and ethnicity.met is False
    assert sex.latest.share == 100.0 and sex.met is True
    assert ethnicity.describe() == (
        "Ethnicity in council anti-social behaviour case records: 0.0% of records in 2025-02 "
        "(target 40%, not met); last 2 months: 50.0%, 0.0%.")


def test_refresh_replaces_old_readings_and_says_which_measures_have_no_records(
    world: World, warehouse: str
) -> None:
    link(world)
    data_requirement_quality_refresh(plan=world.plan, warehouse=warehouse, now=WHEN)
    world.council_data_requirement.quality_measure = "fire.date_time"
    world.council_data_requirement.save()
    world.plan.warehouse = warehouse
    world.plan.save()
    done = data_requirement_quality_refresh(plan=world.plan)
    assert done.measured == ("D1",) and done.without_data == ("D2",)
    assert not QualityReading.objects.filter(data_requirement=world.council_data_requirement)
    assert QualityReading.objects.filter(
        data_requirement=world.police_data_requirement).count() == 2
    status = data_requirement_quality([world.council_data_requirement])
    assert status[world.council_data_requirement.pk].met is None


def test_a_plan_without_a_warehouse_is_refused_and_nothing_changes(world: World) -> None:
    link(world)
    with pytest.raises(CspError, match="names no warehouse"):
        data_requirement_quality_refresh(plan=world.plan)
    with pytest.raises(CspError, match="no warehouse at"):
        data_requirement_quality_refresh(plan=world.plan, warehouse="/nonexistent/w.duckdb")
    assert not QualityReading.objects.exists()


def test_an_area_limits_the_records_counted(world: World, warehouse: str) -> None:
    link(world)
    # Otherby (E06999002) holds none of the cases; the two placed nowhere still count.
    data_requirement_quality_refresh(plan=world.plan, warehouse=warehouse,
                                     areas=["E06999002"], now=WHEN)
    readings = QualityReading.objects.filter(data_requirement=world.police_data_requirement)
    assert [(r.month, r.complete, r.rows) for r in readings] == [
        ("2025-01", 1, 2), ("2025-02", 0, 2)]


def test_a_measure_key_must_name_a_source_and_a_measured_field(world: World) -> None:
    entry = world.police_data_requirement
    entry.quality_measure = "police_victim_ethnicity_completeness"
    with pytest.raises(ValidationError, match="not a completeness measure"):
        entry.full_clean()
    entry.quality_measure, entry.quality_threshold = "police_crime.last_outcome", Decimal(101)
    with pytest.raises(ValidationError, match="less than or equal to 100"):
        entry.full_clean()
    assert measure_label("old_free_text_key") == (
        "old_free_text_key (not a measure the tracker can compute)")
    form = DataRequirementCreateForm(
        {"reference": "D9", "data_gap": "Gap", "quality_measure": "police_asb.last_outcome",
         "quality_threshold": "90"}, partnership_id=world.plan.partnership_id)
    assert not form.is_valid()
    assert "'last_outcome' is not measured for police_asb" in form.errors["quality_measure"][0]
    form = DataRequirementCreateForm(
        {"reference": "D9", "data_gap": "Gap", "quality_threshold": "90"},
        partnership_id=world.plan.partnership_id)
    assert form.errors["quality_threshold"] == ["Give the measure the target is for."]


def test_register_pages_show_the_cached_figures_without_computing_them(
    world: World, warehouse: str
) -> None:
    link(world)
    client = signed_in("admin")
    register = reverse("tracker:data_requirements") + f"?plan={world.plan.pk}"
    assert text_of(client.get(register)).count("Not measured yet") == 2
    data_requirement_quality_refresh(plan=world.plan, warehouse=warehouse, now=WHEN)
    page = text_of(client.get(register))
    assert "0.0% <span class=\"hint\">(target 40%)</span> <strong class=\"tag " \
        "tag--not_started\">Below target</strong>" in page
    assert "100.0% <span class=\"hint\">(target 95%)</span> <strong class=\"tag " \
        "tag--green\">Target met</strong>" in page
    detail = text_of(client.get(reverse("tracker:data_requirement",
                                        args=[world.police_data_requirement.pk])))
    assert "Ethnicity in council anti-social behaviour case records: <strong>0.0%</strong> " \
        "of records in 2025-02, against a target of 40%." in detail
    assert ("<tr><td>2025-01</td><td class=\"numeric\">6</td><td class=\"numeric\">3</td>"
            "<td class=\"numeric\">50.0%</td></tr>") in detail


def test_the_progress_report_gives_the_measure_under_the_action(
    world: World, warehouse: str
) -> None:
    link(world)
    data_requirement_quality_refresh(plan=world.plan, warehouse=warehouse, now=WHEN)
    report = build_progress_report(plan=world.plan, meeting_date=date(2026, 6, 1))
    lines = {line.reference: line for line in report.data_requirements}
    assert lines["D2"].measure == (
        "Sex in council anti-social behaviour case records: 100.0% of records in 2025-02 "
        "(target 95%, met); last 2 months: 100.0%, 100.0%.")
    table = next(t for t in progress_document(report).tables()
                 if t.id == "data_requirements_table")
    cells = [row[3].text for row in table.rows]
    assert any(c.endswith("Measure: " + lines["D1"].measure) for c in cells)


def test_csp_tracker_quality_refreshes_and_prints_each_measure(
    world: World, warehouse: str
) -> None:
    from cspkit.cli import app

    link(world)
    result = CliRunner().invoke(app, ["tracker", "quality", "--plan", str(world.plan.pk),
                                      "--warehouse", warehouse])
    assert result.exit_code == 0, result.output
    assert "Plan 2026-27: 2 measure(s) computed" in result.output
    assert "D1 Ethnicity in council anti-social behaviour case records: 0.0% of records " \
        "in 2025-02 (target 40%, not met)" in result.output
    assert QualityReading.objects.count() == 4
    missing = CliRunner().invoke(app, ["tracker", "quality", "--plan", "999999"])
    assert missing.exit_code == 1 and "no plan 999999 in the tracker" in missing.output


def test_csp_tracker_measures_refreshes_the_data_quality_measures_too(
    world: World, warehouse: str
) -> None:
    """One command refreshes every computed figure of the plan: with no measure on an
    action or theme, it still computes the data requirements' completeness, from the
    plan's own warehouse."""
    import json

    from cspkit.cli import app

    link(world)
    world.plan.warehouse = warehouse
    world.plan.save()
    result = CliRunner().invoke(app, ["tracker", "measures", "--plan", str(world.plan.pk)])
    assert result.exit_code == 0, result.output
    assert "The plan has no structured measures." in result.output
    assert "Plan 2026-27: 2 measure(s) computed" in result.output
    assert "D1 Ethnicity in council anti-social behaviour case records: 0.0% of records " \
        "in 2025-02 (target 40%, not met)" in result.output
    assert QualityReading.objects.count() == 4
    QualityReading.objects.all().delete()
    as_json = CliRunner().invoke(app, ["tracker", "measures", "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output) == []
    assert QualityReading.objects.count() == 4
