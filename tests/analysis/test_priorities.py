"""Priority scores pinned on a hand-worked example, and the weight sensitivity on a case built
so that one candidate is clearly robust and two swap places with the weights."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.priorities import (
    PriorityScheme,
    load_scheme,
    parse_scheme,
    priority_scores,
    weight_sensitivity,
)
from cspkit.errors import CspError

HALVES = {"severity": 0.5, "volume": 0.5, "trend": 1.0, "public_concern": 0.5, "capacity": 0.5}


def test_hand_worked_scores():
    # By hand: volume 9, 99, 999 → log10(1 + x) = 1, 2, 3 → 1, 3, 5 on the 1–5 scale.
    # Severity 1, 2, 2 → log10 2 = 0.301, log10 3 = 0.477 → 1, 5, 5.
    # Trend 0, 50, 10 → 1, 5, 1 + 4 × 10/50 = 1.8.
    # Public concern 0.2, not measured, 0.6 → 1, –, 5; capacity entered for A only: 5.
    # Harm (0.5, 0.5): A 1, B (3 + 5)/2 = 4, C (5 + 5)/2 = 5.
    # Likelihood (trend alone measured): A 1, B 5, C 1.8.
    # Position: A (1 + 5)/2 = 3; B nothing measured → 3; C concern alone → 5.
    # Score: A 1 × 1 × 3 = 3; B 4 × 5 × 3 = 60; C 5 × 1.8 × 5 = 45.
    measures = pd.DataFrame({
        "key": ["A", "B", "C"], "name": ["a", "b", "c"],
        "severity": [1.0, 2.0, 2.0], "volume": [9.0, 99.0, 999.0],
        "trend": [0.0, 50.0, 10.0], "public_concern": [0.2, math.nan, 0.6]})
    scheme = PriorityScheme(name="hand", weights=HALVES, capacity={"A": 5})
    t = priority_scores(measures, scheme).table.set_index("key")
    assert_allclose(t.loc[["A", "B", "C"], "harm"], [1.0, 4.0, 5.0])
    assert_allclose(t.loc[["A", "B", "C"], "likelihood"], [1.0, 5.0, 1.8])
    assert_allclose(t.loc[["A", "B", "C"], "position"], [3.0, 3.0, 5.0])
    assert_allclose(t.loc[["A", "B", "C"], "score"], [3.0, 60.0, 45.0])
    assert list(t.index) == ["B", "C", "A"]
    assert list(t["rank"]) == [1, 2, 3]


def test_a_criterion_measured_for_no_candidate_is_reported_and_its_weight_redistributed():
    measures = pd.DataFrame({"key": ["A", "B"], "volume": [9.0, 999.0],
                             "severity": [2.0, 1.0], "trend": [0.0, 5.0]})
    with_concern = PriorityScheme(name="x", weights=HALVES)
    scores = priority_scores(measures, with_concern)
    assert {"public_concern", "capacity"} <= set(scores.not_measured)
    # With concern and capacity unmeasured, position is 3 for everyone: the order is that of
    # harm × likelihood alone.
    alone = PriorityScheme(name="y", weights={"severity": 0.5, "volume": 0.5, "trend": 1.0,
                                              "capacity": 1.0})
    assert_allclose(scores.table["score"], priority_scores(measures, alone).table["score"])


def test_a_candidate_without_harm_or_likelihood_evidence_is_not_scored():
    measures = pd.DataFrame({"key": ["A", "B"], "volume": [9.0, math.nan],
                             "public_concern": [0.1, 0.9]})
    t = priority_scores(measures, PriorityScheme(name="x", weights=HALVES)).table
    assert list(t["key"]) == ["A", "B"]
    assert bool(t.loc[1, "scored"]) is False and math.isnan(t.loc[1, "score"])
    assert pd.isna(t.loc[1, "rank"])


def swap_case() -> pd.DataFrame:
    # A leads on both harm criteria; B is severe but rare, C common but mild: with equal
    # weights they tie, and which one joins A in the top two depends on which harm weight
    # the draw raises. D trails on both.
    return pd.DataFrame({"key": ["A", "B", "C", "D"],
                         "severity": [999.0, 999.0, 9.0, 9.0],
                         "volume": [999.0, 9.0, 999.0, 9.0],
                         "trend": [10.0, 10.0, 10.0, 10.0]})


def test_one_candidate_is_robust_and_two_swap_with_the_weights():
    scheme = PriorityScheme(name="swap", weights=HALVES, top=2, draws=4000, seed=7)
    result = weight_sensitivity(priority_scores(swap_case(), scheme)).table.set_index("key")
    assert result.loc["A", "share_top"] == 1.0 and bool(result.loc["A", "robust"])
    assert result.loc["D", "share_top"] == 0.0
    # Exactly one of B and C joins A in every draw …
    assert_allclose(result.loc["B", "share_top"] + result.loc["C", "share_top"], 1.0)
    # … B when the severity factor beats the volume factor: for independent U(0.5, 1.5)
    # factors that has probability 1/2, so B's share is 0.5 within sampling error
    # (4,000 draws: standard error 0.008).
    assert abs(result.loc["B", "share_top"] - 0.5) < 0.04
    assert not result.loc["B", "robust"] and not result.loc["C", "robust"]


def test_sensitivity_matches_a_direct_recount_of_the_same_draws():
    scheme = PriorityScheme(name="swap", weights=HALVES, top=2, draws=500, seed=11)
    shares = weight_sensitivity(priority_scores(swap_case(), scheme)).table.set_index("key")
    # Independent recount: the criteria in their declared order are severity, volume, trend,
    # concentration, vulnerability, repeat_victims, public_concern, capacity; B is in the top
    # two exactly when its harm (5·ws + 1·wv)/(ws + wv) beats C's (1·ws + 5·wv)/(ws + wv).
    factors = np.random.default_rng(11).uniform(0.5, 1.5, size=(500, 8))
    severity, volume = 0.5 * factors[:, 0], 0.5 * factors[:, 1]
    assert shares.loc["B", "share_top"] == pytest.approx(np.mean(severity > volume))


def test_the_sensitivity_is_the_same_on_every_run():
    scheme = PriorityScheme(name="swap", weights=HALVES, top=2, draws=300)
    first = weight_sensitivity(priority_scores(swap_case(), scheme)).table
    again = weight_sensitivity(priority_scores(swap_case(), scheme)).table
    pd.testing.assert_frame_equal(first, again)


def test_default_scheme_follows_morile_structure():
    scheme = load_scheme()
    assert scheme.top == 5 and scheme.robust_share == 0.8 and scheme.weight_range == 0.5
    assert set(scheme.weights) == {"severity", "volume", "trend", "concentration",
                                   "vulnerability", "repeat_victims", "public_concern",
                                   "capacity"}


@pytest.mark.parametrize(("text", "message"), [
    ('name = "x"\n[weights]\nvolume = 1\ntrend = 1\n', "position group"),
    ('name = "x"\n[weights]\nvolume = -1\n', "must not be negative"),
    ('name = "x"\n[weights]\nvolume = 1\ntrend = 1\ncapacity = 1\n[capacity]\n"asb" = 9\n',
     "outside 1 to 5"),
    ('name = "x"\n[weights]\nspeed = 1\n', "weights.speed"),
    ('name = "x"\nweights = [', "not valid TOML"),
])
def test_a_bad_scheme_names_the_file_and_the_key(text, message):
    with pytest.raises(CspError, match=message) as caught:
        parse_scheme(text, path="scheme.toml")
    assert caught.value.path == "scheme.toml"
