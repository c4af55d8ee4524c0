"""Residents of the fictional LSOAs: a Census 2021 total and a mid-2022 estimate by age."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspkit.synth.profiles import AGE_BAND_SHARES

AGE_COLUMNS = [str(a) for a in range(90)] + ["90+"]


def census_residents(
    rng: np.random.Generator, lsoas: pd.DataFrame, deprivation: np.ndarray
) -> np.ndarray:
    """Census 2021 usual residents per LSOA (about 1,500; more in the student quarter)."""
    residents = rng.normal(1550.0, 200.0, size=len(lsoas)) + 60.0 * deprivation
    residents[lsoas.role.to_numpy() == "student"] += 700.0
    return np.clip(np.round(residents), 1000, 3000).astype(int)


def single_year_of_age(
    rng: np.random.Generator,
    lsoas: pd.DataFrame,
    census: np.ndarray,
    deprivation: np.ndarray,
) -> pd.DataFrame:
    """Mid-2022 estimate by single year of age 0 … 89 and 90+, in the demographr layout.

    Starts from the national age profile and tilts it: deprived LSOAs have more children and
    young adults and fewer pensioners, the student quarter is dominated by 18-24s, and open
    country is older. Ages always sum to ``total_population``.
    """
    ages = np.arange(91)
    base = np.repeat(np.array(AGE_BAND_SHARES[:-1]) / 5.0, 5)
    base = np.append(base, AGE_BAND_SHARES[-1])
    log_density = np.log(lsoas.density.to_numpy())
    rural = (log_density.mean() - log_density) / log_density.std()
    young_adult = (ages >= 18) & (ages <= 34)
    child = ages <= 15
    older = ages >= 65
    students = lsoas.role.to_numpy() == "student"
    totals = np.round(census * rng.normal(1.015, 0.02, size=len(census))).astype(int)
    rows = []
    for i, total in enumerate(totals):
        weights = base.copy()
        weights[child] *= np.exp(0.15 * deprivation[i] - 0.05 * rural[i])
        weights[young_adult] *= np.exp(0.12 * deprivation[i] - 0.2 * rural[i])
        weights[older] *= np.exp(-0.2 * deprivation[i] + 0.2 * rural[i])
        if students[i]:
            weights[(ages >= 18) & (ages <= 24)] *= 6.0
        rows.append(rng.multinomial(total, weights / weights.sum()))
    table = pd.DataFrame(np.array(rows), columns=AGE_COLUMNS)
    table.insert(0, "total_population", totals)
    table.insert(0, "lsoa21_code", lsoas.lsoa21_code.to_numpy())
    table.insert(0, "lsoa21_name", lsoas.lsoa21_name.to_numpy())
    return table
