"""The analyses give identical tables on DuckDB and on Spark (Ibis's PySpark backend)."""

from __future__ import annotations

import pandas as pd
import pytest

from cspkit.analysis import (
    StrategicPeriod,
    compare_periods,
    concentration,
    deprivation_profile,
    hotspots,
    lsoa_ranking,
    monthly_series,
    outcome_profile,
    peer_comparison,
    vulnerable_localities,
    ward_ranking,
)
from cspkit.analysis.scope import resolve_scope
from cspkit.warehouse.schema import TABLES

from .conftest import LAD, build_tiny, insert
from .test_deprivation import load_imd
from .test_outcomes import OUTCOMES
from .test_vulnerability import load_vli_inputs

pytestmark = pytest.mark.spark

PERIOD = StrategicPeriod("2025-01", "2025-02")
THEMES = {"Acquisitive": ["Burglary", "Shoplifting"], "Violence": ["Violence and sexual offences"]}


@pytest.fixture(scope="module")
def spark_session(tmp_path_factory):
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[1]")
        .appName("cspkit-engine-test")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def on_spark(session, duck):
    """The same warehouse on Spark: every canonical table as a view of the same rows."""
    import ibis

    con = ibis.pyspark.connect(session)
    for name, table in TABLES.items():
        rows = duck.table(name).to_pyarrow()
        con.create_view(name, ibis.memtable(rows, schema=table.schema), overwrite=True)
    return con


@pytest.fixture(scope="module")
def engines(tmp_path_factory, spark_session):
    duck = build_tiny(tmp_path_factory.mktemp("engines") / "tiny.duckdb")
    insert(duck, "outcome", [
        {"crime_id": c, "month": m, "outcome_type": o, "load_id": 10} for c, m, o in OUTCOMES
    ])
    load_imd(duck)
    load_vli_inputs(duck)
    yield duck, on_spark(spark_session.newSession(), duck)  # its own temporary views
    duck.disconnect()


ANALYSES = {
    "change": lambda con: compare_periods(con, resolve_scope(con, areas=LAD, period=PERIOD),
                                          themes=THEMES),
    "wards": lambda con: ward_ranking(con, resolve_scope(con, areas=LAD, period=PERIOD), top_n=2),
    "lsoas": lambda con: lsoa_ranking(con, resolve_scope(con, areas=LAD, period=PERIOD), top_n=2),
    "outcomes": lambda con: outcome_profile(con,
                                            resolve_scope(con, areas=LAD, period=PERIOD,
                                                          compare=None), themes=THEMES),
    "trends": lambda con: monthly_series(
        con, resolve_scope(con, areas=LAD, period=StrategicPeriod("2024-11", "2025-02"),
                           compare=None), window=2),
    "concentration": lambda con: concentration(con,
                                               resolve_scope(con, areas=LAD, period=PERIOD,
                                                             compare=None)),
    "deprivation": lambda con: deprivation_profile(con,
                                                   resolve_scope(con, areas=LAD, period=PERIOD,
                                                                 compare=None), top_n=1),
    "hotspots": lambda con: hotspots(con, resolve_scope(con, areas=LAD, period=PERIOD),
                                     permutations=99, seed=3),
    "vulnerability": lambda con: vulnerable_localities(con,
                                                       resolve_scope(con, areas=LAD, period=PERIOD,
                                                                     compare=None)),
    "peers": lambda con: peer_comparison(con,
                                         resolve_scope(con, areas=LAD, period=PERIOD,
                                                       compare=None)),
}


@pytest.mark.parametrize("name", ANALYSES)
def test_duckdb_and_spark_give_identical_tables(engines, name):
    duck, spark = engines
    on_duck, on_spark_ = ANALYSES[name](duck), ANALYSES[name](spark)
    pd.testing.assert_frame_equal(on_duck.table, on_spark_.table)
    assert on_duck.citation == on_spark_.citation


def test_outcome_summaries_are_identical(engines):
    duck, spark = engines
    pd.testing.assert_frame_equal(
        outcome_profile(duck, resolve_scope(duck, areas=LAD, period=PERIOD, compare=None)).summary,
        outcome_profile(spark,
                        resolve_scope(spark, areas=LAD, period=PERIOD, compare=None)).summary,
    )


@pytest.mark.real_data
def test_stockton_core_analyses_are_identical_on_spark(real_warehouse, spark_session):
    """The same on the real Cleveland data: Stockton-on-Tees 2025 against 2024."""
    import ibis

    from cspkit.warehouse import connect

    duck = connect(real_warehouse)
    spark = ibis.pyspark.connect(spark_session.newSession())  # its own temporary views
    needed = {  # what change, ward ranking and outcomes read; other tables stay empty
        "area": duck.table("area"),
        "population": duck.table("population").filter(ibis._.geography == "lsoa21"),
        "incident": duck.table("incident"),
        "outcome": duck.table("outcome"),
    }
    for name, table in TABLES.items():
        rows = needed.get(name, duck.table(name).limit(0))
        spark.create_view(name, ibis.memtable(rows.to_pyarrow(), schema=table.schema),
                          overwrite=True)
    year = StrategicPeriod("2025-01", "2025-12")
    themes = {"Acquisitive": ["Burglary", "Shoplifting", "Vehicle crime", "Other theft"]}
    for run in (
        lambda con: compare_periods(con, resolve_scope(con, areas="E06000004", period=year),
                                    themes=themes),
        lambda con: ward_ranking(con, resolve_scope(con, areas="E06000004", period=year)),
        lambda con: outcome_profile(con,
                                    resolve_scope(con, areas="E06000004", period=year,
                                                  compare=None), themes=themes),
    ):
        pd.testing.assert_frame_equal(run(duck).table, run(spark).table)
    duck.disconnect()


def test_deprivation_ward_and_lsoa_tables_are_identical(engines):
    duck, spark = engines
    on_duck = deprivation_profile(duck, resolve_scope(duck, areas=LAD, period=PERIOD, compare=None))
    on_spark_ = deprivation_profile(spark,
                                    resolve_scope(spark, areas=LAD, period=PERIOD, compare=None))
    pd.testing.assert_frame_equal(on_duck.wards, on_spark_.wards)
    pd.testing.assert_frame_equal(on_duck.lsoas, on_spark_.lsoas)
