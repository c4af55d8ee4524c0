"""Stockton-on-Tees (E06000004), 2025 against 2024, on the real data.

Every expected figure is computed here, independently, by plain DuckDB SQL over the raw
files in ../shared/data (police.uk street and outcomes CSVs, the ONS lookup, Census 2021
residents, IoD2025, the all-forces summary), never through the warehouse loaders.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
import scipy.stats
import shapely
from numpy.testing import assert_allclose, assert_array_equal

from cspkit.analysis import (
    StrategicPeriod,
    compare_periods,
    concentration,
    deprivation_profile,
    hotspots,
    monthly_series,
    outcome_profile,
    peer_comparison,
    vulnerable_localities,
    ward_ranking,
)
from cspkit.analysis.scope import resolve_scope
from cspkit.warehouse import connect

pytestmark = pytest.mark.real_data

STOCKTON = "E06000004"
Y2025 = StrategicPeriod("2025-01", "2025-12")
ASB = "Anti-social behaviour"


@pytest.fixture(scope="module")
def warehouse(real_warehouse, tmp_path_factory):
    path = tmp_path_factory.mktemp("stockton") / "copy.duckdb"
    shutil.copy(real_warehouse, path)
    con = connect(path)
    yield con
    con.disconnect()


@pytest.fixture(scope="module")
def raw(shared_data):
    """Plain DuckDB views over the raw files."""
    d = shared_data
    db = duckdb.connect()

    def csv(path):
        return f"read_csv('{d / path}', header=true, all_varchar=true)"

    db.execute(f"CREATE VIEW street AS SELECT * FROM {csv('police-uk/cleveland/street/*.csv.gz')}")
    db.execute(f"CREATE VIEW outcomes AS SELECT * FROM "
               f"{csv('police-uk/cleveland/outcomes/*.csv.gz')}")
    db.execute(f"CREATE VIEW lookup AS SELECT * FROM "
               f"{csv('lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz')}")
    db.execute(f"CREATE VIEW census AS SELECT lsoa21_code, CAST(total_residents AS BIGINT) n "
               f"FROM {csv('population/census2021_usual_residents_lsoa21.csv.gz')}")
    db.execute(f"CREATE VIEW imd AS SELECT * FROM {csv('imd/imd2025_england_lsoa21.csv.gz')}")
    db.execute("""
        CREATE VIEW stockton AS
        SELECT s.*, l.WD25CD AS ward, l.WD25NM AS ward_name, substr(s.Month, 1, 4) AS yr
        FROM street s JOIN lookup l ON s."LSOA code" = l.LSOA21CD
        WHERE l.LAD25CD = 'E06000004' AND s.Month BETWEEN '2024-01' AND '2025-12'
    """)
    db.execute("CREATE VIEW stockton_lsoas AS SELECT * FROM lookup WHERE LAD25CD = 'E06000004'")
    yield db
    db.close()


def test_change_2025_against_2024_matches_the_raw_files(warehouse, raw):
    expected = raw.sql("""
        SELECT "Crime type" AS category,
               count(*) FILTER (WHERE yr = '2025') AS current,
               count(*) FILTER (WHERE yr = '2024') AS previous
        FROM stockton GROUP BY 1
    """).df().set_index("category")
    result = compare_periods(warehouse, resolve_scope(warehouse, areas=STOCKTON, period=Y2025))
    t = result.table.set_index("group")
    crime = expected.drop(index=ASB)
    assert (result.total_current, result.total_previous) == tuple(crime.sum())
    assert (result.asb_current, result.asb_previous) == tuple(expected.loc[ASB])
    types = t[t["kind"] == "crime_type"]
    assert sorted(types.index) == sorted(crime.index)
    assert_array_equal(types[["current", "previous"]], crime.loc[types.index])
    share = crime.loc[types.index, "current"] / crime["current"].sum()
    assert_allclose(types["share_current"], share)
    assert result.citation.comparison == StrategicPeriod("2024-01", "2024-12")


def test_ward_ranking_matches_the_raw_files(warehouse, raw):
    expected = raw.sql("""
        WITH wards AS (
            SELECT WD25CD AS code, sum(c.n) AS residents
            FROM stockton_lsoas l JOIN census c ON c.lsoa21_code = l.LSOA21CD GROUP BY 1),
        counts AS (
            SELECT ward AS code, count(*) FILTER (WHERE yr = '2025') AS count,
                   count(*) FILTER (WHERE yr = '2024') AS previous_count
            FROM stockton WHERE "Crime type" <> 'Anti-social behaviour' GROUP BY 1)
        SELECT w.code, w.residents, coalesce(c.count, 0) AS count,
               coalesce(c.previous_count, 0) AS previous_count,
               rank() OVER (ORDER BY coalesce(c.count, 0) DESC) AS rank,
               rank() OVER (ORDER BY coalesce(c.previous_count, 0) DESC) AS previous_rank,
               1000.0 * coalesce(c.count, 0) / w.residents AS rate_per_1000
        FROM wards w LEFT JOIN counts c USING (code)
    """).df().set_index("code")
    result = ward_ranking(warehouse, resolve_scope(warehouse, areas=STOCKTON, period=Y2025),
                          top_n=5)
    t = result.table.set_index("code")
    assert len(t) == len(expected) == 27
    cols = ["residents", "count", "previous_count", "rank", "previous_rank"]
    assert_array_equal(t.loc[expected.index, cols].astype("int64"), expected[cols])
    assert_allclose(t.loc[expected.index, "rate_per_1000"], expected["rate_per_1000"])
    top5 = expected.nsmallest(5, "rank")["count"].sum() / expected["count"].sum()
    assert result.top_share == pytest.approx(top5)


def test_concentration_matches_the_raw_files(warehouse, raw):
    counts = raw.sql("""
        SELECT l.LSOA21CD, count(s."Crime type") AS n
        FROM stockton_lsoas l LEFT JOIN stockton s
          ON s."LSOA code" = l.LSOA21CD AND s.yr = '2025'
          AND s."Crime type" <> 'Anti-social behaviour'
        GROUP BY 1
    """).df()["n"].to_numpy(dtype=float)
    result = concentration(warehouse,
                           resolve_scope(warehouse, areas=STOCKTON, period=Y2025, compare=None))
    x = np.sort(counts)[::-1]
    assert result.n_lsoas == len(x) == 124
    assert result.top_5pct_share == pytest.approx(x[:7].sum() / x.sum())  # ceil(6.2) = 7
    assert result.top_10pct_share == pytest.approx(x[:13].sum() / x.sum())  # ceil(12.4) = 13
    mean_difference = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert result.gini == pytest.approx(mean_difference)


def test_deprivation_profile_matches_the_raw_files(warehouse, raw):
    lsoas = raw.sql("""
        SELECT l.LSOA21CD AS lsoa, CAST(i.IMD_decile AS INT) AS decile,
               CAST(i.IMD_score AS DOUBLE) AS score, c.n AS residents,
               (SELECT count(*) FROM stockton s WHERE s."LSOA code" = l.LSOA21CD
                  AND s.yr = '2025' AND s."Crime type" <> 'Anti-social behaviour') AS crimes
        FROM stockton_lsoas l JOIN imd i ON i.lsoa21_code = l.LSOA21CD
        JOIN census c ON c.lsoa21_code = l.LSOA21CD
    """).df()
    result = deprivation_profile(warehouse,
                                 resolve_scope(warehouse, areas=STOCKTON, period=Y2025,
                                               compare=None))
    by_decile = lsoas.groupby("decile")[["residents", "crimes"]].sum()
    t = result.table.set_index("imd_decile").loc[by_decile.index]
    assert_array_equal(t["count"], by_decile["crimes"])
    assert_allclose(t["rate_per_1000"], 1000 * by_decile["crimes"] / by_decile["residents"])
    rate = lsoas["crimes"] / lsoas["residents"]
    rho = np.corrcoef(rate.rank(), lsoas["score"].rank())[0, 1]  # Spearman by definition
    assert result.spearman_rho == pytest.approx(rho)


def test_outcomes_match_the_raw_files(warehouse, raw):
    expected = raw.sql("""
        WITH crimes AS (
            SELECT "Crime ID" AS id, "Last outcome category" AS last FROM stockton
            WHERE yr = '2025' AND "Crime type" <> 'Anti-social behaviour'),
        latest AS (
            SELECT "Crime ID" AS id, arg_max("Outcome type", Month || "Outcome type") AS outcome
            FROM outcomes WHERE "Crime ID" IN (SELECT id FROM crimes) GROUP BY 1)
        SELECT coalesce(latest.outcome, crimes.last) AS outcome, count(*) AS n
        FROM crimes LEFT JOIN latest USING (id) GROUP BY 1
    """).df().set_index("outcome")["n"]
    result = outcome_profile(warehouse,
                             resolve_scope(warehouse, areas=STOCKTON, period=Y2025, compare=None))
    t = result.table[result.table["kind"] == "total"].set_index("outcome")["count"]
    assert t.sort_index().to_dict() == expected.sort_index().astype("int64").to_dict()
    assert result.under_investigation_share == pytest.approx(
        expected["Under investigation"] / expected.sum()
    )


def test_monthly_series_and_rolling_total_match_the_raw_files(warehouse, raw):
    expected = raw.sql("""
        SELECT Month AS month, count(*) AS n,
               sum(count(*)) OVER (ORDER BY Month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) AS r
        FROM stockton WHERE "Crime type" <> 'Anti-social behaviour' GROUP BY 1 ORDER BY 1
    """).df().set_index("month")
    result = monthly_series(warehouse,
                            resolve_scope(warehouse, areas=STOCKTON, period=Y2025, compare=None))
    t = result.table[result.table["kind"] == "total"].set_index("month")
    assert_array_equal(t["count"], expected.loc[list(Y2025.months), "n"])
    assert_allclose(t["rolling_total"], expected.loc[list(Y2025.months), "r"])


def test_peer_rates_match_the_raw_files(warehouse, raw, shared_data):
    summary = shared_data / "police-uk" / "all-forces-summary"
    cleveland = raw.sql("""
        SELECT l.LAD25CD AS lad, count(*) AS n FROM street s
        JOIN lookup l ON s."LSOA code" = l.LSOA21CD
        WHERE s.Month BETWEEN '2025-01' AND '2025-12' AND s."Crime type" <> 'Anti-social behaviour'
        GROUP BY 1
    """).df().set_index("lad")["n"]
    residents = raw.sql("""
        SELECT l.LAD25CD AS lad, sum(c.n) AS n FROM lookup l
        JOIN census c ON c.lsoa21_code = l.LSOA21CD GROUP BY 1
    """).df().set_index("lad")["n"]
    liverpool = raw.sql(f"""
        SELECT sum(CAST(n AS BIGINT))
        FROM read_csv('{summary / "lad_month_crimetype_counts.csv.gz"}', all_varchar=true)
        WHERE lad25_code = 'E08000012' AND force_file_slug = 'merseyside'
          AND month LIKE '2025-%' AND crime_type <> 'Anti-social behaviour'
    """).fetchone()[0]
    bristol_missing = raw.sql(f"""
        SELECT string_agg(month, ', ' ORDER BY month)
        FROM read_csv('{summary / "file_inventory.csv"}', all_varchar=true)
        WHERE force_file_slug = 'avon-and-somerset' AND month LIKE '2025-%' AND status <> 'ok'
    """).fetchone()[0]
    result = peer_comparison(warehouse,
                             resolve_scope(warehouse, areas=STOCKTON, period=Y2025, compare=None))
    t = result.table.set_index("lad_code")
    for lad in ("E06000001", "E06000002", "E06000003", STOCKTON):
        assert t.loc[lad, "count"] == cleveland[lad]
        assert t.loc[lad, "rate_per_1000"] == pytest.approx(1000 * cleveland[lad] / residents[lad])
        assert t.loc[lad, "in_force"] and t.loc[lad, "complete"]
    assert t.loc["E08000012", "count"] == liverpool
    assert t.loc["E06000023", "months_missing"] == bristol_missing
    assert not t.loc["E06000023", "complete"]
    four = ["E06000001", "E06000002", "E06000003", STOCKTON]
    assert result.force_rate == pytest.approx(1000 * cleveland[four].sum() / residents[four].sum())
    assert sorted(t.index[t["in_force"]]) == sorted(four)


def test_england_pools_the_complete_english_authorities_of_the_all_forces_counts(
        warehouse, raw, shared_data):
    """Plain SQL over the raw all-forces counts: each authority takes the territorial force
    with most of its 2025 crime (never BTP), strays under 5% of that force's busiest
    authority's rate are dropped, and an English authority is pooled when its force has all
    12 months with no file missing from the inventory."""
    summary = shared_data / "police-uk" / "all-forces-summary"
    lad = f"read_csv('{summary / 'lad_month_crimetype_counts.csv.gz'}', all_varchar=true)"
    inventory = f"read_csv('{summary / 'file_inventory.csv'}', all_varchar=true)"
    authorities, rate = raw.sql(f"""
        WITH counts AS (
            SELECT lad25_code AS lad, force_file_slug AS force, sum(CAST(n AS BIGINT)) AS n
            FROM {lad} WHERE month LIKE '2025-%' AND crime_type <> '{ASB}'
              AND force_file_slug <> 'btp' AND coalesce(lad25_code, '') <> ''
            GROUP BY 1, 2),
        main AS (SELECT * FROM counts
                 QUALIFY row_number() OVER (PARTITION BY lad ORDER BY n DESC, force) = 1),
        res AS (SELECT l.LAD25CD AS lad, sum(c.n) AS residents
                FROM lookup l JOIN census c ON c.lsoa21_code = l.LSOA21CD GROUP BY 1),
        rated AS (SELECT m.*, r.residents, 1000.0 * m.n / r.residents AS rate
                  FROM main m JOIN res r USING (lad)),
        busiest AS (SELECT force, rate AS top FROM rated
                    QUALIFY row_number() OVER (PARTITION BY force ORDER BY n DESC, lad) = 1),
        kept AS (SELECT r.* FROM rated r JOIN busiest b USING (force)
                 WHERE r.rate >= 0.05 * b.top),
        bad AS (SELECT DISTINCT force_file_slug AS force FROM {inventory}
                WHERE month LIKE '2025-%' AND status <> 'ok'),
        full_year AS (SELECT force_file_slug AS force FROM {lad} WHERE month LIKE '2025-%'
                      GROUP BY 1 HAVING count(DISTINCT month) = 12)
        SELECT count(*), 1000.0 * sum(n) / sum(residents) FROM kept
        WHERE lad LIKE 'E%' AND force IN (SELECT force FROM full_year)
          AND force NOT IN (SELECT force FROM bad)
    """).fetchone()
    result = peer_comparison(warehouse,
                             resolve_scope(warehouse, areas=STOCKTON, period=Y2025, compare=None))
    e = result.england
    assert (e.authorities, e.english_authorities) == (authorities, 296) == (224, 296)
    assert e.rate == pytest.approx(rate)
    assert e.forces_without_data == (
        "greater-manchester", "metropolitan", "west-midlands", "west-yorkshire")
    assert dict(e.forces_incomplete)["thames-valley"] == ("2025-07",)
    assert len(dict(e.forces_incomplete)["avon-and-somerset"]) == 6
    # Kirklees (West Yorkshire, not loaded) is known only from 11 South Yorkshire strays
    assert "E08000034" not in set(result.table["lad_code"])
    assert int(result.table.set_index("lad_code").loc[STOCKTON, "rank_in_england"]) == 25


def test_with_only_clevelands_data_there_is_no_england_comparator(real_warehouse, tmp_path):
    path = tmp_path / "cleveland_only.duckdb"
    shutil.copy(real_warehouse, path)
    con = connect(path)
    con.raw_sql("DELETE FROM area_crime_count")
    con.raw_sql("DELETE FROM source_inventory")
    result = peer_comparison(con, resolve_scope(con, areas=STOCKTON, period=Y2025, compare=None))
    con.disconnect()
    assert result.england is None
    assert result.forces_with_data == ("cleveland",)
    assert result.table["rank_in_england"].isna().all()
    assert result.force_authorities == 4


def test_hotspots_match_a_direct_computation_from_the_boundary_file(warehouse, raw, shared_data):
    features = json.loads((shared_data / "boundaries" / "lsoa21_bsc_cleveland.geojson").read_text())
    polygons = {f["properties"]["lsoa21_code"]: shapely.geometry.shape(f["geometry"])
                for f in features["features"] if f["properties"]["lad25_code"] == STOCKTON}
    codes = sorted(polygons)
    counts = raw.sql("""
        SELECT "LSOA code" AS lsoa, count(*) AS n FROM stockton
        WHERE yr = '2025' AND "Crime type" <> 'Anti-social behaviour' GROUP BY 1
    """).df().set_index("lsoa")["n"].reindex(codes, fill_value=0).to_numpy(dtype=float)
    # Queen contiguity: polygons sharing at least one boundary point; w_ii = 1 (Gi*).
    a = np.array([[1.0 if i == j or polygons[ci].intersects(polygons[cj]) else 0.0
                   for j, cj in enumerate(codes)] for i, ci in enumerate(codes)])
    n, xbar = len(counts), counts.mean()
    s = np.sqrt((counts**2).mean() - xbar**2)
    wi = a.sum(axis=1)
    z = (a @ counts - xbar * wi) / (s * np.sqrt((n * (a**2).sum(axis=1) - wi**2) / (n - 1)))
    result = hotspots(warehouse, resolve_scope(warehouse, areas=STOCKTON, period=Y2025))
    t = result.table.set_index("lsoa_code").loc[codes]
    assert_allclose(t["gi_z"], z)
    # two-sided normal p-values, then Benjamini-Hochberg by hand: q_(i) = min_k>=i m p_(k)/k
    p = 2 * scipy.stats.norm.sf(np.abs(z))
    order = np.argsort(p)
    stepped = p[order] * n / np.arange(1, n + 1)
    q = np.empty(n)
    q[order] = np.minimum(1, np.minimum.accumulate(stepped[::-1])[::-1])
    assert_allclose(t["p_value"], p)
    assert_allclose(t["q_value"], q)
    assert sorted(t.index[t["hot"]]) == sorted(np.array(codes)[(q <= 0.05) & (z > 0)])
    assert result.n_hot == 10


def test_the_assessments_hot_spots_do_not_move_with_the_random_seed(warehouse):
    """With 999 permutations the all-crime set ranged over 7 to 10 LSOAs and the acquisitive
    set over 0 to 5, depending only on the seed."""
    from cspkit.assessment.evidence import PERMUTATIONS

    acquisitive = ["Burglary", "Vehicle crime", "Shoplifting", "Theft from the person",
                   "Bicycle theft", "Other theft"]
    for selection in ({}, {"categories": acquisitive}, {"source": "police_asb"}):
        sets = {
            tuple(sorted(hotspots(warehouse, resolve_scope(warehouse, areas=STOCKTON,
                                                           period=Y2025),
                                  permutations=PERMUTATIONS, seed=seed, **selection)
                         .table.query("hot")["lsoa_code"]))
            for seed in (1, 2, 3, 4)
        }
        assert len(sets) == 1, selection


def test_vulnerable_localities_match_a_direct_computation(warehouse, raw, shared_data):
    mye = shared_data / "population" / "population20_lsoa11_syoa.csv.gz"
    change = shared_data / "lookups" / "lookup_lsoa11_lsoa21_ltla22.csv.gz"
    young = " + ".join(f'CAST("{age}" AS BIGINT)' for age in range(15, 25))
    df = raw.sql(f"""
        WITH ages AS (
            SELECT ch.lsoa21_code AS lsoa, sum({young}) AS young,
                   sum(CAST(p.total_population AS BIGINT)) AS total
            FROM (SELECT DISTINCT lsoa11_code, lsoa21_code
                  FROM read_csv('{change}', header=true, all_varchar=true)) ch
            JOIN read_csv('{mye}', header=true, all_varchar=true) p
              ON p.lsoa11_code = ch.lsoa11_code
            GROUP BY 1),
        crimes AS (
            SELECT "LSOA code" AS lsoa,
                   count(*) FILTER (WHERE "Crime type" = 'Burglary') AS burglary,
                   count(*) FILTER (WHERE "Crime type" = 'Criminal damage and arson') AS damage
            FROM stockton WHERE yr = '2025' GROUP BY 1)
        SELECT l.LSOA21CD AS lsoa, c.n AS residents,
               coalesce(cr.burglary, 0) * 1000.0 / c.n AS burglary,
               coalesce(cr.damage, 0) * 1000.0 / c.n AS damage,
               CAST(i.Income_score AS DOUBLE) AS income,
               CAST(i.Employment_score AS DOUBLE) AS employment,
               CAST(i.Education_score AS DOUBLE) AS education,
               a.young / a.total AS young
        FROM stockton_lsoas l JOIN census c ON c.lsoa21_code = l.LSOA21CD
        JOIN imd i ON i.lsoa21_code = l.LSOA21CD JOIN ages a ON a.lsoa = l.LSOA21CD
        LEFT JOIN crimes cr ON cr.lsoa = l.LSOA21CD
    """).df().set_index("lsoa").sort_index()
    index = 100 * df / df.mean()
    vli = ((index["burglary"] + index["damage"]) / 2 + index["income"] + index["employment"]
           + index["education"] + index["young"]) / 5
    result = vulnerable_localities(warehouse,
                                   resolve_scope(warehouse, areas=STOCKTON, period=Y2025,
                                                 compare=None))
    t = result.table.set_index("lsoa_code").loc[df.index]
    assert len(t) == 124
    assert_allclose(t["young"], df["young"])
    assert_allclose(t["vli"], vli)
    assert result.n_vulnerable == int((vli > 200).sum())


def test_a_period_beyond_the_data_is_an_error_on_the_real_warehouse(warehouse):
    from cspkit.errors import CspError

    with pytest.raises(CspError, match="2026-01"):
        compare_periods(warehouse,
                        resolve_scope(warehouse, areas=STOCKTON,
                                      period=StrategicPeriod("2026-01", "2026-03")))


def test_stockton_figures_are_consistent_across_analyses(warehouse):
    change = compare_periods(warehouse, resolve_scope(warehouse, areas=STOCKTON, period=Y2025))
    wards = ward_ranking(warehouse, resolve_scope(warehouse, areas=STOCKTON, period=Y2025))
    assert wards.total == change.total_current
    assert wards.previous_total == change.total_previous
    assert pd.Series(wards.table["share"]).sum() == pytest.approx(1.0)
