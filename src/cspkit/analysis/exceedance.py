"""Is this month's count above what its own series leads us to expect?

One monthly count series in, one test of its latest month out: the expected count, an upper
prediction limit and a p-value. Two methods for the month, chosen per series:

- ``glm``: the Farrington flexible method (Farrington et al. 1996, improved by Noufaily et
  al. 2013) adapted to months — a quasi-Poisson log-linear model with a linear trend and a
  seasonal factor, fitted on the same part of the year in past years and the months
  between, past outbreaks down-weighted, and a negative binomial predictive distribution;
- ``exact``: for short or zero-heavy series (most ward series of rarer crime types), the
  exact conditional Poisson test of this month against the mean of the months before it;

and one for a rise that has lasted: the latest three months against the same three months a
year earlier (:func:`quarter_change`, the exact test of :mod:`cspkit.analysis.change`).

The formulas, the choices made for monthly crime data and the references are in
``docs/scanning.md``.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import binom, nbinom, poisson
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM as PoissonGLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from cspkit.analysis.change import exact_poisson_test

GLM = "glm"
EXACT = "exact"
YEAR_ON_YEAR = "year on year"
NOT_TESTED = "not tested"


@dataclass(frozen=True)
class ExceedanceSettings:
    """How a series is tested.

    Attributes
    ----------
    alpha
        One-sided level of the upper prediction limit (0.05: the 95% limit).
    years
        Past years in the GLM's baseline (Farrington's *b*).
    window
        Months either side of the same month in past years that form the reference
        windows (Farrington's *w*; the seasonal factor's level 0).
    gap
        Most recent months left out of the GLM's baseline, so an emerging rise does not
        raise its own expectation (Noufaily et al. leave out 26 weeks).
    min_glm_months
        Fewest baseline months for the GLM; shorter series use the exact method.
    max_zero_share
        A baseline with at least this share of zero months uses the exact method.
    exact_months
        Months before the tested month that the exact method compares it with (at most).
    min_exact_months
        Fewest such months for any test; a series with fewer is not tested.
    reweight_threshold
        Anscombe residuals above this down-weight a past month (Noufaily et al.: 2.58).
    trend_alpha
        A trend stays in the model only when significant at this level.
    quarter
        Months in the lasting-rise test (:func:`quarter_change`).
    """

    alpha: float = 0.05
    years: int = 3
    window: int = 1
    gap: int = 3
    min_glm_months: int = 18
    max_zero_share: float = 0.5
    exact_months: int = 12
    min_exact_months: int = 3
    reweight_threshold: float = 2.58
    trend_alpha: float = 0.05
    quarter: int = 3


DEFAULT_SETTINGS = ExceedanceSettings()


@dataclass(frozen=True)
class Exceedance:
    """The test of one series' latest month.

    Attributes
    ----------
    observed
        The count in the tested month.
    expected
        The expected count from the series' own past.
    upper_limit
        The highest count not unusual at level ``alpha``: ``observed > upper_limit``
        exactly when ``p_value <= alpha``.
    p_value
        One-sided probability of a count at least as high as ``observed`` if the month
        followed its expected level (NaN when not tested).
    method
        ``glm``, ``exact`` or ``not tested``.
    baseline_months
        Months the expectation was estimated from.
    trend
        Whether the GLM kept its trend term.
    dispersion
        The GLM's overdispersion :math:`\\phi` (1 for the exact method).
    """

    observed: int
    expected: float
    upper_limit: float
    p_value: float
    method: str
    baseline_months: int
    trend: bool = False
    dispersion: float = 1.0


def seasonal_level(offset: np.ndarray, window: int) -> np.ndarray:
    """Level of the seasonal factor for months ``offset`` months before the tested month:
    0 within ``window`` months of the same month of the year, then the rest of the year
    cut into three blocks (the monthly form of Noufaily's 10-level factor on weeks)."""
    d = np.mod(offset, 12)
    rest = 12 - 2 * window - 1
    level = 1 + ((d - window - 1) * 3) // rest
    return np.where((d <= window) | (d >= 12 - window), 0, level)


def _design(t: np.ndarray, t0: int, window: int, trend: bool) -> np.ndarray:
    level = seasonal_level(t0 - t, window)
    columns = [np.ones(len(t))]
    if trend:
        columns.append(t.astype(float))
    columns += [(level == k).astype(float) for k in (1, 2, 3)]
    return np.column_stack(columns)


def _anscombe(y: np.ndarray, mu: np.ndarray, leverage: np.ndarray, phi: float) -> np.ndarray:
    """Standardised Anscombe residuals of a quasi-Poisson fit (Farrington et al. 1996)."""
    raw = 1.5 * (np.power(y, 2 / 3) * np.power(mu, -1 / 6) - np.sqrt(mu))
    return raw / np.sqrt(phi * np.clip(1 - leverage, 1e-8, None))


def _leverage(x: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Diagonal of the GLM hat matrix :math:`W^{1/2} X (X' W X)^{-1} X' W^{1/2}`,
    :math:`W = \\mathrm{diag}(w_i \\mu_i)` for the log-link Poisson model."""
    root = np.sqrt(weights * mu)[:, None] * x
    q, _ = np.linalg.qr(root)
    return np.sum(q * q, axis=1)


def _fit(y: np.ndarray, x: np.ndarray, weights: np.ndarray, start: np.ndarray | None = None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning,
                                         RuntimeWarning))
        model = PoissonGLM(y, x, family=families.Poisson(), var_weights=weights)
        return model.fit(scale="X2", start_params=start, tol=1e-6)


def _predictive(mu: float, variance: float) -> tuple[float, float]:
    """Upper tail helpers: the (n, p) of a negative binomial with this mean and variance,
    or (inf, nan) when the variance does not exceed the mean (then Poisson)."""
    if variance <= mu * (1 + 1e-9):
        return np.inf, np.nan
    size = mu * mu / (variance - mu)
    return size, size / (size + mu)


def _prediction(fit, x0: np.ndarray) -> tuple[float, float, float]:
    """``(eta, scale, var_eta)`` of a fitted GLM at ``x0``: the linear predictor, the
    Pearson scale and the linear predictor's variance under dispersion ``max(1, scale)``."""
    eta = float(x0 @ fit.params)
    scale = float(fit.scale)
    phi = max(1.0, scale)
    cov = np.asarray(fit.cov_params()) * (phi / scale if scale > 0 else 1.0)
    return eta, scale, float(x0 @ cov @ x0)


def seasonal_prediction(y: np.ndarray, level: np.ndarray, weights: np.ndarray
                         ) -> tuple[float, float, float] | None:
    r""":func:`_prediction` of the model without trend, in closed form.

    With the seasonal factor alone the model is a one-way layout, whose weighted Poisson
    maximum-likelihood fit is each level's weighted mean,
    :math:`\hat\mu_k = \sum_{s(t)=k} w_t y_t / \sum_{s(t)=k} w_t`, and the variance of
    the level-0 log mean is :math:`\phi / (\hat\mu_0 \sum_{s(t)=0} w_t)`. This is the
    fit statsmodels' IRLS converges to, without the iterations. ``None`` when level 0 has
    no months or a level has no incidents (the estimate is then on the boundary, and the
    iterative fit decides as before).
    """
    counts = np.bincount(level, weights=weights * y, minlength=4)
    mass = np.bincount(level, weights=weights, minlength=4)
    present = mass > 0
    if not present[0] or (counts[present] <= 0).any():
        return None
    means = np.divide(counts, mass, out=np.zeros_like(counts), where=present)
    mu = means[level]
    scale = float(np.sum(weights * np.square(y - mu) / mu) / (len(y) - present.sum()))
    var_eta = max(1.0, scale) / (means[0] * mass[0]) if scale > 0 else 0.0
    return float(np.log(means[0])), scale, var_eta


def _glm_test(y: np.ndarray, t: np.ndarray, t0: int, observed: int,
              settings: ExceedanceSettings) -> Exceedance | None:
    """The Farrington flexible test; ``None`` when the model cannot be fitted."""
    n = len(y)
    x = _design(t, t0, settings.window, trend=True)
    ones = np.ones(n)
    try:
        first = _fit(y, x, ones)
        mu = np.asarray(first.mu)
        phi = max(1.0, float(first.scale))
        residuals = _anscombe(y, mu, _leverage(x, mu, ones), phi)
        weights = np.where(residuals > settings.reweight_threshold,
                           1.0 / np.square(residuals), 1.0)
        weights *= n / weights.sum()
        fit = _fit(y, x, weights, first.params) if (residuals > settings.reweight_threshold
                                                      ).any() else first
        x0 = _design(np.array([t0]), t0, settings.window, trend=True)[0]
        trend = bool(fit.pvalues[1] < settings.trend_alpha
                     and np.exp(x0 @ fit.params) <= y.max())
        estimate = (_prediction(fit, x0) if trend else seasonal_prediction(
            y, seasonal_level(t0 - t, settings.window), weights))
        if estimate is None:
            estimate = _prediction(_fit(y, np.delete(x, 1, axis=1), weights,
                                        np.delete(fit.params, 1)), np.delete(x0, 1))
    except (np.linalg.LinAlgError, ValueError):
        return None
    eta, scale, var_eta = estimate
    phi = max(1.0, scale)
    if not (np.isfinite(eta) and np.isfinite(var_eta)) or eta > 30:
        return None
    mu0 = float(np.exp(eta))
    size, prob = _predictive(mu0, phi * mu0 + mu0 * mu0 * var_eta)
    if np.isinf(size):
        p_value = float(poisson.sf(observed - 1, mu0))
        upper = float(poisson.ppf(1 - settings.alpha, mu0))
    else:
        p_value = float(nbinom.sf(observed - 1, size, prob))
        upper = float(nbinom.ppf(1 - settings.alpha, size, prob))
    return Exceedance(observed=observed, expected=mu0, upper_limit=upper,
                      p_value=min(p_value, 1.0), method=GLM, baseline_months=n, trend=trend,
                      dispersion=phi)


def exact_exceedance(observed: int, reference: np.ndarray, alpha: float = 0.05) -> Exceedance:
    """Exact conditional Poisson test of one month against the ``n`` months before it.

    Parameters
    ----------
    observed
        This month's count :math:`y_0`.
    reference
        The counts of the comparison months (no missing values).
    alpha
        One-sided level of the upper limit.

    Returns
    -------
    Exceedance
        ``expected`` is the reference mean :math:`S / n`.

    Notes
    -----
    If every month has the same Poisson rate, then given the total :math:`T = y_0 + S`,
    :math:`y_0 \\sim \\mathrm{Binomial}(T, 1/(n+1))`. The p-value is
    :math:`P(\\mathrm{Binomial}(T, 1/(n+1)) \\ge y_0)` (the conditional test of
    Przyborowski and Wilenski 1940 for unequal exposure, one-sided). The upper limit is the
    largest :math:`y` whose p-value would exceed :math:`\\alpha`.

    Examples
    --------
    Twelve months of one crime each, then six:

    >>> result = exact_exceedance(6, np.ones(12))
    >>> round(result.p_value, 4), result.upper_limit, result.expected
    (0.0017, 3.0, 1.0)
    """
    reference = np.asarray(reference, dtype=float)
    n = len(reference)
    total = float(reference.sum())
    p_value, upper = _exact_tail(int(observed), n, total, alpha)
    return Exceedance(observed=int(observed), expected=total / n, upper_limit=upper,
                      p_value=p_value, method=EXACT, baseline_months=n)


@functools.lru_cache(maxsize=4096)
def _exact_tail(observed: int, n: int, total: float, alpha: float) -> tuple[float, float]:
    """p-value and upper limit of :func:`exact_exceedance` (cached: ward series of rare
    crime types repeat the same few small counts)."""
    share = 1.0 / (n + 1)
    p_value = float(binom.sf(observed - 1, total + observed, share)) if observed else 1.0
    candidates = np.arange(0, int(total / n * 4 + 10 * np.sqrt(total / n + 1) + 10))
    tail = binom.sf(candidates - 1, total + candidates, share)
    tail[0] = 1.0
    return p_value, float(candidates[tail > alpha].max())


def month_exceedance(counts: np.ndarray,
                    settings: ExceedanceSettings = DEFAULT_SETTINGS) -> Exceedance:
    """Test the last month of a monthly count series against its expected level.

    Parameters
    ----------
    counts
        Monthly counts in order, the tested month last; NaN marks a month whose data are
        not loaded (left out, never read as zero). The tested month must be a count.
    settings
        The method's parameters (:class:`ExceedanceSettings`).

    Returns
    -------
    Exceedance

    Notes
    -----
    **GLM** (Farrington flexible, monthly). Baseline: months :math:`t` with
    :math:`t_0 - 12b - w \\le t \\le t_0 - g - 1` (``years`` *b*, ``window`` *w*, ``gap``
    *g*). Model: :math:`\\log \\mu_t = \\alpha + \\beta t + \\gamma_{s(t)}`, quasi-Poisson
    (variance :math:`\\phi\\mu`), :math:`s(t)` the seasonal level (0 within *w* months of the
    tested month's month of year, three blocks for the rest of the year). Past months whose
    standardised Anscombe residual :math:`s_t` exceeds 2.58 get weight
    :math:`\\propto s_t^{-2}` (weights scaled to sum to the number of months) and the model
    is refitted. The trend stays only if significant at 5% and the prediction does not
    exceed the largest baseline count (Farrington et al. 1996). Prediction:
    :math:`\\hat\\mu_0 = e^{x_0'\\hat\\theta}`, predictive variance
    :math:`V = \\hat\\phi\\hat\\mu_0 + \\hat\\mu_0^2\\, x_0' \\widehat{\\mathrm{Cov}}\\,x_0`
    with :math:`\\hat\\phi = \\max(1, \\text{Pearson } X^2 / \\text{df})`; the upper limit
    and p-value come from the negative binomial with that mean and variance (Noufaily et al.
    2013 use the negative binomial quantile; the estimation variance term is Farrington's).

    **Exact** when the baseline has fewer than ``min_glm_months`` months, at least
    ``max_zero_share`` zero months, or the model cannot be fitted: :func:`exact_exceedance`
    against the (up to) ``exact_months`` months before the tested month.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> series = rng.poisson(40, 37).astype(float)
    >>> series[-1] = 80
    >>> result = month_exceedance(series)
    >>> result.method, result.observed > result.upper_limit, result.p_value < 0.001
    ('glm', True, True)
    """
    counts = np.asarray(counts, dtype=float)
    t0 = len(counts) - 1
    observed = counts[t0]
    if np.isnan(observed):
        raise ValueError("the tested month has no count")
    observed = int(observed)
    t = np.arange(len(counts))
    loaded = ~np.isnan(counts)
    in_baseline = loaded & (t >= t0 - 12 * settings.years - settings.window) & (
        t <= t0 - settings.gap - 1)
    y = counts[in_baseline]
    if len(y) >= settings.min_glm_months and np.mean(y == 0) < settings.max_zero_share:
        result = _glm_test(y, t[in_baseline], t0, observed, settings)
        if result is not None:
            return result
    recent = loaded & (t >= t0 - settings.exact_months) & (t < t0)
    if recent.sum() < settings.min_exact_months:
        return Exceedance(observed=observed, expected=np.nan, upper_limit=np.nan,
                          p_value=np.nan, method=NOT_TESTED, baseline_months=int(recent.sum()))
    return exact_exceedance(observed, counts[recent], settings.alpha)


def expected_band(counts: np.ndarray, months: int,
                  settings: ExceedanceSettings = DEFAULT_SETTINGS) -> list[Exceedance]:
    """The test as it would have run in each of the last ``months`` months of a series
    (each month against only the months before it): the expected level and upper limit to
    draw behind the series. Months with no count are skipped."""
    counts = np.asarray(counts, dtype=float)
    out = []
    for end in range(max(len(counts) - months, 1), len(counts) + 1):
        if not np.isnan(counts[end - 1]):
            out.append(month_exceedance(counts[:end], settings))
    return out


def quarter_change(counts: np.ndarray,
                   settings: ExceedanceSettings = DEFAULT_SETTINGS) -> Exceedance:
    r"""Test whether the last ``settings.quarter`` months rose on the same months a year
    earlier.

    Parameters
    ----------
    counts
        Monthly counts in order, the last month tested last; NaN where not loaded.
    settings
        ``quarter`` (months compared) and ``alpha`` (level of the upper limit).

    Returns
    -------
    Exceedance
        ``observed``: the count in the last months; ``expected``: the count in the same
        months a year earlier; ``upper_limit``: the highest count that would not be a
        significant rise; ``method`` ``year on year``, or ``not tested`` when a month of
        either period is not loaded.

    Notes
    -----
    The p-value is :func:`cspkit.analysis.change.exact_poisson_test` (two-sided, so
    conservative for a rise). For two Poisson counts of equal exposure it equals
    :math:`\min(1, 2 P(\mathrm{Binomial}(n_1 + n_0, 1/2) \ge n_1))` when
    :math:`n_1 > n_0`, which gives the upper limit in closed form.

    Examples
    --------
    >>> series = np.array([10.0] * 12 + [10, 10, 10] + [10.0] * 6 + [20, 20, 20])
    >>> result = quarter_change(series)
    >>> result.observed, result.expected, result.upper_limit, round(result.p_value, 4)
    (60, 30.0, 48.0, 0.0021)
    """
    counts = np.asarray(counts, dtype=float)
    k = settings.quarter
    if len(counts) < 12 + k:
        return Exceedance(0, np.nan, np.nan, np.nan, NOT_TESTED, 0)
    now, before = counts[-k:], counts[-12 - k:-12]
    if np.isnan(now).any() or np.isnan(before).any():
        return Exceedance(int(np.nansum(now)), np.nan, np.nan, np.nan, NOT_TESTED, 0)
    observed, previous = int(now.sum()), int(before.sum())
    p_value, upper = _year_on_year(observed, previous, settings.alpha)
    return Exceedance(observed=observed, expected=float(previous), upper_limit=upper,
                      p_value=p_value, method=YEAR_ON_YEAR, baseline_months=k)


@functools.lru_cache(maxsize=4096)
def _year_on_year(observed: int, previous: int, alpha: float) -> tuple[float, float]:
    """p-value and upper limit of :func:`quarter_change` (cached: many ward series share
    the same pair of small counts)."""
    candidates = np.arange(previous, 3 * previous + 30)
    two_sided = np.minimum(1.0, 2 * binom.sf(candidates - 1, candidates + previous, 0.5))
    upper = float(candidates[two_sided > alpha].max())
    return exact_poisson_test(observed, previous), upper
