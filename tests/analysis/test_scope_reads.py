"""What a scope reads once: the counts behind count_incidents, the residents, the category
check that asks the warehouse only for a name police.uk does not publish."""

import pandas as pd
import pytest

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import count_incidents, residents, resolve_scope
from cspkit.analysis.themes import validate_categories, validate_themes
from cspkit.errors import CspError

from .conftest import CURRENT, L1, L2, L3, L4, L5, LAD, NORTH, PREVIOUS, RESIDENTS, insert

PERIOD = StrategicPeriod("2025-01", "2025-02")
TESTBOROUGH = (L1, L2, L3, L4, L5)


def plain_sql(con, lsoas, months, by, sources, categories=None) -> pd.DataFrame:
    """The same counts by a GROUP BY written out in SQL (the independent computation)."""
    quoted = lambda values: ", ".join(f"'{v}'" for v in values)  # noqa: E731
    where = (f"lsoa_code IN ({quoted(lsoas)}) AND month IN ({quoted(months)}) "
             f"AND source IN ({quoted(sources)})")
    if categories is not None:
        where += f" AND category IN ({quoted(categories)})"
    keys = ", ".join([*by, "load_id"])
    frame = con.raw_sql(f"SELECT {keys}, count(*) AS n FROM incident WHERE {where} "
                        f"GROUP BY {keys}").df()
    return frame.sort_values([*by, "load_id"]).reset_index(drop=True)


def same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want) > 0
    for column in got.columns:
        assert values(got[column]) == values(want[column]), column


def values(column: pd.Series) -> list:
    """The values, every kind of null as None."""
    return [None if pd.isna(v) else v for v in column]


@pytest.mark.parametrize(("by", "sources", "categories", "months"), [
    (["month", "lsoa_code"], ("police_crime",), None, CURRENT + PREVIOUS),
    (["lsoa_code"], ("police_crime",), ["Burglary", "Shoplifting"], CURRENT),
    (["month", "source", "category"], ("police_crime", "police_asb"), None, CURRENT),
    (["lsoa_code", "category"], ("police_crime",), ["Burglary"], PREVIOUS),
    (["month"], ("police_asb",), None, CURRENT + PREVIOUS),
    (["location", "lsoa_code"], ("police_crime",), None, CURRENT),  # every location null
])
def test_counts_equal_a_plain_group_by(tiny, by, sources, categories, months):
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    got = count_incidents(tiny, scope, months, by=by, sources=sources,
                          categories=categories)
    same(got, plain_sql(tiny, TESTBOROUGH, months, by, sources, categories))


def test_counts_of_a_ward_within_the_scope_are_its_own(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    count_incidents(tiny, scope, CURRENT, by=["lsoa_code"])  # the partnership's, read first
    north = scope.within(NORTH)
    got = count_incidents(tiny, north, CURRENT, by=["lsoa_code"])
    same(got, plain_sql(tiny, (L1, L2), CURRENT, ["lsoa_code"], ("police_crime",)))


def test_a_scope_reads_its_counts_and_residents_once(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    before = count_incidents(tiny, scope, CURRENT, by=["lsoa_code"])
    people = residents(tiny, scope)
    tiny.raw_sql("DELETE FROM incident WHERE lsoa_code = 'E01000001'")
    tiny.raw_sql("UPDATE population SET count = count + 1")
    # The same scope answers from what it read (like the months it holds loaded) ...
    pd.testing.assert_frame_equal(count_incidents(tiny, scope, CURRENT, by=["lsoa_code"]),
                                  before)
    assert residents(tiny, scope)["residents"].tolist() == [RESIDENTS[c] for c in TESTBOROUGH]
    # ... and a caller changing what it was given changes nothing the scope keeps.
    people["residents"] = 0
    assert residents(tiny, scope)["residents"].sum() == sum(RESIDENTS[c] for c in TESTBOROUGH)
    # A scope resolved afresh reads the warehouse as it is now.
    fresh = resolve_scope(tiny, areas=LAD, period=PERIOD)
    assert L1 not in set(count_incidents(tiny, fresh, CURRENT, by=["lsoa_code"])["lsoa_code"])
    assert residents(tiny, fresh)["residents"].tolist() == [
        RESIDENTS[c] + 1 for c in TESTBOROUGH]


def test_what_a_scope_read_from_one_warehouse_is_not_used_for_another(tiny, tmp_path):
    from .conftest import build_tiny

    other = build_tiny(tmp_path / "other.duckdb")
    other.raw_sql("DELETE FROM incident WHERE category = 'Burglary'")
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    mine = count_incidents(tiny, scope, CURRENT, by=["category"])
    theirs = count_incidents(other, scope, CURRENT, by=["category"])
    assert "Burglary" in set(mine["category"])
    assert "Burglary" not in set(theirs["category"])
    other.disconnect()


def test_categories_police_uk_publishes_need_no_query_and_others_are_looked_up(tiny):
    assert validate_categories(tiny, ["Burglary", "Bicycle theft"]) == (
        "Burglary", "Bicycle theft")
    with pytest.raises(CspError, match="unknown crime category 'Fraud'") as raised:
        validate_categories(tiny, ["Fraud"])
    assert "Burglary" in raised.value.hint
    insert(tiny, "incident", [{"incident_id": "f1", "source": "police_crime",
                               "month": "2025-01", "lsoa_code": L1, "category": "Fraud",
                               "load_id": 9}])
    assert validate_themes(tiny, {"Money": ["Fraud", "Burglary"], "Harm": "Fraud"}) == {
        "Money": ("Fraud", "Burglary"), "Harm": ("Fraud",)}
    with pytest.raises(CspError, match="theme 'Odd' names unknown crime category 'Forgery'"):
        validate_themes(tiny, {"Odd": ["Burglary", "Forgery"]})


def test_the_same_selection_counted_twice_is_equal_and_a_copy(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    first = count_incidents(tiny, scope, CURRENT, by=["lsoa_code"], categories=["Burglary"])
    first["n"] = 0
    again = count_incidents(tiny, scope, iter(CURRENT), by=["lsoa_code"],
                            categories=("Burglary",))
    same(again, plain_sql(tiny, TESTBOROUGH, CURRENT, ["lsoa_code"], ("police_crime",),
                          ["Burglary"]))
    # Another selection of the same counts is summed for itself.
    other = count_incidents(tiny, scope, CURRENT, by=["lsoa_code"], categories=["Shoplifting"])
    same(other, plain_sql(tiny, TESTBOROUGH, CURRENT, ["lsoa_code"], ("police_crime",),
                          ["Shoplifting"]))


def test_in_areas_selects_the_rows_of_the_scope_lsoas(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    north = scope.within(NORTH)
    for chosen, lsoas in ((scope, TESTBOROUGH), (north, (L1, L2))):
        t = chosen.table(tiny, "incident")
        got = sorted(t.filter(chosen.in_areas(tiny, t.lsoa_code)).incident_id.to_pandas())
        quoted = ", ".join(f"'{c}'" for c in lsoas)
        want = sorted(tiny.raw_sql("SELECT incident_id FROM incident "
                                   f"WHERE lsoa_code IN ({quoted})").df()["incident_id"])
        assert got == want and len(want) > 0


def test_a_scope_reads_a_table_schema_once_per_warehouse(tiny, tmp_path):
    from .conftest import build_tiny

    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    assert scope.table(tiny, "incident") is scope.table(tiny, "incident")
    assert scope.within(NORTH).table(tiny, "incident") is scope.table(tiny, "incident")
    assert scope.table(tiny, "incident").schema() == tiny.table("incident").schema()
    other = build_tiny(tmp_path / "other.duckdb")
    assert scope.table(other, "incident") is not scope.table(tiny, "incident")
    other.disconnect()


def test_a_row_without_category_is_counted_only_when_no_category_is_chosen(tiny):
    insert(tiny, "incident", [{"incident_id": "nocat", "source": "police_crime",
                               "month": CURRENT[0], "lsoa_code": L1, "category": None,
                               "load_id": 1}])
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    every = count_incidents(tiny, scope, CURRENT, by=["lsoa_code"])
    chosen = count_incidents(tiny, scope, CURRENT, by=["lsoa_code"],
                             categories=["Burglary", "Not recorded anywhere"])
    same(every, plain_sql(tiny, TESTBOROUGH, CURRENT, ["lsoa_code"], ("police_crime",)))
    same(chosen, plain_sql(tiny, TESTBOROUGH, CURRENT, ["lsoa_code"], ("police_crime",),
                           ["Burglary"]))
    # By hand from the tiny warehouse's counts: 50 crimes in the period (12 burglaries),
    # and the row without a category.
    assert (every["n"].sum(), chosen["n"].sum()) == (51, 12)
