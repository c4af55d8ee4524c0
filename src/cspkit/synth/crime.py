"""Street-level crime and ASB for the fictional force, with trends planted to be found.

Expected counts per LSOA × month × crime type multiply a force-wide rate by residents,
deprivation, the LSOA's role (town centre, estate, student quarter), seasonality and a
level per calendar year. Counts are Poisson, except that the planted borough trends are
drawn with their totals fixed at the expected value, so the planted percentage changes
hold exactly whatever the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspkit.synth.names import BOROUGH
from cspkit.synth.profiles import ASB, CRIME_PROFILES, POINT_AFFINITY, ROLE_MULTIPLIERS

CRIME_TYPES = tuple(p.name for p in CRIME_PROFILES)
PREVIOUS_YEAR, CURRENT_YEAR = 2024, 2025

# Borough-only levels by year that override the force-wide ones (the planted trends).
_BOROUGH_YEAR_FACTOR = {
    "Shoplifting": {2023: 0.93, 2024: 1.0, 2025: 1.28},
    "Theft from the person": {2023: 1.1, 2024: 1.0, 2025: 1.72},
}
_PLANTED_TYPES = ("Shoplifting", "Burglary", "Theft from the person")
# The ward that climbs the ranking: these types jump in the current year …
_RISING_TYPES = (
    "Violence and sexual offences", "Drugs", "Public order", "Criminal damage and arson",
    "Robbery", "Possession of weapons", ASB,
)
# … from around this place in the previous year's ranking to above the ward now third.
_RISING_FROM_RANK = 8
_RISING_MARGIN = 1.1


@dataclass(frozen=True)
class PlantedTrend:
    """A pattern deliberately put in the data, for an assessment to find.

    Attributes
    ----------
    key
        Short identifier, e.g. ``shoplifting_rise``.
    description
        One sentence an analyst would write about it.
    crime_type
        police.uk crime type, or ``None`` for all crime (ASB excluded).
    area_level, area_code, area_name
        ``lad`` or ``ward`` and the area it is planted in.
    previous_year, current_year
        The calendar years compared.
    planted_change
        Relative change in the expected count (0.28 = +28%).
    previous_count, current_count
        Rows in the written street files (2021 LSOAs, harmonised), per year.
    previous_rank, current_rank
        For a ward trend: the ward's place among the borough's wards by all crime.
    """

    key: str
    description: str
    crime_type: str | None
    area_level: str
    area_code: str
    area_name: str
    previous_year: int
    current_year: int
    planted_change: float
    previous_count: int
    current_count: int
    previous_rank: int | None = None
    current_rank: int | None = None


@dataclass(frozen=True)
class SimulatedCrime:
    """The crimes and ASB incidents of the force area.

    Attributes
    ----------
    incidents
        One row per street-file row: ``month`` (YYYY-MM), ``lsoa`` (row position in the
        geography table), ``crime_type``, ``point`` (row in the map-points table).
    expected
        Expected counts, array ``(n_lsoa, n_month, n_type)`` in ``CRIME_TYPES`` order.
    rising_ward
        Ward code of the ward planted to climb the ranking, or ``None`` when the months do
        not cover both comparison years.
    """

    incidents: pd.DataFrame
    expected: np.ndarray
    rising_ward: str | None


def simulate_crime(
    rng: np.random.Generator,
    lsoas: pd.DataFrame,
    residents: np.ndarray,
    deprivation: np.ndarray,
    months: list[str],
    points: pd.DataFrame,
) -> SimulatedCrime:
    """Draw every crime and ASB incident, month by month, and place it on a map point."""
    expected = _expected_counts(lsoas, residents, deprivation, months)
    years = np.array([int(m[:4]) for m in months])
    rising_ward = None
    if {PREVIOUS_YEAR, CURRENT_YEAR} <= set(years.tolist()):
        rising_ward = _plant_rising_ward(lsoas, expected, years)
    counts = _draw_counts(rng, lsoas, expected, years)
    l_idx, m_idx, t_idx = np.nonzero(counts)
    n = counts[l_idx, m_idx, t_idx]
    incidents = pd.DataFrame(
        {
            "lsoa": np.repeat(l_idx, n),
            "month_index": np.repeat(m_idx, n),
            "type_index": np.repeat(t_idx, n),
        }
    )
    incidents["point"] = _choose_points(rng, incidents, points)
    incidents["order"] = rng.permutation(len(incidents))
    incidents = incidents.sort_values(["month_index", "lsoa", "order"], ignore_index=True)
    incidents["month"] = np.array(months)[incidents.month_index]
    incidents["crime_type"] = np.array(CRIME_TYPES)[incidents.type_index]
    incidents = incidents[["month", "lsoa", "crime_type", "point"]]
    return SimulatedCrime(incidents=incidents, expected=expected, rising_ward=rising_ward)


def _expected_counts(
    lsoas: pd.DataFrame, residents: np.ndarray, deprivation: np.ndarray, months: list[str]
) -> np.ndarray:
    calendar_month = np.array([int(m[5:]) - 1 for m in months])
    years = np.array([int(m[:4]) for m in months])
    in_borough = (lsoas.lad_code == BOROUGH.code).to_numpy()
    roles = lsoas.role.to_numpy()
    expected = np.zeros((len(lsoas), len(months), len(CRIME_PROFILES)))
    for t, profile in enumerate(CRIME_PROFILES):
        place = np.array([ROLE_MULTIPLIERS.get(r, {}).get(profile.name, 1.0) for r in roles])
        weight = residents * np.exp(profile.deprivation_elasticity * deprivation) * place
        per_lsoa = profile.rate_per_1000 / 1000.0 / 12.0 * weight * residents.sum() / weight.sum()
        season = np.array(profile.season)[calendar_month]
        force_level = np.array([_level(profile.year_factor, y) for y in years])
        borough_factor = _BOROUGH_YEAR_FACTOR.get(profile.name, profile.year_factor)
        borough_level = np.array([_level(borough_factor, y) for y in years])
        level = np.where(in_borough[:, None], borough_level[None, :], force_level[None, :])
        expected[:, :, t] = per_lsoa[:, None] * season[None, :] * level
    return expected


def _level(factors: dict[int, float], year: int) -> float:
    return factors[min(max(year, min(factors)), max(factors))]


def _plant_rising_ward(lsoas: pd.DataFrame, expected: np.ndarray, years: np.ndarray) -> str:
    """Pick a mid-table borough ward and raise it above the third-placed ward this year."""
    crime = [t for t, name in enumerate(CRIME_TYPES) if name != ASB]
    rising = [CRIME_TYPES.index(name) for name in _RISING_TYPES]
    borough = (lsoas.lad_code == BOROUGH.code).to_numpy()
    ward_of = lsoas.ward_code.to_numpy()

    def ward_totals(year: int) -> pd.Series:
        totals = expected[:, years == year][:, :, crime].sum(axis=(1, 2))
        return pd.Series(totals[borough], index=ward_of[borough]).groupby(level=0).sum()

    before = ward_totals(PREVIOUS_YEAR).sort_values(ascending=False, kind="stable")
    ward = str(before.index[_RISING_FROM_RANK - 1])
    now = ward_totals(CURRENT_YEAR)
    target = _RISING_MARGIN * now.drop(ward).sort_values(ascending=False).iloc[2]
    in_ward = ward_of == ward
    this_year = years == CURRENT_YEAR
    rising_crime = [t for t in rising if t in crime]
    rising_now = expected[np.ix_(in_ward, this_year, rising_crime)].sum()
    factor = max(1.5, (target - (now[ward] - rising_now)) / rising_now)
    expected[np.ix_(in_ward, this_year, rising)] *= factor
    return ward


def _draw_counts(
    rng: np.random.Generator, lsoas: pd.DataFrame, expected: np.ndarray, years: np.ndarray
) -> np.ndarray:
    """Poisson counts; planted borough types get their yearly total fixed at expectation."""
    counts = np.zeros(expected.shape, dtype=np.int64)
    lad_codes = lsoas.lad_code.to_numpy()
    for lad_code in np.unique(lad_codes):
        in_lad = lad_codes == lad_code
        for year in np.unique(years):
            in_year = years == year
            for t, name in enumerate(CRIME_TYPES):
                block = expected[np.ix_(in_lad, in_year, [t])][:, :, 0]
                mean = block.sum()
                planted = lad_code == BOROUGH.code and name in _PLANTED_TYPES
                total = int(round(mean)) if planted else int(rng.poisson(mean))
                drawn = rng.multinomial(total, (block / mean).ravel()).reshape(block.shape)
                counts[np.ix_(in_lad, in_year, [t])] = drawn[:, :, None]
    return counts


def _choose_points(
    rng: np.random.Generator, incidents: pd.DataFrame, points: pd.DataFrame
) -> np.ndarray:
    chosen = np.empty(len(incidents), dtype=np.int64)
    points_of = points.groupby("lsoa").indices
    groups = incidents.groupby(["lsoa", "type_index"]).indices
    kinds = points.kind.to_numpy(dtype=object)
    pulls = points.pull.to_numpy()
    for (lsoa, t), rows in groups.items():
        candidates = points_of[lsoa]
        affinity = POINT_AFFINITY.get(CRIME_TYPES[t], {})
        weights = pulls[candidates] * np.array([affinity.get(k, 1.0) for k in kinds[candidates]])
        cumulative = np.cumsum(weights / weights.sum())
        picks = np.searchsorted(cumulative, rng.uniform(size=len(rows)), side="right")
        chosen[rows] = candidates[np.minimum(picks, len(candidates) - 1)]
    return chosen
