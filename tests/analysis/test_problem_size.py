"""The size of a problem (Scanning) pinned against plain SQL over the generator's raw files."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose
from scipy.stats import binomtest

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.problem import problem_size
from cspkit.analysis.scope import resolve_scope
from cspkit.analysis.topics import resolve_topic
from cspkit.errors import CspError
from cspkit.warehouse import connect
from tests.conftest import TOWN_CENTRE

BOROUGH = "E06900001"
Y2025 = StrategicPeriod("2025-01", "2025-12")


def raw_counts(raw, crime_type: str, where: str) -> dict[str, int]:
    rows = raw.sql(f"""
        SELECT s.Month AS month, count(*) AS n
        FROM street s JOIN lookup l ON s."LSOA code" = l.LSOA21CD
        WHERE s."Crime type" = '{crime_type}' AND {where}
          AND s.Month BETWEEN '2024-01' AND '2025-12'
        GROUP BY 1""").fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def size(borough):
    con = connect(borough.warehouse, create=False)
    try:
        topic = resolve_topic(con, "shoplifting")
        yield problem_size(con, resolve_scope(con, areas=BOROUGH, period=Y2025),
                           areas=["E05900009"], topic=topic)
    finally:
        con.disconnect()


def test_counts_shares_and_months_match_the_raw_street_files(raw, size):
    ward = raw_counts(raw, "Shoplifting", f"l.WD25NM = '{TOWN_CENTRE}'")
    borough = raw_counts(raw, "Shoplifting", f"l.LAD25CD = '{BOROUGH}'")

    def total(counts, year):
        return sum(n for m, n in counts.items() if m.startswith(year))

    area, everywhere = size.row("area"), size.row("partnership")
    assert (area["current"], area["previous"]) == (total(ward, "2025"), total(ward, "2024"))
    assert (everywhere["current"], everywhere["previous"]) == (total(borough, "2025"),
                                                               total(borough, "2024"))
    assert_allclose(size.share_current, total(ward, "2025") / total(borough, "2025"))
    monthly = size.monthly.set_index("month")
    assert list(monthly.index) == [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
    assert monthly["area"].to_dict() == {m: ward.get(m, 0) for m in monthly.index}
    assert monthly["partnership"].to_dict() == {m: borough.get(m, 0) for m in monthly.index}
    # The planted town-centre rise is significant by an independent exact binomial test.
    expected_p = binomtest(int(area["current"]), int(area["current"] + area["previous"]),
                           0.5).pvalue
    assert_allclose(area["p_value"], expected_p)
    assert area["significant"] and area["p_value"] < 0.001


def test_rates_and_residents_share_use_census_2021(raw, size):
    residents = dict(raw.sql(f"""
        SELECT l.WD25NM = '{TOWN_CENTRE}' AS in_ward, sum(c.n) FROM census c
        JOIN lookup l ON c.lsoa21_code = l.LSOA21CD WHERE l.LAD25CD = '{BOROUGH}'
        GROUP BY 1""").fetchall())
    area = size.row("area")
    assert area["residents"] == residents[True]
    assert_allclose(area["rate_current"], 1000 * area["current"] / residents[True])
    assert_allclose(size.residents_share, residents[True] / sum(residents.values()))


def test_the_rolling_total_sums_the_twelve_months_to_each_month(size):
    monthly = size.monthly.set_index("month")
    # 2024-12's rolling total is calendar 2024: the comparison period's count.
    assert monthly.loc["2024-12", "area_rolling_total"] == size.row("area")["previous"]
    assert monthly.loc["2025-12", "area_rolling_total"] == size.row("area")["current"]


def test_lsoas_of_the_area_add_up_to_its_count(size):
    assert size.by_lsoa["current"].sum() == size.row("area")["current"]
    assert size.by_lsoa["current"].is_monotonic_decreasing
    assert_allclose(size.by_lsoa["share"].sum(), 1.0)


def test_a_month_not_loaded_is_an_error_not_a_zero(borough):
    con = connect(borough.warehouse, create=False)
    try:
        topic = resolve_topic(con, "Burglary")
        with pytest.raises(CspError, match="no police_crime data loaded for 12 month"):
            problem_size(con, resolve_scope(con, areas=BOROUGH,
                                            period=StrategicPeriod("2026-01", "2026-12")),
                         areas=["E05900009"], topic=topic)
    finally:
        con.disconnect()


def test_an_area_outside_the_partnership_is_refused(borough):
    con = connect(borough.warehouse, create=False)
    try:
        neighbour = con.table("area").filter(lambda t: t.lad_code == "E06900002") \
            .select("ward_code").limit(1).to_pandas()["ward_code"].iloc[0]
        topic = resolve_topic(con, "Burglary")
        with pytest.raises(CspError, match="outside the partnership"):
            problem_size(con, resolve_scope(con, areas=BOROUGH, period=Y2025), areas=[neighbour],
                         topic=topic)
    finally:
        con.disconnect()
