"""The same loads on PostgreSQL give the same tables as on DuckDB, with the same guarantees."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd
import pytest

from cspkit.errors import LoadFailed
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from cspkit.warehouse.status import warehouse_status

from .conftest import A1, B1, X11, street_file, street_row

pytestmark = pytest.mark.postgres

SERVER = os.environ.get("CSP_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture
def pg():
    psycopg = pytest.importorskip("psycopg")
    name = f"csp_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CSP_REQUIRE_SERVICES") == "1":
            pytest.fail(f"PostgreSQL is required here but not reachable at {SERVER}: {exc}")
        pytest.skip(f"no PostgreSQL server at {SERVER} (set CSP_TEST_POSTGRES_URL): {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    con = connect(f"{SERVER}/{name}")
    yield con
    con.disconnect()
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


def _table(con, name: str) -> pd.DataFrame:
    frame = con.table(name).to_pandas().drop(columns=["load_id"])
    return frame.astype(str).sort_values(list(frame.columns), ignore_index=True)


def test_loads_on_postgresql_equal_loads_on_duckdb(pg, tmp_path, reference):
    rows = [street_row("2023-01", X11, "Burglary", 1, lon=0.18, lat=50.05),
            street_row("2023-01", A1, "Anti-social behaviour", 2),
            street_row("2023-01", B1, "Robbery", 3)]
    police = street_file(tmp_path / "p", "2023-01", rows)
    duck = connect(tmp_path / "w.duckdb")
    for con in (duck, pg):
        load_paths(con, [reference, police])
    for name in ("incident", "area", "lsoa_change", "boundary", "population"):
        pd.testing.assert_frame_equal(_table(pg, name), _table(duck, name))
    assert warehouse_status(pg).placement == warehouse_status(duck).placement


def test_failed_load_on_postgresql_leaves_it_unchanged(pg, tmp_path, reference):
    good = street_file(tmp_path / "a", "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    load_paths(pg, [reference, good])
    before = {n: _table(pg, n) for n in ("incident", "load_ledger")}
    bad_rows = [street_row("2024-02", A1, "Drugs", 2)]
    bad_rows[0][1] = "2024-13"
    bad = street_file(tmp_path / "b", "2024-02", bad_rows)
    again = street_file(tmp_path / "c", "2024-03", [street_row("2024-03", A1, "Drugs", 3)])
    with pytest.raises(LoadFailed, match="expected a month as YYYY-MM"):
        load_paths(pg, [again, bad])
    assert [f.status for f in load_paths(pg, [good]).files] == ["already_loaded"]
    for name, frame in before.items():
        pd.testing.assert_frame_equal(_table(pg, name), frame)


def test_connect_names_a_bad_url(tmp_path: Path):
    from cspkit.errors import CspError

    with pytest.raises(CspError, match="cannot open warehouse postgres://nobody@127.0.0.1:1/x"):
        connect("postgres://nobody@127.0.0.1:1/x")


def test_partner_rows_are_placed_when_the_postcode_lookup_arrives_on_postgresql(
        pg, tmp_path, reference):
    from cspkit.sources.partner.loading import load_partner
    from cspkit.sources.partner.mapping import load_mapping
    from tests.sources.partner.conftest import postcode_lookup
    from tests.sources.partner.test_load_partner import asb_export

    export = asb_export(tmp_path)
    duck = connect(tmp_path / "w.duckdb")
    for con in (duck, pg):
        load_paths(con, [reference])
        report = load_partner(con, [export], mapping=load_mapping("council_asb"))
        assert report.unplaced_reasons == {"no_location": 1, "no_postcode_lookup": 3}
        lookup = load_paths(con, [postcode_lookup(tmp_path / "lookup")])
        assert lookup.placement.placed_by_postcode == 2
    for name in ("incident", "unplaced_postcode", "person_involvement"):
        pd.testing.assert_frame_equal(_table(pg, name), _table(duck, name))
    assert _table(pg, "unplaced_postcode")["postcode"].tolist() == ["ZZ9 9ZZ"]
