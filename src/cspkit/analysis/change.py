"""Change between two periods by crime type and theme: exact test, small-number flag."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend
from scipy.stats import binomtest

from cspkit.analysis.periods import ComparisonRule, StrategicPeriod
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
from cspkit.errors import CspError

DEFAULT_SMALL_NUMBER = 20
"""Counts below this in either period make a percentage change misleading."""


@dataclass(frozen=True, eq=False)
class PeriodComparison:
    """Counts in two periods of equal length, by crime type and theme.

    Attributes
    ----------
    table
        One row per group: ``kind`` (``total``, ``theme``, ``crime_type`` or ``asb``),
        ``group``, ``current``, ``previous``, ``change``, ``pct_change`` (NaN when the
        previous count is 0), ``p_value`` (exact two-sided test), ``significant``
        (``p_value < alpha``), ``direction`` (``increase``, ``decrease``, ``no change``),
        ``small_numbers`` (either count below ``small_number``), ``share_current`` and
        ``share_previous`` (share of total crime; NaN for anti-social behaviour).
        Rows: total crime, the themes in the order given, crime types by current count
        (largest first; every type a theme names, even with no crime), then anti-social
        behaviour.
    total_current, total_previous
        Total recorded crime (never including anti-social behaviour).
    asb_current, asb_previous
        Anti-social behaviour incidents, reported separately.
    small_number, alpha
        The small-number threshold and significance level used.
    citation
        Period, comparison period, areas, sources, filters and load ids.
    """

    table: pd.DataFrame
    total_current: int
    total_previous: int
    asb_current: int
    asb_previous: int
    small_number: int
    alpha: float
    citation: Citation

    def row(self, kind: str, group: str) -> pd.Series:
        """The table's row of ``kind`` and ``group`` (the first, should there be two).

        Raises
        ------
        IndexError
            When the table has no such row.
        """
        position = self._positions.get((kind, group))
        if position is None:
            raise IndexError(f"no {kind} row {group!r} in the comparison")
        return self.table.iloc[position]

    @cached_property
    def _positions(self) -> dict[tuple[str, str], int]:
        """(kind, group) → position of its first row (the table is looked up row by row
        many times while the document is written)."""
        positions: dict[tuple[str, str], int] = {}
        for position, key in enumerate(zip(self.table["kind"], self.table["group"],
                                           strict=True)):
            positions.setdefault(key, position)
        return positions


def exact_poisson_test(current: int, previous: int) -> float:
    """Two-sided p-value that two Poisson counts of equal exposure share one rate.

    Notes
    -----
    Conditional on the total :math:`n = n_1 + n_2`, under equal rates
    :math:`n_1 \\sim \\mathrm{Binomial}(n, 1/2)` (Przyborowski and Wilenski 1940; the
    "C-test" of Krishnamoorthy and Thomson 2004). The p-value is scipy's exact two-sided
    binomial test, which sums the probabilities of all outcomes no more likely than the
    one observed. Two zero counts give 1.

    Examples
    --------
    >>> round(exact_poisson_test(10, 2), 4)
    0.0386
    """
    n = int(current) + int(previous)
    if n == 0:
        return 1.0
    return float(binomtest(int(current), n, 0.5).pvalue)


def comparison_table(
    current: pd.Series,
    previous: pd.Series,
    *,
    themes: dict[str, tuple[str, ...]],
    asb: tuple[int, int],
    small_number: int,
    alpha: float,
) -> pd.DataFrame:
    """Build the comparison table from crime counts per category in each period.

    Every category a theme names has a row, with zeros when none was recorded in either
    period, so that a theme of one crime type always has its figures.
    """
    named = {c for cats in themes.values() for c in cats}
    categories = sorted(set(current.index) | set(previous.index) | named)
    current = current.reindex(categories, fill_value=0).astype("int64")
    previous = previous.reindex(categories, fill_value=0).astype("int64")
    total = (int(current.sum()), int(previous.sum()))
    rows = [("total", "Total recorded crime", *total)]
    rows += [
        ("theme", name, int(current.reindex(cats, fill_value=0).sum()),
         int(previous.reindex(cats, fill_value=0).sum()))
        for name, cats in themes.items()
    ]
    order = sorted(categories, key=lambda c: (-current[c], c))
    rows += [("crime_type", c, int(current[c]), int(previous[c])) for c in order]
    rows.append(("asb", ASB_CATEGORY, *asb))
    table = pd.DataFrame(rows, columns=["kind", "group", "current", "previous"])
    table[["current", "previous"]] = table[["current", "previous"]].astype("int64")
    table["change"] = table["current"] - table["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["pct_change"] = np.where(
            table["previous"] > 0, 100.0 * table["change"] / table["previous"], np.nan
        )
    table["p_value"] = [
        exact_poisson_test(c, p) for c, p in zip(table["current"], table["previous"], strict=True)
    ]
    table["significant"] = table["p_value"] < alpha
    table["direction"] = np.select(
        [table["change"] > 0, table["change"] < 0], ["increase", "decrease"], "no change"
    )
    table["small_numbers"] = (table["current"] < small_number) | (
        table["previous"] < small_number
    )
    is_crime = table["kind"] != "asb"
    for col, tot in (("share_current", total[0]), ("share_previous", total[1])):
        key = col.removeprefix("share_")
        table[col] = np.where(is_crime & (tot > 0), table[key] / max(tot, 1), np.nan)
    return table


def compare_periods(
    con: BaseBackend,
    scope: Scope,
    *,
    themes: Themes | None = None,
    small_number: int = DEFAULT_SMALL_NUMBER,
    alpha: float = 0.05,
) -> PeriodComparison:
    """Compare crime and anti-social behaviour in a period with its comparison period.

    Parameters
    ----------
    con
        Warehouse backend (DuckDB, Spark, … through Ibis).
    scope
        The areas, the strategic period and its comparison period
        (:func:`~cspkit.analysis.scope.resolve_scope`).
    themes
        Theme name → police.uk crime types (e.g. ``{"Acquisitive": ["Burglary", ...]}``).
    small_number
        Flag a row when either count is below this (default 20).
    alpha
        Significance level for ``significant``.

    Returns
    -------
    PeriodComparison

    Raises
    ------
    CspError
        No comparison period, periods of different lengths, or a theme naming an unknown
        category.

    Notes
    -----
    Change :math:`n_1 - n_0`; percentage change :math:`100 (n_1 - n_0) / n_0`. Significance:
    :func:`exact_poisson_test`. Total crime is the sum of every ``police_crime`` row; rows with
    no LSOA in the areas are not counted. Anti-social behaviour (``police_asb``) is a separate
    row and never enters the total or the shares.
    """
    period, previous = scope.period, scope.comparison
    if previous is None or previous.n_months != period.n_months:
        raise CspError(
            f"comparison period {previous.label} has {previous.n_months} months but "
            f"{period.label} has {period.n_months}" if previous else
            f"{period.label} has no comparison period",
            hint="The exact test assumes equal exposure: compare periods of equal length",
        )
    theme_map = validate_themes(con, themes)
    counts = count_incidents(
        con, scope, period.months + previous.months, by=["month", "source", "category"],
        sources=(CRIME, ASB),
    )
    counts["which"] = np.where(counts["month"].isin(period.months), "current", "previous")
    crime = counts[counts["source"] == CRIME]
    asb = counts[counts["source"] == ASB].groupby("which")["n"].sum()
    asb_pair = (int(asb.get("current", 0)), int(asb.get("previous", 0)))
    table = comparison_table(
        crime[crime["which"] == "current"].groupby("category")["n"].sum(),
        crime[crime["which"] == "previous"].groupby("category")["n"].sum(),
        themes=theme_map, asb=asb_pair, small_number=small_number, alpha=alpha,
    )
    filters = [f"theme {k}: {list(v)}" for k, v in theme_map.items()]
    return PeriodComparison(
        table=table,
        total_current=int(table["current"].iloc[0]),
        total_previous=int(table["previous"].iloc[0]),
        asb_current=asb_pair[0],
        asb_previous=asb_pair[1],
        small_number=small_number,
        alpha=alpha,
        citation=scope.cite(
            period, previous, sources=[SOURCE_CRIME, SOURCE_ASB, SOURCE_LOOKUP], filters=filters,
            load_ids=[*counts["load_id"], *scope.lsoas["load_id"]],
        ),
    )


def recent_change(
    con: BaseBackend,
    scope: Scope,
    *,
    months: int = 6,
    since: str | None = None,
    compare: ComparisonRule = "previous",
    themes: Themes | None = None,
    small_number: int = DEFAULT_SMALL_NUMBER,
    alpha: float = 0.05,
) -> PeriodComparison:
    """The last ``months`` months of the scope's period against the ``months`` months before.

    The "since April crime has fallen by 7%" figure of a strategic assessment: the same
    table as :func:`compare_periods` for the short period ending with the strategic period.
    With ``since`` the period runs from that month to its end (``months`` is then ignored)
    and is compared with the equal number of months just before it. With
    ``compare="year-earlier"`` it is compared with the same months a year earlier instead,
    which takes the season out of the comparison: the recent direction of a year-on-year assessment.

    Raises
    ------
    MonthsNotLoaded
        A month of the recent window or of the months before it is not loaded (the
        message names them as the recent trend's, whatever the strategic periods are).

    Examples
    --------
    For a scope ending 2025-12, ``recent_change(con, scope, months=6)`` compares
    2025-07…2025-12 with 2025-01…2025-06; ``since="2025-04"`` compares 2025-04…2025-12
    with 2024-07…2025-03; ``compare="year-earlier"`` compares 2025-07…2025-12 with
    2024-07…2024-12.
    """
    end = scope.period.end
    period = StrategicPeriod(since, end) if since else StrategicPeriod.ending(end, months)
    # Named as the recent window's gap, not as months "of the comparison period" (the
    # strategic comparison period is a different thing).
    window = f"recent trend ({period.label} against {period.previous(compare).label})"
    recent = scope.over(period, compare, what=window,
                        hint="Load the police.uk files of those months to show the recent trend")
    return compare_periods(con, recent, themes=themes, small_number=small_number, alpha=alpha)
