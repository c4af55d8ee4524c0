"""The exceedance tests on hand-worked series, and detection measured on planted outbreaks."""

from __future__ import annotations

from math import comb

import numpy as np
from numpy.testing import assert_allclose

from cspkit.analysis.change import exact_poisson_test
from cspkit.analysis.detection import detection_study, synthetic_series
from cspkit.analysis.exceedance import (
    EXACT,
    GLM,
    NOT_TESTED,
    exact_exceedance,
    month_exceedance,
    quarter_change,
)


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    return sum(comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def test_exact_test_is_the_binomial_tail_worked_by_hand():
    # Twelve months of one crime each (S = 12), then six: T = 18, y0 ~ Bin(18, 1/13).
    result = exact_exceedance(6, np.ones(12))
    assert_allclose(result.p_value, binomial_upper_tail(6, 18, 1 / 13), rtol=1e-10)
    assert result.expected == 1.0
    # The upper limit is the largest count whose p-value stays above 5%.
    assert binomial_upper_tail(3, 15, 1 / 13) > 0.05
    assert binomial_upper_tail(4, 16, 1 / 13) <= 0.05
    assert result.upper_limit == 3


def test_zero_heavy_and_short_series_use_the_exact_test():
    zero_heavy = np.array([0.0] * 30 + [1, 0, 0, 2, 0, 0, 4])
    assert month_exceedance(zero_heavy).method == EXACT
    short = np.array([5.0, 6, 4, 5, 7, 5, 12])
    result = month_exceedance(short)
    assert result.method == EXACT and result.baseline_months == 6
    assert_allclose(result.expected, np.mean(short[:-1]))
    assert month_exceedance(np.array([3.0, 4.0])).method == NOT_TESTED


def test_months_not_loaded_are_left_out_not_read_as_zero():
    series = np.array([5.0, 6, np.nan, np.nan, 4, 5, 9])
    result = month_exceedance(series)
    assert result.baseline_months == 4
    assert_allclose(result.expected, 5.0)


def test_glm_without_trend_expects_the_mean_of_the_same_season_in_past_years():
    # No trend, no outbreak: a Poisson GLM with a factor fits each level's mean exactly, so
    # the expected count is the mean of the baseline months within one month of December.
    rng = np.random.default_rng(3)
    series = rng.poisson(40, 37).astype(float)
    series[-1] = 40
    result = month_exceedance(series)
    assert result.method == GLM and not result.trend
    t = np.arange(37)
    baseline = (t >= 36 - 37) & (t <= 36 - 4)
    same_season = baseline & np.isin((36 - t) % 12, [11, 0, 1])
    assert_allclose(result.expected, series[same_season].mean(), rtol=1e-5)


def test_glm_flags_a_doubled_month_and_not_an_ordinary_one():
    rng = np.random.default_rng(11)
    series = rng.poisson(50, 37).astype(float)
    series[-1] = 50
    assert month_exceedance(series).p_value > 0.2
    series[-1] = 100
    result = month_exceedance(series)
    assert result.p_value < 1e-4 and result.observed > result.upper_limit


def test_quarter_upper_limit_is_where_the_exact_poisson_test_turns_significant():
    series = np.array([10.0] * 21 + [20, 20, 20])
    result = quarter_change(series)
    assert (result.observed, result.expected) == (60, 30)
    assert exact_poisson_test(int(result.upper_limit), 30) > 0.05
    assert exact_poisson_test(int(result.upper_limit) + 1, 30) <= 0.05
    assert_allclose(result.p_value, exact_poisson_test(60, 30))
    series[-14] = np.nan
    assert quarter_change(series).method == NOT_TESTED


def test_detection_on_synthetic_series_with_planted_outbreaks():
    study = detection_study(synthetic_series(400, seed=7), seed=20250101)
    table = study.table.set_index("outbreak_size")
    # With no outbreak anywhere, nothing is flagged; with outbreaks in 10% of the series,
    # the share of false flags stays at or below the nominal 5%.
    assert study.false_alarm_rate <= study.fdr
    assert (table["false_discovery_proportion"] <= study.fdr).all()
    assert (table["false_alarm_rate"] <= study.fdr).all()
    # Sensitivity grows with the outbreak's size; pinned on this seed (docs/scanning.md).
    assert list(table.index) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert table["planted"].tolist() == [0, 40, 40, 40, 40]
    assert table["found"].tolist() == [0, 1, 11, 32, 38]
    assert table["false_alarms"].tolist() == [0, 0, 0, 0, 2]


def test_the_no_trend_model_in_closed_form_is_the_glm_fit():
    # The scan computes the seasonal-factor model's fit as each level's weighted mean; here
    # statsmodels fits the same weighted quasi-Poisson GLM by IRLS, independently.
    import statsmodels.api as sm

    from cspkit.analysis.exceedance import seasonal_level, seasonal_prediction

    rng = np.random.default_rng(5)
    t = np.arange(33)
    level = seasonal_level(36 - t, 1)
    y = rng.poisson(np.array([30.0, 22, 18, 25])[level]).astype(float)
    y[[4, 20]] *= 3  # two past outbreaks, down-weighted as the scan would
    weights = np.where(np.isin(t, [4, 20]), 0.2, 1.0)
    weights *= len(t) / weights.sum()
    x = np.column_stack([np.ones(len(t))] + [(level == k).astype(float) for k in (1, 2, 3)])
    fit = sm.GLM(y, x, family=sm.families.Poisson(), var_weights=weights).fit(
        scale="X2", tol=1e-12)
    x0 = np.array([1.0, 0, 0, 0])
    phi = max(1.0, fit.scale)
    eta, scale, var_eta = seasonal_prediction(y, level, weights)
    assert_allclose(eta, x0 @ fit.params, rtol=1e-10)
    assert_allclose(scale, fit.scale, rtol=1e-8)
    assert_allclose(var_eta, x0 @ fit.cov_params() @ x0 * phi / fit.scale, rtol=1e-8)
    # A level with no incidents sits on the boundary: the iterative fit decides.
    y[level == 2] = 0
    assert seasonal_prediction(y, level, weights) is None
