"""The fictional force area: LSOAs that tile wards that tile three local authorities.

The plane is laid out in km around a centre point, tiled by Voronoi cells (one per LSOA),
grouped into contiguous wards, MSOAs and authorities, then moved to lon/lat and rounded to
6 decimal places like the real boundary files. Neighbouring LSOAs share exact vertices, so
rook and queen contiguity both work on the written polygons.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, Polygon

from cspkit.synth import tiling
from cspkit.synth.names import (
    AUTHORITIES,
    BOROUGH,
    LSOA11_SPLIT_CODE_PREFIX,
    LSOA21_CODE_PREFIX,
    NEIGHBOURS,
    WARD_CODE_PREFIX,
)

CENTRE_LON, CENTRE_LAT = -1.9, 53.4
_KM_PER_DEG_LAT = 110.57
_KM_PER_DEG_LON = 111.32 * np.cos(np.radians(CENTRE_LAT))

# Points of interest (km from the centre). Towns pull population density (smaller LSOAs);
# the roles drive crime and deprivation later.
FENMOOR, BRACKENHOLT = NEIGHBOURS
TOWN_CENTRES = {
    BOROUGH.code: (0.0, 1.0),
    FENMOOR.code: (-16.0, 1.0),
    BRACKENHOLT.code: (16.0, -1.0),
}
ESTATES = ((3.0, -2.5), (-4.0, 3.5), (-15.0, -1.8), (17.5, 2.2))
STUDENT_QUARTER = (-1.6, -0.9)
# Gaussian bumps of relative population density: (x, y, sigma km, height).
_DENSITY_BUMPS = (
    (0.0, 1.0, 3.0, 40.0),
    (4.5, -3.5, 1.8, 12.0),
    (-16.0, 1.0, 2.2, 25.0),
    (16.0, -1.0, 2.2, 22.0),
)
# The borough is the middle strip between these west and east edges (km), which wander with
# latitude so the authority boundaries are not straight lines.
_WEST_EDGE_KM, _EAST_EDGE_KM = -9.0, 10.0
_BOUNDARY_WIGGLE_KM = 1.6
_SPLITS_PER_AUTHORITY = {BOROUGH.code: 4, FENMOOR.code: 1}


@dataclass(frozen=True)
class Geography:
    """The drawn force area.

    Attributes
    ----------
    lsoas
        One row per 2021 LSOA: ``lsoa21_code, lsoa21_name, ward_code, ward_name, lad_code,
        lad_name, lsoa11_code, lsoa11_name, change_code, x, y, area_km2, density, role,
        geometry`` (geometry in lon/lat, rounded to 6 dp). ``lsoa11_*`` is what police.uk
        publishes before June 2023 (the parent code for split LSOAs).
    wards
        One row per ward: ``ward_code, ward_name, lad_code, lad_name, n_lsoa21, geometry``.
    """

    lsoas: pd.DataFrame
    wards: pd.DataFrame

    @property
    def town_centre_ward(self) -> str:
        """Ward code of the borough's town centre."""
        rows = self.lsoas[(self.lsoas.role == "town_centre_core")]
        return str(rows[rows.lad_code == BOROUGH.code].ward_code.iloc[0])


def build_geography(rng: np.random.Generator) -> Geography:
    """Draw the LSOAs, wards and authorities of the force area."""
    outline = tiling.force_outline(rng, half_width=24.0, half_height=12.0)
    seeds, authority_of = _seeds(rng, outline)
    cells = tiling.voronoi_cells(seeds, outline)
    neighbours = tiling.adjacency(cells)
    authority_of = tiling.make_contiguous(authority_of, neighbours)

    lad_index = {a.code: i for i, a in enumerate(AUTHORITIES)}
    frame = pd.DataFrame(
        {
            "x": seeds[:, 0],
            "y": seeds[:, 1],
            "lad_code": [AUTHORITIES[i].code for i in authority_of],
            "lad_name": [AUTHORITIES[i].name for i in authority_of],
            "area_km2": [c.area for c in cells],
            "density": _density(seeds),
        }
    )
    frame["role"] = _roles(frame, cells, neighbours)
    ward_of, msoa_of = np.zeros(len(frame), int), np.zeros(len(frame), int)
    for authority in AUTHORITIES:
        members = frame.index[frame.lad_code == authority.code].tolist()
        wards = tiling.grow_groups(rng, members, seeds, neighbours, authority.n_ward)
        msoas = tiling.grow_groups(rng, members, seeds, neighbours, max(1, len(members) // 5))
        offset = lad_index[authority.code] * 100
        for m in members:
            ward_of[m] = offset + wards[m]
            msoa_of[m] = offset + msoas[m]
    frame["ward_key"], frame["msoa_key"] = ward_of, msoa_of
    frame = _name_wards(frame)
    frame = _name_lsoas(rng, frame, neighbours)
    frame["geometry"] = [_to_lonlat(c) for c in cells]
    frame = frame.sort_values("lsoa21_code", ignore_index=True)
    frame = frame.drop(columns=["ward_key", "msoa_key"])
    return Geography(lsoas=frame, wards=_ward_table(frame))


def _seeds(rng: np.random.Generator, outline: Polygon) -> tuple[np.ndarray, np.ndarray]:
    phases = rng.uniform(0, 2 * np.pi, size=len(AUTHORITIES))
    minx, miny, maxx, maxy = outline.bounds
    seeds, owners = [], []
    for i, authority in enumerate(AUTHORITIES):
        candidates = np.empty((0, 2))
        while len(candidates) < 4 * authority.n_lsoa:
            xy = rng.uniform([minx, miny], [maxx, maxy], size=(4000, 2))
            keep = shapely.contains_xy(outline, xy[:, 0], xy[:, 1])
            keep &= _authority_at(xy, phases) == i
            keep &= rng.uniform(size=len(xy)) < _density(xy) / _density(xy).max()
            candidates = np.concatenate([candidates, xy[keep]])
        candidates = candidates[: 4 * authority.n_lsoa]
        spacing = 1.0 / np.sqrt(_density(candidates))
        seeds.append(tiling.spread_points(rng, candidates, spacing, authority.n_lsoa))
        owners.append(np.full(authority.n_lsoa, i))
    return np.concatenate(seeds), np.concatenate(owners)


def _authority_at(xy: np.ndarray, phases: np.ndarray) -> np.ndarray:
    """Index into AUTHORITIES of the strip each point falls in (west, middle, east)."""
    west_edge = _WEST_EDGE_KM + _BOUNDARY_WIGGLE_KM * np.sin(xy[:, 1] / 3.0 + phases[0])
    east_edge = _EAST_EDGE_KM + _BOUNDARY_WIGGLE_KM * np.sin(xy[:, 1] / 3.5 + phases[1])
    strip = np.zeros(len(xy), dtype=int)
    strip[xy[:, 0] < west_edge] = 1
    strip[xy[:, 0] >= east_edge] = 2
    return strip


def _density(xy: np.ndarray) -> np.ndarray:
    """Relative residential density (1 = open country)."""
    density = np.ones(len(xy))
    for x, y, sigma, height in _DENSITY_BUMPS:
        density += height * np.exp(-((xy[:, 0] - x) ** 2 + (xy[:, 1] - y) ** 2) / (2 * sigma**2))
    return density


def _roles(frame: pd.DataFrame, cells: list[Polygon], neighbours: list[set[int]]) -> list[str]:
    """Label the cells at and around the points of interest."""
    roles = ["" for _ in cells]
    xy = frame[["x", "y"]].to_numpy()

    def nearest(point: tuple[float, float], k: int) -> np.ndarray:
        return np.argsort(np.hypot(*(xy - np.array(point)).T), kind="stable")[:k]

    for point in ESTATES:
        for i in nearest(point, 3):
            roles[i] = "estate"
    for i in nearest(STUDENT_QUARTER, 2):
        roles[i] = "student"
    for lad_code, point in TOWN_CENTRES.items():
        core = next(i for i, c in enumerate(cells) if c.covers(Point(point)))
        ring = neighbours[core] if lad_code == BOROUGH.code else set()
        for i in ring:
            if frame.lad_code[i] == lad_code:
                roles[i] = "town_centre"
        roles[core] = "town_centre_core"
    return roles


def _name_wards(frame: pd.DataFrame) -> pd.DataFrame:
    """Name wards (town-centre ward first, then outwards) and code them alphabetically."""
    ward_name: dict[int, str] = {}
    for authority in AUTHORITIES:
        rows = frame[frame.lad_code == authority.code]
        centroids = rows.groupby("ward_key")[["x", "y"]].mean()
        core = rows[rows.role == "town_centre_core"].ward_key.iloc[0]
        distance = np.hypot(*(centroids.to_numpy() - centroids.loc[core].to_numpy()).T)
        order = centroids.index[np.argsort(distance, kind="stable")]
        ward_name.update(zip(order, authority.ward_names, strict=True))
    frame = frame.assign(ward_name=frame.ward_key.map(ward_name))
    ward_code: dict[int, str] = {}
    number = 1
    for authority in AUTHORITIES:
        rows = frame[frame.lad_code == authority.code]
        for key, _ in sorted(
            rows.groupby("ward_key").ward_name.first().items(), key=lambda kv: kv[1]
        ):
            ward_code[key] = f"{WARD_CODE_PREFIX}{number:05d}"
            number += 1
    return frame.assign(ward_code=frame.ward_key.map(ward_code))


def _name_lsoas(
    rng: np.random.Generator, frame: pd.DataFrame, neighbours: list[set[int]]
) -> pd.DataFrame:
    """ONS-style names and codes, with a few 2011 LSOAs split in two in 2021.

    MSOAs are numbered north to south within each authority (as ONS roughly does); LSOAs
    take letters within their MSOA. A split 2011 LSOA keeps its letter for the 2011 code
    (``E0191…``) and its two 2021 halves take the next free letters, as in real splits.
    """
    frame = frame.copy()
    split_pairs = _choose_splits(rng, frame, neighbours)
    split_partner = {a: b for a, b in split_pairs} | {b: a for a, b in split_pairs}
    names21: dict[int, str] = {}
    names11: dict[int, str] = {}
    for authority in AUTHORITIES:
        rows = frame[frame.lad_code == authority.code]
        msoa_y = rows.groupby("msoa_key").y.mean().sort_values(ascending=False, kind="stable")
        for number, key in enumerate(msoa_y.index, start=1):
            members = rows[rows.msoa_key == key].sort_values("y", ascending=False, kind="stable")
            units: list[list[int]] = []
            for m in members.index:
                partner = split_partner.get(m)
                if partner is None:
                    units.append([m])
                elif m < partner:
                    units.append([m, partner])
            letters = iter(string.ascii_uppercase)
            prefix = f"{authority.name} {number:03d}"
            for unit in units:
                letter = next(letters)
                for m in unit:
                    names11[m] = f"{prefix}{letter}"
            for unit in units:
                for m in unit:
                    names21[m] = names11[m] if len(unit) == 1 else f"{prefix}{next(letters)}"
    frame["lsoa21_name"] = frame.index.map(names21)
    frame["lsoa11_name"] = frame.index.map(names11)
    frame["change_code"] = ["S" if i in split_partner else "U" for i in frame.index]
    lad_order = {a.code: i for i, a in enumerate(AUTHORITIES)}
    frame["_lad_order"] = frame.lad_code.map(lad_order)
    frame["_split"] = frame.change_code == "S"
    # Split halves got new codes after the unchanged ones, as in the real 2021 release.
    ordered = frame.sort_values(["_split", "_lad_order", "lsoa21_name"], kind="stable")
    frame.loc[ordered.index, "lsoa21_code"] = [
        f"{LSOA21_CODE_PREFIX}{i:05d}" for i in range(1, len(frame) + 1)
    ]
    parents = ordered[ordered.change_code == "S"].lsoa11_name.drop_duplicates().tolist()
    parent_code = {
        name: f"{LSOA11_SPLIT_CODE_PREFIX}{i:04d}" for i, name in enumerate(parents, start=1)
    }
    frame["lsoa11_code"] = [
        parent_code[n] if c == "S" else code
        for n, c, code in zip(frame.lsoa11_name, frame.change_code, frame.lsoa21_code, strict=True)
    ]
    return frame.drop(columns=["_lad_order", "_split"])


def _choose_splits(
    rng: np.random.Generator, frame: pd.DataFrame, neighbours: list[set[int]]
) -> list[tuple[int, int]]:
    """Pairs of adjacent LSOAs (same ward and MSOA) that were one LSOA in 2011."""
    pairs: list[tuple[int, int]] = []
    for lad_code, wanted in _SPLITS_PER_AUTHORITY.items():
        candidates = [
            (a, b)
            for a in frame.index[frame.lad_code == lad_code]
            for b in sorted(neighbours[a])
            if a < b
            and frame.ward_key[a] == frame.ward_key[b]
            and frame.msoa_key[a] == frame.msoa_key[b]
        ]
        used_msoas: set[int] = set()
        for k in rng.permutation(len(candidates)):
            a, b = candidates[k]
            if frame.msoa_key[a] not in used_msoas and len(used_msoas) < wanted:
                pairs.append((int(a), int(b)))
                used_msoas.add(frame.msoa_key[a])
    return pairs


def _ward_table(lsoas: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for code, group in lsoas.groupby("ward_code", sort=True):
        rows.append(
            {
                "ward_code": code,
                "ward_name": group.ward_name.iloc[0],
                "lad_code": group.lad_code.iloc[0],
                "lad_name": group.lad_name.iloc[0],
                "n_lsoa21": len(group),
                "geometry": _rounded(shapely.union_all(list(group.geometry))),
            }
        )
    return pd.DataFrame(rows)


def km_to_lonlat(xy: np.ndarray) -> np.ndarray:
    """Kilometres from the centre → lon/lat (equirectangular, fine at borough scale)."""
    xy = np.asarray(xy, dtype=float)
    return np.column_stack(
        [CENTRE_LON + xy[:, 0] / _KM_PER_DEG_LON, CENTRE_LAT + xy[:, 1] / _KM_PER_DEG_LAT]
    )


def round6(values: np.ndarray) -> np.ndarray:
    """Round to 6 dp, correctly (Python's decimal rounding), so written text is short."""
    flat = [round(float(v), 6) for v in np.asarray(values).ravel()]
    return np.array(flat).reshape(np.shape(values))


def _to_lonlat(cell: Polygon) -> Polygon:
    return _rounded(shapely.transform(cell, km_to_lonlat))


def _rounded(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, round6)
