"""Analyses over a selection with no incidents (a crime type never recorded in the areas, an
area with no crime): zeros where zeros are figures, a clear error where nothing can be
measured — never NaN that a sentence would print.
"""

import math

import pandas as pd
import pytest

from cspkit.analysis.change import compare_periods
from cspkit.analysis.concentration import concentration
from cspkit.analysis.deprivation import deprivation_profile, rank_correlation
from cspkit.analysis.hotspots import hotspots
from cspkit.analysis.outcomes import outcome_profile
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.errors import CspError

from .conftest import L5, LAD, OTHER_LAD
from .test_deprivation import load_imd

PERIOD = StrategicPeriod("2025-01", "2025-02")


def test_a_theme_of_a_crime_type_never_recorded_keeps_its_zero_row(tiny):
    result = compare_periods(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD),
                             themes={"Cycle crime": ["Bicycle theft"]})

    t = result.table.set_index(["kind", "group"])
    assert t.loc[("crime_type", "Bicycle theft"), ["current", "previous"]].tolist() == [0, 0]
    assert t.loc[("theme", "Cycle crime"), ["current", "previous"]].tolist() == [0, 0]
    assert math.isnan(t.loc[("crime_type", "Bicycle theft"), "pct_change"])
    # the other crime types are unchanged: 10 + 2 burglaries, 20 + 4 violence, …
    assert t.loc[("total", "Total recorded crime"), "current"] == 50


def test_concentration_of_nothing_is_an_error_naming_the_selection(tiny):
    with pytest.raises(CspError, match=r"no Bicycle theft recorded in the areas in "
                       r"2025-01 to 2025-02, so there is no concentration to measure"):
        concentration(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD, compare=None),
                      categories=["Bicycle theft"])


def test_deprivation_profile_of_nothing_is_an_error(tiny):
    load_imd(tiny)
    with pytest.raises(CspError, match="no crime recorded in the areas in 2024-11 to "
                       "2024-12, so there is no profile by deprivation"):
        deprivation_profile(tiny, resolve_scope(tiny, areas=L5,
                                                period=StrategicPeriod("2024-11", "2024-12"),
                                                compare=None))


def test_outcomes_of_an_area_with_no_crime_is_an_error(tiny):
    # L5 (East) recorded no crime in the comparison months.
    with pytest.raises(CspError, match="so there are no outcomes to profile"):
        outcome_profile(tiny,
                        resolve_scope(tiny, areas=L5, period=StrategicPeriod("2024-11", "2024-12"),
                                      compare=None))


def test_rank_correlation_of_one_lsoa_or_no_variation_is_not_defined():
    assert all(math.isnan(v) for v in rank_correlation(pd.Series([3.0]), pd.Series([20.0])))
    assert all(math.isnan(v) for v in rank_correlation(pd.Series([0.0, 0.0, 0.0]),
                                                       pd.Series([1.0, 2.0, 3.0])))
    rho, _ = rank_correlation(pd.Series([1.0, 2.0, 3.0, 4.0]), pd.Series([2.0, 1.0, 4.0, 3.0]))
    assert rho == pytest.approx(0.6)  # 1 - 6 * (1 + 1 + 1 + 1) / (4 * 15)


def test_hot_spots_of_a_single_lsoa_are_an_error_not_a_crash(tiny):
    # Otherton is one LSOA (L9): it has no neighbour to compare with.
    with pytest.raises(CspError, match=r"none of the 1 LSOA\(s\) of the areas shares a "
                       "boundary with another"):
        hotspots(tiny, resolve_scope(tiny, areas=OTHER_LAD, period=PERIOD), permutations=99)
