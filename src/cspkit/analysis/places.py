"""Where crime happens: ward and LSOA rankings by count and by rate, with smoothed rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.change import exact_poisson_test
from cspkit.analysis.hotspots import benjamini_hochberg
from cspkit.analysis.scope import (
    CRIME,
    SOURCE_CENSUS,
    SOURCE_LOOKUP,
    SOURCE_NAMES,
    Citation,
    Scope,
    count_incidents,
    describe_selection,
    residents,
)
from cspkit.analysis.themes import validate_selection

SMOOTHING = "Marshall (1991) global empirical Bayes, method of moments"

Level = Literal["ward", "lsoa"]


@dataclass(frozen=True, eq=False)
class PlaceRanking:
    """Places ranked by crime in a period, with their rank in the comparison period.

    Attributes
    ----------
    table
        One row per place (every ward or LSOA of the areas, crime-free ones too):
        ``code``, ``name`` (and ``ward_code``, ``ward_name`` at LSOA level), ``residents``
        (Census 2021), ``count``, ``previous_count``, ``change``, ``rate_per_1000``,
        ``smoothed_rate_per_1000`` (empirical Bayes), ``rank`` (by count, 1 = most crime,
        ties share the best rank), ``rank_by_rate``, ``rank_by_smoothed_rate``,
        ``previous_rank``, ``movement`` (``previous_rank - rank``: positive = moved up
        the table), ``share`` and ``cumulative_share`` of all crime in the areas, ``top``
        (``rank <= top_n``), ``p_value`` (exact test of the place's change,
        :func:`~cspkit.analysis.change.exact_poisson_test`) and ``q_value`` (its
        Benjamini–Hochberg adjustment across all the places of the table). Sorted by rank.
    level
        ``ward`` or ``lsoa``.
    top_n, top_share
        How many places count as "top", and the share of all crime they hold.
    total, previous_total
        All crime in the areas in each period (for the category filter).
    smoothing
        The smoothing method.
    citation
        Period, comparison, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    level: str
    top_n: int
    top_share: float
    total: int
    previous_total: int
    smoothing: str
    citation: Citation


def empirical_bayes_rates(counts: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Marshall's global empirical Bayes estimate of each area's rate (events per person).

    Parameters
    ----------
    counts, population
        Events and population at risk per area (population > 0).

    Notes
    -----
    With :math:`r_i = y_i / n_i`, overall rate :math:`m = \\sum y / \\sum n`, mean population
    :math:`\\bar n`, weighted variance :math:`s^2 = \\sum n_i (r_i - m)^2 / \\sum n_i`, the
    method-of-moments prior variance is :math:`A = \\max(0, s^2 - m / \\bar n)`; each rate is
    shrunk towards :math:`m` by :math:`C_i = A / (A + m / n_i)`:
    :math:`\\hat r_i = m + C_i (r_i - m)`. Small populations (large :math:`m / n_i`) are
    shrunk most. Marshall, R.J. (1991) "Mapping disease and mortality rates using empirical
    Bayes estimators", *Applied Statistics* 40(2), 283–294.

    Examples
    --------
    >>> empirical_bayes_rates(np.array([1, 9]), np.array([10, 90])).round(3).tolist()
    [0.1, 0.1]
    """
    y = np.asarray(counts, dtype=float)
    n = np.asarray(population, dtype=float)
    m = y.sum() / n.sum()
    r = y / n
    s2 = np.sum(n * (r - m) ** 2) / n.sum()
    prior_var = max(0.0, s2 - m / n.mean())
    if prior_var == 0.0:
        return np.full_like(r, m)
    shrink = prior_var / (prior_var + m / n)
    return m + shrink * (r - m)


def _rank(values: pd.Series) -> pd.Series:
    return values.rank(ascending=False, method="min", na_option="keep").astype("Int64")


def rank_places(
    places: pd.DataFrame, current: pd.Series, previous: pd.Series, *, top_n: int
) -> pd.DataFrame:
    """Rank places (``code``, ``name``, ``residents`` …) given counts indexed by code.

    Every place's change is tested (exact Poisson test) and the p-values are adjusted for
    testing all the places at once (Benjamini–Hochberg): a place's change is statistically
    significant at level :math:`\\alpha` when ``q_value < alpha``, which keeps the expected
    share of false discoveries among the places called significant at most :math:`\\alpha`.
    """
    t = places.copy()
    t["count"] = current.reindex(t["code"], fill_value=0).to_numpy().astype("int64")
    t["previous_count"] = previous.reindex(t["code"], fill_value=0).to_numpy().astype("int64")
    t["change"] = t["count"] - t["previous_count"]
    has_people = t["residents"] > 0
    t["rate_per_1000"] = np.where(
        has_people, 1000.0 * t["count"] / t["residents"].where(has_people, 1), np.nan
    )
    t["smoothed_rate_per_1000"] = np.nan
    if has_people.any() and t.loc[has_people, "count"].sum() > 0:
        t.loc[has_people, "smoothed_rate_per_1000"] = 1000.0 * empirical_bayes_rates(
            t.loc[has_people, "count"].to_numpy(), t.loc[has_people, "residents"].to_numpy()
        )
    t["rank"] = _rank(t["count"])
    t["rank_by_rate"] = _rank(t["rate_per_1000"])
    t["rank_by_smoothed_rate"] = _rank(t["smoothed_rate_per_1000"])
    t["previous_rank"] = _rank(t["previous_count"])
    t["movement"] = t["previous_rank"] - t["rank"]
    total = t["count"].sum()
    t = t.sort_values(["rank", "code"]).reset_index(drop=True)
    t["share"] = t["count"] / total if total else np.nan
    t["cumulative_share"] = t["share"].cumsum()
    t["top"] = t["rank"] <= top_n
    t["p_value"] = [exact_poisson_test(c, p)
                    for c, p in zip(t["count"], t["previous_count"], strict=True)]
    t["q_value"] = benjamini_hochberg(t["p_value"].to_numpy()) if len(t) else []
    return t


def place_ranking(
    con: BaseBackend,
    scope: Scope,
    *,
    level: Level,
    categories: Sequence[str] | None = None,
    top_n: int = 10,
    source: str = CRIME,
) -> PlaceRanking:
    """Rank the wards or LSOAs of the areas by crime (see :func:`ward_ranking`)."""
    period, previous = scope.period, scope.comparison
    cats = validate_selection(con, source, categories)
    scope.require_source(source)
    counts = count_incidents(
        con, scope, period.months + previous.months, by=["month", "lsoa_code"],
        sources=(source,), categories=cats,
    )
    pop = residents(con, scope)
    places = _places(scope, pop, level)
    key = "lsoa_code" if level == "lsoa" else "ward_code"
    counts = counts.merge(scope.lsoas[["lsoa_code", "ward_code"]], on="lsoa_code")
    in_current = counts["month"].isin(period.months)
    table = rank_places(
        places,
        counts[in_current].groupby(key)["n"].sum(),
        counts[~in_current].groupby(key)["n"].sum(),
        top_n=top_n,
    )
    total = int(table["count"].sum())
    return PlaceRanking(
        table=table,
        level=level,
        top_n=top_n,
        top_share=float(table.loc[table["top"], "count"].sum() / total) if total else np.nan,
        total=total,
        previous_total=int(table["previous_count"].sum()),
        smoothing=SMOOTHING,
        citation=scope.cite(
            period, previous, sources=[SOURCE_NAMES[source], SOURCE_CENSUS, SOURCE_LOOKUP],
            filters=describe_selection(source, cats),
            load_ids=[*counts["load_id"], *pop["load_id"], *scope.lsoas["load_id"]],
        ),
    )


def _places(scope: Scope, pop: pd.DataFrame, level: Level) -> pd.DataFrame:
    lsoas = scope.lsoas.merge(pop[["lsoa_code", "residents"]], on="lsoa_code")
    if level == "lsoa":
        return lsoas.rename(columns={"lsoa_code": "code", "lsoa_name": "name"})[
            ["code", "name", "ward_code", "ward_name", "residents"]
        ]
    return (
        lsoas.groupby(["ward_code", "ward_name"], as_index=False)["residents"]
        .sum()
        .rename(columns={"ward_code": "code", "ward_name": "name"})
    )


def ward_ranking(
    con: BaseBackend,
    scope: Scope,
    *,
    categories: Sequence[str] | None = None,
    top_n: int = 10,
    source: str = CRIME,
) -> PlaceRanking:
    """Rank the wards of the areas by crime count and by rate per 1,000 residents.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas, the strategic period and its comparison
        (:func:`~cspkit.analysis.scope.resolve_scope`).
    categories
        Restrict to these crime types (default: all crime, never anti-social behaviour).
    top_n
        How many wards are "top" for ``top_share``.
    source
        ``"police_crime"`` (recorded crime, the default) or ``"police_asb"`` (anti-social
        behaviour; no category filter).

    Returns
    -------
    PlaceRanking

    Notes
    -----
    Residents are Census 2021 usual residents summed from LSOA 2021 to the best-fit ward.
    Rate per 1,000 residents :math:`1000\\,y_i / n_i`; the smoothed rate is
    :func:`empirical_bayes_rates` × 1000, which pulls wards with few residents towards the
    partnership rate. Ranks use the "min" method (ties share the best rank).
    """
    return place_ranking(con, scope, level="ward", categories=categories, top_n=top_n,
                         source=source)


def lsoa_ranking(
    con: BaseBackend,
    scope: Scope,
    *,
    categories: Sequence[str] | None = None,
    top_n: int = 10,
    source: str = CRIME,
) -> PlaceRanking:
    """Rank the LSOAs of the areas, as :func:`ward_ranking` does for wards."""
    return place_ranking(con, scope, level="lsoa", categories=categories, top_n=top_n,
                         source=source)
