"""Crime and deprivation: rates by IMD decile, rank correlation, deprived top wards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend
from scipy.stats import spearmanr

from cspkit.analysis.scope import (
    CRIME,
    SOURCE_CENSUS,
    SOURCE_LOOKUP,
    SOURCE_NAMES,
    Citation,
    Scope,
    count_incidents,
    describe_selection,
    nothing_recorded,
    residents,
)
from cspkit.analysis.themes import validate_selection
from cspkit.errors import CspError


def source_imd(edition: str) -> str:
    return f"MHCLG English Indices of Deprivation ({edition}), LSOA level (deprivation)"


@dataclass(frozen=True, eq=False)
class DeprivationProfile:
    """How crime in the areas follows deprivation.

    Attributes
    ----------
    table
        One row per national IMD decile 1…10 (1 = most deprived 10% of England):
        ``imd_decile``, ``lsoas``, ``residents``, ``count``, ``rate_per_1000`` (NaN with no
        LSOA in the decile), ``share_of_crime``, ``share_of_residents``.
    lsoas
        One row per LSOA: ``lsoa_code``, ``lsoa_name``, ``ward_code``, ``ward_name``,
        ``residents``, ``count``, ``rate_per_1000``, ``imd_score``, ``imd_rank``,
        ``imd_decile``.
    wards
        One row per ward: ``ward_code``, ``ward_name``, ``residents``, ``count``,
        ``rate_per_1000``, ``crime_rank`` (by count), ``imd_score`` (population-weighted mean
        of its LSOAs' scores), ``deprivation_rank`` (1 = most deprived ward of the areas),
        ``top_crime``, ``most_deprived``, ``both``. Sorted by crime rank.
    spearman_rho, spearman_p
        Spearman rank correlation between LSOA crime rate and IMD score, and its p-value
        (both NaN when it is not defined: fewer than three LSOAs, or rates or scores that do
        not vary).
    top_n, top_wards_most_deprived
        How many of the ``top_n`` wards by crime are also among the ``top_n`` most deprived.
    edition
        IoD edition used.
    citation
        Period, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    lsoas: pd.DataFrame
    wards: pd.DataFrame
    spearman_rho: float
    spearman_p: float
    top_n: int
    top_wards_most_deprived: int
    edition: str
    citation: Citation


def deprivation_scores(
    con: BaseBackend, lsoa_codes: Sequence[str], *, edition: str, domains: Sequence[str]
) -> pd.DataFrame:
    """IoD figures per LSOA and domain: ``lsoa_code, domain, score, rank, decile, load_id``.

    The same LSOA, edition and domain may come from two files (e.g. the official File 1
    with rank and decile only, and a full file with scores); they are combined as
    max(score), min(rank), min(decile).

    Raises
    ------
    CspError
        When an LSOA has no row for one of the domains in that edition.
    """
    dep = con.table("deprivation")
    rows = (
        dep.filter(
            dep.edition == edition,
            dep.domain.isin(list(domains)),
            dep.lsoa_code.isin(list(lsoa_codes)),
        )
        .group_by(["lsoa_code", "domain"])
        .aggregate(
            score=lambda t: t.score.max(),
            rank=lambda t: t["rank"].min(),
            decile=lambda t: t.decile.min(),
            load_id=lambda t: t.load_id.max(),
        )
        .to_pandas()
    )
    for domain in domains:
        have = set(rows.loc[rows["domain"] == domain, "lsoa_code"])
        missing = sorted(set(lsoa_codes) - have)
        if missing:
            raise CspError(
                f"no {edition} {domain!r} figures loaded for {len(missing)} LSOA(s) "
                f"(e.g. {', '.join(missing[:3])})",
                hint="Load the English Indices of Deprivation files for LSOA 2021 (csp load)",
            )
    return rows


def deprivation_profile(
    con: BaseBackend,
    scope: Scope,
    *,
    categories: Sequence[str] | None = None,
    edition: str = "IoD2025",
    top_n: int = 5,
    source: str = CRIME,
) -> DeprivationProfile:
    """Crime rate by IMD decile, its rank correlation with deprivation, and top wards.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas and the strategic period (:func:`~cspkit.analysis.scope.resolve_scope`).
    categories
        Restrict to these crime types (default all crime).
    edition
        English Indices of Deprivation edition on LSOA 2021 (``IoD2025``).
    top_n
        Size of the "top wards" and "most deprived wards" sets compared.
    source
        ``"police_crime"`` (recorded crime, the default) or ``"police_asb"`` (anti-social
        behaviour; no category filter).

    Returns
    -------
    DeprivationProfile

    Raises
    ------
    CspError
        No IMD scores or residents for an LSOA, or no incident of the selection recorded in
        the areas in the period.

    Notes
    -----
    Rates are crimes per 1,000 Census 2021 residents. Spearman's :math:`\\rho` is Pearson's
    correlation of the ranks of LSOA rate and IMD score (scipy ``spearmanr``; higher score =
    more deprived, so a positive :math:`\\rho` means more crime where deprivation is higher).
    A ward's IMD score is the population-weighted mean of its LSOAs' scores, as MHCLG
    summarises local authorities ("average score"); wards are ranked on it within the areas.
    """
    period = scope.period
    cats = validate_selection(con, source, categories)
    scope.require_source(source, comparison=False)
    counts = count_incidents(
        con, scope, period.months, by=["lsoa_code"], sources=(source,), categories=cats
    )
    pop = residents(con, scope)
    imd = scope.reuse(con, ("imd", edition, tuple(scope.lsoa_codes)), lambda: deprivation_scores(
        con, scope.lsoa_codes, edition=edition, domains=["imd"])).copy()
    lsoas = scope.lsoas.drop(columns=["lad_code", "lad_name", "load_id"]).merge(
        pop[["lsoa_code", "residents"]], on="lsoa_code"
    )
    lsoas["count"] = (
        counts.groupby("lsoa_code")["n"].sum().reindex(lsoas["lsoa_code"], fill_value=0)
        .to_numpy().astype("int64")
    )
    if lsoas["count"].sum() == 0:
        raise nothing_recorded(source, cats, period, "there is no profile by deprivation")
    lsoas["rate_per_1000"] = 1000.0 * lsoas["count"] / lsoas["residents"]
    lsoas = lsoas.merge(
        imd[["lsoa_code", "score", "rank", "decile"]].rename(
            columns={"score": "imd_score", "rank": "imd_rank", "decile": "imd_decile"}
        ),
        on="lsoa_code",
    )
    if lsoas["imd_score"].isna().any():
        raise CspError(
            f"the {edition} files loaded give IMD ranks but no scores",
            hint="Load the IoD file with scores (e.g. imd2025_england_lsoa21.csv.gz)",
        )
    rho, p = rank_correlation(lsoas["rate_per_1000"], lsoas["imd_score"])
    wards = _ward_table(lsoas, top_n)
    return DeprivationProfile(
        table=_decile_table(lsoas),
        lsoas=lsoas,
        wards=wards,
        spearman_rho=float(rho),
        spearman_p=float(p),
        top_n=top_n,
        top_wards_most_deprived=int(wards["both"].sum()),
        edition=edition,
        citation=scope.cite(
            period, None,
            sources=[SOURCE_NAMES[source], SOURCE_CENSUS, source_imd(edition), SOURCE_LOOKUP],
            filters=describe_selection(source, cats),
            load_ids=[*counts["load_id"], *pop["load_id"], *imd["load_id"],
                      *scope.lsoas["load_id"]],
        ),
    )


def rank_correlation(x: pd.Series, y: pd.Series) -> tuple[float, float]:
    """Spearman's rho and its p-value; NaN for both when it is not defined (fewer than three
    pairs, or a variable that does not vary).

    >>> rank_correlation(pd.Series([1, 2, 3]), pd.Series([3, 2, 1]))[0]
    -1.0
    >>> rank_correlation(pd.Series([0, 0, 0]), pd.Series([3, 2, 1]))
    (nan, nan)
    """
    if len(x) < 3 or x.nunique() < 2 or y.nunique() < 2:
        return float("nan"), float("nan")
    rho, p = spearmanr(x, y)
    return float(rho), float(p)


def _decile_table(lsoas: pd.DataFrame) -> pd.DataFrame:
    grouped = lsoas.groupby("imd_decile").agg(
        lsoas=("lsoa_code", "size"), residents=("residents", "sum"), count=("count", "sum")
    )
    t = grouped.reindex(pd.Index(range(1, 11), name="imd_decile"), fill_value=0).reset_index()
    t = t.astype({"imd_decile": "int64", "lsoas": "int64", "residents": "int64",
                  "count": "int64"})
    t["rate_per_1000"] = np.where(
        t["residents"] > 0, 1000.0 * t["count"] / t["residents"].clip(lower=1), np.nan
    )
    t["share_of_crime"] = t["count"] / max(int(t["count"].sum()), 1)
    t["share_of_residents"] = t["residents"] / t["residents"].sum()
    return t


def _ward_table(lsoas: pd.DataFrame, top_n: int) -> pd.DataFrame:
    weighted = lsoas.assign(weighted=lsoas["imd_score"] * lsoas["residents"])
    w = weighted.groupby(["ward_code", "ward_name"], as_index=False).agg(
        residents=("residents", "sum"), count=("count", "sum"), weighted=("weighted", "sum")
    )
    w["rate_per_1000"] = 1000.0 * w["count"] / w["residents"]
    w["imd_score"] = w.pop("weighted") / w["residents"]
    w["crime_rank"] = w["count"].rank(ascending=False, method="min").astype("int64")
    w["deprivation_rank"] = w["imd_score"].rank(ascending=False, method="min").astype("int64")
    w["top_crime"] = w["crime_rank"] <= top_n
    w["most_deprived"] = w["deprivation_rank"] <= top_n
    w["both"] = w["top_crime"] & w["most_deprived"]
    return w.sort_values(["crime_rank", "ward_code"]).reset_index(drop=True)
