"""The planted patterns are really in the written CSVs, counted back with pandas."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import binomtest, spearmanr

from cspkit.synth import BoroughManifest
from tests.synth.readback import read_csv

ASB = "Anti-social behaviour"


def in_borough(street: pd.DataFrame, borough: BoroughManifest) -> pd.Series:
    return street.LAD25CD.eq(borough.borough.code)


def borough_counts(street: pd.DataFrame, borough: BoroughManifest, crime_type: str) -> pd.Series:
    rows = street[in_borough(street, borough) & (street["Crime type"] == crime_type)]
    return rows.groupby("year").size()


def exact_p(previous: int, current: int) -> float:
    """Two-sided exact test of two Poisson counts over equal periods."""
    return binomtest(current, previous + current, 0.5).pvalue


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [("shoplifting_rise", 0.25, 0.31), ("burglary_fall", -0.18, -0.12)],
)
def test_large_planted_changes_are_there_and_significant(
    borough: BoroughManifest, street: pd.DataFrame, key: str, low: float, high: float
) -> None:
    trend = borough.trend(key)
    counts = borough_counts(street, borough, trend.crime_type)
    before, after = counts[trend.previous_year], counts[trend.current_year]

    assert (before, after) == (trend.previous_count, trend.current_count)
    assert low < after / before - 1 < high
    assert exact_p(before, after) < 0.01


def test_small_number_change_is_big_in_percent_but_not_significant(
    borough: BoroughManifest, street: pd.DataFrame
) -> None:
    trend = borough.trend("small_number_rise")
    counts = borough_counts(street, borough, trend.crime_type)
    before, after = counts[trend.previous_year], counts[trend.current_year]

    assert (before, after) == (trend.previous_count, trend.current_count)
    assert before < 50 and after < 50
    assert after / before - 1 > 0.5
    assert exact_p(before, after) > 0.05


def test_one_ward_climbs_the_ranking_sharply(
    borough: BoroughManifest, street: pd.DataFrame
) -> None:
    trend = borough.trend("rising_ward")
    crime = street[in_borough(street, borough) & (street["Crime type"] != ASB)]
    counts = crime.groupby(["year", "WD25CD"]).size()
    rank = {
        year: counts.loc[year].rank(ascending=False, method="min")[trend.area_code]
        for year in (trend.previous_year, trend.current_year)
    }

    assert (rank[trend.previous_year], rank[trend.current_year]) == (
        trend.previous_rank,
        trend.current_rank,
    )
    assert rank[trend.previous_year] - rank[trend.current_year] >= 4
    assert rank[trend.current_year] <= 3
    assert counts.loc[(trend.current_year, trend.area_code)] == trend.current_count


@pytest.mark.parametrize("crime_type", ["Violence and sexual offences", ASB])
def test_violence_and_asb_peak_in_summer(street: pd.DataFrame, crime_type: str) -> None:
    monthly = street[street["Crime type"] == crime_type].groupby("Month").size()
    calendar = monthly.groupby(monthly.index.str[5:]).mean()

    summer = calendar[["06", "07", "08"]].mean()
    winter = calendar[["12", "01", "02"]].mean()
    assert summer > 1.1 * winter


@pytest.mark.parametrize("crime_type", ["Shoplifting", "Public order", "Theft from the person"])
def test_town_centre_ward_leads_for_town_centre_crime(
    borough: BoroughManifest, street: pd.DataFrame, crime_type: str
) -> None:
    rows = street[in_borough(street, borough) & (street["Crime type"] == crime_type)]

    assert rows.WD25CD.value_counts().index[0] == borough.town_centre_ward.code


def test_crime_rates_follow_deprivation(borough: BoroughManifest, street: pd.DataFrame) -> None:
    imd = read_csv(borough, "imd/imd2025_england_lsoa21.csv").set_index("lsoa21_code")
    residents = read_csv(borough, "population/census2021_usual_residents_lsoa21.csv")
    residents = residents.set_index("lsoa21_code").total_residents.astype(int)
    crime = street[(street.year == 2024) & (street["Crime type"] != ASB)]
    rate = crime.groupby("LSOA code").size() / residents

    correlation = spearmanr(rate, imd.IMD_score.astype(float).loc[rate.index]).statistic
    assert correlation > 0.5


def test_hot_spot_lsoas_stay_hot_every_year(
    borough: BoroughManifest, street: pd.DataFrame
) -> None:
    rows = street[in_borough(street, borough)]
    for _, year_rows in rows[rows.year >= 2024].groupby("year"):
        counts = year_rows.groupby("LSOA code").size()
        top_fifth = set(counts.sort_values(ascending=False).index[: len(counts) // 5])

        assert set(borough.hotspot_lsoas) <= top_fifth


def test_the_force_file_also_covers_the_neighbouring_authorities(
    borough: BoroughManifest, street: pd.DataFrame
) -> None:
    per_lad = street.groupby("LAD25CD").size()

    assert street.LAD25CD.notna().all()
    assert set(per_lad.index) == {borough.borough.code, *(n.code for n in borough.neighbours)}
    assert per_lad[borough.borough.code] > per_lad.drop(borough.borough.code).max()
