"""Disclosure control on hand-worked tables; back-calculation checked by linear programming."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from cspkit.privacy.disclosure import (
    TOTAL,
    count_between,
    count_is,
    count_ranges,
    counts_add_up,
    determined_cells,
    percent_interval,
    share_is,
    suppress_counts,
    suppress_groups,
)


def range_of_hidden_cells(result) -> dict[tuple[str, str], tuple[float, float]]:
    """For every hidden cell, its smallest and largest value consistent with what is shown.

    Independent of the suppression algorithm: a reader's view of the published table (shown
    counts, every row and column adding up to its total, counts whole and non-negative),
    each hidden count minimised and maximised by integer linear programming.
    """
    hidden = [(r, c) for r in result.table.index for c in result.table.columns
              if result.reason.loc[r, c] != ""]
    ranges = count_ranges(result.statements("t"), [("t", *cell) for cell in hidden])
    return {cell: ranges[("t", *cell)] for cell in hidden}


def test_primary_and_secondary_on_a_hand_worked_three_by_three_table():
    counts = pd.DataFrame({"A": [20, 12, 7], "B": [3, 9, 25], "C": [15, 30, 40]},
                          index=["r1", "r2", "r3"])
    result = suppress_counts(counts, threshold=5)
    # r1/B = 3 is small. Row r1 then hides its next smallest (15), column B its (9), and
    # column C, now with one hidden cell, its next smallest (30): rows r1, r2 and columns B, C
    # each hide two cells.
    assert result.published("*").to_dict("index") == {
        "r1": {"A": "20", "B": "*", "C": "*", TOTAL: "38"},
        "r2": {"A": "12", "B": "*", "C": "*", TOTAL: "51"},
        "r3": {"A": "7", "B": "25", "C": "40", TOTAL: "72"},
        TOTAL: {"A": "39", "B": "37", "C": "85", TOTAL: "161"},
    }
    assert (result.primary, result.secondary) == (1, 3)
    assert result.reason.loc["r1", "B"] == "primary"
    assert pd.isna(result.table.loc["r2", "C"]) and result.table.loc["r3", "C"] == 40
    ranges = range_of_hidden_cells(result)
    assert ranges[("r1", "B")] == (0, 12)  # anything from 0 to 12: not back-calculable
    assert all(low < high for low, high in ranges.values())


def test_one_column_table_hides_the_next_smallest_count_and_shows_zeros():
    counts = pd.DataFrame({"incidents": [12, 3, 9, 0]}, index=["a", "b", "c", "d"])
    result = suppress_counts(counts)
    assert result.published("*")["incidents"].tolist() == ["12", "*", "*", "0", "24"]
    assert list(result.table.columns) == ["incidents"]
    assert range_of_hidden_cells(result) == {("b", "incidents"): (0, 12),
                                            ("c", "incidents"): (0, 12)}


def test_a_small_total_is_itself_suppressed_and_protected():
    counts = pd.DataFrame({"A": [3, 20], "B": [0, 11]}, index=["r1", "r2"])
    result = suppress_counts(counts)
    assert result.reason.loc["r1", "A"] == result.reason.loc["r1", TOTAL] == "primary"
    assert all(low < high for low, high in range_of_hidden_cells(result).values())


def test_zeros_are_suppressed_only_when_asked():
    counts = pd.DataFrame({"A": [0, 20, 6], "B": [10, 11, 12]}, index=["r1", "r2", "r3"])
    assert suppress_counts(counts).primary == 0
    assert suppress_counts(counts, suppress_zeros=True).reason.loc["r1", "A"] == "primary"


def test_rank_check_finds_a_cell_fixed_by_several_equations_together():
    # Two blocks of four hidden cells joined by one hidden cell (r2, C): every row and column
    # hides two or more, yet rows r1 + r2 minus columns A + B give (r2, C) exactly.
    hidden = np.zeros((5, 5), dtype=bool)
    for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        hidden[r, c] = True
    assert determined_cells(hidden) == [(1, 2)]


def test_suppression_protects_a_cell_that_line_checks_alone_would_expose():
    small = {(0, 0): 1, (0, 1): 2, (1, 0): 3, (1, 1): 4, (2, 2): 2, (2, 3): 1, (3, 2): 4,
             (3, 3): 3, (1, 2): 2}
    values = np.full((4, 4), 50)
    for (r, c), v in small.items():
        values[r, c] = v
    counts = pd.DataFrame(values, index=["r1", "r2", "r3", "r4"], columns=list("ABCD"))
    result = suppress_counts(counts)
    assert result.primary == 9 and result.secondary >= 1
    assert all(low < high for low, high in range_of_hidden_cells(result).values())


def test_counts_must_be_whole_and_non_negative():
    with pytest.raises(ValueError, match="non-negative whole"):
        suppress_counts(pd.DataFrame({"A": [1.5, 2]}))


def test_threshold_zero_withholds_nothing_and_default_marker_is_c():
    counts = pd.DataFrame({"A": [1, 2], "B": [3, 4]}, index=["r1", "r2"])
    assert suppress_counts(counts, threshold=0).primary == 0
    assert suppress_counts(counts).published().loc["r1", "A"] == "[c]"


def test_stacked_profile_is_suppressed_within_each_dimension():
    # 43 people: sex 3 / 40 / 0 and age 20 / 23. Suppressed as one column, the small 3 could
    # pair with a cell of another dimension and be recovered as 43 - 40; within its own
    # dimension it pairs with the 40.
    counts = pd.Series([3, 40, 0, 20, 23], index=pd.MultiIndex.from_tuples([
        ("sex", "female"), ("sex", "male"), ("sex", "Not recorded"), ("age", "0-17"),
        ("age", "18+")]))
    reasons = suppress_groups(counts)
    assert reasons.tolist() == ["primary", "secondary", "", "", ""]
    stacked = suppress_counts(counts.to_frame("count")).reason["count"].drop(TOTAL, level=0)
    assert stacked[("sex", "male")] == ""  # the stacked way leaves 43 - 40 = 3 exposed


def test_a_percentage_to_one_decimal_of_a_stated_total_pins_a_withheld_count():
    # The flaw found in review: 37 victims, "Not recorded: sex 5.4%" -> 2 exactly, although
    # the table withholds it. 1/37 = 2.7% and 3/37 = 8.1%, so only 2 rounds to 5.4%.
    stated = [count_is("people", 37), *share_is("not recorded", "people", "5.4%")]
    assert count_ranges(stated, ["not recorded"]) == {"not recorded": (2, 2)}
    # "5%" of 200 people stands for 4.5% to 5.5%: anything from 9 to 11
    wide = [count_is("people", 200), *share_is("not recorded", "people", "5%")]
    assert count_ranges(wide, ["not recorded"]) == {"not recorded": (9, 11)}


def test_percent_interval_follows_the_printed_precision():
    assert percent_interval("5.4%") == (5.35, 5.45)
    assert percent_interval("11%") == (10.5, 11.5)
    assert percent_interval("0.0%") == (-0.05, 0.05)


def test_a_count_with_a_small_complement_is_pinned_by_its_total():
    # "18 of the 20": the two left are recovered exactly
    stated = [count_is("repeat", 18), count_is("all", 20),
              counts_add_up(["repeat", "single"], "all")]
    assert count_ranges(stated, ["single"])["single"] == (2, 2)
    # "fewer than 5" of 20 leaves the rest between 16 and 20
    stated = [count_between("repeat", 0, 4), count_is("all", 20),
              counts_add_up(["repeat", "single"], "all")]
    assert count_ranges(stated, ["single"])["single"] == (16, 20)


def test_an_unlimited_count_has_no_upper_bound_and_contradictions_are_refused():
    assert count_ranges([count_is("a", 3)], ["b"]) == {"b": (0, math.inf)}
    with pytest.raises(ValueError, match="contradict"):
        count_ranges([count_is("a", 3), count_between("a", 5)], ["a"])


def test_integer_ranges_agree_with_continuous_linear_programming_on_the_worked_example():
    counts = pd.DataFrame({"A": [20, 12, 7], "B": [3, 9, 25], "C": [15, 30, 40]},
                          index=["r1", "r2", "r3"])
    result = suppress_counts(counts)
    assert range_of_hidden_cells(result) == linear_programming_ranges(result)


def linear_programming_ranges(result) -> dict[tuple[str, str], tuple[float, float]]:
    """The hidden cells' ranges by scipy's continuous ``linprog``, written out by hand: unknowns
    are every cell, constraints every row and column summing to its total and shown values."""
    table, reason = result.table, result.reason
    cells = [(r, c) for r in table.index for c in table.columns]
    index = {cell: i for i, cell in enumerate(cells)}
    rows, cols = list(table.index), list(table.columns)
    equations, targets = [], []
    lines = [[(r, c) for c in cols] for r in rows] if TOTAL in cols else []
    lines += [[(r, c) for r in rows] for c in cols]
    for line in lines:
        a = np.zeros(len(cells))
        for cell in line[:-1]:
            a[index[cell]] += 1
        a[index[line[-1]]] -= 1
        equations.append(a)
        targets.append(0)
    for cell in cells:
        if reason.loc[cell] == "":
            a = np.zeros(len(cells))
            a[index[cell]] = 1
            equations.append(a)
            targets.append(float(table.loc[cell]))
    out = {}
    for cell in cells:
        if reason.loc[cell] == "":
            continue
        c = np.zeros(len(cells))
        c[index[cell]] = 1
        low = linprog(c, A_eq=np.array(equations), b_eq=targets, bounds=(0, None))
        high = linprog(-c, A_eq=np.array(equations), b_eq=targets, bounds=(0, None))
        out[cell] = (round(low.fun, 6), round(-high.fun, 6))
    return out
