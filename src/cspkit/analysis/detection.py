"""How well the scan detects: outbreaks of known size planted in series, then found or not.

The scan's claim — a flagged series is probably a real rise, and a real rise of a given size
is found so often — is measured here rather than assumed. Each series is tested as it is
(its last month unchanged: any flag is a false alarm) and with an outbreak added to its last
month (a flag is a detection); all the tests go through the Benjamini–Hochberg step together,
as in a real scan where a few series have outbreaks among many that do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspkit.analysis.exceedance import DEFAULT_SETTINGS, ExceedanceSettings, month_exceedance
from cspkit.analysis.hotspots import benjamini_hochberg

OUTBREAK_SIZES = (2.0, 4.0, 6.0, 8.0)
"""Outbreak sizes in units of the square root of the series' recent monthly mean (its
Poisson standard deviation): an outbreak of size 4 in a series of about 25 a month adds
about 20 incidents."""


def flag_rows(p_value: np.ndarray, observed: np.ndarray, expected: np.ndarray, *, fdr: float,
              min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """The scan's flag rule: q-values (Benjamini–Hochberg) and flags
    (``q <= fdr``, ``observed > expected`` and ``observed >= min_count``)."""
    q = benjamini_hochberg(np.asarray(p_value, dtype=float))
    flagged = (q <= fdr) & (np.asarray(observed) > np.asarray(expected)) & (
        np.asarray(observed) >= min_count)
    return q, flagged


@dataclass(frozen=True, eq=False)
class DetectionStudy:
    """Sensitivity by outbreak size and the false-alarm rate.

    Attributes
    ----------
    table
        One row per scan: ``outbreak_size`` (0 for the series as they are), ``series``,
        ``planted`` (series given an outbreak), ``found`` (planted and flagged),
        ``false_alarms`` (flagged with no outbreak planted), ``sensitivity``
        (found / planted), ``false_alarm_rate`` (false alarms / series not planted) and
        ``false_discovery_proportion`` (false alarms / flags).
    false_alarm_rate
        Share of series flagged when none has an outbreak planted.
    fdr, share_planted, seed
        The false discovery rate controlled, the share of series given an outbreak in each
        scan, and the random seed.
    """

    table: pd.DataFrame
    false_alarm_rate: float
    fdr: float
    share_planted: float
    seed: int


def synthetic_series(n: int, *, months: int = 37, seed: int = 1) -> list[np.ndarray]:
    """``n`` monthly count series with no outbreak: mean levels from 1 to 300 a month,
    seasonality (amplitude up to 30%), trend (up to ±1% a month) and overdispersion
    (negative binomial, :math:`\\phi` from 1 to 2.5), the shapes of crime series."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    out = []
    for _ in range(n):
        level = rng.choice([1.0, 3.0, 10.0, 30.0, 100.0, 300.0])
        mu = (level * (1 + rng.uniform(0, 0.3) * np.sin(2 * np.pi * (t + rng.integers(12)) / 12))
              * np.exp(rng.uniform(-0.01, 0.01) * (t - months + 1)))
        phi = rng.choice([1.0, 1.5, 2.5])
        if phi == 1.0:
            out.append(rng.poisson(mu).astype(float))
        else:
            size = mu / (phi - 1)
            out.append(rng.negative_binomial(size, size / (size + mu)).astype(float))
    return out


def detection_study(
    series: Sequence[np.ndarray],
    *,
    sizes: Sequence[float] = OUTBREAK_SIZES,
    share_planted: float = 0.1,
    seed: int = 20250101,
    fdr: float = 0.05,
    min_count: int = 5,
    settings: ExceedanceSettings = DEFAULT_SETTINGS,
) -> DetectionStudy:
    """Plant outbreaks in the last month of some series and count what the scan flags.

    Parameters
    ----------
    series
        Monthly counts, the month to test last (synthetic, or real series).
    sizes
        Outbreak sizes: an outbreak of size *k* adds a Poisson number of incidents with
        mean :math:`k\\sqrt{\\bar y}`, :math:`\\bar y` the mean of the 12 months before.
    share_planted
        Share of the series given an outbreak in each scan (chosen at random), so that
        each scan looks like a real month: a few rises among many ordinary series.
    seed
        Seed of the choice of series and of the outbreaks.
    fdr, min_count, settings
        As for :func:`cspkit.analysis.scan.scan`.

    Returns
    -------
    DetectionStudy

    Notes
    -----
    One scan of the series as they are (size 0: every flag is a false alarm, if the series
    hold no real rise), then one scan per size with outbreaks in a random
    ``share_planted`` of the series; each scan goes through the Benjamini–Hochberg step on
    its own, as a month's scan does.
    """
    rng = np.random.default_rng(seed)
    series = [np.asarray(v, dtype=float) for v in series]
    base = [month_exceedance(v, settings) for v in series]
    testable = np.array([not np.isnan(r.p_value) for r in base])
    recent = np.array([np.nanmean(v[-13:-1]) if len(v) > 1 else 0.0 for v in series])
    rows = []
    for size in (0.0, *sizes):
        results = list(base)
        planted = np.zeros(len(series), dtype=bool)
        if size:
            chosen = rng.choice(np.flatnonzero(testable),
                                max(1, round(share_planted * testable.sum())), replace=False)
            planted[chosen] = True
            for i in chosen:
                values = series[i].copy()
                values[-1] += rng.poisson(size * np.sqrt(max(recent[i], 0.0)))
                results[i] = month_exceedance(values, settings)
        keep = testable
        _, flagged = flag_rows(np.array([r.p_value for r in results])[keep],
                               np.array([r.observed for r in results])[keep],
                               np.array([r.expected for r in results])[keep],
                               fdr=fdr, min_count=min_count)
        hit = planted[keep]
        false_alarms = int((flagged & ~hit).sum())
        rows.append({"outbreak_size": size, "series": int(keep.sum()),
                     "planted": int(hit.sum()), "found": int((flagged & hit).sum()),
                     "false_alarms": false_alarms,
                     "sensitivity": (flagged & hit).sum() / hit.sum() if hit.any() else np.nan,
                     "false_alarm_rate": false_alarms / max(int((~hit).sum()), 1),
                     "false_discovery_proportion": (false_alarms / flagged.sum()
                                                    if flagged.any() else 0.0)})
    table = pd.DataFrame(rows)
    return DetectionStudy(table=table, false_alarm_rate=float(table["false_alarm_rate"].iloc[0]),
                          fdr=fdr, share_planted=share_planted, seed=seed)
