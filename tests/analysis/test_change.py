from math import comb

import numpy as np
import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.change import compare_periods, exact_poisson_test, recent_change
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.errors import CspError

from .conftest import L1, LAD

PERIOD = StrategicPeriod("2025-01", "2025-02")


def two_sided_half_binomial(k: int, n: int) -> float:
    """Exact two-sided p for Binomial(n, 1/2), by hand: the distribution is symmetric."""
    tail = sum(comb(n, j) for j in range(max(k, n - k), n + 1)) / 2**n
    return min(1.0, 2 * tail) if k != n - k else 1.0


@pytest.mark.parametrize(("a", "b"), [(12, 6), (10, 2), (0, 5), (7, 7), (223, 319)])
def test_exact_poisson_test_is_the_conditional_binomial(a, b):
    assert_allclose(exact_poisson_test(a, b), two_sided_half_binomial(a, a + b), rtol=1e-9)


def test_exact_poisson_test_of_two_zeros_is_one():
    assert exact_poisson_test(0, 0) == 1.0


def test_compare_periods_counts_by_type_and_theme(tiny):
    themes = {
        "Acquisitive": ["Burglary", "Shoplifting"],
        "Violence": ["Violence and sexual offences"],
    }
    result = compare_periods(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD), themes=themes)
    t = result.table.set_index("group")
    # Testborough only: L9 (Otherton) is excluded.
    assert (result.total_current, result.total_previous) == (50, 40)
    assert (result.asb_current, result.asb_previous) == (5, 4)
    assert t.loc["Acquisitive", ["current", "previous"]].tolist() == [18, 12]
    assert t.loc["Violence", ["current", "previous"]].tolist() == [24, 26]
    assert t.loc["Burglary", ["current", "previous", "change"]].tolist() == [12, 6, 6]
    assert_allclose(t.loc["Burglary", "pct_change"], 100.0)
    assert_allclose(t.loc["Criminal damage and arson", "pct_change"], 300.0)
    assert_allclose(t.loc["Burglary", "p_value"], two_sided_half_binomial(12, 18))
    assert_allclose(t.loc["Total recorded crime", "p_value"], two_sided_half_binomial(50, 90))
    assert_allclose(t.loc["Burglary", "share_current"], 12 / 50)
    assert_allclose(t.loc["Acquisitive", "share_previous"], 12 / 40)
    assert np.isnan(t.loc["Anti-social behaviour", "share_current"])
    assert t.loc["Shoplifting", "direction"] == "no change"
    assert t["small_numbers"].to_dict() == {
        "Total recorded crime": False, "Acquisitive": True, "Violence": False,
        "Violence and sexual offences": False, "Burglary": True, "Criminal damage and arson": True,
        "Shoplifting": True, "Anti-social behaviour": True,
    }
    assert result.table["kind"].tolist() == [
        "total", "theme", "theme", "crime_type", "crime_type", "crime_type", "crime_type", "asb"
    ]
    assert result.citation.comparison == StrategicPeriod("2024-11", "2024-12")
    assert result.citation.load_ids == (1, 2)  # crimes and the area lookup
    assert result.citation.area_names == ("Testborough",)


def test_small_number_threshold_is_configurable(tiny):
    result = compare_periods(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD), small_number=3)
    t = result.table.set_index("group")
    assert t.loc["Criminal damage and arson", "small_numbers"]  # 2 in the previous period
    assert not t.loc["Burglary", "small_numbers"]


def test_ward_and_lsoa_codes_select_their_lsoas(tiny):
    result = compare_periods(tiny, resolve_scope(tiny, areas=[L1], period=PERIOD))
    assert (result.total_current, result.total_previous) == (30, 20)


def test_unknown_theme_category_is_an_error(tiny):
    with pytest.raises(CspError, match="unknown crime category 'Burglery'"):
        compare_periods(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD),
                        themes={"Acquisitive": ["Burglery"]})


def test_asb_in_a_theme_is_an_error(tiny):
    with pytest.raises(CspError, match="not a crime category"):
        compare_periods(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD),
                        themes={"ASB": ["Anti-social behaviour"]})


def test_unknown_area_is_an_error(tiny):
    with pytest.raises(CspError, match="E06999999"):
        compare_periods(tiny, resolve_scope(tiny, areas="E06999999", period=PERIOD))


def test_a_period_without_data_is_an_error_not_zero(tiny):
    with pytest.raises(CspError, match=r"no police_crime data loaded for 2 month\(s\)"):
        compare_periods(tiny,
                        resolve_scope(tiny, areas=LAD,
                                      period=StrategicPeriod("2023-01", "2023-02")))
    with pytest.raises(CspError, match="comparison period"):
        compare_periods(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD,
                                            compare="year-earlier"))


def test_recent_change_compares_the_last_months_with_those_before(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=StrategicPeriod("2025-02", "2025-02"),
                          compare=None)
    result = recent_change(tiny, scope, months=1)
    # 2025-02 against 2025-01: each count split with the odd one in January.
    t = result.table.set_index("group")
    assert t.loc["Burglary", ["current", "previous"]].tolist() == [6, 6]
    assert t.loc["Total recorded crime", ["current", "previous"]].tolist() == [25, 25]


def test_recent_change_a_year_earlier_needs_the_same_months_a_year_before(tiny):
    # only 2024-11 to 2025-02 are loaded: 2025-01..02 against 2024-01..02 cannot be made
    # named as the recent window's months, never as months "of the comparison period"
    with pytest.raises(CspError, match=r"recent trend \(2025-01 to 2025-02 against 2024-01 "
                                       r"to 2024-02\): 2024-01 to 2024-02"):
        recent_change(tiny,
                      resolve_scope(tiny, areas=LAD, period=StrategicPeriod("2025-02", "2025-02"),
                                    compare=None), months=2, compare="year-earlier")


def test_change_since_a_month_compares_with_the_equal_months_before(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=StrategicPeriod("2025-02", "2025-02"),
                          compare=None)
    result = recent_change(tiny, scope, since="2025-01")
    assert result.citation.period == StrategicPeriod("2025-01", "2025-02")
    assert (result.total_current, result.total_previous) == (50, 40)


def test_comparison_periods_of_another_length_are_an_error(tiny):
    with pytest.raises(CspError, match="has 1 months but 2025-01 to 2025-02 has 2"):
        compare_periods(tiny,
                        resolve_scope(tiny, areas=LAD, period=PERIOD,
                                      compare=StrategicPeriod("2024-12", "2024-12")))


def test_a_row_of_the_comparison_is_the_one_its_kind_and_group_select(tiny):
    scope = resolve_scope(tiny, areas=LAD, period=PERIOD)
    result = compare_periods(tiny, scope, themes={"Acquisitive": ["Burglary", "Shoplifting"]})
    t = result.table
    for kind, group in zip(t["kind"], t["group"], strict=True):
        want = t[(t["kind"] == kind) & (t["group"] == group)].iloc[0]
        assert result.row(kind, group).equals(want)
    # By hand: burglary 10 + 2 in the period, 4 + 2 before; the theme adds shoplifting 6, 6.
    assert result.row("crime_type", "Burglary")[["current", "previous"]].tolist() == [12, 6]
    assert result.row("theme", "Acquisitive")[["current", "previous"]].tolist() == [18, 12]
    with pytest.raises(IndexError):
        result.row("crime_type", "Fraud")
