"""The national table is identical on DuckDB and on local Spark (Ibis's PySpark backend)."""

from __future__ import annotations

import pandas as pd
import pytest

from cspkit.analysis.national import national_comparison
from cspkit.analysis.periods import StrategicPeriod

from ..analysis.test_engines import on_spark, spark_session  # noqa: F401 (a fixture)
from .conftest import GROUP_SIZE

pytestmark = [pytest.mark.spark, pytest.mark.real_data]
PERIOD = StrategicPeriod("2025-03", "2025-04")


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
