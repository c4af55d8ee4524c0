"""The size of a problem: a topic's incidents in an area and in the whole partnership, in a
period and its comparison period, month by month.

The scanning step of a problem profile (SARA): how many, how that changed (the exact test of
:mod:`cspkit.analysis.change`), what share of the partnership's incidents of the topic the
area holds against its share of residents, and the monthly series with its rolling 12-month
total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.change import DEFAULT_SMALL_NUMBER, exact_poisson_test
from cspkit.analysis.periods import StrategicPeriod, shift_month
from cspkit.analysis.scope import (
    SOURCE_CENSUS,
    SOURCE_LOOKUP,
    Citation,
    Scope,
    count_incidents,
    residents,
)
from cspkit.analysis.topics import Topic
from cspkit.errors import CspError

AREA, PARTNERSHIP = "area", "partnership"
WINDOW = 12


@dataclass(frozen=True, eq=False)
class ProblemSize:
    """A topic's incidents in an area and in the partnership.

    Attributes
    ----------
    table
        Two rows, ``place`` = ``area`` then ``partnership``: ``name``, ``current``,
        ``previous``, ``change``, ``pct_change`` (NaN when the previous count is 0),
        ``p_value`` (exact two-sided Poisson test), ``significant`` (``p_value < alpha``),
        ``small_numbers`` (either count below ``small_number``), ``residents`` (Census
        2021), ``rate_current`` and ``rate_previous`` (per 1,000 residents; NaN without
        the Census loaded).
    monthly
        One row per month of the comparison and strategic periods: ``month``, ``area``,
        ``partnership`` (counts), ``area_rolling_total`` (the area's 12 months to the
        month; NaN when any of them is not loaded), ``period`` (``current``, ``previous``,
        or ``between`` for months between a year-earlier comparison and a shorter period).
    by_lsoa
        One row per LSOA of the area: ``lsoa_code``, ``lsoa_name``, ``ward_name``,
        ``current``, ``previous``, ``share`` (of the area's incidents in the period), most
        first.
    share_current, share_previous
        The area's share of the partnership's incidents of the topic in each period.
    residents_share
        The area's share of the partnership's residents (NaN without the Census).
    topic, period, comparison, small_number, alpha
        What was counted, when, and the thresholds used.
    citation
        The area's citation: period, comparison, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    monthly: pd.DataFrame
    by_lsoa: pd.DataFrame
    share_current: float
    share_previous: float
    residents_share: float
    topic: Topic
    period: StrategicPeriod
    comparison: StrategicPeriod
    small_number: int
    alpha: float
    citation: Citation

    def row(self, place: str) -> pd.Series:
        """The ``area`` or ``partnership`` row of :attr:`table`."""
        return self.table.set_index("place").loc[place]


def _share(part: float, whole: float) -> float:
    return part / whole if whole else float("nan")


def problem_size(
    con: BaseBackend,
    partnership: Scope,
    *,
    areas: str | Sequence[str],
    topic: Topic,
    small_number: int = DEFAULT_SMALL_NUMBER,
    alpha: float = 0.05,
) -> ProblemSize:
    """Count a topic in an area and its partnership, in a period and its comparison period.

    Parameters
    ----------
    con
        Warehouse backend.
    partnership
        The partnership's areas, the strategic period and its comparison
        (:func:`~cspkit.analysis.scope.resolve_scope`).
    areas
        The profile's ward or LSOA codes (inside the partnership).
    topic
        What is counted (:func:`cspkit.analysis.topics.resolve_topic`).
    small_number, alpha
        Small-number threshold and significance level, as
        :func:`cspkit.analysis.change.compare_periods`.

    Returns
    -------
    ProblemSize

    Raises
    ------
    CspError
        An area outside the partnership, or a month of either period with no data of the
        topic's source loaded.

    Notes
    -----
    Counts are incidents of ``topic.source`` (and ``topic.categories``) placed in the LSOAs.
    Change :math:`n_1 - n_0` with :func:`~cspkit.analysis.change.exact_poisson_test`; share of
    the partnership :math:`n_{area} / n_{partnership}`; rates :math:`1000\\,n / P` with
    :math:`P` the Census 2021 usual residents. The rolling total
    :math:`R_t = \\sum_{k=0}^{11} y_{t-k}` is read from the months before the comparison period
    when they are loaded.
    """
    whole, part = partnership, partnership.within(areas)
    period, comparison = whole.period, whole.comparison
    whole.require_source(topic.source)
    first = shift_month(whole.span.start, -(WINDOW - 1))
    wide = StrategicPeriod(first, period.end).months
    loaded = whole.months_loaded(topic.source)
    counts = count_incidents(con, whole, wide, by=["month", "lsoa_code"],
                             sources=(topic.source,), categories=topic.categories)
    in_area = counts["lsoa_code"].isin(part.lsoa_codes)
    index = pd.Index(list(wide), name="month")
    area_months = counts[in_area].groupby("month")["n"].sum().reindex(index, fill_value=0)
    all_months = counts.groupby("month")["n"].sum().reindex(index, fill_value=0)
    is_loaded = pd.Series([m in loaded for m in wide], index=index)
    complete = is_loaded.astype(int).rolling(WINDOW, min_periods=WINDOW).sum() == WINDOW
    rolling = area_months.rolling(WINDOW, min_periods=WINDOW).sum().where(complete, np.nan)
    shown = list(StrategicPeriod(comparison.start, period.end).months)
    monthly = pd.DataFrame({
        "month": shown,
        "area": area_months.loc[shown].astype("int64").to_numpy(),
        "partnership": all_months.loc[shown].astype("int64").to_numpy(),
        "area_rolling_total": rolling.loc[shown].to_numpy(),
        "period": ["current" if m in period.months else
                   "previous" if m in comparison.months else "between" for m in shown],
    })
    try:
        people = residents(con, whole)
    except CspError:
        people = None
    rows = []
    for place, mask, scope in ((AREA, in_area, part), (PARTNERSHIP, slice(None), whole)):
        mine = counts[mask]
        current = int(mine.loc[mine["month"].isin(period.months), "n"].sum())
        previous = int(mine.loc[mine["month"].isin(comparison.months), "n"].sum())
        population = (float(people.loc[people["lsoa_code"].isin(scope.lsoa_codes),
                                       "residents"].sum()) if people is not None else np.nan)
        rows.append({
            "place": place, "name": " and ".join(scope.names), "current": current,
            "previous": previous, "change": current - previous,
            "pct_change": 100.0 * (current - previous) / previous if previous else np.nan,
            "p_value": exact_poisson_test(current, previous),
            "small_numbers": min(current, previous) < small_number,
            "residents": population,
            "rate_current": 1000 * current / population if population else np.nan,
            "rate_previous": 1000 * previous / population if population else np.nan,
        })
    table = pd.DataFrame(rows)
    table.insert(table.columns.get_loc("p_value") + 1, "significant", table["p_value"] < alpha)
    by_lsoa = _by_lsoa(counts[in_area], part.lsoas, period, comparison)
    area, everywhere = table.iloc[0], table.iloc[1]
    sources = [topic.source_name, SOURCE_LOOKUP] + ([SOURCE_CENSUS] if people is not None
                                                    else [])
    load_ids = [*counts["load_id"], *whole.lsoas["load_id"]]
    if people is not None:
        load_ids += people["load_id"].tolist()
    return ProblemSize(
        table=table, monthly=monthly, by_lsoa=by_lsoa,
        share_current=_share(area["current"], everywhere["current"]),
        share_previous=_share(area["previous"], everywhere["previous"]),
        residents_share=_share(area["residents"], everywhere["residents"]),
        topic=topic, period=period, comparison=comparison, small_number=small_number,
        alpha=alpha,
        citation=part.cite(period, comparison, sources=sources, filters=topic.filters,
                           load_ids=load_ids))


def _by_lsoa(counts: pd.DataFrame, lsoas: pd.DataFrame, period: StrategicPeriod,
             comparison: StrategicPeriod) -> pd.DataFrame:
    table = lsoas[["lsoa_code", "lsoa_name", "ward_name"]].copy()
    for column, months in (("current", period.months), ("previous", comparison.months)):
        per = counts[counts["month"].isin(months)].groupby("lsoa_code")["n"].sum()
        table[column] = table["lsoa_code"].map(per).fillna(0).astype("int64")
    total = int(table["current"].sum())
    table["share"] = table["current"] / total if total else np.nan
    return table.sort_values(["current", "lsoa_code"], ascending=[False, True]).reset_index(
        drop=True)
