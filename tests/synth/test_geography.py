"""The boundaries tile: LSOAs tile wards, wards tile authorities, neighbours share edges."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import shapely
from libpysal.weights import Rook
from shapely.geometry import shape

from cspkit.synth import BoroughManifest
from tests.synth.readback import read_csv, read_police


@pytest.fixture(scope="module")
def lsoa_features(borough: BoroughManifest) -> pd.DataFrame:
    return _features(borough, "boundaries/lsoa21_kestrel_vale.geojson")


@pytest.fixture(scope="module")
def ward_features(borough: BoroughManifest) -> pd.DataFrame:
    return _features(borough, "boundaries/wards25_kestrel_vale.geojson")


def _features(borough: BoroughManifest, relative: str) -> pd.DataFrame:
    document = json.loads((borough.out_dir / relative).read_text("utf-8"))
    return pd.DataFrame(
        [f["properties"] | {"geometry": shape(f["geometry"])} for f in document["features"]]
    )


def test_borough_has_about_120_lsoas_in_20_wards_and_smaller_neighbours(
    borough: BoroughManifest, lsoa_features: pd.DataFrame
) -> None:
    per_lad = lsoa_features.groupby("lad25_name").size()

    assert borough.lsoa_count == per_lad[borough.borough.name] == 120
    assert borough.ward_count == 20
    assert all(per_lad[n.name] < per_lad[borough.borough.name] for n in borough.neighbours)


def test_lsoa_polygons_are_valid_and_never_overlap(lsoa_features: pd.DataFrame) -> None:
    geometries = list(lsoa_features.geometry)
    union = shapely.union_all(geometries)

    assert all(g.is_valid and not g.is_empty for g in geometries)
    assert sum(g.area for g in geometries) == pytest.approx(union.area, rel=1e-9)
    assert union.geom_type == "Polygon" and not union.interiors


def test_each_ward_is_exactly_the_union_of_its_lsoas(
    lsoa_features: pd.DataFrame, ward_features: pd.DataFrame
) -> None:
    for ward in ward_features.itertuples():
        members = lsoa_features[lsoa_features.ward25_code == ward.ward25_code]
        union = shapely.union_all(list(members.geometry))

        assert ward.geometry.is_valid
        assert len(members) == ward.n_lsoa21
        assert ward.geometry.symmetric_difference(union).area < 1e-12
        assert set(members.lad25_code) == {ward.lad25_code}


def test_wards_and_authorities_are_contiguous(
    lsoa_features: pd.DataFrame, ward_features: pd.DataFrame
) -> None:
    for ward in ward_features.itertuples():
        assert ward.geometry.geom_type == "Polygon"
    for _, members in lsoa_features.groupby("lad25_code"):
        assert shapely.union_all(list(members.geometry)).geom_type == "Polygon"


def test_neighbouring_lsoas_share_edges_so_contiguity_weights_work(
    lsoa_features: pd.DataFrame,
) -> None:
    weights = Rook.from_iterable(list(lsoa_features.geometry))

    assert weights.islands == []
    assert 4.5 < weights.mean_neighbors < 7


def test_lookup_and_boundaries_describe_the_same_areas(
    borough: BoroughManifest, lsoa_features: pd.DataFrame
) -> None:
    lookup = read_csv(borough, "lookups/LSOA21_WD25_LAD25_EW_LU.csv")
    from_file = lookup.set_index("LSOA21CD")[["WD25CD", "WD25NM", "LAD25CD", "LAD25NM"]]
    from_boundaries = lsoa_features.set_index("lsoa21_code")[
        ["ward25_code", "ward25_name", "lad25_code", "lad25_name"]
    ]

    assert from_boundaries.sort_index().to_numpy().tolist() == (
        from_file.sort_index().to_numpy().tolist()
    )


def test_coordinates_are_wgs84_rounded_to_six_places(borough: BoroughManifest) -> None:
    text = (borough.out_dir / "boundaries/lsoa21_kestrel_vale.geojson").read_text("utf-8")
    numbers = re.findall(r"-?\d+\.\d+", text)

    assert '"urn:ogc:def:crs:OGC:1.3:CRS84"' in text
    assert max(len(n.split(".")[1]) for n in numbers) <= 6
    longitudes = [float(n) for n in numbers if float(n) < 0]
    assert min(longitudes) > -2.3
    assert max(longitudes) < -1.5


def test_every_crime_point_lies_in_its_published_lsoa(
    borough: BoroughManifest, lsoa_features: pd.DataFrame
) -> None:
    change = read_csv(borough, "lookups/lookup_lsoa11_lsoa21_ltla22.csv")
    polygon_of = dict(zip(lsoa_features.lsoa21_code, lsoa_features.geometry, strict=True))
    published = {
        code: shapely.union_all([polygon_of[c] for c in group.lsoa21_code])
        for code, group in change.groupby("lsoa11_code")
    } | polygon_of
    street = read_police(borough, "street")
    for code, rows in street.groupby("LSOA code"):
        inside = shapely.contains_xy(
            published[code], rows.Longitude.astype(float), rows.Latitude.astype(float)
        )
        assert inside.all(), code
