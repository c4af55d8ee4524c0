"""Disclosure control for published tables: small counts suppressed, and kept suppressed.

Primary suppression hides every count from 1 to ``threshold - 1`` (zeros are shown unless
asked). Secondary (complementary) suppression then hides further cells so that no hidden
count can be worked out from the others and the totals: every row and column of the table
with its totals must hide none or at least two cells, and no hidden cell may be fixed by
the row and column equations together (checked by linear algebra, not only line by line).
The complementary cell chosen is one that also protects a crossing row or column when
there is one, else the smallest non-zero count left in the row or column, so that as little
as possible is lost.

This protects against exact back-calculation. It does not bound what can be inferred about
a hidden cell's range (interval disclosure); round or band small tables if that matters.

Text published beside a table can undo it: a total, a percentage printed to one decimal, a
count "of" a total with a small remainder. :func:`count_ranges` is the reader's side: given
everything a document states about some counts (:class:`Statement`: shown counts, totals,
percentages as the intervals their rounding allows, "fewer than 5"), it finds by integer
linear programming the smallest and largest value each withheld count can take; a count
whose range is one value is disclosed.

References
----------
Office for National Statistics (2021), *Statistical Disclosure Control guidance*; Hundepool
et al. (2012), *Statistical Disclosure Control*, Wiley, ch. 4 (cell suppression).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

TOTAL = "Total"


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """A count table with its totals, ready to publish.

    Attributes
    ----------
    table
        Counts with a ``Total`` row (and a ``Total`` column when there is more than one
        column); hidden cells are ``<NA>`` (``Int64``).
    reason
        Same shape: ``"primary"`` (a small count), ``"secondary"`` (hidden so a small count
        cannot be worked out) or ``""`` (shown).
    threshold
        Counts from 1 to ``threshold - 1`` were suppressed.
    """

    table: pd.DataFrame
    reason: pd.DataFrame
    threshold: int

    @property
    def primary(self) -> int:
        return int((self.reason == "primary").to_numpy().sum())

    @property
    def secondary(self) -> int:
        return int((self.reason == "secondary").to_numpy().sum())

    def statements(self, name: Hashable = "table") -> list[Statement]:
        """What publishing the table tells a reader: each shown count, and that every row
        (when there is a Total column) and column adds up to its total. Counts are named
        ``(name, row, column)``; a hidden cell is unknown."""
        cell = {(r, c): (name, r, c) for r in self.table.index for c in self.table.columns}
        out = [count_is(cell[r, c], int(self.table.loc[r, c])) for (r, c) in cell
               if self.reason.loc[r, c] == ""]
        rows, columns = list(self.table.index), list(self.table.columns)
        lines = [[(r, c) for c in columns] for r in rows] if TOTAL in columns else []
        lines += [[(r, c) for r in rows] for c in columns]
        out += [counts_add_up([cell[p] for p in line[:-1]], cell[line[-1]]) for line in lines]
        return out

    def published(self, marker: str = "[c]") -> pd.DataFrame:
        """The table as text, hidden cells shown as ``marker`` (ONS's "[c]", confidential)."""
        shown = self.table.astype(object).where(self.reason == "", marker)
        return shown.map(lambda v: v if v == marker else f"{int(v):,}")


def with_totals(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` with a ``Total`` row (column sums) and, when it has more than one column, a
    ``Total`` column (row sums)."""
    out = counts.copy()
    if out.shape[1] > 1:
        out[TOTAL] = out.sum(axis=1)
    levels = out.index.nlevels
    key = TOTAL if levels == 1 else (TOTAL, *[""] * (levels - 1))
    total = pd.DataFrame([out.sum(axis=0)], index=pd.Index([key], tupleize_cols=True))
    return pd.concat([out, total]).astype("int64")


def suppress_counts(counts: pd.DataFrame, *, threshold: int = 5,
                    suppress_zeros: bool = False) -> SuppressedTable:
    """Add totals, then apply primary and secondary suppression.

    Parameters
    ----------
    counts
        Non-negative whole counts, one row and column per category, without totals.
    threshold
        Hide counts below it (default 5: counts 1–4 are hidden; 0 hides nothing). Use the
        partnership config's ``suppression_threshold``.
    suppress_zeros
        Hide zeros too (when a zero itself would disclose something).

    Returns
    -------
    SuppressedTable

    Examples
    --------
    >>> t = pd.DataFrame({"Ward A": [2, 10], "Ward B": [8, 9]}, index=["Male", "Female"])
    >>> suppress_counts(t).published()
           Ward A Ward B Total
    Male      [c]    [c]    10
    Female    [c]    [c]    19
    Total      12     17    29
    """
    values = counts.to_numpy()
    if (values < 0).any() or not np.array_equal(values, np.floor(values)):
        raise ValueError("counts must be non-negative whole numbers")
    full = with_totals(counts)
    cells = full.to_numpy()
    small = (cells < threshold) & ((cells > 0) | suppress_zeros)
    hidden = small.copy()
    _complete(cells, hidden, row_totals=counts.shape[1] > 1)
    reason = np.where(small, "primary", np.where(hidden, "secondary", ""))
    table = full.astype("Int64").mask(hidden)
    return SuppressedTable(table=table, reason=pd.DataFrame(reason, index=full.index,
                                                            columns=full.columns),
                           threshold=threshold)


def suppress_groups(counts: pd.Series, *, threshold: int = 5,
                    suppress_zeros: bool = False) -> pd.Series:
    """Suppression for a stacked table whose groups each add up to a published total.

    A profile stacks dimensions (age band, sex, ethnicity) that each add up to the number
    of people: suppressing the stacked column as one table would let a reader recover a
    hidden count from its own dimension's total. Each group (the first index level) is
    suppressed as its own one-column table with its total.

    Parameters
    ----------
    counts
        Counts indexed by (group, value).
    threshold, suppress_zeros
        As :func:`suppress_counts`.

    Returns
    -------
    pandas.Series
        Same index: ``"primary"``, ``"secondary"`` or ``""`` (shown).

    Examples
    --------
    >>> counts = pd.Series([3, 40, 0, 20, 23], index=pd.MultiIndex.from_tuples([
    ...     ("sex", "female"), ("sex", "male"), ("sex", "Not recorded"),
    ...     ("age", "0-17"), ("age", "18+")]))
    >>> suppress_groups(counts).tolist()
    ['primary', 'secondary', '', '', '']
    """
    out = []
    for name, group in counts.groupby(level=0, sort=False):
        result = suppress_counts(group.droplevel(0).to_frame("count"), threshold=threshold,
                                 suppress_zeros=suppress_zeros)
        reason = result.reason["count"].drop(TOTAL)
        reason.index = pd.MultiIndex.from_product([[name], reason.index])
        out.append(reason)
    return pd.concat(out).reindex(counts.index)


def _lines(shape: tuple[int, int], row_totals: bool) -> list[list[tuple[int, int]]]:
    """Every row (when there is a Total column) and column of the table with totals, as
    cell positions with the total last."""
    rows, cols = shape
    across = [[(r, c) for c in range(cols)] for r in range(rows)] if row_totals else []
    return across + [[(r, c) for r in range(rows)] for c in range(cols)]


def _complete(cells: np.ndarray, hidden: np.ndarray, row_totals: bool) -> None:
    """Hide more cells until no hidden cell is determined by the published ones."""
    lines = _lines(cells.shape, row_totals)
    while True:
        single = next((line for line in lines if sum(hidden[p] for p in line) == 1), None)
        if single is not None:
            hidden[_complement(cells, hidden, single, lines)] = True
            continue
        determined = determined_cells(hidden, row_totals)
        if not determined:
            return
        through = [line for line in lines if determined[0] in line
                   and not all(hidden[p] for p in line)]
        if not through:
            return
        choices = [_complement(cells, hidden, line, lines) for line in through]
        hidden[min(choices, key=lambda p: (cells[p], p))] = True


def _complement(cells: np.ndarray, hidden: np.ndarray, line: list[tuple[int, int]],
                lines: list[list[tuple[int, int]]]) -> tuple[int, int]:
    """The cell to hide next in a line: preferably one whose crossing line also hides a
    single cell (one choice then protects both), then the smallest non-zero count; the
    line's total when no count is left."""
    def exposes_cross_line(p: tuple[int, int]) -> bool:
        return any(other is not line and p in other
                   and sum(hidden[q] for q in other) == 1 for other in lines)

    candidates = [p for p in line[:-1] if not hidden[p] and cells[p] > 0]
    if candidates:
        return min(candidates, key=lambda p: (not exposes_cross_line(p), cells[p], p))
    shown = [p for p in line if not hidden[p]]
    return shown[-1]


def determined_cells(hidden: np.ndarray, row_totals: bool = True) -> list[tuple[int, int]]:
    """Hidden cells whose value follows exactly from the table's row and column equations.

    Each row and column of the table with totals says: its cells add up to its total. With
    the shown cells moved to the right-hand side, these are linear equations in the hidden
    cells; a hidden cell is determined when its unit vector lies in the equations' row
    space.
    """
    positions = [tuple(p) for p in np.argwhere(hidden)]
    if not positions:
        return []
    column = {p: i for i, p in enumerate(positions)}
    equations = []
    for line in _lines(hidden.shape, row_totals):
        row = np.zeros(len(positions))
        for p in line[:-1]:
            if p in column:
                row[column[p]] += 1
        if line[-1] in column:
            row[column[line[-1]]] -= 1
        if row.any():
            equations.append(row)
    if not equations:
        return []
    a = np.array(equations)
    rank = np.linalg.matrix_rank(a)
    found = []
    for p, i in column.items():
        unit = np.zeros(len(positions))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append((int(p[0]), int(p[1])))
    return found


# --------------------------------------------------------------------------- recovery check

@dataclass(frozen=True)
class Statement:
    """One thing a published document tells its reader about counts.

    ``low <= sum(weight * count) <= high`` over named counts (any hashable name: a table
    cell, a total stated in a sentence). Build them with :func:`count_is`,
    :func:`counts_add_up`, :func:`count_between` and :func:`share_is`.
    """

    weights: tuple[tuple[Hashable, float], ...]
    low: float
    high: float


def count_is(name: Hashable, value: float) -> Statement:
    """A count shown as a number."""
    return Statement(((name, 1.0),), value, value)


def count_between(name: Hashable, low: float, high: float = math.inf) -> Statement:
    """A count known to lie in a range ("fewer than 5" is ``count_between(name, 0, 4)``)."""
    return Statement(((name, 1.0),), low, high)


def counts_add_up(parts: Iterable[Hashable], total: Hashable) -> Statement:
    """Counts that add up to a total (a table's row or column, a dimension of a profile)."""
    return Statement((*((p, 1.0) for p in parts), (total, -1.0)), 0.0, 0.0)


def percent_interval(text: str) -> tuple[float, float]:
    """The range of true percentages a rounded percentage stands for.

    >>> percent_interval("5.4%"), percent_interval("11%")
    ((5.35, 5.45), (10.5, 11.5))
    """
    number = text.strip().removesuffix("%").replace(",", "")
    decimals = len(number.partition(".")[2])
    half = 0.5 * 10.0 ** -decimals
    value = float(number)
    return round(value - half, decimals + 1), round(value + half, decimals + 1)


def share_is(part: Hashable, whole: Hashable, text: str) -> tuple[Statement, Statement]:
    """``part`` is the shown percentage of ``whole``, to the precision it is printed with.

    Both may be unknown: ``low * whole <= 100 * part <= high * whole`` stays linear.
    """
    low, high = percent_interval(text)
    return (Statement(((part, 100.0), (whole, -low)), 0.0, math.inf),
            Statement(((part, 100.0), (whole, -high)), -math.inf, 0.0))


def count_ranges(statements: Sequence[Statement], names: Iterable[Hashable]
                 ) -> dict[Hashable, tuple[float, float]]:
    """The smallest and largest value of each named count consistent with every statement.

    Every count is a non-negative whole number; each bound is found by mixed-integer linear
    programming (scipy's ``milp``, HiGHS). A count whose two bounds are equal is *pinned*:
    a reader can work it out exactly. The upper bound is ``inf`` when nothing limits it.

    Raises
    ------
    ValueError
        When the statements contradict each other (a misread document).

    Examples
    --------
    >>> ranges = count_ranges([count_is("people", 37), *share_is("sex unknown", "people",
    ...                        "5.4%")], ["sex unknown"])
    >>> ranges["sex unknown"]
    (2.0, 2.0)
    """
    wanted = list(dict.fromkeys(names))
    index: dict[Hashable, int] = {}
    for name in [*wanted, *(n for s in statements for n, _ in s.weights)]:
        index.setdefault(name, len(index))
    matrix = np.zeros((max(len(statements), 1), len(index)))
    for row, statement in enumerate(statements):
        for name, weight in statement.weights:
            matrix[row, index[name]] += weight
    low = [s.low for s in statements] or [0.0]
    high = [s.high for s in statements] or [0.0]
    constraints = LinearConstraint(matrix, low, high)

    def solve(objective: np.ndarray):
        return milp(objective, constraints=constraints, integrality=np.ones(len(index)),
                    bounds=Bounds(0, np.inf))

    if solve(np.zeros(len(index))).status != 0:
        raise ValueError("the statements contradict each other: no counts satisfy them all")
    out: dict[Hashable, tuple[float, float]] = {}
    for name in wanted:
        objective = np.zeros(len(index))
        objective[index[name]] = 1.0
        smallest, largest = solve(objective), solve(-objective)
        if smallest.status != 0 or largest.status not in (0, 3, 4):
            raise RuntimeError(f"the solver did not finish for {name!r}: {largest.message}")
        # the problem is feasible, so a maximum that is "unbounded or infeasible" is unbounded
        high = -largest.fun if largest.status == 0 else math.inf
        out[name] = (round(smallest.fun, 6), round(high, 6))
    return out
