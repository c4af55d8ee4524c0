import math

import numpy as np
import pytest
from esda.smoothing import Empirical_Bayes
from numpy.testing import assert_allclose

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.places import empirical_bayes_rates, lsoa_ranking, ward_ranking
from cspkit.analysis.scope import resolve_scope
from cspkit.errors import CspError

from .conftest import EAST, L1, L2, L3, L4, L5, LAD, NORTH, SOUTH

PERIOD = StrategicPeriod("2025-01", "2025-02")


def test_empirical_bayes_hand_worked():
    # y = [2, 8], n = [100, 100]: m = 0.05, r = [0.02, 0.08], s2 = 0.0009,
    # A = 0.0009 - 0.05/100 = 0.0004, C = 0.0004 / (0.0004 + 0.0005) = 4/9.
    got = empirical_bayes_rates(np.array([2, 8]), np.array([100, 100]))
    assert_allclose(got, [0.05 - 0.03 * 4 / 9, 0.05 + 0.03 * 4 / 9])


def test_empirical_bayes_shrinks_all_the_way_when_variation_is_only_poisson_noise():
    got = empirical_bayes_rates(np.array([4, 6]), np.array([100, 100]))
    assert_allclose(got, [0.05, 0.05])


def test_empirical_bayes_matches_pysal_when_the_prior_variance_is_positive():
    y = np.array([3, 40, 12, 0, 25, 7])
    n = np.array([120, 900, 400, 80, 500, 1000])
    expected = Empirical_Bayes(y.reshape(-1, 1), n.reshape(-1, 1)).r.ravel()
    assert_allclose(empirical_bayes_rates(y, n), expected)


def test_ward_ranking_counts_rates_and_movement(tiny):
    result = ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD), top_n=1)
    t = result.table.set_index("code")
    assert t.index.tolist() == [NORTH, SOUTH, EAST]
    assert t["count"].tolist() == [36, 14, 0]
    assert t["previous_count"].tolist() == [26, 14, 0]
    assert t["residents"].tolist() == [2500, 2500, 1000]
    assert_allclose(t["rate_per_1000"], [14.4, 5.6, 0.0])
    assert t["rank"].tolist() == [1, 2, 3]
    assert t["movement"].tolist() == [0, 0, 0]
    assert_allclose(t["share"], [0.72, 0.28, 0.0])
    assert result.top_share == pytest.approx(0.72)
    assert (result.total, result.previous_total) == (50, 40)
    y, n = np.array([36, 14, 0]), np.array([2500, 2500, 1000])
    m = y.sum() / n.sum()
    a = np.sum(n * (y / n - m) ** 2) / n.sum() - m / n.mean()
    assert_allclose(t["smoothed_rate_per_1000"], 1000 * (m + a / (a + m / n) * (y / n - m)))
    assert result.citation.load_ids == (1, 2, 3)


def test_lsoa_ranking_ties_share_the_best_rank(tiny):
    t = lsoa_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD)).table.set_index("code")
    assert t.loc[[L1, L4, L2, L3, L5], "rank"].tolist() == [1, 2, 3, 3, 5]
    assert t.loc[[L1, L3, L2, L4, L5], "previous_rank"].tolist() == [1, 2, 3, 4, 5]
    assert t.loc[L4, "movement"] == 2 and t.loc[L3, "movement"] == -1
    assert t.loc[L1, "rate_per_1000"] == pytest.approx(30.0)
    assert t.loc[L2, "ward_name"] == "North"


def test_category_filter_ranks_one_crime_type(tiny):
    t = ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD),
                     categories=["Burglary"]).table.set_index("code")
    assert t["count"].to_dict() == {NORTH: 10, SOUTH: 2, EAST: 0}
    with pytest.raises(CspError, match="unknown crime category"):
        ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD), categories=["Burglars"])


def test_rates_without_residents_are_an_error(tiny):
    tiny.raw_sql(f"DELETE FROM population WHERE lsoa_code = '{L5}'")
    with pytest.raises(CspError, match="no Census 2021 residents loaded for 1 LSOA"):
        ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD))


def test_anti_social_behaviour_can_be_ranked_instead_of_crime(tiny):
    result = ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD), source="police_asb")
    t = result.table.set_index("code")
    assert t["count"].to_dict() == {NORTH: 5, SOUTH: 0, EAST: 0}
    assert t["previous_count"].to_dict() == {NORTH: 4, SOUTH: 0, EAST: 0}
    assert "source = police_asb (anti-social behaviour)" in result.citation.filters
    with pytest.raises(CspError, match="category filter applies to crime"):
        ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD), source="police_asb",
                     categories=["Burglary"])
    with pytest.raises(CspError, match="unknown incident source"):
        ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD), source="asb")


def test_every_wards_change_is_tested_and_adjusted_across_the_wards(tiny):
    t = ward_ranking(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD)).table.set_index("code")
    # North 26 -> 36: given 62 crimes, 36 ~ Binomial(62, 1/2); two-sided exact test by hand
    # (the distribution is symmetric, so twice the upper tail from 36).
    upper = sum(math.comb(62, k) for k in range(36, 63)) / 2**62
    assert t.loc[NORTH, "p_value"] == pytest.approx(2 * upper)
    assert t.loc[[SOUTH, EAST], "p_value"].tolist() == [1.0, 1.0]  # 14 -> 14, 0 -> 0
    # Benjamini-Hochberg over the 3 wards: the smallest p-value is multiplied by 3 / 1
    assert t.loc[NORTH, "q_value"] == pytest.approx(min(1.0, 3 * 2 * upper))
    assert t.loc[[SOUTH, EAST], "q_value"].tolist() == [1.0, 1.0]
