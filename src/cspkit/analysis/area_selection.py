"""The area of a problem profile, from the words an analyst types: ward names or codes, LSOA
names or codes, or a GeoJSON polygon drawn around the problem.

Every area must lie in the partnership. Names and codes are matched against the loaded ONS
lookup (:func:`cspkit.analysis.scope.resolve_scope` resolves the partnership); a polygon
selects the partnership's LSOAs whose representative point (a point always inside the LSOA,
:func:`shapely.point_on_surface`) falls inside it, which needs the LSOA
boundaries loaded.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from ibis.backends import BaseBackend
from shapely.geometry import shape

from cspkit.analysis.scope import Scope
from cspkit.analysis.topics import normalise
from cspkit.errors import CspError

POLYGON_SUFFIXES = (".geojson", ".json")
LEVELS = ("lad", "ward", "lsoa")


@dataclass(frozen=True)
class AreaSelection:
    """The areas a profile covers.

    Attributes
    ----------
    codes
        Ward, LSOA (or local authority) codes, as :meth:`~cspkit.analysis.scope.Scope.within`
        takes them; a polygon contributes the codes of the LSOAs it selected.
    names
        The areas as readers know them (ward and LSOA names; the polygon file's name).
    lsoa_codes
        Every LSOA 2021 selected.
    polygons
        The polygon files used, if any.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    lsoa_codes: tuple[str, ...]
    polygons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The areas in a heading: "Kestrel Central", "A, B and C"."""
        if len(self.names) == 1:
            return self.names[0]
        return ", ".join(self.names[:-1]) + " and " + self.names[-1]


def _places(lsoas: pd.DataFrame) -> pd.DataFrame:
    """One row per local authority, ward and LSOA of the partnership: ``level``, ``code``,
    ``name``, ``lsoa_code`` (each member LSOA)."""
    parts = [lsoas.assign(level=level, code=lsoas[f"{level}_code"], name=lsoas[f"{level}_name"])
             for level in LEVELS]
    return pd.concat(parts, ignore_index=True)[["level", "code", "name", "lsoa_code"]]


def _match(places: pd.DataFrame, text: str) -> pd.DataFrame:
    key = normalise(text)
    return places[(places["code"].str.casefold() == key)
                  | (places["name"].map(lambda n: normalise(str(n))) == key)]


def _outside(con: BaseBackend, text: str) -> str | None:
    """The local authority of an area named by ``text`` outside the partnership, if any."""
    area = con.table("area")
    key = text.strip()
    rows = area.filter((area.ward_code == key) | (area.lsoa_code == key)
                       | (area.ward_name.lower() == key.lower())
                       | (area.lsoa_name.lower() == key.lower())).select("lad_name").limit(1)
    found = rows.to_pandas()
    return None if found.empty else str(found["lad_name"].iloc[0])


def _unknown(con: BaseBackend, places: pd.DataFrame, text: str, partnership: str) -> CspError:
    elsewhere = _outside(con, text)
    if elsewhere is not None:
        return CspError(f"area {text!r} is in {elsewhere}, outside the partnership "
                        f"({partnership})",
                        hint="Name wards or LSOAs of the partnership's own areas")
    names = places.loc[places["level"] != "lsoa", "name"].drop_duplicates().tolist()
    candidates = {normalise(str(n)): str(n) for n in names}
    candidates.update({normalise(str(n)): str(n)
                       for n in places.loc[places["level"] == "lsoa", "name"]})
    candidates.update({str(c).casefold(): str(c) for c in places["code"]})
    close = difflib.get_close_matches(normalise(text), list(candidates), n=3, cutoff=0.6)
    guess = (f"; close matches: {', '.join(candidates[c] for c in close)}" if close
             else "")
    return CspError(f"unknown area {text!r}: no ward or LSOA of {partnership} has that name "
                    f"or code{guess}",
                    hint="Give ward or LSOA names or codes (separated by ';' or ','), or a "
                    "GeoJSON polygon file")


def _parts(places: pd.DataFrame, text: str) -> list[str]:
    """A text naming one area, or several separated by ``;`` (or ``,`` when no area's own
    name has a comma there)."""
    if not _match(places, text).empty:
        return [text]
    for separator in (";", ","):
        if separator in text:
            return [p.strip() for p in text.split(separator) if p.strip()]
    return [text]


def is_polygon_file(text: str) -> bool:
    """Whether an area argument names a GeoJSON file rather than an area."""
    return text.strip().casefold().endswith(POLYGON_SUFFIXES)


def read_polygon(path: str | Path) -> shapely.Geometry:
    """The (multi)polygon of a GeoJSON file: a geometry, a Feature or a FeatureCollection
    of polygons, in longitude and latitude (WGS84, as GeoJSON requires).

    Raises
    ------
    CspError
        Naming the file: missing, not JSON, no polygon, or coordinates that are not
        longitude/latitude.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CspError("polygon file not found", path=str(path),
                       hint="Give the path of a GeoJSON file drawn around the problem"
                       ) from None
    except json.JSONDecodeError as exc:
        raise CspError(f"not GeoJSON: {exc.msg}", path=str(path), line=exc.lineno,
                       hint="Export the polygon as GeoJSON") from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or []]
    elif isinstance(data, dict) and data.get("type") == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for geometry in geometries:
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon",
                                                                           "MultiPolygon"):
            kind = geometry.get("type") if isinstance(geometry, dict) else "no geometry"
            raise CspError(f"holds a {kind}, not a Polygon or MultiPolygon", path=str(path),
                           hint="Draw the area as a polygon")
        try:
            shapes.append(shapely.make_valid(shape(geometry)))
        except (ValueError, TypeError, IndexError) as exc:
            raise CspError(f"a polygon cannot be read ({exc})", path=str(path)) from None
    if not shapes:
        raise CspError("holds no polygon", path=str(path), hint="Draw the area as a polygon")
    polygon = shapely.union_all(shapes)
    west, south, east, north = polygon.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise CspError("coordinates are not longitude and latitude", path=str(path),
                       hint="Export the polygon as GeoJSON in WGS84 (EPSG:4326), as GeoJSON "
                       "requires, not in British National Grid")
    return polygon


def _polygon_lsoas(con: BaseBackend, lsoas: pd.DataFrame, path: str) -> list[str]:
    polygon = read_polygon(path)
    boundary = con.table("boundary")
    rows = (boundary.filter(boundary.level == "lsoa21",
                            boundary.code.isin(lsoas["lsoa_code"].tolist()))
            .select("code", "geometry_wkt", "load_id").to_pandas()
            .sort_values(["code", "load_id"]).drop_duplicates("code", keep="last"))
    if rows.empty:
        raise CspError("selecting LSOAs by a polygon needs the LSOA 2021 boundaries, and none "
                       "are loaded for the partnership", path=path,
                       hint="Load them (csp fetch reference, then csp load), or name wards "
                       "or LSOAs instead")
    points = shapely.point_on_surface(shapely.from_wkt(rows["geometry_wkt"].to_numpy()))
    inside = rows.loc[shapely.covers(polygon, points), "code"].tolist()
    if not inside:
        raise CspError("the polygon holds no LSOA of the partnership (no LSOA's "
                       "representative point falls inside it)", path=path,
                       hint="Check it is drawn over the partnership's area, or draw it larger")
    return sorted(inside)


def select_areas(con: BaseBackend, specs: str | Sequence[str], *,
                 within: Scope) -> AreaSelection:
    """Resolve what an analyst typed to areas of the partnership.

    Parameters
    ----------
    con
        Warehouse backend (the ONS lookup loaded; the LSOA boundaries for a polygon).
    specs
        Each a ward or LSOA name or code (several separated by ``;`` or ``,``), or the path
        of a GeoJSON polygon file (``.geojson`` or ``.json``).
    within
        The partnership (:func:`~cspkit.analysis.scope.resolve_scope`).

    Returns
    -------
    AreaSelection

    Raises
    ------
    CspError
        One line naming the area not found (with close matches), an area outside the
        partnership, or a polygon problem.
    """
    specs = [specs] if isinstance(specs, str) else list(specs)
    partnership = within
    label = " and ".join(partnership.names)
    places = _places(partnership.lsoas)
    codes: list[str] = []
    names: list[str] = []
    lsoas: list[str] = []
    polygons: list[str] = []
    for spec in (s.strip() for s in specs if s.strip()):
        if is_polygon_file(spec):
            inside = _polygon_lsoas(con, partnership.lsoas, spec)
            codes += inside
            lsoas += inside
            polygons.append(spec)
            names.append(f"the area drawn as {Path(spec).stem.replace('_', ' ')}")
            continue
        for part in _parts(places, spec):
            found = _match(places, part)
            if found.empty:
                raise _unknown(con, places, part, label)
            first = found.iloc[0]
            hit = found[(found["level"] == first["level"]) & (found["code"] == first["code"])]
            codes.append(str(first["code"]))
            names.append(str(first["name"]))
            lsoas += hit["lsoa_code"].tolist()
    if not codes:
        raise CspError("no area given", hint="Name wards or LSOAs, or give a GeoJSON polygon")
    return AreaSelection(codes=tuple(dict.fromkeys(codes)), names=tuple(dict.fromkeys(names)),
                         lsoa_codes=tuple(sorted(set(lsoas))), polygons=tuple(polygons))
