"""Every written file has the layout of the real file it imitates."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from cspkit.synth import BoroughManifest
from tests.synth.readback import read_police

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
OUTCOMES_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Outcome type"
)
STOP_SEARCH_HEADER = (
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
    "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,"
    "Outcome,Outcome linked to object of search,Removal of more than just outer clothing"
)
ONS_HEADER = "LSOA21CD,LSOA21NM,LSOA21NMW,WD25CD,WD25NM,WD25NMW,LAD25CD,LAD25NM,LAD25NMW,ObjectId"
CRIME_TYPES = {
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs",
    "Other crime", "Other theft", "Possession of weapons", "Public order", "Robbery",
    "Shoplifting", "Theft from the person", "Vehicle crime", "Violence and sexual offences",
}

# Written file → the real file in shared/data with the same layout.
REAL_COUNTERPART = {
    "police-uk/2024-01/2024-01-kestrel-fenmoor-street.csv":
        "police-uk/cleveland/street/2024-01-cleveland-street.csv.gz",
    "police-uk/2024-01/2024-01-kestrel-fenmoor-outcomes.csv":
        "police-uk/cleveland/outcomes/2024-01-cleveland-outcomes.csv.gz",
    "police-uk/2024-01/2024-01-kestrel-fenmoor-stop-and-search.csv":
        "police-uk/cleveland/stop-and-search/2024-01-cleveland-stop-and-search.csv.gz",
    "lookups/LSOA21_WD25_LAD25_EW_LU.csv": "lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz",
    "lookups/lookup_lsoa11_lsoa21_ltla22.csv": "lookups/lookup_lsoa11_lsoa21_ltla22.csv.gz",
    "imd/imd2025_england_lsoa21.csv": "imd/imd2025_england_lsoa21.csv.gz",
    "population/census2021_usual_residents_lsoa21.csv":
        "population/census2021_usual_residents_lsoa21.csv.gz",
}


def first_line(path: Path) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return handle.readline()


@pytest.mark.real_data
@pytest.mark.parametrize("written", sorted(REAL_COUNTERPART))
def test_header_is_byte_identical_to_the_real_file(
    borough: BoroughManifest, shared_data: Path, written: str
) -> None:
    assert first_line(borough.out_dir / written) == first_line(
        shared_data / REAL_COUNTERPART[written]
    )


@pytest.mark.real_data
def test_age_file_has_the_real_age_columns_with_2021_lsoa_names(
    borough: BoroughManifest, shared_data: Path
) -> None:
    real = first_line(shared_data / "population/population20_lsoa11_syoa.csv.gz").decode()
    written = first_line(borough.out_dir / "population/population22_lsoa21_syoa.csv").decode()

    assert written == real.replace("lsoa11", "lsoa21")


@pytest.mark.real_data
@pytest.mark.parametrize(
    ("written", "real"),
    [
        ("lsoa21_kestrel_vale.geojson", "lsoa21_bsc_cleveland.geojson"),
        ("wards25_kestrel_vale.geojson", "wards25_bestfit_from_lsoa21_bsc_cleveland.geojson"),
    ],
)
def test_boundary_properties_match_the_real_files(
    borough: BoroughManifest, shared_data: Path, written: str, real: str
) -> None:
    ours = json.loads((borough.out_dir / "boundaries" / written).read_text("utf-8"))
    theirs = json.loads((shared_data / "boundaries" / real).read_text("utf-8"))

    assert list(ours["features"][0]["properties"]) == list(theirs["features"][0]["properties"])
    assert ours["type"] == theirs["type"] == "FeatureCollection"


@pytest.mark.real_data
def test_outcome_categories_are_ones_police_uk_uses(
    borough: BoroughManifest, shared_data: Path
) -> None:
    real = pd.concat(
        pd.read_csv(p, usecols=["Last outcome category"], dtype=str)
        for p in sorted((shared_data / "police-uk/cleveland/street").glob("*.csv.gz"))
    )
    real_outcomes = pd.concat(
        pd.read_csv(p, usecols=["Outcome type"], dtype=str)
        for p in sorted((shared_data / "police-uk/cleveland/outcomes").glob("*.csv.gz"))
    )
    street = read_police(borough, "street")
    outcomes = read_police(borough, "outcomes")

    assert set(street["Last outcome category"]) - {""} <= set(
        real["Last outcome category"].dropna()
    )
    assert set(outcomes["Outcome type"]) <= set(real_outcomes["Outcome type"].dropna())


def test_headers_are_the_published_ones(borough: BoroughManifest) -> None:
    for path in borough.files:
        header = first_line(borough.out_dir / path).decode("utf-8").rstrip("\n")
        if path.name.endswith("-street.csv"):
            assert header == STREET_HEADER
        elif path.name.endswith("-outcomes.csv"):
            assert header == OUTCOMES_HEADER
        elif path.name.endswith("-stop-and-search.csv"):
            assert header == STOP_SEARCH_HEADER
    ons = first_line(borough.out_dir / "lookups/LSOA21_WD25_LAD25_EW_LU.csv")
    assert ons == b"\xef\xbb\xbf" + ONS_HEADER.encode() + b"\n"


def test_police_files_sit_in_month_folders_named_for_the_force(
    borough: BoroughManifest,
) -> None:
    police = [p for p in borough.files if p.parts[0] == "police-uk"]

    assert len(police) == 3 * len(borough.months)
    for path in police:
        month = path.parent.name
        assert re.fullmatch(r"\d{4}-\d{2}", month)
        assert path.name.startswith(f"{month}-{borough.force_slug}-")


def test_street_rows_follow_police_uk_conventions(borough: BoroughManifest) -> None:
    street = read_police(borough, "street")
    asb = street["Crime type"] == "Anti-social behaviour"

    assert set(street["Crime type"]) == CRIME_TYPES
    assert (street.Month == street.file_month).all()
    assert (street["Reported by"] == borough.force_name).all()
    assert (street["Falls within"] == borough.force_name).all()
    assert (street["Crime ID"][asb] == "").all()
    assert (street["Last outcome category"][asb] == "").all()
    assert street["Crime ID"][~asb].str.fullmatch(r"[0-9a-f]{64}").all()
    assert street["Crime ID"][~asb].is_unique
    assert (street["Last outcome category"][~asb] != "").all()
    assert (street.Context == "").all()
    assert street.Location.str.fullmatch(r"On or near \S.*").all()
    assert street.Longitude.str.fullmatch(r"-?\d+\.\d{6}").all()
    assert street.Latitude.str.fullmatch(r"\d+\.\d{6}").all()


def test_outcomes_belong_to_published_crimes_and_never_precede_them(
    borough: BoroughManifest,
) -> None:
    street = read_police(borough, "street")
    outcomes = read_police(borough, "outcomes")
    joined = outcomes.merge(
        street[["Crime ID", "Month"]], on="Crime ID", suffixes=("", "_crime"), how="left"
    )

    assert joined.Month_crime.notna().all()
    assert (joined.Month >= joined.Month_crime).all()
    assert (joined.Month > joined.Month_crime).mean() > 0.2
    assert (outcomes.Month == outcomes.file_month).all()


def test_recent_crimes_are_still_under_investigation(borough: BoroughManifest) -> None:
    street = read_police(borough, "street")
    crimes = street[street["Crime ID"] != ""]
    share = (crimes["Last outcome category"] == "Under investigation").groupby(crimes.Month).mean()

    assert share[borough.months[-1]] > 0.2
    assert share[borough.months[0]] == 0.0


def test_stop_and_search_dates_are_local_midnight_in_utc(borough: BoroughManifest) -> None:
    searches = read_police(borough, "stop-and-search")
    summer = searches[searches.file_month == "2024-07"]
    winter = searches[searches.file_month == "2024-01"]

    assert summer.Date.str.fullmatch(r"2024-0[67]-\d\dT23:00:00\+00:00").all()
    assert winter.Date.str.fullmatch(r"2024-01-\d\dT00:00:00\+00:00").all()
    assert (searches.Latitude == "").mean() < 0.1
    assert ((searches.Type == "Vehicle search") <= (searches.Gender == "")).all()
