"""Data coverage counts the rows of the forces that cover the partnership, and only theirs;
the whole warehouse's placement totals of the appendix: both against plain SQL."""

import pandas as pd

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.assessment.coverage import data_coverage
from cspkit.warehouse.status import placement_totals, warehouse_status

from .conftest import CURRENT, L1, L9, LAD, OTHER_LAD, insert

PERIOD = StrategicPeriod("2025-01", "2025-02")


def _row(n: int, force: str, month: str, lsoa: str | None, lad: str | None,
         how: str | None) -> dict:
    return {"incident_id": f"extra{n}", "source": "police_crime", "month": month,
            "category": "Burglary", "police_force": force, "lsoa_code": lsoa,
            "lad_code": lad, "lsoa_assignment": how, "load_id": 7}


def _add_other_forces(con) -> None:
    """Borderland has one row in the partnership (so its rows count, placed or not);
    Farshire has rows elsewhere and unplaced only (so none of its rows count)."""
    insert(con, "incident", [
        _row(1, "borderland", CURRENT[0], L1, LAD, "lsoa11_split_polygon"),
        _row(2, "borderland", CURRENT[0], L9, OTHER_LAD, "published_2021"),
        _row(3, "borderland", CURRENT[1], None, None, "no_lsoa"),
        _row(4, "farshire", CURRENT[0], L9, OTHER_LAD, "published_2021"),
        _row(5, "farshire", CURRENT[1], None, None, "no_lsoa"),
        _row(6, None, CURRENT[1], None, None, "no_lsoa"),
    ])


def test_coverage_counts_only_the_forces_with_rows_in_the_partnership(tiny):
    _add_other_forces(tiny)
    coverage = data_coverage(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD))
    assert coverage.forces == ("borderland", "testshire")
    want = tiny.raw_sql("""
        SELECT source, month,
               count(*) FILTER (WHERE lad_code = 'E06000901') AS in_partnership,
               count(*) FILTER (WHERE lad_code IS NOT NULL AND lad_code <> 'E06000901')
                 AS elsewhere,
               count(*) FILTER (WHERE lad_code IS NULL) AS not_placed
        FROM incident WHERE police_force IN ('borderland', 'testshire')
          AND source IN ('police_crime', 'police_asb')
        GROUP BY 1, 2""").df().set_index(["source", "month"])
    got = coverage.months.set_index(["source", "month"])
    for key, row in want.iterrows():
        assert got.loc[key, ["in_partnership", "elsewhere", "not_placed"]].tolist() == [
            row["in_partnership"], row["elsewhere"], row["not_placed"]], key
    assert got[["in_partnership", "elsewhere", "not_placed"]].sum().sum() == want.sum().sum()
    reassigned = coverage.assignment.set_index(["period", "lsoa_assignment"])["rows"]
    assert reassigned.loc[("strategic", "lsoa11_split_polygon")] == 1
    assert coverage.rows_reassigned("strategic") == tiny.raw_sql(
        "SELECT count(*) FROM incident WHERE lad_code = 'E06000901' "
        f"AND month IN {CURRENT} AND lsoa_assignment IS DISTINCT FROM 'published_2021'"
    ).fetchone()[0] == 56


def test_placement_totals_are_plain_counts_of_the_whole_warehouse(tiny):
    _add_other_forces(tiny)
    totals = placement_totals(tiny)
    sql = lambda where: int(tiny.raw_sql(  # noqa: E731
        f"SELECT count(*) FROM incident WHERE {where}").fetchone()[0])
    assert totals.rows_without_lsoa == sql("lsoa_assignment = 'no_lsoa'") == 3
    assert totals.rows_outside_known_areas == sql("lad_code IS NULL") == 3
    assert totals.rows_reassigned == sql("lsoa_assignment LIKE 'lsoa11_%'") == 1
    assert totals.placement == {
        ("not placed" if pd.isna(how) else how): n for how, n in tiny.raw_sql(
            "SELECT lsoa_assignment, count(*) FROM incident GROUP BY 1").fetchall()}
    status = warehouse_status(tiny)
    assert (status.placement, status.rows_without_lsoa, status.rows_outside_known_areas,
            status.rows_reassigned) == (totals.placement, 3, 3, 1)
