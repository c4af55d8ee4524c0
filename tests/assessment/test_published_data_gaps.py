"""The assessment on ordinary features of published police.uk data (issue 10 A1, A2).

police.uk publishes rows with no location (empty coordinates and LSOA), and forces have gaps
of months. The fictional borough is written with months left out and such rows added, then
loaded; only the two compared periods are required, every other window that reaches a
missing month becomes a note naming the months. Counts are checked with plain SQL over the
written CSV files.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cspkit.analysis.change import recent_change
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import MonthsNotLoaded, resolve_scope
from cspkit.assessment.build import build_assessment
from cspkit.assessment.config import load_config, write_default_config
from cspkit.assessment.coverage import data_coverage
from cspkit.assessment.document import Callout, Document, Section, Table
from cspkit.cli import app
from cspkit.errors import CspError
from cspkit.synth import generate_borough
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

NOT_LOADED = ("2023-09", "2025-11")
"""Months left out, besides everything before 2023-07."""
NO_LOCATION_MONTHS = ("2024-05", "2025-03")
FORCE = "Kestrel Vale and Fenmoor Police"


@dataclass(frozen=True)
class GappyBorough:
    data: Path
    warehouse: Path
    lad: str
    root: Path

    def config(self, period: str, compare: str = "previous", formats: str = "") -> Path:
        path = write_default_config(self.root / f"{period}-{compare}.toml".replace(":", "_"),
                                    name="Kestrel Vale CSP", areas=[self.lad], period=period,
                                    compare=compare, force=True)
        if formats:
            text = path.read_text(encoding="utf-8")
            start = text.index("formats = [")
            end = text.index("]", start) + 1
            path.write_text(text[:start] + f"formats = {formats}" + text[end:],
                            encoding="utf-8")
        return path

    def build(self, period: str, compare: str = "previous") -> Document:
        con = connect(self.warehouse, create=False)
        try:
            return build_assessment(con, load_config(self.config(period, compare)))
        finally:
            con.disconnect()


def street_file(data: Path, month: str) -> Path:
    return next((data / "police-uk" / month).glob("*-street.csv"))


def add_rows_without_location(path: Path, month: str) -> None:
    """Append rows as police.uk publishes them when it has no location: a crime (with its
    Crime ID) and an anti-social behaviour incident (without one)."""
    with path.open("a", encoding="utf-8", newline="") as out:
        for i, crime_type in enumerate(["Violence and sexual offences", "Public order"]):
            out.write(f"nolocation{month}{i},{month},{FORCE},{FORCE},,,No location,,,"
                      f"{crime_type},Under investigation,\n")
        out.write(f",{month},{FORCE},{FORCE},,,No location,,,Anti-social behaviour,,\n")


@pytest.fixture(scope="module")
def gappy(tmp_path_factory: pytest.TempPathFactory) -> GappyBorough:
    root = tmp_path_factory.mktemp("gappy")
    manifest = generate_borough(root / "data", seed=2026, first_month="2023-07")
    for month in NOT_LOADED:
        shutil.rmtree(root / "data" / "police-uk" / month)
    for month in NO_LOCATION_MONTHS:
        add_rows_without_location(street_file(root / "data", month), month)
    warehouse = root / "gappy.duckdb"
    con = connect(warehouse)
    load_paths(con, [root / "data"])
    con.disconnect()
    return GappyBorough(root / "data", warehouse, manifest.borough.code, root)


@pytest.fixture(scope="module")
def year_document(gappy) -> Document:
    """2024-10…2025-09 against 2023-10…2024-09: both fully loaded, rows without location."""
    return gappy.build("2024-10:2025-09")


def callouts(document: Document, section_id: str) -> list[Callout]:
    def walk(section: Section):
        for child in section.children:
            if isinstance(child, Section):
                yield from walk(child)
            elif isinstance(child, Callout):
                yield child
    return [c for s in document.all_sections() if s.id == section_id for c in walk(s)]


def table_by_id(document: Document, table_id: str) -> Table:
    return next(t for t in document.tables() if t.id == table_id)


def street_sql(data: Path, month: str, where: str) -> int:
    """Rows of a month's street file matching ``where``, by plain SQL over the CSV."""
    lookup = data / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv"
    sql = (f"select count(*) from read_csv('{street_file(data, month)}', all_varchar=true) s "
           f"left join read_csv('{lookup}', all_varchar=true) l "
           f"on s.\"LSOA code\" = l.LSOA21CD where {where}")
    return duckdb.sql(sql).fetchone()[0]


def test_rows_without_location_are_counted_as_not_placed(gappy):
    period = StrategicPeriod("2024-10", "2025-09")
    con = connect(gappy.warehouse, create=False)
    coverage = data_coverage(con,
                             resolve_scope(con, areas=[gappy.lad], period=period,
                                           compare=period.previous()))
    con.disconnect()

    months = coverage.months.groupby("month")[["in_partnership", "not_placed"]].sum()
    for month in NO_LOCATION_MONTHS:
        assert months.loc[month, "not_placed"] == street_sql(
            gappy.data, month, "s.\"LSOA code\" is null") == 3
        assert months.loc[month, "in_partnership"] == street_sql(
            gappy.data, month, f"l.LAD25CD = '{gappy.lad}'")
    assert coverage.total("not_placed", "strategic") == 3
    assert coverage.total("not_placed", "comparison") == 3


def test_assessment_with_rows_without_location_lists_them_in_appendix_a(year_document):
    document = year_document

    table = table_by_id(document, "data_coverage_by_month")
    rows = {r[0]: dict(zip([c.key for c in table.columns], r, strict=True))
            for r in table.rows}
    assert rows["2025-03"]["not_placed"] == 3
    assert rows["2024-05"]["not_placed"] == 3
    assert rows["2025-02"]["not_placed"] == 0


def test_rolling_average_says_which_months_it_cannot_cover(year_document):
    document = year_document

    # The rolling average of 2023-10 … 2024-08 needs 2023-09 or months before 2023-07.
    notes = [c.text for c in callouts(document, "performance")]
    assert any("not drawn for 2023-10 to 2024-08" in n for n in notes), notes
    assert not any(c.title == "Not available: recent trend"
                   for c in callouts(document, "analyses_not_available"))


def test_recent_trend_reaching_unloaded_months_becomes_a_note(gappy):
    # 2024-01…03 against 2023-10…12 is fully loaded; the recent trend compares 2023-10…2024-03
    # with 2023-04…09, of which 2023-04…06 and 2023-09 are not loaded.
    document = gappy.build("2024-01:2024-03")

    notes = {c.title: c.text for c in callouts(document, "analyses_not_available")}
    text = notes["Not available: recent trend"]
    assert "2023-04 to 2023-06, 2023-09" in text
    assert "comparison period" not in text
    assert "recent_change" not in {t.id for t in document.tables()}
    assert table_by_id(document, "performance_summary").rows


def test_months_between_periods_compared_a_year_earlier_leave_a_gap_in_the_trend(gappy):
    # 2025-12 against 2024-12: the trend runs across 2025-11, which is not loaded.
    document = gappy.build("2025-12:2025-12", compare="year-earlier")

    notes = " ".join(c.text for c in callouts(document, "performance"))
    assert "No police.uk data are loaded for 2025-11" in notes
    chart = next(f for f in document.figures() if f.id == "total_crime_trend")
    gap = [v for v in chart.spec["data"]["values"] if v["month"] == "2025-11"]
    assert gap == [{"month": "2025-11", "series": "Monthly count", "value": None,
                    "shown": "not loaded"}]
    assert "2025-11" in chart.alt_text


def test_recent_change_names_its_own_window_not_the_comparison_period(gappy):
    con = connect(gappy.warehouse, create=False)
    with pytest.raises(MonthsNotLoaded) as caught:
        recent_change(con, resolve_scope(con, areas=gappy.lad,
                                         period=StrategicPeriod("2024-03", "2024-03"),
                                         compare=None), months=6)
    con.disconnect()

    message = str(caught.value)
    assert "of the recent trend (2023-10 to 2024-03 against 2023-04 to 2023-09)" in message
    assert "comparison period" not in message
    assert caught.value.missing == ("2023-04", "2023-05", "2023-06", "2023-09")


def test_a_compared_period_not_loaded_is_still_an_error_naming_it(gappy):
    with pytest.raises(CspError, match=r"of the comparison period 2023-07 to 2024-06: 2023-09"):
        gappy.build("2024-07:2025-06")


def test_csp_assess_completes_when_only_the_compared_periods_are_loaded(gappy, tmp_path):
    config = gappy.config("2024-01:2024-03", formats='["html", "csv"]')

    result = CliRunner().invoke(app, ["assess", "--config", str(config), "--out",
                                      str(tmp_path / "out"), "--warehouse",
                                      str(gappy.warehouse)])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "assessment.html").exists()
    html = (tmp_path / "out" / "assessment.html").read_text(encoding="utf-8")
    assert "Not available: recent trend" in html
