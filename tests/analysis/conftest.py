"""A tiny hand-made warehouse: two local authorities, six LSOAs, two-month periods.

Every figure the analysis tests pin is worked out by hand (or by a direct formula) from the
counts below, never taken from the functions' own output.

Layout (LSOA squares on a unit grid, x to the right, y up)::

    y=1   L3 (South)  L4 (South)
    y=0   L1 (North)  L2 (North)  L5 (East)     L9 (Otherton) at x=5

Testborough (E06000901) = wards North (L1, L2), South (L3, L4), East (L5);
Otherton (E06000902) = ward West (L9).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest

from cspkit.warehouse import connect
from cspkit.warehouse.schema import TABLES

LAD = "E06000901"
OTHER_LAD = "E06000902"
L1, L2, L3, L4, L5, L9 = (f"E0100000{i}" for i in (1, 2, 3, 4, 5, 9))
NORTH, SOUTH, EAST, WEST = "E05000901", "E05000902", "E05000903", "E05000904"

AREAS = [
    (L1, "Testborough 001A", NORTH, "North", LAD, "Testborough"),
    (L2, "Testborough 001B", NORTH, "North", LAD, "Testborough"),
    (L3, "Testborough 002A", SOUTH, "South", LAD, "Testborough"),
    (L4, "Testborough 002B", SOUTH, "South", LAD, "Testborough"),
    (L5, "Testborough 003A", EAST, "East", LAD, "Testborough"),
    (L9, "Otherton 001A", WEST, "West", OTHER_LAD, "Otherton"),
]
GRID = {L1: (0, 0), L2: (1, 0), L5: (2, 0), L3: (0, 1), L4: (1, 1), L9: (5, 0)}
RESIDENTS = {L1: 1000, L2: 1500, L3: 2000, L4: 500, L5: 1000, L9: 1200}

CURRENT = ("2025-01", "2025-02")
PREVIOUS = ("2024-11", "2024-12")

# (period, lsoa, source, category, count); each count is split over the period's two months,
# the first month taking the odd one.
COUNTS = [
    ("current", L1, "police_crime", "Burglary", 10),
    ("current", L1, "police_crime", "Violence and sexual offences", 20),
    ("current", L2, "police_crime", "Shoplifting", 6),
    ("current", L3, "police_crime", "Violence and sexual offences", 4),
    ("current", L3, "police_crime", "Burglary", 2),
    ("current", L4, "police_crime", "Criminal damage and arson", 8),
    ("current", L9, "police_crime", "Violence and sexual offences", 7),
    ("current", L1, "police_asb", "Anti-social behaviour", 5),
    ("previous", L1, "police_crime", "Burglary", 4),
    ("previous", L1, "police_crime", "Violence and sexual offences", 16),
    ("previous", L2, "police_crime", "Shoplifting", 6),
    ("previous", L3, "police_crime", "Violence and sexual offences", 10),
    ("previous", L3, "police_crime", "Burglary", 2),
    ("previous", L4, "police_crime", "Criminal damage and arson", 2),
    ("previous", L2, "police_asb", "Anti-social behaviour", 4),
]


def insert(con, table: str, rows: list[dict]) -> None:
    """Insert rows (dicts of some columns) into a canonical table; other columns are null."""
    columns = TABLES[table].column_names
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    nullable = {"int64": "Int64", "boolean": "boolean"}
    con.insert(table, frame.astype({
        c.name: nullable.get(c.dtype, TABLES[table].schema[c.name].to_pandas())
        for c in TABLES[table].columns
    }))


def incident_rows(counts=COUNTS, months=None, load_id=1) -> list[dict]:
    months = months or {"current": CURRENT, "previous": PREVIOUS}
    lsoa = {a[0]: a for a in AREAS}
    ids = itertools.count(1)
    rows = []
    for which, code, source, category, n in counts:
        first, second = months[which]
        for k in range(n):
            i = next(ids)
            crime_id = f"crime{i:05d}" if source == "police_crime" else None
            rows.append(
                {
                    "incident_id": crime_id or f"asb{i:05d}",
                    "source": source,
                    "source_ref": crime_id,
                    "month": first if k < (n + 1) // 2 else second,
                    "category": category,
                    "police_force": "testshire",
                    "lsoa_code": code,
                    "ward_code": lsoa[code][2],
                    "lad_code": lsoa[code][4],
                    "last_outcome": "Under investigation" if crime_id else None,
                    "load_id": load_id,
                }
            )
    return rows


def square_wkt(x: float, y: float) -> str:
    return f"POLYGON(({x} {y}, {x + 1} {y}, {x + 1} {y + 1}, {x} {y + 1}, {x} {y}))"


def build_tiny(path: Path):
    con = connect(path)
    insert(con, "area", [
        dict(zip(["lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code", "lad_name"],
                 a, strict=True), vintage="WD25", load_id=2)
        for a in AREAS
    ])
    insert(con, "population", [
        {"lsoa_code": code, "geography": "lsoa21", "year": 2021, "age_min": 0, "age_max": 120,
         "sex": "persons", "count": n, "source": "census2021", "load_id": 3}
        for code, n in RESIDENTS.items()
    ])
    insert(con, "boundary", [
        {"level": "lsoa21", "code": code, "name": code, "geometry_wkt": square_wkt(*xy),
         "load_id": 4}
        for code, xy in GRID.items()
    ])
    insert(con, "incident", incident_rows())
    return con


@pytest.fixture
def tiny(tmp_path):
    """The tiny warehouse (an Ibis DuckDB backend), fresh for each test."""
    con = build_tiny(tmp_path / "tiny.duckdb")
    yield con
    con.disconnect()
