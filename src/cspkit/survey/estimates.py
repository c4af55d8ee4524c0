"""Weighted shares with linearised (Taylor) confidence intervals, and tests between groups.

A share is the ratio estimator ``p = Σ wᵢyᵢ / Σ wᵢ`` over the respondents of a group who
answered (``yᵢ`` 1 or 0). Its variance is estimated by linearisation, treating the sample as
a single-stage, with-replacement sample with weights ``wᵢ`` (as R's ``survey`` package does
for ``svydesign(ids = ~1, weights = ~w)``): with ``zᵢ = wᵢdᵢ(yᵢ − p) / Σ wⱼdⱼ`` over all
``n`` respondents (``dᵢ`` 1 in the group and answering, else 0),

    v(p) = n / (n − 1) · Σ zᵢ²

(the ``zᵢ`` sum to zero). The 95% interval is built on the logit scale (as ``svyciprop``'s
"logit" method) so it stays inside 0–1; where ``p`` is 0 or 1 the bound is the exact
binomial one for the group's effective sample size ``(Σw)² / Σw²``.

Groups are compared by a design-based Wald test of equal shares: under the linearisation
the estimates of disjoint groups are uncorrelated (their ``zᵢ`` never overlap and each sums
to zero), so ``W = Σ (p_g − p̄)² / v_g`` with ``p̄`` the inverse-variance mean, referred to
χ² with ``k − 1`` degrees of freedom. A change between two independent surveys is tested by
``z = (p₁ − p₀) / √(v₁ + v₀)``. The weights are treated as fixed; ignoring that they were
raked makes the intervals slightly conservative.

References
----------
Lumley, T. (2010), *Complex Surveys: A Guide to Analysis Using R*, Wiley, ch. 2.
Wolter, K. (2007), *Introduction to Variance Estimation*, 2nd ed., Springer, ch. 6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


def _bounds(p: np.ndarray, se: np.ndarray, n_eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% interval on the logit scale; exact binomial bound at 0 and 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logit = np.log(p / (1 - p))
        half = Z95 * se / (p * (1 - p))
        lower = 1 / (1 + np.exp(-(logit - half)))
        upper = 1 / (1 + np.exp(-(logit + half)))
        edge = 1 - 0.025 ** (1 / n_eff)
    lower = np.where(p <= 0, 0.0, np.where(p >= 1, 1 - edge, lower))
    upper = np.where(p <= 0, edge, np.where(p >= 1, 1.0, upper))
    return lower, upper


def weighted_shares(y: np.ndarray, weight: np.ndarray, groups: np.ndarray | None = None,
                    *, n: int | None = None) -> pd.DataFrame:
    """The weighted share of ``y == 1`` among answering respondents, per group.

    Parameters
    ----------
    y
        1, 0, or ``NaN`` (did not answer: out of the base).
    weight
        Survey weights.
    groups
        Group of each respondent (``None`` values are left out); ``None``: everyone in one
        group ``"All"``.
    n
        Respondents in the whole sample (default ``len(y)``), the ``n`` of the variance.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``estimate, se, lower, upper, respondents`` (answering, unweighted)
        and ``answering_yes`` (unweighted).

    Examples
    --------
    >>> out = weighted_shares(np.array([1, 0, 1, np.nan]), np.array([1.0, 2.0, 1.0, 5.0]))
    >>> round(float(out.loc["All", "estimate"]), 3), int(out.loc["All", "respondents"])
    (0.5, 3)
    """
    y = np.asarray(y, dtype=float)
    weight = np.asarray(weight, dtype=float)
    n = len(y) if n is None else n
    if groups is None:
        codes, names = np.zeros(len(y), dtype=np.int64), pd.Index(["All"])
    else:
        codes, names = pd.factorize(np.asarray(groups, dtype=object), use_na_sentinel=True)
    answered = ~np.isnan(y) & (codes >= 0)
    codes, w, y = codes[answered], weight[answered], y[answered]
    present = np.bincount(codes, minlength=len(names)) > 0

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=len(names))[present]

    big_w, wy, w2, w2y = total(w), total(w * y), total(w * w), total(w * w * y)
    respondents = np.bincount(codes, minlength=len(names))[present]
    p = wy / big_w
    # Σ zᵢ² = Σ wᵢ²(yᵢ − p)² / W², with yᵢ² = yᵢ.
    z2 = (w2y * (1 - 2 * p) + p ** 2 * w2) / big_w ** 2
    variance = np.clip(z2, 0, None) * n / (n - 1) if n > 1 else np.full(len(p), np.nan)
    se = np.sqrt(variance)
    lower, upper = _bounds(p, se, big_w ** 2 / w2)
    return pd.DataFrame({"estimate": p, "se": se, "lower": lower, "upper": upper,
                         "respondents": respondents.astype("int64"),
                         "answering_yes": np.rint(total(y)).astype("int64")},
                        index=pd.Index(np.asarray(names)[present], name="group"))


@dataclass(frozen=True)
class GroupTest:
    """A Wald test that groups' shares are equal."""

    statistic: float
    df: int
    p_value: float


def equal_shares_test(estimate: np.ndarray, se: np.ndarray) -> GroupTest:
    """Test that independent estimates share one value (groups with no variance left out).

    Examples
    --------
    >>> t = equal_shares_test(np.array([0.3, 0.5]), np.array([0.05, 0.05]))
    >>> round(t.statistic, 2), t.df, round(t.p_value, 4)
    (8.0, 1, 0.0047)
    """
    estimate, se = np.asarray(estimate, dtype=float), np.asarray(se, dtype=float)
    keep = np.isfinite(estimate) & np.isfinite(se) & (se > 0)
    if keep.sum() < 2:
        return GroupTest(np.nan, 0, np.nan)
    p, v = estimate[keep], se[keep] ** 2
    pooled = np.sum(p / v) / np.sum(1 / v)
    statistic = float(np.sum((p - pooled) ** 2 / v))
    df = int(keep.sum() - 1)
    return GroupTest(statistic, df, float(stats.chi2.sf(statistic, df)))


def change_p_value(estimate: float, se: float, previous: float, previous_se: float) -> float:
    """Two-sided p-value of a change between two independent surveys.

    Examples
    --------
    >>> round(change_p_value(0.55, 0.02, 0.50, 0.02), 4)
    0.0771
    """
    spread = np.hypot(se, previous_se)
    if not np.isfinite(spread) or spread == 0:
        return float("nan")
    return float(2 * stats.norm.sf(abs(estimate - previous) / spread))
