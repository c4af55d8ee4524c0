"""The real Cleveland data, checked against plain SQL over the raw files.

The independent side reads the published .csv.gz files with DuckDB's own CSV reader and joins
the ONS lookup itself; the loader's side is the warehouse built by the `real_warehouse`
fixture.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.warehouse import connect

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    police = shared_data / "police-uk" / "cleveland"
    con.execute(f"""CREATE VIEW street AS SELECT * FROM read_csv(
        '{police}/street/*.csv.gz', header = true, all_varchar = true)""")
    con.execute(f"""CREATE VIEW outcomes AS SELECT * FROM read_csv(
        '{police}/outcomes/*.csv.gz', header = true, all_varchar = true)""")
    con.execute(f"""CREATE VIEW searches AS SELECT *, filename FROM read_csv(
        '{police}/stop-and-search/*.csv.gz', header = true, all_varchar = true,
        filename = true)""")
    con.execute(f"""CREATE VIEW lookup AS SELECT * FROM read_csv(
        '{shared_data}/lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz', header = true,
        all_varchar = true)""")
    return con


@pytest.fixture(scope="module")
def wh(real_warehouse: Path):
    con = connect(real_warehouse)
    yield con
    con.disconnect()


def test_every_street_row_is_loaded_month_by_month(raw, wh):
    expected = raw.execute("""SELECT "Month", count(*),
        count(*) FILTER (WHERE "Crime type" = 'Anti-social behaviour')
        FROM street GROUP BY 1 ORDER BY 1""").fetchall()
    got = wh.sql("""SELECT month, count(*) AS n, count(*) FILTER (WHERE source = 'police_asb')
        AS asb FROM incident WHERE police_force = 'cleveland' GROUP BY 1 ORDER BY 1""").execute()
    assert len(expected) == 36
    assert [tuple(r) for r in got.itertuples(index=False)] == expected


def test_stockton_on_tees_rows_by_year_match_the_lookup_join_and_sources_md(raw, wh):
    expected = dict(raw.execute("""SELECT substr(s."Month", 1, 4), count(*)
        FROM street s JOIN lookup l ON s."LSOA code" = l."LSOA21CD"
        WHERE l."LAD25CD" = 'E06000004' AND s."Month" >= '2024-01' GROUP BY 1""").fetchall())
    got = dict(wh.sql("""SELECT substr(month, 1, 4) AS y, count(*) AS n FROM incident
        WHERE lad_code = 'E06000004' AND month >= '2024-01' GROUP BY 1""").execute()
        .itertuples(index=False))
    assert got == expected
    # And the published reference figures in shared/data/SOURCES.md.
    assert got == {"2024": 25_633, "2025": 25_814}


def test_rows_with_2011_lsoa_codes_are_all_reassigned(raw, wh):
    not_2021 = raw.execute("""SELECT count(*) FROM street
        WHERE "LSOA code" NOT IN (SELECT "LSOA21CD" FROM lookup)""").fetchone()[0]
    got = wh.sql("""SELECT lsoa_assignment, count(*) AS n FROM incident
        WHERE police_force = 'cleveland' GROUP BY 1""").execute().set_index("lsoa_assignment")["n"]
    reassigned = int(got[[i for i in got.index if i.startswith("lsoa11_")]].sum())
    assert reassigned == not_2021 == 3543  # 778 + 674 + 701 + 747 + 643 (SOURCES.md)
    assert "unknown_lsoa" not in got.index and "no_lsoa" not in got.index


def test_outcomes_and_searches_are_loaded_month_by_month(raw, wh):
    expected = raw.execute('SELECT "Month", count(*) FROM outcomes GROUP BY 1 ORDER BY 1'
                           ).fetchall()
    got = wh.sql("SELECT month, count(*) AS n FROM outcome GROUP BY 1 ORDER BY 1").execute()
    assert [tuple(r) for r in got.itertuples(index=False)] == expected
    expected = raw.execute("""SELECT regexp_extract(filename, '(\\d{4}-\\d{2})-cleveland', 1),
        count(*) FROM searches GROUP BY 1 ORDER BY 1""").fetchall()
    got = wh.sql("SELECT month, count(*) AS n FROM stop_search GROUP BY 1 ORDER BY 1").execute()
    assert [tuple(r) for r in got.itertuples(index=False)] == expected


def test_reference_tables_hold_every_row_of_their_files(raw, shared_data, wh):
    area = wh.sql("SELECT vintage, count(*) AS n FROM area GROUP BY 1").execute()
    assert area.values.tolist() == [["WD25", 35_672]]
    stockton = wh.sql("""SELECT count(*) AS lsoas, count(DISTINCT ward_code) AS wards
        FROM area WHERE lad_code = 'E06000004'""").execute().iloc[0].tolist()
    assert stockton == [124, 27]
    imd = duckdb.sql(f"""SELECT avg(CAST(IMD_score AS DOUBLE)) FROM read_csv(
        '{shared_data}/imd/imd2025_england_lsoa21.csv.gz', header = true)
        WHERE lsoa21_code IN (SELECT "LSOA21CD" FROM read_csv(
        '{shared_data}/lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz', header = true)
        WHERE "LAD25CD" = 'E06000004')""").fetchone()[0]
    got = wh.sql("""SELECT avg(d.score) AS s FROM deprivation d JOIN area a
        ON a.lsoa_code = d.lsoa_code WHERE a.lad_code = 'E06000004' AND d.edition = 'IoD2025'
        AND d.domain = 'imd' AND d.score IS NOT NULL""").execute()["s"].iloc[0]
    assert got == pytest.approx(imd, abs=1e-9)
    pop = wh.sql("""SELECT sum(count) AS n FROM population WHERE source = 'census2021'
        """).execute()["n"].iloc[0]
    assert pop == 59_597_576
    mid = wh.sql("""SELECT sum(count) AS n FROM population WHERE source = 'mid_year_estimate'
        AND year = 2020""").execute()["n"].iloc[0]
    assert mid == 59_719_724


def test_cli_load_then_status_reports_36_months(shared_data, tmp_path):
    runner = CliRunner()
    db = tmp_path / "cli.duckdb"
    result = runner.invoke(app, ["load", str(shared_data / "lookups"),
                                 str(shared_data / "police-uk" / "cleveland" / "street"),
                                 "--warehouse", str(db)])
    assert result.exit_code == 0, result.output
    assert "police_street: 36 file(s)" in result.output
    status = runner.invoke(app, ["status", "--json", "--warehouse", str(db)])
    assert status.exit_code == 0, status.output
    state = json.loads(status.output)
    street = [c for c in state["coverage_by_force"]
              if c["source"] == "police_crime" and c["area"] == "cleveland"]
    assert street[0]["months"] == 36 and street[0]["missing_months"] == []
    months = {r["month"]: r for r in state["force_months"]}
    assert months["2023-01"]["street"] == 7663 and months["2023-01"]["asb"] == 1161
    assert months["2025-12"]["street"] == 6954
    again = runner.invoke(app, ["load", str(shared_data / "police-uk" / "cleveland" / "street"),
                                "--warehouse", str(db)])
    assert again.exit_code == 0, again.output
    assert "Nothing new to load: every file given is already loaded" in again.output


def test_rows_placed_as_they_are_loaded_equal_the_sql_placement(real_warehouse, tmp_path):
    """The loader places new rows in Arrow before writing them; `place_rows` places rows
    already in the warehouse with SQL updates (after reference data changes). Both must give
    every real incident and outcome the same LSOA 2021, assignment, ward and authority."""
    from cspkit.warehouse.placement import PLACED_TABLES, place_rows

    copy = tmp_path / "copy.duckdb"
    shutil.copy(real_warehouse, copy)
    con = connect(copy)
    columns = "lsoa_code, lsoa_assignment, ward_code, lad_code"
    for table in PLACED_TABLES:
        con.raw_sql(f"CREATE TABLE before_{table} AS SELECT rowid AS r, {columns} FROM {table}")
    place_rows(con, everything=True)
    for table in PLACED_TABLES:
        counts = con.sql(f"""
            SELECT count(*) AS n,
                   count(*) FILTER (WHERE a.lsoa_code IS DISTINCT FROM b.lsoa_code
                       OR a.lsoa_assignment IS DISTINCT FROM b.lsoa_assignment
                       OR a.ward_code IS DISTINCT FROM b.ward_code
                       OR a.lad_code IS DISTINCT FROM b.lad_code) AS differ,
                   count(*) FILTER (WHERE b.lsoa_assignment LIKE 'lsoa11_split%') AS split
            FROM before_{table} b JOIN (SELECT rowid AS r, {columns} FROM {table}) a
              ON a.r = b.r""").execute().iloc[0]
        total = con.sql(f"SELECT count(*) AS n FROM {table}").execute()["n"].iloc[0]
        assert counts["n"] == total > 0
        assert counts["differ"] == 0, table
        if table == "incident":
            assert counts["split"] > 0  # the one-by-one path was exercised
    con.disconnect()
