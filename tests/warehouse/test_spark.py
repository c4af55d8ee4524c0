"""The warehouse on Spark: URLs, and loads that are atomic although Spark tables take no
transaction, UPDATE or DELETE (each checked against the same load on DuckDB)."""

from __future__ import annotations

import pandas as pd
import pytest

from cspkit.cli.options import warehouse_value
from cspkit.errors import CspError
from cspkit.synth import generate_borough
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from cspkit.warehouse.schema import TABLES
from cspkit.warehouse.spark import parse_spark_url

from ..analysis.test_engines import spark_session  # noqa: F401 (a fixture)
from .spark_db import new_spark_database


@pytest.mark.parametrize(("url", "master", "remote"), [
    ("spark://local[2]", "local[2]", None),
    ("spark://local", "local", None),
    ("spark://local[*]?database=force_a", "local[*]", None),
    ("spark://spark-master.example:7077", "spark://spark-master.example:7077", None),
    ("sc://connect.example:15002/;token=t", None, "sc://connect.example:15002/;token=t"),
    ("sc://local[1]", None, "local[1]"),
    ("spark", None, None),
])
def test_spark_urls(url, master, remote):
    target = parse_spark_url(url)
    assert (target.master, target.remote) == (master, remote)
    assert (target.database, target.format) == (
        "force_a" if "force_a" in url else "csp", "parquet")


def test_spark_url_options():
    target = parse_spark_url("sc://h:443/;token=t?database=csp2&format=delta"
                             "&conf.spark.sql.shuffle.partitions=8")
    assert (target.remote, target.database, target.format, target.conf) == (
        "sc://h:443/;token=t", "csp2", "delta", {"spark.sql.shuffle.partitions": "8"})


@pytest.mark.parametrize(("url", "said"), [
    ("spark://local[2]?bogus=1", "unknown Spark warehouse option 'bogus'"),
    ("spark://local[2]?database=no-dash", "database='no-dash'"),
    ("spark://", "names no Spark master"),
    ("sc://", "names no Spark Connect server"),
    ("spark://local[2]?format=csv", "format='csv' is not a table format"),
])
def test_a_bad_spark_url_says_what_is_wrong(url, said):
    with pytest.raises(CspError, match=said.replace("[", r"\[")):
        connect(url)


def test_the_warehouse_option_keeps_a_url_whole():
    # A Path would fold "//" and lose the scheme's meaning.
    assert warehouse_value("spark://local[2]?warehouse=/data/w") == (
        "spark://local[2]?warehouse=/data/w")
    assert warehouse_value("sc://h:15002") == "sc://h:15002"
    assert str(warehouse_value("w.duckdb")) == "w.duckdb"


# ---- Loads on local Spark ------------------------------------------------------------------


@pytest.fixture(scope="module")
def borough(tmp_path_factory):
    out = tmp_path_factory.mktemp("borough")
    generate_borough(out, seed=7, first_month="2025-01", last_month="2025-02")
    return out


@pytest.fixture
def spark_con(spark_session, request):  # noqa: F811
    session, name, con = new_spark_database(spark_session, request)
    yield con
    session.sql(f"DROP DATABASE IF EXISTS {name} CASCADE")


def _snapshot(con) -> dict[str, pd.DataFrame]:
    out = {}
    for name, table in TABLES.items():
        frame = con.table(name).to_pandas()
        columns = [c for c in table.column_names if c != "loaded_at"]
        out[name] = frame[columns].sort_values(columns, ignore_index=True).astype(str)
    return out


def _reference(borough):
    return [borough / "lookups", borough / "population", borough / "imd"]


@pytest.mark.spark
def test_a_load_on_spark_matches_duckdb(spark_con, borough, tmp_path):
    duck = connect(tmp_path / "w.duckdb")
    for con in (duck, spark_con):
        # Police data first, then the lookups: the stored rows are placed again (a rewrite
        # on Spark, UPDATE on DuckDB).
        load_paths(con, [borough / "police-uk" / "2025-01"])
        load_paths(con, _reference(borough))
    on_duck, on_spark = _snapshot(duck), _snapshot(spark_con)
    assert len(on_duck["incident"]) > 0
    assert on_duck["incident"]["lad_code"].ne("None").any()
    for name in TABLES:
        pd.testing.assert_frame_equal(on_duck[name], on_spark[name], obj=name)


@pytest.mark.spark
def test_a_failed_load_on_spark_leaves_the_warehouse_as_it_was(spark_con, borough):
    load_paths(spark_con, [borough / "police-uk" / "2025-01"])
    before = _snapshot(spark_con)

    def fail_late(name, done, total):
        if "2025-02" in name:  # after the reference rows were written and rows re-placed
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        load_paths(spark_con, [*_reference(borough), borough / "police-uk" / "2025-02"],
                   progress=fail_late)
    after = _snapshot(spark_con)
    for name in TABLES:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    assert not [t for t in spark_con.list_tables() if t.startswith("csp_undo_")]


@pytest.mark.spark
def test_a_newer_download_replaces_the_older_on_spark_as_on_duckdb(spark_con, borough,
                                                                    tmp_path):
    newer = tmp_path / "newer" / "2025-01"
    newer.mkdir(parents=True)
    for path in (borough / "police-uk" / "2025-01").iterdir():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (newer / path.name).write_text("".join(lines[:-3]), encoding="utf-8")
    duck = connect(tmp_path / "w.duckdb")
    for con in (duck, spark_con):
        load_paths(con, _reference(borough))
        load_paths(con, [borough / "police-uk" / "2025-01"])
        report = load_paths(con, [newer])
        assert report.replaced  # DELETE of the old rows and UPDATE of the ledger
    on_duck, on_spark = _snapshot(duck), _snapshot(spark_con)
    assert set(on_duck["load_ledger"]["status"]) >= {"replaced"}
    for name in TABLES:
        pd.testing.assert_frame_equal(on_duck[name], on_spark[name], obj=name)
