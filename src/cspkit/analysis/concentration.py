"""How concentrated crime is: the share in the highest-crime LSOAs, and the Gini coefficient."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.scope import (
    CRIME,
    SOURCE_LOOKUP,
    SOURCE_NAMES,
    Citation,
    Scope,
    count_incidents,
    describe_selection,
    nothing_recorded,
)
from cspkit.analysis.themes import validate_selection


@dataclass(frozen=True, eq=False)
class Concentration:
    """Crime concentration across the LSOAs of the areas in one period.

    Attributes
    ----------
    table
        One row per LSOA (crime-free ones too), highest count first: ``lsoa_code``,
        ``lsoa_name``, ``ward_name``, ``count``, ``share``, ``cumulative_share``,
        ``lsoa_share`` (cumulative share of LSOAs), ``top_5pct``, ``top_10pct``.
    n_lsoas, total
        LSOAs and crimes counted.
    top_5pct_lsoas, top_5pct_share, top_10pct_lsoas, top_10pct_share
        The number of LSOAs in the top 5% / 10% (``ceil(p * n_lsoas)``) and their share of
        crime.
    gini
        Gini coefficient of LSOA counts (0 = even, towards 1 = all in one LSOA).
    citation
        Period, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    n_lsoas: int
    total: int
    top_5pct_lsoas: int
    top_5pct_share: float
    top_10pct_lsoas: int
    top_10pct_share: float
    gini: float
    citation: Citation


def gini(values: Sequence[float] | np.ndarray) -> float:
    """Gini coefficient of non-negative values.

    Notes
    -----
    With values sorted ascending :math:`x_{(1)} \\le \\dots \\le x_{(n)}`,
    :math:`G = \\sum_i (2i - n - 1)\\, x_{(i)} / (n \\sum_i x_i)`, equal to half the relative
    mean absolute difference :math:`\\sum_i \\sum_j |x_i - x_j| / (2 n^2 \\bar x)`.
    All-zero input gives NaN. See Bernasco and Steenbeek (2017) "More places than crimes",
    *J. Quantitative Criminology* 33, 451–467, on Gini for crime across places.

    Examples
    --------
    >>> gini([0, 0, 0, 4])
    0.75
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    if n == 0 or x.sum() == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def concentration(
    con: BaseBackend,
    scope: Scope,
    *,
    categories: Sequence[str] | None = None,
    source: str = CRIME,
) -> Concentration:
    """Share of crime in the top 5% and 10% of LSOAs, and the Gini coefficient.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas and the strategic period (:func:`~cspkit.analysis.scope.resolve_scope`).
    categories
        Restrict to these crime types (default all crime).
    source
        ``"police_crime"`` (recorded crime, the default) or ``"police_asb"`` (anti-social
        behaviour; no category filter).

    Returns
    -------
    Concentration

    Raises
    ------
    CspError
        When no incident of the selection was recorded in the areas in the period (shares
        of nothing are not defined).

    Notes
    -----
    LSOAs are ranked by count (ties broken by code, which does not change the shares'
    meaning: tied LSOAs carry equal counts). The top :math:`p` holds
    :math:`k = \\lceil p n \\rceil` LSOAs; its share is :math:`\\sum_{top\\,k} y / \\sum y`.
    Gini: :func:`gini`, over every LSOA of the areas including those with no crime.
    """
    period = scope.period
    cats = validate_selection(con, source, categories)
    scope.require_source(source, comparison=False)
    counts = count_incidents(
        con, scope, period.months, by=["lsoa_code"], sources=(source,), categories=cats
    )
    if counts["n"].sum() == 0:
        raise nothing_recorded(source, cats, period, "there is no concentration to measure")
    per_lsoa = counts.groupby("lsoa_code")["n"].sum()
    t = scope.lsoas[["lsoa_code", "lsoa_name", "ward_name"]].copy()
    t["count"] = per_lsoa.reindex(t["lsoa_code"], fill_value=0).to_numpy().astype("int64")
    t = t.sort_values(["count", "lsoa_code"], ascending=[False, True]).reset_index(drop=True)
    n, total = len(t), int(t["count"].sum())
    t["share"] = t["count"] / total if total else np.nan
    t["cumulative_share"] = t["share"].cumsum()
    t["lsoa_share"] = np.arange(1, n + 1) / n
    k5, k10 = math.ceil(0.05 * n), math.ceil(0.10 * n)
    t["top_5pct"] = t.index < k5
    t["top_10pct"] = t.index < k10
    return Concentration(
        table=t,
        n_lsoas=n,
        total=total,
        top_5pct_lsoas=k5,
        top_5pct_share=float(t["share"].iloc[:k5].sum()) if total else np.nan,
        top_10pct_lsoas=k10,
        top_10pct_share=float(t["share"].iloc[:k10].sum()) if total else np.nan,
        gini=gini(t["count"]),
        citation=scope.cite(
            period, None, sources=[SOURCE_NAMES[source], SOURCE_LOOKUP],
            filters=describe_selection(source, cats),
            load_ids=[*counts["load_id"], *scope.lsoas["load_id"]],
        ),
    )
