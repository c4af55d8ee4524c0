"""Weighted shares, their linearised intervals and the group test, checked by hand and against
statsmodels' weighted least squares with a robust (sandwich) covariance."""

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

from cspkit.survey.estimates import equal_shares_test, weighted_shares
from cspkit.survey.weighting import PopulationMargins, cell, rake_weights
from cspkit.synth.survey import AGE_BANDS, draw_respondents, feel_unsafe_after_dark

Y = np.array([1, 0, 1, 1, 0, np.nan])
W = np.array([2.0, 1.0, 3.0, 1.0, 3.0, 4.0])


def test_weighted_share_and_linearised_se_match_a_hand_worked_example():
    # Five respondents answered (the sixth is out of the base), n = 6 in the sample.
    # p = (2 + 3 + 1) / (2 + 1 + 3 + 1 + 3) = 6 / 10
    # z_i = w_i (y_i - p) / 10: 0.08, -0.06, 0.12, 0.04, -0.18 (and 0 for the sixth)
    # v = 6/5 * (0.0064 + 0.0036 + 0.0144 + 0.0016 + 0.0324) = 6/5 * 0.0584
    out = weighted_shares(Y, W).loc["All"]
    assert_allclose(out["estimate"], 0.6)
    assert_allclose(out["se"], np.sqrt(6 / 5 * 0.0584))
    assert out["respondents"] == 5 and out["answering_yes"] == 3
    logit, half = np.log(0.6 / 0.4), 1.959964 * np.sqrt(6 / 5 * 0.0584) / 0.24
    assert_allclose([out["lower"], out["upper"]],
                    [1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))],
                    rtol=1e-6)


def test_group_shares_and_test_agree_with_a_robust_weighted_regression():
    rng = np.random.default_rng(3)
    n = 400
    groups = rng.choice(["a", "b", "c"], n)
    y = (rng.random(n) < np.where(groups == "a", 0.3, 0.45)).astype(float)
    w = rng.uniform(0.5, 3.0, n)
    ours = weighted_shares(y, w, groups).loc[["a", "b", "c"]]
    dummies = pd.get_dummies(groups).astype(float)[["a", "b", "c"]]
    fit = sm.WLS(y, dummies, weights=w).fit(cov_type="HC0")
    assert_allclose(ours["estimate"], fit.params.to_numpy())
    # The linearised variance is the HC0 sandwich times n / (n - 1).
    assert_allclose(ours["se"] ** 2, np.diag(fit.cov_params()) * n / (n - 1))
    wald = fit.wald_test("a = b, b = c", scalar=True, use_f=False)
    ours_test = equal_shares_test(ours["estimate"].to_numpy(), ours["se"].to_numpy())
    assert_allclose(ours_test.statistic, float(wald.statistic) * (n - 1) / n, rtol=1e-8)
    assert ours_test.df == 2
    assert_allclose(ours_test.p_value, stats.chi2.sf(ours_test.statistic, 2))


def _population(rng):
    wards = [f"W{i}" for i in range(8)]
    rows = [(w, s, b, int(rng.integers(200, 900))) for w in wards for s in ("female", "male")
            for b in AGE_BANDS]
    cells = pd.DataFrame(rows, columns=["ward_code", "sex", "age_band", "count"])
    margins = PopulationMargins(
        age_sex=cells.groupby(cells["sex"] + " " + cells["age_band"])["count"].sum().reindex(
            [cell(s, b) for s in ("female", "male") for b in AGE_BANDS]),
        ward=cells.groupby("ward_code")["count"].sum(), year=2022, source="test")
    return cells, margins


def test_raked_weights_reproduce_the_population_margins():
    rng = np.random.default_rng(5)
    cells, margins = _population(rng)
    people = draw_respondents(rng, cells, 1500)
    weights = rake_weights(people, margins, cap=0)
    check = weights.margins
    assert_allclose(check["weighted_share"], check["population_share"], atol=1e-6)
    weighted = pd.Series(weights.weight).groupby(people["ward_code"]).sum()
    assert_allclose(weighted.reindex(margins.ward.index), margins.ward, rtol=1e-5)
    assert_allclose(weights.weight.sum(), margins.total)
    # The sample was skewed, so the weights vary and cost precision.
    assert weights.design_effect > 1.05
    assert_allclose(weights.effective_sample_size, 1500 / weights.design_effect)


def test_trimming_caps_the_weights_at_the_multiple_of_the_mean():
    rng = np.random.default_rng(11)
    cells, margins = _population(rng)
    # Almost nobody young answers: their few respondents would carry huge weights.
    people = draw_respondents(rng, cells, 1500)
    young = people["age_band"] == "16-24"
    people = pd.concat([people[~young], people[young].head(8)], ignore_index=True)
    untrimmed = rake_weights(people, margins, cap=0)
    trimmed = rake_weights(people, margins, cap=3)
    raked = trimmed.weight[trimmed.raked]
    assert untrimmed.weight.max() / untrimmed.weight.mean() > 3
    assert raked.max() <= 3 * raked.mean() * (1 + 1e-3)
    assert trimmed.trimmed > 0 and untrimmed.trimmed == 0
    assert trimmed.design_effect < untrimmed.design_effect
    assert_allclose(trimmed.weight.sum(), margins.total)


def test_confidence_intervals_cover_the_planted_truth_at_about_the_nominal_rate():
    rng = np.random.default_rng(2026)
    cells, margins = _population(rng)
    chance = feel_unsafe_after_dark(cells, "W0")
    truth = float(np.sum(cells["count"] * chance) / cells["count"].sum())
    covered = []
    for _ in range(200):
        people = draw_respondents(rng, cells, 800)
        y = (rng.random(len(people)) < feel_unsafe_after_dark(people, "W0")).astype(float)
        weights = rake_weights(people, margins, cap=0)
        share = weighted_shares(y, weights.weight).loc["All"]
        covered.append(share["lower"] <= truth <= share["upper"])
    rate = np.mean(covered)
    # 200 surveys: a 95% interval should cover 190 ± 6; the linearisation ignores the raking,
    # so it errs on the wide side.
    assert 0.91 <= rate <= 0.995, rate
