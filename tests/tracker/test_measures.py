"""Structured measures in the tracker: who may set one, figures computed from a real DuckDB
warehouse and stored, the pages showing the stored figures (never computing), and
``csp tracker measures``.

The warehouse is the analysis tests' tiny one, whose counts are worked out by hand:
burglary in Testborough is 12 in 2025-01…02 against 6 in 2024-11…12.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from typer.testing import CliRunner

from cspkit.analysis.measures import NO_DATA, TOO_EARLY
from cspkit.cli import app
from cspkit.tracker.models import Measure, MeasureResult
from cspkit.tracker.services.measures import measure_set, measures_compute
from tests.analysis.conftest import LAD, NORTH, build_tiny
from tests.tracker.world import World, sign_in

WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "tiny.duckdb"
    build_tiny(path).disconnect()
    return path


def burglary(world: World, user=None, **changes) -> Measure:
    fields = dict(label="Burglary in Testborough", areas=[LAD], categories=["Burglary"],
                  direction="reduce", target_percent=5, months=2, baseline="previous")
    return measure_set(set_by=user or world.admin, action=world.police_action,
                       **(fields | changes))


def compute(world: World, path) -> None:
    from cspkit.warehouse import connect

    con = connect(path, create=False)
    measures_compute(plan=world.plan, con=con, warehouse=str(path), computed_at=WHEN)
    con.disconnect()


def test_the_actions_lead_or_an_administrator_sets_its_measure(world: World) -> None:
    measure = burglary(world, world.police_lead)
    assert measure.action == world.police_action and measure.categories == ["Burglary"]
    again = burglary(world, world.admin, target_percent=10)
    assert again.pk == measure.pk and Measure.objects.get().target_percent == 10
    for user in (world.council_lead, world.member, world.unlinked):
        with pytest.raises(PermissionDenied):
            burglary(world, user)


def test_a_themes_measure_is_set_by_its_thematic_lead_or_an_administrator(world: World) -> None:
    with pytest.raises(PermissionDenied):
        measure_set(set_by=world.police_lead, theme=world.theme, label="ASB", areas=[LAD])
    world.theme.thematic_lead = world.person(world.police_lead)
    world.theme.save()
    measure = measure_set(set_by=world.police_lead, theme=world.theme, label="ASB",
                          areas=[LAD], categories=["Anti-social behaviour"])
    assert measure.theme == world.theme and measure.action is None


@pytest.mark.parametrize(("changes", "message"), [
    (dict(source="prison"), "source"),
    (dict(baseline="fixed", baseline_start="2025"), "baseline start"),
    (dict(areas=[]), "area code"),
    (dict(label=" "), "name"),
])
def test_an_invalid_measure_is_refused_and_nothing_saved(world: World, changes, message
                                                         ) -> None:
    with pytest.raises(ValidationError, match=message):
        burglary(world, **changes)
    assert not Measure.objects.exists()


def test_computing_stores_the_figures_and_changing_the_measure_drops_them(
    world: World, warehouse
) -> None:
    measure = burglary(world)
    compute(world, warehouse)
    result = MeasureResult.objects.get(measure=measure)
    assert (result.current, result.baseline) == (12, 6)
    p = 2 * sum(math.comb(18, k) for k in range(12, 19)) / 2 ** 18
    assert result.p_value == pytest.approx(p)
    assert result.course == TOO_EARLY and result.data_month == "2025-02"
    assert result.period == "2025-01 to 2025-02"
    assert result.monthly == [["2024-11", 3], ["2024-12", 3], ["2025-01", 6], ["2025-02", 6]]
    assert result.computed_at == WHEN and result.warehouse == str(warehouse)
    burglary(world, months=3)
    assert not MeasureResult.objects.filter(measure=measure).exists()


def test_missing_data_replace_an_old_figure_with_what_is_missing(world: World, warehouse
                                                                 ) -> None:
    measure = burglary(world)
    compute(world, warehouse)
    Measure.objects.filter(pk=measure.pk).update(months=3)
    compute(world, warehouse)
    result = MeasureResult.objects.get(measure=measure)
    assert result.current is None and result.baseline is None and result.p_value is None
    assert result.course == NO_DATA
    assert result.missing == "police.uk crime data are not loaded for 2024-09 to 2024-10"
    Measure.objects.filter(pk=measure.pk).update(areas=["E06999999"])
    compute(world, warehouse)
    assert "E06999999" in MeasureResult.objects.get(measure=measure).missing


def test_pages_show_the_stored_figures_without_reading_the_warehouse(
    world: World, warehouse, client: Client
) -> None:
    measure = burglary(world)
    sign_in(client, "member")
    page = client.get(reverse("tracker:action", args=[world.police_action.pk])).content.decode()
    assert "Not computed yet" in page and "Set a measure" not in page
    compute(world, warehouse)
    warehouse.unlink()  # a page never reads it
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("tracker:action", args=[world.police_action.pk]))
    assert len(queries) < 20
    text = page.content.decode()
    assert "Burglary in Testborough was up 100% (6 → 12) against November to December 2024, " \
           "not a statistically significant change (p = 0.238)" in text
    assert "The target size is not reached." in text
    assert 'class="tag tag--not_started">Too early to say' in text
    assert re.search(r'<svg class="sparkline" role="img" aria-label="Burglary in Testborough: '
                     r'monthly counts from November 2024 to February 2025, lowest 3, highest '
                     r'6, latest 6"', text)
    assert "Data to February 2025, computed 1 May 2026 10:30" in text
    overview = client.get(reverse("tracker:plan", args=[world.plan.pk])).content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\"><a href=\"/actions/\d+/\">1\.1</a> Burglary.*?"
                    r"</tr>", overview, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                     row, re.S)]
    assert cells[1] == ["12"] and cells[2] == ["6"]
    assert " ".join(cells[3]).startswith("up 100%, not significant")
    assert cells[5] == ["Too", "early", "to", "say"] and cells[6] == ["Not", "started"]
    assert measure.label in overview


def test_a_measure_page_names_its_areas_and_writes_its_periods_in_words(
    world: World, warehouse, client: Client
) -> None:
    measure = burglary(world, areas=[LAD, NORTH])
    sign_in(client, "member")
    url = reverse("tracker:action", args=[world.police_action.pk])
    before = client.get(url).content.decode()
    assert f"in {LAD}, {NORTH}</dd>" in before  # codes until the warehouse has named them
    compute(world, warehouse)
    assert MeasureResult.objects.get(measure=measure).area_names == ["Testborough", "North"]
    text = client.get(url).content.decode()
    figures = text[text.index("<dt>Counts</dt>"):]
    figures = figures[:figures.index("</dl>")]
    assert "in Testborough, North</dd>" in figures
    assert "12</span> in January to February 2025</dd>" in figures
    assert "6 in November to December 2024</dd>" in figures
    assert "Data to February 2025," in figures
    assert LAD not in figures and NORTH not in figures
    assert not re.search(r"\b20\d\d-\d\d\b", re.sub(r"<[^>]+>", " ", figures))


def test_a_missing_figure_is_shown_as_missing(world: World, warehouse, client: Client) -> None:
    burglary(world, months=3)
    compute(world, warehouse)
    sign_in(client, "member")
    text = client.get(reverse("tracker:action", args=[world.police_action.pk])).content.decode()
    assert "No figure:</strong> police.uk crime data are not loaded for 2024-09 to 2024-10" in text
    assert "No figures</strong>" in text and "<svg" not in text


def test_the_lead_sets_the_measure_through_the_form(world: World, client: Client) -> None:
    sign_in(client, "police_lead")
    url = reverse("tracker:action_measure", args=[world.police_action.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"label": "Burglary", "source": "police", "areas": "",
                            "direction": "reduce", "months": "12", "baseline": "fixed"})
    assert bad.status_code == 400
    assert "Give the first month of the fixed baseline." in bad.content.decode()
    response = client.post(url, {
        "label": "Burglary", "source": "police", "categories": "Burglary\nRobbery",
        "areas": "e06000901, E05000901", "direction": "reduce", "target_percent": "5",
        "months": "12", "baseline": "year-earlier", "baseline_start": ""})
    assert response.status_code == 302
    measure = Measure.objects.get(action=world.police_action)
    assert measure.areas == ["E06000901", "E05000901"]
    assert measure.categories == ["Burglary", "Robbery"] and measure.target_percent == 5


def test_others_cannot_open_the_measure_form(world: World, client: Client) -> None:
    for username in ("member", "council_lead"):
        client.logout()
        sign_in(client, username)
        url = reverse("tracker:action_measure", args=[world.police_action.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"label": "x"}).status_code == 403
    assert not Measure.objects.exists()


def test_csp_tracker_measures_reads_the_plans_warehouse_and_prints_every_figure(
    world: World, warehouse
) -> None:
    burglary(world)
    runner = CliRunner()
    refused = runner.invoke(app, ["tracker", "measures"])
    assert refused.exit_code == 1 and "names no warehouse" in refused.output
    world.plan.warehouse = str(warehouse)
    world.plan.save()
    result = runner.invoke(app, ["tracker", "measures", "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["reference"] == "1.1" and row["status"] == TOO_EARLY
    assert (row["current"], row["baseline"], row["change"]) == (12, 6, 6)
    assert row["p_value"] == pytest.approx(2 * sum(math.comb(18, k) for k in range(12, 19))
                                           / 2 ** 18)
    assert MeasureResult.objects.get().current == 12
    table = runner.invoke(app, ["tracker", "measures"])
    assert "1.1  Burglary in Testborough  2025-02  12  6  +6 (+100.0%)  0.238  too early to say" \
        in table.output


def test_the_warehouse_option_and_setting_stand_in_for_the_plans(world: World, warehouse,
                                                                  tmp_path) -> None:
    burglary(world)
    world.plan.warehouse = str(tmp_path / "gone.duckdb")
    world.plan.save()
    runner = CliRunner()
    gone = runner.invoke(app, ["tracker", "measures"])
    assert gone.exit_code == 1 and "no warehouse at" in gone.output
    given = runner.invoke(app, ["tracker", "measures", "--json", "--warehouse", str(warehouse)])
    assert json.loads(given.output)[0]["current"] == 12
    world.plan.warehouse = ""
    world.plan.save()
    with override_settings(MEASURES_WAREHOUSE=str(warehouse)):
        from_setting = runner.invoke(app, ["tracker", "measures", "--json"])
    assert json.loads(from_setting.output)[0]["baseline"] == 6


def test_the_progress_report_shows_each_measure_beside_the_leads_status(
    world: World, warehouse, tmp_path
) -> None:
    from datetime import date

    from docx import Document as Docx

    from cspkit.render import write_docx, write_pdf
    from cspkit.tracker.reports.build import build_progress_report
    from cspkit.tracker.reports.document import progress_document

    burglary(world)
    measure_set(set_by=world.admin, theme=world.theme, label="Anti-social behaviour",
                areas=[LAD], categories=["Anti-social behaviour"], months=3,
                baseline="previous")
    report = build_progress_report(plan=world.plan, meeting_date=date(2026, 6, 1))
    assert [line.course for line in report.measures] == ["", ""]  # not computed yet
    compute(world, warehouse)
    report = build_progress_report(plan=world.plan, meeting_date=date(2026, 6, 1))
    theme_line, action_line = report.measures
    assert (action_line.reference, action_line.current, action_line.baseline) == ("1.1", 12, 6)
    assert theme_line.reference == "Theme 1" and theme_line.current is None
    assert "2024-09 to 2024-10" in theme_line.missing
    document = progress_document(report)
    write_docx(document, tmp_path / "report.docx")
    table = next(t for t in Docx(tmp_path / "report.docx").tables
                 if t.rows[0].cells[0].text == "Ref" and t.rows[0].cells[1].text == "Measure")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Ref", "Measure", "Aim", "Latest", "Baseline", "Change",
                       "From the data", "Lead's status"]
    assert rows[1][:2] == ["Theme 1", "Anti-social behaviour"]
    assert rows[1][5].startswith("No figure: police.uk anti-social behaviour data are not "
                                 "loaded for 2024-09 to 2024-10")
    assert rows[2][:5] == ["1.1", "Burglary in Testborough", "Reduce by 5%",
                           "12 (January to February 2025)",
                           "6 (November to December 2024)"]
    assert rows[2][6:] == ["Too early to say", "Not started"]
    write_pdf(document, tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").stat().st_size > 0


def test_the_thematic_lead_sets_the_themes_measure_and_the_theme_page_shows_it(
    world: World, warehouse, client: Client
) -> None:
    url = reverse("tracker:theme_measure", args=[world.theme.pk])
    sign_in(client, "police_lead")
    assert client.get(url).status_code == 403  # not (yet) the thematic lead
    world.theme.thematic_lead = world.person(world.police_lead)
    world.theme.save()
    response = client.post(url, {
        "label": "Anti-social behaviour", "source": "police",
        "categories": "Anti-social behaviour", "areas": LAD, "direction": "reduce",
        "months": "2", "baseline": "previous", "baseline_start": ""})
    assert response.status_code == 302
    assert Measure.objects.get(theme=world.theme).categories == ["Anti-social behaviour"]
    compute(world, warehouse)
    page = client.get(reverse("tracker:theme", args=[world.theme.pk])).content.decode()
    assert "Anti-social behaviour was up 25% (4 → 5) against November to December 2024" in page
    client.logout()
    sign_in(client, "member")
    assert client.get(url).status_code == 403
    assert "Change the measure" not in client.get(
        reverse("tracker:theme", args=[world.theme.pk])).content.decode()
