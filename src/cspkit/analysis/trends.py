"""Monthly series per crime type and theme, with a rolling 12-month total."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.periods import StrategicPeriod, shift_month
from cspkit.analysis.scope import (
    ASB,
    CRIME,
    SOURCE_ASB,
    SOURCE_CRIME,
    SOURCE_LOOKUP,
    Citation,
    Scope,
    count_incidents,
)
from cspkit.analysis.themes import ASB_CATEGORY, Themes, validate_themes


@dataclass(frozen=True, eq=False)
class MonthlySeries:
    """Monthly counts for total crime, themes, crime types and anti-social behaviour.

    Attributes
    ----------
    table
        One row per group and loaded month (long format, every loaded month present even
        with no crime): ``kind`` (``total``, ``theme``, ``crime_type``, ``asb``), ``group``,
        ``month``, ``count``, ``rolling_total`` (sum of the ``window`` months ending at
        ``month``; NaN when any of them is not loaded).
    window
        Months in the rolling total (12).
    months_not_loaded
        Months between the two periods with no police.uk crime data, left out of
        ``table``.
    months_without_rolling
        Loaded months of the period with no rolling total, because one of the ``window``
        months up to them is not loaded.
    citation
        Period, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    window: int
    citation: Citation
    months_not_loaded: tuple[str, ...] = ()
    months_without_rolling: tuple[str, ...] = ()


def monthly_series(
    con: BaseBackend,
    scope: Scope,
    *,
    themes: Themes | None = None,
    window: int = 12,
) -> MonthlySeries:
    """Monthly counts from the comparison period's start to the strategic period's end (the
    scope's :attr:`~cspkit.analysis.scope.Scope.span`), with a rolling ``window``-month total.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas and periods (:func:`~cspkit.analysis.scope.resolve_scope`; with no
        comparison, the strategic period alone). Months between the two periods with no
        data (a short period compared a year earlier) are left out of the table and listed
        in ``months_not_loaded``.
    themes
        Theme name → crime types.
    window
        Months per rolling total.

    Returns
    -------
    MonthlySeries

    Notes
    -----
    :math:`R_t = \\sum_{k=0}^{w-1} y_{t-k}`. Months before the span are read when
    loaded, so the rolling total is available from the span's first month if the
    warehouse holds the ``w - 1`` months before it. A rolling total shows trend free of
    seasonality; the monthly counts show the seasonal pattern.
    """
    period = scope.span
    theme_map = validate_themes(con, themes)
    wide = StrategicPeriod(shift_month(period.start, -(window - 1)), period.end)
    loaded = scope.months_loaded(CRIME) & set(wide.months)
    shown = [m for m in period.months if m in loaded]
    counts = count_incidents(
        con, scope, wide.months, by=["month", "source", "category"], sources=(CRIME, ASB)
    )
    crime = counts[counts["source"] == CRIME].pivot_table(
        index="month", columns="category", values="n", aggfunc="sum", fill_value=0
    ).reindex(list(wide.months), fill_value=0)
    series = {("total", "Total recorded crime"): crime.sum(axis=1)}
    for name, cats in theme_map.items():
        series["theme", name] = crime.reindex(columns=list(cats), fill_value=0).sum(axis=1)
    in_period = crime.loc[shown].sum()
    for cat in sorted(crime.columns, key=lambda c: (-in_period[c], c)):
        series["crime_type", cat] = crime[cat]
    asb = counts[counts["source"] == ASB].groupby("month")["n"].sum()
    series["asb", ASB_CATEGORY] = asb.reindex(list(wide.months), fill_value=0)
    is_loaded = pd.Series([m in loaded for m in wide.months], index=list(wide.months))
    complete = is_loaded.astype(int).rolling(window, min_periods=window).sum() == window
    parts = []
    for (kind, group), values in series.items():
        values = values.astype("int64")
        rolling = values.rolling(window, min_periods=window).sum().where(complete, np.nan)
        parts.append(pd.DataFrame({
            "kind": kind, "group": group, "month": shown,
            "count": values.loc[shown].to_numpy(),
            "rolling_total": rolling.loc[shown].to_numpy(),
        }))
    table = pd.concat(parts, ignore_index=True)
    return MonthlySeries(
        table=table,
        window=window,
        months_not_loaded=tuple(m for m in period.months if m not in loaded),
        months_without_rolling=tuple(m for m in shown if not complete[m]),
        citation=scope.cite(
            period, None, sources=[SOURCE_CRIME, SOURCE_ASB, SOURCE_LOOKUP],
            filters=[f"theme {k}: {list(v)}" for k, v in theme_map.items()],
            load_ids=[*counts["load_id"], *scope.lsoas["load_id"]],
        ),
    )
