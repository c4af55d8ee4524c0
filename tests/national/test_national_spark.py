"""The national table is identical on DuckDB and on Spark (Ibis's PySpark backend): the
analysis on a Spark copy of the warehouse, and the commands themselves (`csp load`,
`csp national load`, `csp national rank`) with ``--warehouse spark://local[1]`` and with a
local Spark Connect server (``sc://local[1]``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cspkit.analysis.national import national_comparison
from cspkit.analysis.periods import StrategicPeriod

from ..analysis.test_engines import on_spark, spark_session  # noqa: F401 (a fixture)
from .conftest import GROUP_SIZE

pytestmark = [pytest.mark.spark, pytest.mark.real_data]
PERIOD = StrategicPeriod("2025-03", "2025-04")
SRC = Path(__file__).resolve().parents[2] / "src"


def test_duckdb_and_spark_give_identical_national_tables(national_sample,
                                                         spark_session):  # noqa: F811
    _, _, duck = national_sample
    spark = on_spark(spark_session.newSession(), duck)
    on_duck = national_comparison(duck, period=PERIOD, group_size=GROUP_SIZE)
    on_spark_ = national_comparison(spark, period=PERIOD, group_size=GROUP_SIZE)
    assert len(on_duck.table) > 0
    pd.testing.assert_frame_equal(on_duck.table, on_spark_.table)
    pd.testing.assert_frame_equal(on_duck.by_type, on_spark_.by_type)
    pd.testing.assert_frame_equal(on_duck.groups, on_spark_.groups)


def csp(*args: str, cwd: Path) -> str:
    """Run the real `csp` command in its own process (each Spark command starts its own
    Spark, as a user's would), failing with its output when it fails."""
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run([sys.executable, "-m", "cspkit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_commands(warehouse: str, archive: Path, reference: list[Path], out: Path) -> Path:
    csp("load", *map(str, reference), "--warehouse", warehouse, cwd=out.parent)
    csp("national", "load", str(archive), "--warehouse", warehouse, cwd=out.parent)
    csp("national", "rank", "--period-end", PERIOD.end, "--months", "2", "--group-size",
        str(GROUP_SIZE), "--formats", "csv", "--no-comparators", "--out", str(out),
        "--warehouse", warehouse, cwd=out.parent)
    return out / "national" / "data" / "national_table.csv"


@pytest.fixture(scope="module")
def duckdb_table(national_sample, tmp_path_factory) -> Path:
    archive, reference, _ = national_sample
    root = tmp_path_factory.mktemp("cli-duckdb")
    return run_commands(str(root / "w.duckdb"), archive, reference, root / "out")


@pytest.mark.parametrize("scheme", ["spark", "sc"])
def test_the_commands_on_spark_write_the_duckdb_national_table(
        national_sample, duckdb_table, tmp_path, scheme):
    archive, reference, _ = national_sample
    warehouse = (f"{scheme}://local[1]?warehouse={tmp_path / 'spark-warehouse'}"
                 "&conf.spark.sql.shuffle.partitions=2&conf.spark.ui.enabled=false")
    on_spark_ = run_commands(warehouse, archive, reference, tmp_path / "out")
    expected = duckdb_table.read_bytes()
    assert len(pd.read_csv(duckdb_table)) == 12  # every authority of the sample
    assert on_spark_.read_bytes() == expected
    # The tables live in the Spark warehouse folder (the Hive metastore beside them).
    assert (tmp_path / "spark-warehouse" / "csp.db" / "incident").is_dir()
