"""The fictional force area's reference data, and police.uk and partner files drawn over it.

The reference files (ONS lookups, population, IMD, boundaries) come from the demo borough
generator (:mod:`cspkit.synth`) and are loaded once into a warehouse that each example
copies. Police.uk street files and partner exports are drawn by Hypothesis strategies from
the lookups' codes: 2021 codes of the borough and of its neighbours, 2011 codes (published
before June 2023, some split in 2021), codes of LSOAs beyond the force area that no loaded
lookup holds (rows over the border), and rows with no location at all.

Expected figures are computed with plain SQL (DuckDB) over the written CSV files and the
lookup CSVs, never with cspkit.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from hypothesis import strategies as st

from cspkit.synth import generate_borough
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

FORCE = "Kestrel Vale and Fenmoor Police"
SLUG = "kestrel-fenmoor"
CRIME_TYPES = (
    "Violence and sexual offences", "Anti-social behaviour", "Shoplifting", "Criminal damage "
    "and arson", "Public order", "Other theft", "Burglary", "Vehicle crime", "Drugs",
    "Robbery", "Theft from the person", "Bicycle theft", "Possession of weapons",
    "Other crime",
)
ASB = "Anti-social behaviour"
BEYOND_FORCE = ("E01099001", "E01099002", "W01000123")
"""LSOA codes of neighbouring forces' areas, in no loaded lookup (rows over the border)."""
MONTHS = tuple(f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13))
STREET_COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)


@dataclass(frozen=True)
class World:
    """The reference files, their warehouse, and the codes files may use."""

    folder: Path
    warehouse: Path
    lad: str
    lsoa21: tuple[str, ...]
    """Every 2021 LSOA code of the lookup (the borough and its two neighbours)."""
    lsoa11_split: tuple[str, ...]
    """2011 codes split in 2021 (their children are 2021 codes of one authority)."""
    lads: tuple[str, ...]
    """Every local authority: the borough, its two neighbours and one of a single LSOA."""
    lsoa_lad: tuple[tuple[str, str], ...]
    """(LSOA 2021, local authority) of the lookup."""

    def lsoas_of(self, lad: str) -> list[str]:
        return sorted(lsoa for lsoa, of in self.lsoa_lad if of == lad)

    @property
    def lookup21(self) -> Path:
        return self.folder / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv"

    @property
    def lookup11(self) -> Path:
        return self.folder / "lookups" / "lookup_lsoa11_lsoa21_ltla22.csv"

    def fresh_warehouse(self, folder: Path) -> Path:
        """A copy of the reference warehouse to load drawn files into."""
        path = folder / "warehouse.duckdb"
        shutil.copy(self.warehouse, path)
        return path


TINY_LAD, TINY_WARD = "E06900004", "E05900999"


def build_world(root: Path) -> World:
    """The demo force area's reference files, with one LSOA of a neighbour made into an
    authority of its own (a partnership of one LSOA), loaded into a warehouse."""
    manifest = generate_borough(root / "synth", seed=7, first_month="2025-12",
                                last_month="2025-12")
    folder = root / "reference"
    for part in ("lookups", "population", "imd", "boundaries"):
        shutil.copytree(manifest.out_dir / part, folder / part)
    lookup = folder / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv"
    area = pd.read_csv(lookup, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    change = pd.read_csv(folder / "lookups" / "lookup_lsoa11_lsoa21_ltla22.csv", dtype=str)
    neighbour = area[(area["LAD25CD"] != manifest.borough.code)
                     & ~area["LSOA21CD"].isin(change.loc[change["change_code"] == "S",
                                                         "lsoa21_code"])]
    tiny = area.index == neighbour.index[-1]
    area.loc[tiny, ["WD25CD", "WD25NM", "LAD25CD", "LAD25NM"]] = [
        TINY_WARD, "Wren Quay", TINY_LAD, "Wrenmouth"]
    area.to_csv(lookup, index=False, encoding="utf-8-sig")
    warehouse = root / "reference.duckdb"
    con = connect(warehouse)
    load_paths(con, [folder])
    con.disconnect()
    split = change[change["change_code"] == "S"]
    lad = manifest.borough.code
    return World(
        folder=folder, warehouse=warehouse, lad=lad,
        lsoa21=tuple(sorted(area["LSOA21CD"])),
        lsoa11_split=tuple(sorted(set(split["lsoa11_code"]))),
        lads=tuple(sorted(set(area["LAD25CD"]))),
        lsoa_lad=tuple(zip(area["LSOA21CD"], area["LAD25CD"], strict=True)),
    )


# --- drawing police.uk street files ---------------------------------------------------------

@st.composite
def street_row(draw: st.DrawFn, world: World, month: str,
               crime_types: tuple[str, ...] = CRIME_TYPES) -> dict[str, str]:
    """One street-file row: a crime (with its Crime ID) or ASB (without), somewhere."""
    crime_type = draw(st.sampled_from(crime_types))
    where = draw(st.sampled_from(["2021", "2021", "2021", "2011", "beyond", "none"]))
    code = {"2021": lambda: draw(st.sampled_from(world.lsoa21)),
            "2011": lambda: draw(st.sampled_from(world.lsoa11_split)),
            "beyond": lambda: draw(st.sampled_from(BEYOND_FORCE)),
            "none": lambda: ""}[where]()
    # Drawn from a small range so that a Crime ID published twice (police.uk does, rarely)
    # turns up now and then.
    crime_id = "" if crime_type == ASB else f"{draw(st.integers(0, 2**20)):064x}"
    return {
        "Crime ID": crime_id, "Month": month, "Reported by": FORCE, "Falls within": FORCE,
        # A split 2011 code without a point is placed by best fit; the figures checked are
        # by local authority, which every child of a split shares.
        "Longitude": "" if where == "none" else "-1.800000",
        "Latitude": "" if where == "none" else "53.480000",
        "Location": "No location" if where == "none" else draw(st.sampled_from(
            ["On or near Market Street", "On or near Smith's Yard, Back Lane"])),
        "LSOA code": code, "LSOA name": f"{code} name" if code else "",
        "Crime type": crime_type,
        "Last outcome category": "" if crime_type == ASB else "Under investigation",
        "Context": "",
    }


@st.composite
def street_files(draw: st.DrawFn, world: World, *,
                 months: tuple[str, ...] | frozenset[str] = MONTHS,
                 max_rows: int = 25, crime_types: tuple[str, ...] = CRIME_TYPES,
                 ) -> dict[str, list[dict[str, str]]]:
    """Month → rows for a random subset of ``months`` (the others are gaps, as in archives);
    ``months`` given as a set are all written."""
    chosen = months if isinstance(months, frozenset) else draw(st.lists(
        st.sampled_from(months), min_size=1, max_size=len(months), unique=True))
    return {m: draw(st.lists(street_row(world, m, crime_types), min_size=1, max_size=max_rows))
            for m in sorted(chosen)}


@dataclass(frozen=True)
class Encoding:
    """How a file's bytes are laid out: line ends and an optional byte-order mark."""

    newline: str
    bom: bool


encodings = st.builds(Encoding, newline=st.sampled_from(["\n", "\r\n"]), bom=st.booleans())


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]],
              encoding: Encoding) -> Path:
    """Write rows as CSV with the given line ends and BOM (values quoted when needed)."""
    def cell(value: str) -> str:
        if any(c in value for c in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value
    lines = [",".join(cell(c) for c in columns)]
    lines += [",".join(cell(row[c]) for c in columns) for row in rows]
    text = encoding.newline.join(lines) + encoding.newline
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if encoding.bom else b"") + text.encode("utf-8"))
    return path


def write_street_files(folder: Path, files: dict[str, list[dict[str, str]]],
                       encoding: Encoding) -> list[Path]:
    return [write_csv(folder / month / f"{month}-{SLUG}-street.csv", STREET_COLUMNS, rows,
                      encoding) for month, rows in files.items()]


# --- plain SQL over the written files -------------------------------------------------------

def sql(query: str, **files: Path | list[Path]) -> pd.DataFrame:
    """Run ``query`` with each named file (or list of files) as a view of its CSV text."""
    con = duckdb.connect()
    for name, paths in files.items():
        listed = paths if isinstance(paths, list) else [paths]
        quoted = ", ".join(f"'{p}'" for p in listed)
        con.execute(f"create view {name} as select * from read_csv([{quoted}], "
                    "all_varchar=true, header=true, union_by_name=true)")
    try:
        return con.execute(query).df()
    finally:
        con.close()


def placed_lad_sql(world: World) -> str:
    """SQL: ``code → lad`` for every code a loaded lookup places: 2021 codes, and 2011 codes
    through the 2021 LSOAs they became (the children of a split share one authority)."""
    l21 = f"read_csv('{world.lookup21}', all_varchar=true)"
    l11 = f"read_csv('{world.lookup11}', all_varchar=true)"
    return (f"select LSOA21CD as code, LAD25CD as lad from {l21} union select distinct "
            f"c.lsoa11_code, a.LAD25CD from {l11} c join {l21} a on c.lsoa21_code = "
            f"a.LSOA21CD where c.lsoa11_code not in (select LSOA21CD from {l21})")
