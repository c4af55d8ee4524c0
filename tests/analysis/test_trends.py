import numpy as np
import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.analysis.trends import monthly_series
from cspkit.errors import CspError

from .conftest import LAD

SPAN = StrategicPeriod("2024-11", "2025-02")


def series(result, group):
    t = result.table
    return t[t["group"] == group].set_index("month")


def test_monthly_counts_and_rolling_total(tiny):
    result = monthly_series(tiny, resolve_scope(tiny, areas=LAD, period=SPAN, compare=None),
                            window=2, themes={"Acquisitive": ["Burglary", "Shoplifting"]})
    total = series(result, "Total recorded crime")
    assert total["count"].tolist() == [20, 20, 25, 25]
    # 2024-10 is not loaded, so the first two-month total is unknown, not 20.
    assert np.isnan(total.loc["2024-11", "rolling_total"])
    assert_allclose(total["rolling_total"].iloc[1:], [40, 45, 50])
    assert series(result, "Burglary")["count"].tolist() == [3, 3, 6, 6]
    assert series(result, "Acquisitive")["count"].tolist() == [6, 6, 9, 9]
    assert series(result, "Anti-social behaviour")["count"].tolist() == [2, 2, 3, 2]
    assert series(result, "Criminal damage and arson")["count"].tolist() == [1, 1, 4, 4]


def test_rolling_total_uses_loaded_months_before_the_period(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=StrategicPeriod("2025-01", "2025-02"),
                          compare=None)
    result = monthly_series(tiny, scope, window=3)
    total = series(result, "Total recorded crime")
    assert_allclose(total["rolling_total"], [20 + 20 + 25, 20 + 25 + 25])


def test_monthly_series_needs_loaded_months(tiny):
    with pytest.raises(CspError, match="no police_crime data"):
        monthly_series(tiny,
                       resolve_scope(tiny, areas=LAD, period=StrategicPeriod("2024-06", "2025-02"),
                                     compare=None))
