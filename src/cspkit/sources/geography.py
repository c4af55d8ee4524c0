"""ONS geography: LSOA → ward → LAD lookups, the LSOA 2011 → 2021 lookup, and boundaries.

Both the ONS originals (``LSOA21CD, WD25CD, LAD25CD …``) and the renamed copies common in
open-data packages (``lsoa21_code, ward24_code, ltla24_code``) are recognised by header.
"""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pyarrow.compute as pc
from shapely.geometry import shape

from cspkit.errors import LoadError
from cspkit.sources.base import (
    ParsedFile,
    SourceKind,
    TableRows,
    check_not_null,
    read_csv_strings,
)
from cspkit.sources.files import Header, RawFile


def _find(header: Header, *patterns: str) -> str | None:
    for pattern in patterns:
        for column in header.columns:
            if re.fullmatch(pattern, column, flags=re.IGNORECASE):
                return column
    return None


def _area_columns(header: Header) -> dict[str, str] | None:
    """Map area fields to the file's columns, or None when it is not an LSOA→ward→LAD lookup."""
    lsoa = _find(header, r"LSOA21CD", r"lsoa21_code")
    ward = _find(header, r"WD\d\dCD", r"ward\d\d_code")
    lad = _find(header, r"LAD\d\dCD", r"ltla\d\d_code", r"lad\d\d_code")
    if header.format != "csv" or not (lsoa and ward and lad):
        return None
    return {
        "lsoa_code": lsoa,
        "lsoa_name": _find(header, r"LSOA21NM", r"lsoa21_name") or lsoa,
        "ward_code": ward,
        "ward_name": _find(header, ward[:4] + "NM", r"ward\d\d_name") or ward,
        "lad_code": lad,
        "lad_name": _find(header, lad[:5] + "NM", r"ltla\d\d_name", r"lad\d\d_name") or lad,
    }


def parse_area_lookup(raw: RawFile, header: Header) -> ParsedFile:
    columns = _area_columns(header)
    assert columns is not None
    t = read_csv_strings(raw, header)
    for field in ("lsoa_code", "ward_code", "lad_code"):
        check_not_null(raw, t[columns[field]], columns[field])
    codes = t[columns["lsoa_code"]]
    if pc.count_distinct(codes).as_py() != t.num_rows:
        counts = pc.value_counts(codes)
        dupe = next(v["values"] for v in counts.to_pylist() if v["counts"] > 1)
        raise LoadError(f"LSOA {dupe} appears more than once; a best-fit lookup has one row "
                        "per LSOA", path=raw.name,
                        hint="Use the ONS best-fit LSOA to ward to LAD lookup")
    vintage = "WD" + re.search(r"\d\d", columns["ward_code"]).group(0)
    data = pa.table({
        **{name: t[column] for name, column in columns.items()},
        "vintage": pa.array([vintage] * t.num_rows),
    })
    return ParsedFile(
        raw=raw, kind="ons_lsoa_ward_lad_lookup", dataset="area", scopes=("lsoa21",),
        rows=(TableRows("area", data),), version=vintage,
    )


def _change_columns(header: Header) -> dict[str, str] | None:
    found = {
        "lsoa11_code": _find(header, r"LSOA11CD", r"lsoa11_code"),
        "lsoa11_name": _find(header, r"LSOA11NM", r"lsoa11_name"),
        "change_code": _find(header, r"CHGIND", r"change_code"),
        "lsoa21_code": _find(header, r"LSOA21CD", r"lsoa21_code"),
        "lsoa21_name": _find(header, r"LSOA21NM", r"lsoa21_name"),
        "lad_code": _find(header, r"LAD\d\dCD", r"ltla\d\d_code"),
    }
    needed = ("lsoa11_code", "change_code", "lsoa21_code")
    if header.format != "csv" or not all(found[k] for k in needed):
        return None
    return found


def parse_lsoa_change(raw: RawFile, header: Header) -> ParsedFile:
    columns = _change_columns(header)
    assert columns is not None
    t = read_csv_strings(raw, header)
    for field in ("lsoa11_code", "change_code", "lsoa21_code"):
        check_not_null(raw, t[columns[field]], columns[field])
    change = t[columns["change_code"]]
    bad = pc.invert(pc.is_in(change, pa.array(["U", "S", "M", "X"])))
    if pc.any(bad).as_py():
        line = int(pc.index(bad, True).as_py()) + 2
        raise LoadError(f"{columns['change_code']} is {change[line - 2].as_py()!r}, expected "
                        "U, S, M or X", path=raw.name, line=line)
    n = t.num_rows
    data = pa.table({
        name: (t[column] if column else pa.nulls(n, pa.string()))
        for name, column in columns.items()
    })
    return ParsedFile(
        raw=raw, kind="ons_lsoa11_lsoa21_lookup", dataset="lsoa_change",
        scopes=("lsoa11-lsoa21",), rows=(TableRows("lsoa_change", data),),
    )


_BOUNDARY_LEVELS = (
    # level, code property patterns, name patterns, parent patterns
    ("lsoa21", (r"lsoa21_code", r"LSOA21CD"), (r"lsoa21_name", r"LSOA21NM"),
     (r"ward\d\d_code", r"WD\d\dCD")),
    ("ward", (r"ward\d\d_code", r"WD\d\dCD"), (r"ward\d\d_name", r"WD\d\dNM"),
     (r"lad\d\d_code", r"LAD\d\dCD", r"ltla\d\d_code")),
)


def _boundary_level(header: Header) -> tuple[str, str, str | None, str | None] | None:
    if header.format != "geojson":
        return None
    for level, code_p, name_p, parent_p in _BOUNDARY_LEVELS:
        code = _find(header, *code_p)
        if code:
            return level, code, _find(header, *name_p), _find(header, *parent_p)
    return None


def parse_boundaries(raw: RawFile, header: Header) -> ParsedFile:
    found = _boundary_level(header)
    assert found is not None
    level, code_key, name_key, parent_key = found
    features = json.loads(raw.text())["features"]
    rows: dict[str, list] = {k: [] for k in ("level", "code", "name", "parent_code",
                                             "geometry_wkt")}
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        code = props.get(code_key)
        if not code:
            raise LoadError(f"feature {number} has no {code_key}", path=raw.name)
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise LoadError(f"feature {number} ({code}) has no valid geometry ({exc})",
                            path=raw.name) from None
        rows["level"].append(level)
        rows["code"].append(code)
        rows["name"].append(props.get(name_key) if name_key else None)
        rows["parent_code"].append(props.get(parent_key) if parent_key else None)
        rows["geometry_wkt"].append(geometry.wkt)
    data = pa.table({k: pa.array(v, pa.string()) for k, v in rows.items()})
    return ParsedFile(
        raw=raw, kind=f"boundary_{level}", dataset="boundary",
        scopes=(f"{level}:{raw.base_name}",), rows=(TableRows("boundary", data),),
    )


KINDS = (
    SourceKind("ons_lsoa_ward_lad_lookup", "ONS LSOA 2021 → ward → LAD best-fit lookup",
               lambda h: _area_columns(h) is not None, parse_area_lookup, 10),
    SourceKind("ons_lsoa11_lsoa21_lookup", "ONS LSOA 2011 → LSOA 2021 lookup",
               lambda h: _change_columns(h) is not None, parse_lsoa_change, 10),
    SourceKind("boundaries", "LSOA 2021 or ward boundaries (GeoJSON, WGS84)",
               lambda h: _boundary_level(h) is not None, parse_boundaries, 20),
)
