import numpy as np
import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.concentration import concentration, gini
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope

from .conftest import L1, LAD

PERIOD = StrategicPeriod("2025-01", "2025-02")


def mean_difference_gini(x):
    x = np.asarray(x, dtype=float)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())


def test_gini_hand_worked():
    # |differences| over unordered pairs of [0, 6, 6, 8, 30] sum to 124: G = 248 / (2*25*10).
    assert gini([30, 6, 6, 8, 0]) == pytest.approx(0.496)
    assert gini([5, 5, 5]) == 0.0
    assert np.isnan(gini([0, 0]))


def test_gini_equals_the_mean_difference_form():
    rng = np.random.default_rng(3)
    x = rng.poisson(4, size=57)
    assert gini(x) == pytest.approx(mean_difference_gini(x))


def test_concentration_shares_and_gini(tiny):
    result = concentration(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD, compare=None))
    assert result.n_lsoas == 5 and result.total == 50
    assert result.table["count"].tolist() == [30, 8, 6, 6, 0]
    assert result.table["lsoa_code"].iloc[0] == L1
    # 5 LSOAs: the top 5% and the top 10% are both ceil(0.5) = 1 LSOA.
    assert (result.top_5pct_lsoas, result.top_10pct_lsoas) == (1, 1)
    assert result.top_5pct_share == pytest.approx(0.6)
    assert result.gini == pytest.approx(0.496)
    assert_allclose(result.table["cumulative_share"], [0.6, 0.76, 0.88, 1.0, 1.0])


def test_concentration_of_anti_social_behaviour(tiny):
    # 5 incidents, all in L1, over 5 LSOAs: G = (2*5 - 5 - 1) * 5 / (5 * 5) = 0.8.
    result = concentration(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD, compare=None),
                           source="police_asb")
    assert result.total == 5
    assert result.gini == pytest.approx(0.8)
    assert result.top_5pct_share == pytest.approx(1.0)
