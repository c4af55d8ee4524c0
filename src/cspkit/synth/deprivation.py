"""Indices of Deprivation 2025 for the fictional LSOAs, in MHCLG's column layout.

Deprivation is one smooth latent surface (deprived estates, town centres, a little noise);
each domain is correlated with it as strongly as in the real IoD2025. National ranks place
the LSOAs among a notional 33,755 English LSOAs; scores follow ranks through real quantiles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from cspkit.synth.geography import ESTATES, STUDENT_QUARTER, TOWN_CENTRES
from cspkit.synth.profiles import NATIONAL_LSOAS

DOMAINS = (
    "IMD", "Income", "Employment", "Education", "Health", "Crime", "Housing_and_Services",
    "Environment",
)
COLUMNS = (
    ["lsoa21_code"]
    + [f"{d}_decile" for d in DOMAINS]
    + [f"{d}_rank" for d in DOMAINS]
    + [f"{d}_score" for d in DOMAINS]
)
# Correlation of each domain with the IMD (ranks, real IoD2025, rounded).
_CORRELATION = {
    "Income": 0.94, "Employment": 0.94, "Education": 0.87, "Health": 0.86, "Crime": 0.82,
    "Housing_and_Services": 0.24, "Environment": 0.34,
}
# Score at national percentiles 0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 100 (least to most
# deprived), real IoD2025, rounded.
_PERCENTILES = (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0)
_SCORE_QUANTILES = {
    "IMD": (0.2, 2.0, 3.8, 5.5, 9.7, 17.5, 29.7, 44.9, 54.3, 68.8, 94.2),
    "Income": (0.002, 0.028, 0.05, 0.067, 0.105, 0.184, 0.322, 0.464, 0.544, 0.666, 0.998),
    "Employment": (0.002, 0.027, 0.041, 0.051, 0.071, 0.11, 0.178, 0.257, 0.306, 0.391, 0.978),
    "Education": (0.0, 0.46, 1.69, 3.18, 7.54, 16.5, 31.2, 49.3, 59.3, 74.8, 99.6),
    "Health": (-3.1, -1.97, -1.41, -1.11, -0.62, -0.03, 0.61, 1.17, 1.50, 2.05, 3.31),
    "Crime": (-3.29, -1.82, -1.34, -1.08, -0.60, -0.01, 0.58, 1.09, 1.39, 1.94, 3.55),
    "Housing_and_Services": (1.5, 4.5, 7.65, 9.76, 14.1, 20.1, 27.6, 36.2, 41.6, 49.7, 63.5),
    "Environment": (0.06, 1.0, 2.63, 4.23, 8.61, 17.8, 31.7, 45.0, 53.0, 67.8, 85.7),
}
# Shifts the force area towards the deprived end (a borough like many in the North East).
_NATIONAL_SHIFT = 0.25


def deprivation_surface(rng: np.random.Generator, xy: np.ndarray) -> np.ndarray:
    """Standardised deprivation of each LSOA seed point (mean 0, sd 1 over the force area).

    Spatially clustered: high on the estates and around the town centres, low in open
    country, with a smooth random ripple and a little LSOA-level noise.
    """
    def bump(point: tuple[float, float], sigma: float) -> np.ndarray:
        d2 = (xy[:, 0] - point[0]) ** 2 + (xy[:, 1] - point[1]) ** 2
        return np.exp(-d2 / (2 * sigma**2))

    z = sum(1.8 * bump(p, 1.4) for p in ESTATES)
    z = z + sum(1.0 * bump(p, 2.5) for p in TOWN_CENTRES.values())
    z = z + 0.6 * bump(STUDENT_QUARTER, 0.8)
    angles = rng.uniform(0, 2 * np.pi, size=(6, 2))
    wavelengths = rng.uniform(6.0, 14.0, size=6)
    for (theta, phase), wavelength in zip(angles, wavelengths, strict=True):
        direction = np.array([np.cos(theta), np.sin(theta)])
        z = z + 0.15 * np.cos(2 * np.pi * (xy @ direction) / wavelength + phase)
    z = z + rng.normal(0.0, 0.3, size=len(xy))
    return (z - z.mean()) / z.std()


def imd_table(
    rng: np.random.Generator, lsoas: pd.DataFrame, deprivation: np.ndarray
) -> pd.DataFrame:
    """IoD2025-style table (columns as MHCLG's file) for every LSOA in ``lsoas``.

    Parameters
    ----------
    rng
        Random generator.
    lsoas
        Geography table (``lsoa21_code``, ``density``).
    deprivation
        Output of :func:`deprivation_surface`, aligned with ``lsoas``.
    """
    density = np.log(lsoas.density.to_numpy())
    urban = (density - density.mean()) / density.std()
    latent = {"IMD": deprivation}
    for domain, rho in _CORRELATION.items():
        other = rng.normal(size=len(lsoas))
        if domain == "Housing_and_Services":
            other = -0.7 * urban + 0.7 * other  # barriers to services are rural
        elif domain == "Environment":
            other = 0.7 * urban + 0.7 * other  # air quality and housing condition are urban
        latent[domain] = rho * deprivation + np.sqrt(1 - rho**2) * other
    table = {"lsoa21_code": lsoas.lsoa21_code.to_numpy()}
    for domain in DOMAINS:
        ranks = _unique_ranks(1.0 - norm.cdf(latent[domain] + _NATIONAL_SHIFT))
        table[f"{domain}_decile"] = -(-ranks * 10 // NATIONAL_LSOAS)
        table[f"{domain}_rank"] = ranks
        deprived_share = 1.0 - (ranks - 0.5) / NATIONAL_LSOAS
        scores = np.interp(deprived_share, _PERCENTILES, _SCORE_QUANTILES[domain])
        table[f"{domain}_score"] = np.round(scores, 3)
    return pd.DataFrame(table)[COLUMNS]


def _unique_ranks(share_less_deprived: np.ndarray) -> np.ndarray:
    """National ranks (1 = most deprived), distinct like a real ranking."""
    raw = np.clip(np.ceil(share_less_deprived * NATIONAL_LSOAS), 1, NATIONAL_LSOAS).astype(int)
    order = np.argsort(raw, kind="stable")
    ranks = raw.copy()
    for previous, current in zip(order[:-1], order[1:], strict=True):
        ranks[current] = max(ranks[current], ranks[previous] + 1)
    ranks[order[-1]] = min(ranks[order[-1]], NATIONAL_LSOAS)
    for following, current in zip(order[::-1][:-1], order[::-1][1:], strict=True):
        ranks[current] = min(ranks[current], ranks[following] - 1)
    return ranks
