"""Writing tables and boundaries exactly as the real publishers lay them out."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from cspkit.synth.geography import Geography

CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
ONS_LOOKUP_COLUMNS = (
    "LSOA21CD", "LSOA21NM", "LSOA21NMW", "WD25CD", "WD25NM", "WD25NMW", "LAD25CD", "LAD25NM",
    "LAD25NMW", "ObjectId",
)
LSOA11_LOOKUP_COLUMNS = (
    "lsoa11_name", "lsoa11_code", "change_code", "lsoa21_name", "lsoa21_code", "ltla22_name",
    "ltla22_code",
)


def write_csv(frame: pd.DataFrame, path: Path, *, bom: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV with ``\\n`` line ends (with a BOM, like ONS, if asked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


def ons_lookup(geography: Geography) -> pd.DataFrame:
    """LSOA (2021) → ward (2025) → LAD (2025) best-fit lookup in the ONS layout."""
    lsoas = geography.lsoas
    return pd.DataFrame(
        {
            "LSOA21CD": lsoas.lsoa21_code,
            "LSOA21NM": lsoas.lsoa21_name,
            "LSOA21NMW": "",
            "WD25CD": lsoas.ward_code,
            "WD25NM": lsoas.ward_name,
            "WD25NMW": "",
            "LAD25CD": lsoas.lad_code,
            "LAD25NM": lsoas.lad_name,
            "LAD25NMW": "",
            "ObjectId": range(1, len(lsoas) + 1),
        }
    )[list(ONS_LOOKUP_COLUMNS)]


def lsoa11_lookup(geography: Geography) -> pd.DataFrame:
    """LSOA (2011) → LSOA (2021) → LAD lookup: U for unchanged, S for each half of a split."""
    lsoas = geography.lsoas.sort_values(["lsoa11_code", "lsoa21_code"], ignore_index=True)
    return pd.DataFrame(
        {
            "lsoa11_name": lsoas.lsoa11_name,
            "lsoa11_code": lsoas.lsoa11_code,
            "change_code": lsoas.change_code,
            "lsoa21_name": lsoas.lsoa21_name,
            "lsoa21_code": lsoas.lsoa21_code,
            "ltla22_name": lsoas.lad_name,
            "ltla22_code": lsoas.lad_code,
        }
    )[list(LSOA11_LOOKUP_COLUMNS)]


def write_boundaries(geography: Geography, lsoa_path: Path, ward_path: Path) -> list[Path]:
    """LSOA (MultiPolygon, like the real BSC file) and ward GeoJSON in CRS84 lon/lat."""
    lsoa_features = [
        (
            {
                "lsoa21_name": row.lsoa21_name,
                "lsoa21_code": row.lsoa21_code,
                "ward25_code": row.ward_code,
                "ward25_name": row.ward_name,
                "lad25_code": row.lad_code,
                "lad25_name": row.lad_name,
            },
            MultiPolygon([row.geometry]),
        )
        for row in geography.lsoas.itertuples(index=False)
    ]
    ward_features = [
        (
            {
                "ward25_code": row.ward_code,
                "ward25_name": row.ward_name,
                "lad25_code": row.lad_code,
                "lad25_name": row.lad_name,
                "n_lsoa21": int(row.n_lsoa21),
            },
            row.geometry,
        )
        for row in geography.wards.itertuples(index=False)
    ]
    return [
        _write_geojson(lsoa_path, lsoa_path.stem, lsoa_features),
        _write_geojson(ward_path, ward_path.stem, ward_features),
    ]


def _write_geojson(
    path: Path, name: str, features: list[tuple[dict[str, object], Polygon | MultiPolygon]]
) -> Path:
    document = {
        "type": "FeatureCollection",
        "name": name,
        "crs": CRS84,
        "features": [
            {
                "type": "Feature",
                "properties": properties,
                "geometry": mapping(shapely.orient_polygons(geometry)),
            }
            for properties, geometry in features
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, separators=(",", ":"), ensure_ascii=False), "utf-8")
    return path
