"""Weighting survey respondents to the population: raking to age × sex and ward margins.

Raking (iterative proportional fitting; Deming and Stephan, 1940) adjusts the weights in
turn to each margin, here the population by age band × sex and the population by ward,
until both are met. It is done by ``weightipy``'s rim weighting (a maintained library; see
``docs/survey.md`` for the choice), with its cap trimming the largest weights to a multiple
of the mean weight. The weights are then scaled to the population, so a weighted count is a
number of residents.

Kish's design effect of weighting, ``deff = n Σw² / (Σw)²``, and the effective sample size
``n / deff`` say how much precision the weighting costs.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import weightipy
from ibis.backends import BaseBackend

from cspkit.errors import CspError

AGE_SEX = "age_sex"
WARD = "ward"


@dataclass(frozen=True, eq=False)
class PopulationMargins:
    """Residents of the survey's age range by age band × sex (``"female 16-24"``) and by ward
    code, from the population estimates by sex and single year of age."""

    age_sex: pd.Series
    ward: pd.Series
    year: int
    source: str

    @property
    def total(self) -> int:
        return int(self.age_sex.sum())


def cell(sex: str, band: str) -> str:
    """The age × sex cell a respondent is raked in, e.g. ``"female 16-24"``."""
    return f"{sex} {band}"


def population_margins(con: BaseBackend, lsoas: pd.DataFrame,
                       age_bands: dict[str, tuple[int, int]]) -> PopulationMargins:
    """The margins for ``lsoas`` (``lsoa_code, ward_code``), from the latest population
    estimate by sex and single year of age loaded.

    Raises
    ------
    CspError
        When no estimate by sex is loaded for these LSOAs.
    """
    codes = "', '".join(lsoas["lsoa_code"])
    latest = con.sql(f"""
        SELECT source, year FROM population
        WHERE geography = 'lsoa21' AND sex IN ('female', 'male')
          AND lsoa_code IN ('{codes}')
        ORDER BY year DESC, source LIMIT 1""").to_pandas()
    if latest.empty:
        raise CspError("no population estimates by sex and age are loaded for the "
                       "partnership's LSOAs (survey weighting needs them)",
                       hint="Load the ONS LSOA population estimates by sex and single year of "
                       "age (csp load)")
    source, year = str(latest["source"].iloc[0]), int(latest["year"].iloc[0])
    rows = con.sql(f"""
        SELECT lsoa_code, sex, age_min, age_max, CAST(sum(count) AS BIGINT) AS count
        FROM population
        WHERE geography = 'lsoa21' AND sex IN ('female', 'male') AND source = '{source}'
          AND year = {year} AND lsoa_code IN ('{codes}')
        GROUP BY ALL""").to_pandas()
    rows = rows.merge(lsoas[["lsoa_code", "ward_code"]], on="lsoa_code")
    band = pd.Series(None, index=rows.index, dtype=object)
    for name, (low, high) in age_bands.items():
        band[(rows["age_min"] >= low) & (rows["age_max"] <= high)] = name
    rows["band"] = band
    rows = rows.dropna(subset=["band"])
    age_sex = rows.groupby([rows["sex"] + " " + rows["band"]])["count"].sum()
    ward = rows.groupby("ward_code")["count"].sum()
    order = [cell(s, b) for s in ("female", "male") for b in age_bands]
    return PopulationMargins(age_sex=age_sex.reindex(order, fill_value=0).astype("int64"),
                             ward=ward.astype("int64"), year=year, source=source)


@dataclass(frozen=True, eq=False)
class Weights:
    """Respondents' weights and what the weighting did.

    Attributes
    ----------
    weight
        One weight per respondent (same order), summing to the population.
    raked
        Whether each respondent was raked (age band, sex and ward known); the others keep
        the mean weight.
    margins
        ``margin, category, population, respondents, population_share, sample_share,
        weighted_share`` for the raked respondents.
    design_effect, effective_sample_size
        Kish's design effect of the weights and ``n / deff``.
    trimmed
        Respondents whose weight was capped.
    cap
        The cap as a multiple of the mean weight (0 = no trimming).
    converged
        Whether the raking converged (weightipy says so when it does not).
    notes
        Empty cells left out of the raking, non-convergence.
    """

    weight: np.ndarray
    raked: np.ndarray
    margins: pd.DataFrame
    design_effect: float
    effective_sample_size: float
    trimmed: int
    cap: float
    converged: bool
    notes: tuple[str, ...] = ()


def kish_design_effect(weight: np.ndarray) -> float:
    """``n Σw² / (Σw)²``: 1 for equal weights, larger the more the weights vary.

    Examples
    --------
    >>> kish_design_effect(np.array([1.0, 1.0, 2.0, 4.0]))
    1.375
    """
    weight = np.asarray(weight, dtype=float)
    return float(len(weight) * np.sum(weight ** 2) / np.sum(weight) ** 2)


def _targets(margin: pd.Series, present: set[str], label: str) -> tuple[dict[str, float],
                                                                        list[str]]:
    kept = margin[[c in present and margin[c] > 0 for c in margin.index]]
    dropped = [f"{label} {c}: no respondents, left out of the weighting"
               for c in margin.index if c not in present and margin[c] > 0]
    return {str(c): float(v) for c, v in (100 * kept / kept.sum()).items()}, dropped


def rake_weights(respondents: pd.DataFrame, margins: PopulationMargins, *,
                 cap: float = 5.0) -> Weights:
    """Rake ``respondents`` (``sex``, ``age_band``, ``ward_code``) to ``margins``.

    Parameters
    ----------
    respondents
        One row per respondent; ``None`` where sex or age band was not stated.
    margins
        :func:`population_margins`.
    cap
        Largest weight as a multiple of the mean raked weight (0: no trimming).

    Returns
    -------
    Weights
    """
    n = len(respondents)
    complete = (respondents["sex"].notna() & respondents["age_band"].notna()
                & respondents["ward_code"].notna()).to_numpy()
    frame = pd.DataFrame({
        AGE_SEX: (respondents["sex"] + " " + respondents["age_band"])[complete].to_numpy(),
        WARD: respondents["ward_code"][complete].to_numpy(),
    })
    if frame.empty:
        raise CspError("no respondent gave their sex, age band and home: the survey cannot "
                       "be weighted", hint="Check the mapping's sex and age band codes")
    age_sex, dropped = _targets(margins.age_sex, set(frame[AGE_SEX]), "age and sex group")
    ward, dropped_wards = _targets(margins.ward, set(frame[WARD]), "ward")
    unknown = sorted(set(frame[WARD]) - set(margins.ward.index))
    if unknown:
        raise CspError(f"respondents in ward(s) {unknown} that have no population loaded",
                       hint="Load the population estimates for every LSOA of the partnership")
    in_targets = frame[AGE_SEX].isin(age_sex) & frame[WARD].isin(ward)
    scheme = weightipy.scheme_from_dict({AGE_SEX: age_sex, WARD: ward}, name="population",
                                        rim_params={"cap": cap, "convcrit": 1e-12,
                                                    "max_iterations": 1000})
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        raked = weightipy.weight(frame[in_targets.to_numpy()], scheme).to_numpy(dtype=float)
    factor = np.zeros(len(frame))
    factor[in_targets.to_numpy()] = raked
    notes = tuple(dropped + dropped_wards)
    said = printed.getvalue()
    converged = "did not occur" not in said and "partial convergence" not in said
    if not converged:
        notes += ("the weighting did not converge: the margins are met only approximately",)

    # Scale: raked respondents stand for their share of the population; the rest (and any in
    # a cell left out) keep the mean weight.
    per_respondent = margins.total / n
    weight = np.full(n, per_respondent)
    raked_mask = np.zeros(n, dtype=bool)
    positions = np.flatnonzero(complete)[in_targets.to_numpy()]
    raked_mask[positions] = True
    weight[positions] = raked * per_respondent * raked_mask.sum() / raked.sum()
    trimmed = int(np.sum(raked >= cap * raked.mean() * (1 - 1e-3))) if cap > 0 else 0
    return Weights(
        weight=weight, raked=raked_mask,
        margins=margin_check(respondents[raked_mask], weight[raked_mask], margins),
        design_effect=kish_design_effect(weight),
        effective_sample_size=n / kish_design_effect(weight), trimmed=trimmed, cap=cap,
        converged=converged, notes=notes)


def margin_check(respondents: pd.DataFrame, weight: np.ndarray,
                 margins: PopulationMargins) -> pd.DataFrame:
    """The population, sample and weighted shares of every margin's categories."""
    out = []
    for name, margin, keys in (
            (AGE_SEX, margins.age_sex, respondents["sex"] + " " + respondents["age_band"]),
            (WARD, margins.ward, respondents["ward_code"])):
        counts = keys.value_counts().reindex(margin.index, fill_value=0)
        weighted = pd.Series(weight, index=keys.index).groupby(keys.to_numpy()).sum().reindex(
            margin.index, fill_value=0.0)
        out.append(pd.DataFrame({
            "margin": name, "category": margin.index, "population": margin.to_numpy(),
            "respondents": counts.to_numpy(),
            "population_share": (margin / margin.sum()).to_numpy(),
            "sample_share": (counts / counts.sum()).to_numpy(),
            "weighted_share": (weighted / weighted.sum()).to_numpy()}))
    return pd.concat(out, ignore_index=True)
