"""Published count tables for peer comparison: counts by area × month × crime type.

Two shapes are read: by local authority (``month, force_file_slug, lad25_code, lad25_name,
crime_type, n``) and by force (``month, force_file_slug, falls_within, crime_type, n``), with
the inventory of which force-month files they were built from (``file_inventory.csv``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from cspkit.sources.base import (
    ParsedFile,
    SourceKind,
    TableRows,
    check_months,
    has_columns,
    read_csv_strings,
    to_int,
)
from cspkit.sources.files import Header, RawFile


def _lad_code_column(header: Header) -> str | None:
    return next((c for c in header.columns if c.startswith("lad") and c.endswith("_code")), None)


def parse_lad_counts(raw: RawFile, header: Header) -> ParsedFile:
    code = _lad_code_column(header)
    t = read_csv_strings(raw, header)
    months = check_months(raw, t["month"], "month")
    data = pa.table({
        "month": t["month"],
        "area_level": pa.array(["lad"] * t.num_rows),
        "area_code": t[code],
        "area_name": t[code.replace("_code", "_name")],
        "police_force": t["force_file_slug"],
        "crime_type": t["crime_type"],
        "count": to_int(raw, t["n"], "n"),
    })
    return ParsedFile(
        raw=raw, kind="published_lad_counts", dataset="area_crime_count",
        scopes=("lad",), rows=(TableRows("area_crime_count", data),), months=tuple(months),
    )


def parse_force_counts(raw: RawFile, header: Header) -> ParsedFile:
    t = read_csv_strings(raw, header)
    months = check_months(raw, t["month"], "month")
    data = pa.table({
        "month": t["month"],
        "area_level": pa.array(["force"] * t.num_rows),
        "area_code": t["force_file_slug"],
        "area_name": t["falls_within"],
        "police_force": t["force_file_slug"],
        "crime_type": t["crime_type"],
        "count": to_int(raw, t["n"], "n"),
    })
    return ParsedFile(
        raw=raw, kind="published_force_counts", dataset="area_crime_count",
        scopes=("force",), rows=(TableRows("area_crime_count", data),), months=tuple(months),
    )


def parse_inventory(raw: RawFile, header: Header) -> ParsedFile:
    t = read_csv_strings(raw, header)
    months = check_months(raw, t["month"], "month")
    rows = to_int(raw, t["rows"], "rows") if "rows" in t.column_names else pa.nulls(
        t.num_rows, pa.int64())
    data = pa.table({
        "month": t["month"],
        "police_force": t["force_file_slug"],
        "status": pc.fill_null(t["status"], "unknown"),
        "rows": rows,
    })
    return ParsedFile(
        raw=raw, kind="published_counts_inventory", dataset="source_inventory",
        scopes=("inventory",), rows=(TableRows("source_inventory", data),), months=tuple(months),
    )


KINDS = (
    SourceKind("published_lad_counts", "counts by local authority × month × crime type",
               lambda h: has_columns(h, "month", "force_file_slug", "crime_type", "n")
               and _lad_code_column(h) is not None, parse_lad_counts, 30),
    SourceKind("published_force_counts", "counts by force × month × crime type",
               lambda h: has_columns(h, "month", "force_file_slug", "falls_within",
                                     "crime_type", "n"), parse_force_counts, 30),
    SourceKind("published_counts_inventory", "inventory of the force-month files behind counts",
               lambda h: has_columns(h, "month", "force_file_slug", "status"),
               parse_inventory, 30),
)
