"""A small warehouse for partner loads: the loader tests' made-up areas plus a postcode lookup.

LSOA squares (lon, lat): A1 0.00–0.10, A2 0.10–0.15, A3 0.15–0.20 (all lat 50.0–50.1),
B1 0.30–0.40. Fictional postcodes: ZZ1 1AA → A1, ZZ1 1AB → A2, ZZ2 1AA → B1.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from tests.warehouse.conftest import A1, A2, B1, area_lookup, census, lsoa_boundaries

POSTCODE_HEADER = ["pcd7", "pcd8", "pcds", "dointr", "doterm", "usertype", "oa21cd",
                   "lsoa21cd", "msoa21cd", "ladcd", "lsoa21nm", "msoa21nm", "ladnm", "ladnmw"]
POSTCODES = {"ZZ1 1AA": A1, "ZZ1 1AB": A2, "ZZ2 1AA": B1}
TABLES = ("incident", "person_involvement", "incident_detail", "load_ledger")


def postcode_lookup(folder: Path) -> Path:
    rows = [[pc.replace(" ", "  "), pc, pc, "198001", "", "0", f"E00{i:06d}", lsoa,
             "E02999001", "E06999001", "", "", "", ""]
            for i, (pc, lsoa) in enumerate(POSTCODES.items(), start=1)]
    return write_rows(folder / "PCD_OA21_LSOA21_MSOA21_LAD_TEST.csv", POSTCODE_HEADER, rows)


def write_rows(path: Path, header: list[str], rows: list[list], *,
               encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return path


def pseudonym(label: str) -> str:
    """A stand-in for a person key `csp pseudonymise` writes (64 hex characters)."""
    return hashlib.sha256(label.encode()).hexdigest()


def with_keys(header: list[str], rows: list[list]) -> list[list]:
    """``rows`` with each value of a "… Key" column replaced by its :func:`pseudonym`."""
    keyed = [i for i, c in enumerate(header) if c.endswith(" Key")]
    return [[pseudonym(v) if i in keyed and v else v for i, v in enumerate(row)]
            for row in rows]


def snapshot(con) -> dict[str, list]:
    """Every row of the tables a partner load writes, sorted, for before/after comparison."""
    return {t: sorted(map(str, con.table(t).to_pandas().itertuples(index=False)))
            for t in TABLES}


def reference_warehouse(folder: Path):
    """A new warehouse in ``folder`` with the test areas, boundaries, census and postcodes."""
    reference = folder / "reference"
    reference.mkdir(parents=True)
    area_lookup(reference)
    lsoa_boundaries(reference)
    census(reference)
    postcode_lookup(reference)
    con = connect(folder / "w.duckdb")
    load_paths(con, [reference])
    return con


@pytest.fixture
def warehouse(tmp_path: Path):
    return reference_warehouse(tmp_path)
