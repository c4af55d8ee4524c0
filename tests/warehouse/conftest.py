"""Small hand-made files in the real formats, for loader tests that do not need real data.

A made-up force ``testshire`` polices two made-up authorities: LAD E06999001 (wards W1, W2,
LSOAs A1, A2, A3) and LAD E06999002 (ward W3, LSOA B1). 2011 LSOA X11 split into A2 and A3
in 2021 (A2 is the west half of a square, A3 the east half); M11 and N11 merged into B1.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from cspkit.sources.police_uk import OUTCOME_COLUMNS, STOP_SEARCH_COLUMNS, STREET_COLUMNS

LSOAS = {  # code: (name, ward, ward name, lad, lad name, polygon (lon, lat) square corner)
    "E01999001": ("Testton 001A", "E05999001", "Alpha", "E06999001", "Testton", (0.0, 50.0)),
    "E01999002": ("Testton 001B", "E05999002", "Beta", "E06999001", "Testton", (0.1, 50.0)),
    "E01999003": ("Testton 001C", "E05999002", "Beta", "E06999001", "Testton", (0.15, 50.0)),
    "E01999004": ("Otherby 001A", "E05999003", "Gamma", "E06999002", "Otherby", (0.3, 50.0)),
}
A1, A2, A3, B1 = LSOAS
X11 = "E01998001"  # split into A2 (west) and A3 (east)
M11, N11 = "E01998002", "E01998003"  # merged into B1


def write_csv(path: Path, header: list[str] | tuple[str, ...], rows: list[list],
              *, gz: bool = False, bom: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        path.write_bytes(gzip.compress(data.encode("utf-8"), mtime=0))
    else:
        path.write_text(data, encoding="utf-8")
    return path


def street_row(month: str, lsoa: str, crime_type: str, n: int, *, lon: float = 0.05,
               lat: float = 50.05, crime_id: str | None = None) -> list:
    asb = crime_type == "Anti-social behaviour"
    cid = "" if asb else (crime_id or f"{month}-{lsoa}-{crime_type[:3]}-{n:04d}")
    name = LSOAS.get(lsoa, ("Old 001X",))[0]
    return [cid, month, "Testshire Police", "Testshire Police", lon, lat,
            "On or near Test Street", lsoa, name, crime_type,
            "" if asb else "Under investigation", ""]


def street_file(folder: Path, month: str, rows: list[list], *, force: str = "testshire",
                gz: bool = False) -> Path:
    name = f"{month}/{month}-{force}-street.csv" + (".gz" if gz else "")
    return write_csv(folder / name, STREET_COLUMNS, rows, gz=gz)


def outcome_file(folder: Path, month: str, rows: list[list]) -> Path:
    return write_csv(folder / f"{month}/{month}-testshire-outcomes.csv", OUTCOME_COLUMNS, rows)


def stop_search_file(folder: Path, month: str, rows: list[list]) -> Path:
    return write_csv(folder / f"{month}/{month}-testshire-stop-and-search.csv",
                     STOP_SEARCH_COLUMNS, rows)


def area_lookup(folder: Path, *, ward_year: str = "25") -> Path:
    header = ["LSOA21CD", "LSOA21NM", "LSOA21NMW", f"WD{ward_year}CD", f"WD{ward_year}NM",
              f"WD{ward_year}NMW", f"LAD{ward_year}CD", f"LAD{ward_year}NM",
              f"LAD{ward_year}NMW", "ObjectId"]
    rows = [[code, v[0], "", v[1], v[2] if ward_year == "25" else v[2] + " (old)", "", v[3],
             v[4], "", i] for i, (code, v) in enumerate(LSOAS.items(), start=1)]
    return write_csv(folder / f"LSOA21_WD{ward_year}_LAD{ward_year}_LU.csv", header, rows,
                     bom=True)


def change_lookup(folder: Path) -> Path:
    header = ["lsoa11_name", "lsoa11_code", "change_code", "lsoa21_name", "lsoa21_code",
              "ltla22_name", "ltla22_code"]
    rows = [["Testton 001A", A1, "U", "Testton 001A", A1, "Testton", "E06999001"],
            ["Testton 001X", X11, "S", "Testton 001B", A2, "Testton", "E06999001"],
            ["Testton 001X", X11, "S", "Testton 001C", A3, "Testton", "E06999001"],
            ["Otherby 001M", M11, "M", "Otherby 001A", B1, "Otherby", "E06999002"],
            ["Otherby 001N", N11, "M", "Otherby 001A", B1, "Otherby", "E06999002"]]
    return write_csv(folder / "lookup_lsoa11_lsoa21_ltla22.csv", header, rows)


def lsoa_boundaries(folder: Path) -> Path:
    features = []
    for code, (name, ward, ward_name, lad, lad_name, (x, y)) in LSOAS.items():
        width = 0.05 if code in (A2, A3) else 0.1
        ring = [[x, y], [x + width, y], [x + width, y + 0.1], [x, y + 0.1], [x, y]]
        features.append({"type": "Feature", "properties": {
            "lsoa21_name": name, "lsoa21_code": code, "ward25_code": ward,
            "ward25_name": ward_name, "lad25_code": lad, "lad25_name": lad_name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = folder / "lsoa21_test.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def census(folder: Path, residents: dict[str, int] | None = None) -> Path:
    residents = residents or {A1: 1500, A2: 1200, A3: 1800, B1: 1600}
    return write_csv(folder / "census2021_usual_residents_lsoa21.csv",
                     ["lsoa21_code", "total_residents"], [[k, v] for k, v in residents.items()])


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """A folder with the area lookup, the 2011→2021 lookup, boundaries and census."""
    folder = tmp_path / "reference"
    folder.mkdir()
    area_lookup(folder)
    change_lookup(folder)
    lsoa_boundaries(folder)
    census(folder)
    return folder
