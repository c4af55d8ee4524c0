"""What an analyst types for the topic and the area, resolved or refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import mapping, shape

from cspkit.analysis.area_selection import select_areas
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import Scope, resolve_scope
from cspkit.analysis.topics import resolve_topic
from cspkit.errors import CspError
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

BOROUGH = "E06900001"


@pytest.fixture(scope="module")
def con(partner_warehouse):
    con = connect(partner_warehouse, create=False)
    yield con
    con.disconnect()


@pytest.fixture(scope="module")
def partnership(con) -> Scope:
    """Kestrel Vale resolved, as a profile resolves the partnership it selects areas in."""
    return resolve_scope(con, areas=BOROUGH, period=StrategicPeriod("2025-01", "2025-12"))


@pytest.fixture(scope="module")
def lookup(borough) -> pd.DataFrame:
    """The generator's raw ONS lookup, read with pandas (not the warehouse)."""
    path = borough.manifest.out_dir / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv"
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str)


def test_topics_by_crime_type_asb_or_partner_source_in_any_case(con):
    assert resolve_topic(con, "shoplifting").categories == ("Shoplifting",)
    assert resolve_topic(con, "CRIMINAL DAMAGE AND ARSON").name == "Criminal damage and arson"
    for words in ("ASB", "anti-social behaviour", "Antisocial behaviour"):
        topic = resolve_topic(con, words)
        assert (topic.kind, topic.source, topic.categories) == ("asb", "police_asb", None)
    by_code, by_name = (resolve_topic(con, "council_asb"),
                        resolve_topic(con, "ASB reported to the council"))
    assert by_code == by_name and by_code.kind == "partner"
    assert resolve_topic(con, "A&E assault attendances").source == "ae_assault"


def test_an_unknown_topic_is_one_line_with_close_matches(con):
    with pytest.raises(CspError) as error:
        resolve_topic(con, "Shopliftng")
    text = str(error.value)
    assert "unknown topic 'Shopliftng'; close matches: Shoplifting" in text
    assert "\n" not in text and "ASB reported to the council" in text  # the loaded sources


def test_a_partner_source_not_loaded_says_so(borough):
    con = connect(borough.warehouse, create=False)  # police.uk and reference data only
    try:
        with pytest.raises(CspError, match=r"topic 'fire' is partner data that is not loaded"):
            resolve_topic(con, "fire")
    finally:
        con.disconnect()


def test_areas_by_ward_name_or_code_and_lsoa_code(con, lookup, partnership):
    ward = lookup[lookup["WD25NM"] == "Kestrel Central"]
    expected = tuple(sorted(ward["LSOA21CD"]))
    assert select_areas(con, "kestrel central", within=partnership).lsoa_codes == expected
    by_code = select_areas(con, ward["WD25CD"].iloc[0], within=partnership)
    assert by_code.lsoa_codes == expected and by_code.names == ("Kestrel Central",)
    one = select_areas(con, [expected[0]], within=partnership)
    assert one.lsoa_codes == (expected[0],) and one.codes == (expected[0],)


def test_several_areas_and_a_ward_whose_name_has_commas(con, lookup, partnership):
    both = select_areas(con, "Kestrel Central; Curlew Bank", within=partnership)
    assert both.names == ("Kestrel Central", "Curlew Bank")
    wards = lookup[lookup["WD25NM"].isin(["Kestrel Central", "Curlew Bank"])]
    assert both.lsoa_codes == tuple(sorted(wards["LSOA21CD"]))
    assert select_areas(con, ["Kestrel Central", "Curlew Bank"], within=partnership) == both
    commas = select_areas(con, "Copperfold, Stoneby and Ashgill", within=partnership)
    assert commas.names == ("Copperfold, Stoneby and Ashgill",)
    assert len(commas.lsoa_codes) == (lookup["WD25NM"] == commas.names[0]).sum()


def test_an_unknown_area_is_one_line_with_close_matches(con, partnership):
    with pytest.raises(CspError) as error:
        select_areas(con, "Kestrel Centrl", within=partnership)
    assert str(error.value).startswith(
        "unknown area 'Kestrel Centrl': no ward or LSOA of Kestrel Vale has that name or "
        "code; close matches: Kestrel Central")
    assert "\n" not in str(error.value)


def test_an_area_of_a_neighbouring_borough_is_outside_the_partnership(con, lookup,
                                                                      partnership):
    fenmoor = lookup[lookup["LAD25CD"] == "E06900002"].iloc[0]
    with pytest.raises(CspError, match=f"area '{fenmoor['WD25NM']}' is in Fenmoor, outside "
                                       "the partnership"):
        select_areas(con, fenmoor["WD25NM"], within=partnership)


def write_geojson(path: Path, geometry) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(geometry)}]}),
        encoding="utf-8")
    return path


def test_a_polygon_selects_the_lsoas_whose_point_on_surface_it_holds(con, borough, lookup,
                                                                       partnership, tmp_path):
    # Drawn around one ward's LSOAs from the raw boundary file, slightly shrunk, so every
    # LSOA of the ward has its point inside and no neighbour does.
    raw = json.loads((borough.manifest.out_dir / "boundaries" / "lsoa21_kestrel_vale.geojson")
                     .read_text(encoding="utf-8"))
    ward = lookup[lookup["WD25NM"] == "Curlew Bank"]
    shapes = [shape(f["geometry"]) for f in raw["features"]
              if f["properties"]["lsoa21_code"] in set(ward["LSOA21CD"])]
    drawn = shapely.union_all(shapes).buffer(-0.0005)
    path = write_geojson(tmp_path / "curlew_bank_estate.geojson", drawn)
    selected = select_areas(con, str(path), within=partnership)
    assert selected.lsoa_codes == tuple(sorted(ward["LSOA21CD"]))
    assert selected.polygons == (str(path),)
    assert selected.names == ("the area drawn as curlew bank estate",)


@pytest.mark.parametrize(("content", "message"), [
    (None, "polygon file not found"),
    ("{not json", "not GeoJSON"),
    (json.dumps({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
     "holds a LineString, not a Polygon or MultiPolygon"),
    (json.dumps({"type": "Polygon", "coordinates": [[[445000, 520000], [446000, 520000],
                                                     [446000, 521000], [445000, 520000]]]}),
     "coordinates are not longitude and latitude"),
])
def test_a_bad_polygon_file_is_named_with_what_is_wrong(con, partnership, tmp_path, content,
                                                        message):
    path = tmp_path / "area.geojson"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CspError, match=message) as error:
        select_areas(con, str(path), within=partnership)
    assert str(error.value).startswith(str(path))


def test_a_polygon_needs_the_lsoa_boundaries_loaded(borough, partnership, tmp_path):
    warehouse = tmp_path / "lookup_only.duckdb"
    con = connect(warehouse)
    try:
        load_paths(con, [borough.manifest.out_dir / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv"])
        path = write_geojson(tmp_path / "area.geojson", shapely.box(-2.0, 53.3, -1.8, 53.5))
        with pytest.raises(CspError, match="needs the LSOA 2021 boundaries, and none are "
                                           "loaded"):
            select_areas(con, str(path), within=partnership)
    finally:
        con.disconnect()
