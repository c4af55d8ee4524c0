"""Postcodes: normalising them, and the ONS postcode → OA → LSOA → MSOA → LAD lookup.

Two ONS products are recognised by their header (any case) and loaded as the ``postcode``
reference table:

- the "PCD to OA (2021) to LSOA to MSOA to LAD" best-fit lookup
  (``PCD_OA21_LSOA21_MSOA21_LAD_<MMMYY>_UK_LU.csv``): ``pcd7, pcd8, pcds, dointr, doterm,
  usertype, oa21cd, lsoa21cd, msoa21cd, ladcd, lsoa21nm, msoa21nm, ladnm, ladnmw``;
- the ONS Postcode Directory (ONSPD) and the National Statistics Postcode Lookup (NSPL):
  ``pcd, pcd2, pcds, dointr, doterm, …, oa21, lsoa21, msoa21, …`` with the authority in
  ``oslaua`` (ONSPD), ``laua`` (NSPL) or ``ladYYcd`` (newer NSPL).

A file needs a postcode column (``pcds``, else ``pcd8``, ``pcd7`` or ``pcd``) and a 2021
LSOA column (``lsoa21cd`` or ``lsoa21``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cspkit.errors import LoadError
from cspkit.sources.base import ParsedFile, SourceKind, TableRows, read_csv_strings
from cspkit.sources.files import Header, RawFile, read_header, read_path

# The shapes of UK postcodes (outward code, then a digit and two letters).
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(value: str | None) -> str | None:
    """``"ts1 1aa"``, ``"TS11AA"`` → ``"TS1 1AA"``; ``None`` when it is not a postcode.

    Examples
    --------
    >>> normalise_postcode(" ts18  1aa "), normalise_postcode("not known")
    ('TS18 1AA', None)
    """
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    match = POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


class PostcodeIndex(Mapping[str, str]):
    """Postcode → LSOA 2021, held compactly: the national lookup has 2.7 million postcodes,
    which as a Python dict would take over half a gigabyte.

    Examples
    --------
    >>> index = PostcodeIndex(["TS1 1AA", "AB1 2CD"], ["E01000002", "E01000001"])
    >>> index.get("TS1 1AA"), index.get("ZZ9 9ZZ"), len(index)
    ('E01000002', None, 2)
    """

    def __init__(self, postcodes: list[str] | np.ndarray, lsoas: list[str] | np.ndarray) -> None:
        keys = np.asarray(postcodes, dtype=object).astype("S8")
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._lsoas = np.asarray(lsoas, dtype=object).astype("S9")[order]

    def __getitem__(self, postcode: str) -> str:
        key = postcode.encode("ascii", "replace")
        i = int(np.searchsorted(self._keys, key))
        if i < len(self._keys) and self._keys[i] == key and len(postcode) <= 8:
            return self._lsoas[i].decode("ascii")
        raise KeyError(postcode)

    def __iter__(self) -> Iterator[str]:
        return (k.decode("ascii") for k in self._keys)

    def __len__(self) -> int:
        return len(self._keys)


# Each column of the ``postcode`` table, and the names the ONS products give it, preferred first.
_COLUMN_NAMES = {
    "postcode": ("pcds", "pcd8", "pcd7", "pcd"),
    "oa_code": ("oa21cd", "oa21"),
    "lsoa_code": ("lsoa21cd", "lsoa21"),
    "msoa_code": ("msoa21cd", "msoa21"),
    "lad_code": ("ladcd", "oslaua", "laua"),
    "terminated": ("doterm",),
}
_LAD_WITH_YEAR = re.compile(r"^lad\d\dcd$")


def _columns(header: Header) -> dict[str, str] | None:
    """Table column → file column, or ``None`` when the header is not a postcode lookup."""
    if header.format != "csv":
        return None
    lower = {c.lower(): c for c in header.columns}
    found = {name: next(lower[c] for c in names if c in lower)
             for name, names in _COLUMN_NAMES.items() if any(c in lower for c in names)}
    if "lad_code" not in found:
        dated = sorted(c for c in lower if _LAD_WITH_YEAR.match(c))
        if dated:
            found["lad_code"] = lower[dated[-1]]
    return found if {"postcode", "lsoa_code"} <= set(found) else None


def parse_postcode_lookup(raw: RawFile, header: Header) -> ParsedFile:
    columns = _columns(header)
    assert columns is not None
    t = read_csv_strings(raw, header)
    n = t.num_rows
    missing = pc.is_null(t[columns["postcode"]])
    if pc.any(missing).as_py():
        line = int(pc.index(missing, True).as_py()) + 2
        raise LoadError(f"{columns['postcode']} is empty", path=raw.name, line=line,
                        hint="Use the ONS postcode to OA/LSOA/MSOA/LAD lookup as published")
    postcodes = [normalise_postcode(p) or p for p in t[columns["postcode"]].to_pylist()]
    nulls = pa.nulls(n, pa.string())
    data = pa.table({
        "postcode": pa.array(postcodes, pa.string()),
        **{name: (t[columns[name]] if name in columns else nulls)
           for name in ("oa_code", "lsoa_code", "msoa_code", "lad_code", "terminated")},
    })
    return ParsedFile(raw=raw, kind="ons_postcode_lookup", dataset="postcode",
                      scopes=("postcode",), rows=(TableRows("postcode", data),),
                      notes=(f"{n} postcodes",))


def read_postcode_lookup(path: Path) -> PostcodeIndex:
    """Postcode → LSOA 2021 from an ONS lookup file (for pseudonymising outside a warehouse).

    Raises
    ------
    LoadError
        When the file is not an ONS postcode lookup (no postcode and 2021 LSOA columns).
    """
    raw = read_path(Path(path))[0]
    header = read_header(raw)
    if _columns(header) is None:
        raise LoadError("not an ONS postcode lookup: the header has no postcode (pcds) and "
                        "2021 LSOA (lsoa21cd) columns",
                        path=str(path), line=1,
                        hint="Use the ONS PCD to OA21/LSOA21/MSOA21/LAD best-fit lookup")
    parsed = parse_postcode_lookup(raw, header).rows[0].data.filter(
        pc.is_valid(pc.field("lsoa_code")))
    return PostcodeIndex(parsed["postcode"].to_numpy(zero_copy_only=False),
                         parsed["lsoa_code"].to_numpy(zero_copy_only=False))


KINDS = (
    SourceKind("ons_postcode_lookup", "ONS postcode → OA → LSOA 2021 → MSOA → LAD lookup",
               lambda h: _columns(h) is not None, parse_postcode_lookup, 10),
)
