"""Partner exports drawn over the reference world: a police crime extract and fire incidents.

Column names come from the built-in mappings themselves, so the exports stay the shape the
mappings read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import shapely
from hypothesis import strategies as st

from cspkit.sources.partner.mapping import PartnerMapping, load_mapping

from .world import ASB, BEYOND_FORCE, CRIME_TYPES, World

EXTRACT = load_mapping("police_crime_extract")
FIRE = load_mapping("fire_incidents")
FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2025, 12, 31)
BAD_REF = "BAD"
"""Reference prefix of rows drawn with an impossible date (they must be rejected)."""
FAR_AWAY = (-0.1276, 51.5072)
"""A point far outside the force area (no loaded LSOA polygon holds it)."""


@dataclass(frozen=True)
class Export:
    """A drawn export: its columns, rows (None = blank cell), and how its bytes are laid out."""

    columns: tuple[str, ...]
    rows: list[dict[str, str | None]]
    encoding: str  # utf-8, utf-8-sig (with a BOM) or cp1252
    newline: str

    def write(self, path: Path) -> Path:
        def cell(value: str | None) -> str:
            if value is None:
                return ""
            if any(c in value for c in ',"\r\n'):
                return '"' + value.replace('"', '""') + '"'
            return value
        lines = [",".join(self.columns)]
        lines += [",".join(cell(r.get(c)) for c in self.columns) for r in self.rows]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((self.newline.join(lines) + self.newline).encode(self.encoding))
        return path

    @property
    def sql_encoding(self) -> str:
        """How DuckDB reads the file back (the only non-ASCII character drawn is é)."""
        return "latin-1" if self.encoding == "cp1252" else "utf-8"


days = st.integers(0, (LAST_DAY - FIRST_DAY).days).map(lambda n: FIRST_DAY + timedelta(n))
times = st.one_of(st.none(), st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23),
                                       st.integers(0, 59)))
locations = st.sampled_from(["On or near High Street", "Café Row, Old Town",
                             'The "Crown", Market Place', None])
layouts = st.tuples(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
                    st.sampled_from(["\n", "\r\n"]))


def _lsoa(draw: st.DrawFn, world: World) -> str | None:
    where = draw(st.sampled_from(["2021", "2021", "2011", "beyond", "none"]))
    return {"2021": lambda: draw(st.sampled_from(world.lsoa21)),
            "2011": lambda: draw(st.sampled_from(world.lsoa11_split)),
            "beyond": lambda: draw(st.sampled_from(BEYOND_FORCE)),
            "none": lambda: None}[where]()


@st.composite
def person(draw: st.DrawFn, world: World) -> dict[str, str | None]:
    return {
        "key": f"{draw(st.integers(0, 2**32)):064x}",
        "age": draw(st.one_of(st.none(), st.integers(0, 120).map(str))),
        "sex": draw(st.sampled_from(["M", "F", "Not known", None])),
        "ethnicity": draw(st.sampled_from(["White British", "Asian or Asian British",
                                           "Not stated", None])),
        "home_lsoa": draw(st.one_of(st.none(), st.sampled_from(world.lsoa21))),
    }


def _person_cells(mapping: PartnerMapping, role: str, who: dict | None) -> dict:
    columns = next(p for p in mapping.person if p.role == role)
    who = who or {}
    return {columns.key: who.get("key"), columns.age: who.get("age"),
            columns.sex: who.get("sex"), columns.ethnicity: who.get("ethnicity"),
            columns.home_lsoa: who.get("home_lsoa")}


@st.composite
def crime_extract(draw: st.DrawFn, world: World) -> Export:
    """A police crime extract: one row per crime and offender, the victim on each row."""
    m, inc = EXTRACT, EXTRACT.incident
    rows: list[dict[str, str | None]] = []
    for number in range(draw(st.integers(1, 15))):
        bad = draw(st.integers(0, 9)) == 0
        with_ref = draw(st.integers(0, 5)) > 0
        ref = f"{BAD_REF}/{number}" if bad else (f"CR/{number}" if with_ref else None)
        day = draw(days)
        incident = {
            inc.id: ref,
            inc.date: "31/02/2025" if bad else day.strftime(inc.date_format or "%Y-%m-%d"),
            inc.time: draw(times),
            inc.category: draw(st.sampled_from([c for c in CRIME_TYPES if c != ASB])),
            inc.subcategory: draw(st.sampled_from(["Common assault", "Other", None])),
            inc.location: draw(locations),
            inc.lsoa: _lsoa(draw, world),
            **{f.column: draw(st.sampled_from(["Y", "N", None])) for f in m.flags.values()},
        }
        victim = draw(st.one_of(st.none(), person(world)))
        offenders = draw(st.lists(person(world), max_size=2)) or [None]
        for offender in offenders:
            rows.append({**incident, **_person_cells(m, "victim", victim),
                         **_person_cells(m, "offender", offender)})
    encoding, newline = draw(layouts)
    return Export(tuple(m.columns()), rows, encoding, newline)


def representative_points(world: World) -> dict[str, tuple[float, float]]:
    """A point inside each LSOA 2021 polygon of the loaded boundaries (shapely, not cspkit)."""
    path = next((world.folder / "boundaries").glob("lsoa21_*.geojson"))
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    out = {}
    for feature in features:
        code = next(v for k, v in feature["properties"].items() if k.lower().startswith(
            "lsoa21") and k.lower().endswith("code"))
        point = shapely.geometry.shape(feature["geometry"]).representative_point()
        out[code] = (round(point.x, 6), round(point.y, 6))
    return out


@st.composite
def fire_incidents(draw: st.DrawFn, points: dict[str, tuple[float, float]]) -> Export:
    """Fire incidents placed by coordinates: inside an LSOA, far outside, or with none."""
    inc = FIRE.incident
    rows = []
    for number in range(draw(st.integers(1, 15))):
        where = draw(st.sampled_from(["lsoa", "lsoa", "far", "none"]))
        lsoa = draw(st.sampled_from(sorted(points))) if where == "lsoa" else None
        lon, lat = points[lsoa] if lsoa else FAR_AWAY if where == "far" else (None, None)
        rows.append({
            inc.id: f"FI{number:05d}",
            inc.date: draw(days).strftime(inc.date_format or "%Y-%m-%d"),
            inc.time: draw(times),
            inc.category: draw(st.sampled_from(list(inc.categories or ["Secondary fire"]))),
            inc.subcategory: draw(st.sampled_from(["Refuse", "Grassland", None])),
            inc.location: draw(locations),
            inc.longitude: None if lon is None else f"{lon:.6f}",
            inc.latitude: None if lat is None else f"{lat:.6f}",
            **{column: draw(st.sampled_from(["Deliberate", "Accidental", None]))
               for column in FIRE.details.values()},
            "expected_lsoa": lsoa,
        })
    encoding, newline = draw(layouts)
    return Export(tuple(FIRE.columns()), rows, encoding, newline)
