"""Lookups, deprivation and population agree with each other and with the police files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from esda.moran import Moran
from libpysal.weights import Rook
from shapely.geometry import shape

from cspkit.synth import BoroughManifest
from tests.synth.readback import read_csv, read_police

DOMAINS = (
    "IMD", "Income", "Employment", "Education", "Health", "Crime", "Housing_and_Services",
    "Environment",
)


@pytest.fixture(scope="module")
def lookup(borough: BoroughManifest) -> pd.DataFrame:
    return read_csv(borough, "lookups/LSOA21_WD25_LAD25_EW_LU.csv")


@pytest.fixture(scope="module")
def change(borough: BoroughManifest) -> pd.DataFrame:
    return read_csv(borough, "lookups/lookup_lsoa11_lsoa21_ltla22.csv")


@pytest.fixture(scope="module")
def imd(borough: BoroughManifest) -> pd.DataFrame:
    return pd.read_csv(borough.out_dir / "imd/imd2025_england_lsoa21.csv")


def test_codes_sit_in_ranges_ons_never_issued(lookup: pd.DataFrame, change: pd.DataFrame) -> None:
    assert lookup.LSOA21CD.str.fullmatch(r"E019\d{5}").all()
    assert lookup.WD25CD.str.fullmatch(r"E059\d{5}").all()
    assert lookup.LAD25CD.str.fullmatch(r"E069\d{5}").all()
    assert change[change.change_code == "S"].lsoa11_code.str.fullmatch(r"E0191\d{4}").all()
    assert lookup.LSOA21CD.is_unique
    assert lookup.ObjectId.astype(int).tolist() == list(range(1, len(lookup) + 1))
    assert (lookup[["LSOA21NMW", "WD25NMW", "LAD25NMW"]] == "").all().all()


def test_lsoa_names_are_ons_style(lookup: pd.DataFrame) -> None:
    prefix = lookup.LSOA21NM.str[:-5]

    assert lookup.LSOA21NM.str.fullmatch(r".+ \d{3}[A-Z]").all()
    assert (prefix == lookup.LAD25NM).all()


@pytest.mark.real_data
def test_no_code_or_name_collides_with_a_real_area(
    shared_data: Path, lookup: pd.DataFrame, change: pd.DataFrame
) -> None:
    real = pd.read_csv(shared_data / "lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz", dtype=str)
    real_2011 = pd.read_csv(shared_data / "lookups/lookup_lsoa11_lsoa21_ltla22.csv.gz", dtype=str)
    codes = set(lookup.LSOA21CD) | set(lookup.WD25CD) | set(lookup.LAD25CD)
    real_codes = set(real.LSOA21CD) | set(real.WD25CD) | set(real.LAD25CD)
    names = set(lookup.WD25NM) | set(lookup.LAD25NM)

    assert not codes & real_codes
    assert not set(change.lsoa11_code) & set(real_2011.lsoa11_code)
    assert not names & (set(real.WD25NM) | set(real.LAD25NM))


def test_splits_map_one_2011_code_to_two_2021_codes_of_its_msoa(
    borough: BoroughManifest, change: pd.DataFrame, lookup: pd.DataFrame
) -> None:
    unchanged = change[change.change_code == "U"]
    split = change[change.change_code == "S"]
    halves = split.groupby("lsoa11_code").lsoa21_code.nunique()

    assert (unchanged.lsoa11_code == unchanged.lsoa21_code).all()
    assert (unchanged.lsoa11_name == unchanged.lsoa21_name).all()
    assert set(halves.index) == set(borough.split_lsoa11_codes)
    assert len(halves) >= 3 and (halves == 2).all()
    assert (split.lsoa11_name.str[:-1] == split.lsoa21_name.str[:-1]).all()
    assert sorted(change.lsoa21_code) == sorted(lookup.LSOA21CD)


def test_every_published_lsoa_is_in_a_lookup_and_2011_codes_stop_in_june_2023(
    borough: BoroughManifest, lookup: pd.DataFrame, change: pd.DataFrame
) -> None:
    for kind in ("street", "outcomes"):
        rows = read_police(borough, kind)
        in_2021 = rows["LSOA code"].isin(lookup.LSOA21CD)
        in_2011 = rows["LSOA code"].isin(change.lsoa11_code)
        only_2011 = ~in_2021 & in_2011

        assert (in_2021 | in_2011).all()
        assert set(rows["LSOA code"][only_2011]) == set(borough.split_lsoa11_codes)
        assert (rows.Month[only_2011] < "2023-06").all()


def test_imd_deciles_follow_ranks_and_scores_follow_ranks(
    imd: pd.DataFrame, lookup: pd.DataFrame
) -> None:
    assert sorted(imd.lsoa21_code) == sorted(lookup.LSOA21CD)
    for domain in DOMAINS:
        rank, decile = imd[f"{domain}_rank"], imd[f"{domain}_decile"]
        by_rank = imd.sort_values(f"{domain}_rank")

        assert rank.is_unique and rank.between(1, 33_755).all()
        assert (decile == np.ceil(rank * 10 / 33_755)).all()
        assert by_rank[f"{domain}_score"].is_monotonic_decreasing


def test_deprivation_is_spatially_clustered_and_varied(
    borough: BoroughManifest, imd: pd.DataFrame
) -> None:
    document = json.loads(
        (borough.out_dir / "boundaries/lsoa21_kestrel_vale.geojson").read_text("utf-8")
    )
    codes = [f["properties"]["lsoa21_code"] for f in document["features"]]
    weights = Rook.from_iterable([shape(f["geometry"]) for f in document["features"]])
    scores = imd.set_index("lsoa21_code").loc[codes, "IMD_score"].to_numpy()
    moran = Moran(scores, weights, permutations=0)

    assert moran.I > 0.4
    assert imd.IMD_decile.nunique() == 10
    assert 0.08 < (imd.IMD_decile == 1).mean() < 0.3


def test_population_ages_sum_to_totals_of_about_1500(
    borough: BoroughManifest, imd: pd.DataFrame
) -> None:
    ages = pd.read_csv(borough.out_dir / "population/population22_lsoa21_syoa.csv")
    census = pd.read_csv(borough.out_dir / "population/census2021_usual_residents_lsoa21.csv")
    age_columns = [str(a) for a in range(90)] + ["90+"]

    assert (ages[age_columns].sum(axis=1) == ages.total_population).all()
    assert sorted(ages.lsoa21_code) == sorted(census.lsoa21_code) == sorted(imd.lsoa21_code)
    assert census.total_residents.between(1000, 3000).all()
    assert 1400 < census.total_residents.median() < 1700


def test_deprived_areas_are_younger(borough: BoroughManifest, imd: pd.DataFrame) -> None:
    ages = pd.read_csv(borough.out_dir / "population/population22_lsoa21_syoa.csv")
    old = [str(a) for a in range(65, 90)] + ["90+"]
    share_old = ages[old].sum(axis=1) / ages.total_population
    decile = ages.lsoa21_code.map(imd.set_index("lsoa21_code").IMD_decile)

    assert share_old[decile <= 2].mean() < share_old[decile >= 8].mean()
