"""A small national sample: three forces' synthetic archive over 12 local authorities, with
the reference files filtered to those authorities (written to a temporary folder, never to
the project)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from cspkit.national.load import load_archive
from cspkit.synth.national import CENSUS, LOOKUP, month_range, write_national_archive
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

FORCES = ("cleveland", "durham", "northumbria")
LADS = ("E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E06000047",
        "E06000057", "E08000021", "E08000022", "E08000023", "E08000024", "E08000037")
MONTHS = month_range("2025-01", "2025-04")
SCALE = 0.05
GROUP_SIZE = 4


def _filter_csv(source: Path, target: Path, column: str, keep: set[str]) -> Path:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(target, "wt", encoding="utf-8", newline="") as handle:
        frame[frame[column].isin(keep)].to_csv(handle, index=False, lineterminator="\n")
    return target


def reference_sample(shared: Path, out: Path) -> list[Path]:
    """The ONS lookups, Census residents, mid-2020 ages and IMD 2025 of :data:`LADS`."""
    lookup = pd.read_csv(shared / LOOKUP, dtype=str, encoding="utf-8-sig")
    lsoas = set(lookup.loc[lookup["LAD25CD"].isin(LADS), "LSOA21CD"])
    change = shared / "lookups/lookup_lsoa11_lsoa21_ltla22.csv.gz"
    lsoa11 = set(pd.read_csv(change, dtype=str).query("lsoa21_code in @lsoas")["lsoa11_code"])
    return [
        _filter_csv(shared / LOOKUP, out / LOOKUP.name, "LAD25CD", set(LADS)),
        _filter_csv(change, out / change.name, "lsoa21_code", lsoas),
        _filter_csv(shared / CENSUS, out / CENSUS.name, "lsoa21_code", lsoas),
        _filter_csv(shared / "population/population20_lsoa11_syoa.csv.gz",
                    out / "population20_lsoa11_syoa.csv.gz", "lsoa11_code", lsoa11),
        _filter_csv(shared / "imd/imd2025_england_lsoa21.csv.gz",
                    out / "imd2025_england_lsoa21.csv.gz", "lsoa21_code", lsoas),
    ]


@pytest.fixture(scope="session")
def national_sample(tmp_path_factory, shared_data):
    """(archive folder, reference files, DuckDB warehouse with both loaded). Needs the real
    open data (``shared_data``: skipped with its reason on a fresh clone, a failure in CI);
    a shared folder without the all-forces summary is a failure, never a skip."""
    shared = shared_data
    if not (shared / "police-uk/all-forces-summary").exists():
        pytest.fail(f"the all-forces summary is missing from the shared data at {shared}")
    root = tmp_path_factory.mktemp("national")
    archive = root / "archive"
    write_national_archive(archive, shared=shared, months=MONTHS, forces=FORCES, scale=SCALE)
    reference = reference_sample(shared, root / "reference")
    con = connect(root / "national.duckdb")
    load_paths(con, reference)
    load_archive(con, archive)
    yield archive, reference, con
    con.disconnect()
