"""ONS Standard Area Measurements (SAM) for local authority districts.

The ONS publishes, for each local authority district of a given vintage, four flat
measurements in hectares to 2 decimal places (the CSV inside the SAM release on the Open
Geography Portal): ``AREAEHECT`` (total extent), ``AREACHECT`` (to mean high water),
``AREAIHECT`` (inland water) and ``AREALHECT`` (land: to mean high water less inland water).
The code column is ``LADyyCD`` (``LAD21CD``, ``LAD24CD`` …), beside ``LADyyNM`` and, in UK
files, ``LADyyNMW``. The land area gives the population density used in most similar
groups (:func:`cspkit.analysis.national.lad_characteristics`).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from cspkit.errors import LoadError
from cspkit.sources.base import (
    ParsedFile,
    SourceKind,
    TableRows,
    check_not_null,
    first_failing_line,
    read_csv_strings,
    to_float,
)
from cspkit.sources.files import Header, RawFile

_CODE = re.compile(r"^LAD(\d\d)CD$", flags=re.IGNORECASE)
LAND = "AREALHECT"
MEASURES = {"AREAEHECT": "total_hectares", "AREACHECT": "coast_hectares",
            "AREAIHECT": "inland_water_hectares", LAND: "land_hectares"}


def _code_column(header: Header) -> str | None:
    return next((c for c in header.columns if _CODE.match(c)), None)


def _is_sam(header: Header) -> bool:
    upper = {c.upper() for c in header.columns}
    return header.format == "csv" and LAND in upper and _code_column(header) is not None


def parse_area_measures(raw: RawFile, header: Header) -> ParsedFile:
    code = _code_column(header)
    year = 2000 + int(_CODE.match(code).group(1))
    by_upper = {c.upper(): c for c in header.columns}
    name = by_upper.get(f"LAD{year % 100:02d}NM")
    table = read_csv_strings(raw, header)
    codes = pc.utf8_trim_whitespace(table[code])
    check_not_null(raw, codes, code)
    line = first_failing_line(pc.invert(pc.match_substring_regex(codes, r"^[EWSN]\d{8}$")))
    if line is not None:
        raise LoadError(f"{code} is {codes[line - 2].as_py()!r}, expected a 9-character GSS "
                        "code such as E06000001", path=raw.name, line=line)
    seen: dict[str, int] = {}
    for line, value in enumerate(codes.to_pylist(), start=2):
        if value in seen:
            raise LoadError(f"{code} {value} appears twice (lines {seen[value]} and {line})",
                            path=raw.name, line=line, hint="A SAM file has one row per authority")
        seen[value] = line
    columns = {"lad_code": codes,
               "lad_name": table[name] if name else pa.nulls(table.num_rows, pa.string()),
               "vintage": pa.array([f"LAD{year % 100:02d}"] * table.num_rows, pa.string())}
    for published, column in MEASURES.items():
        if published not in by_upper:
            columns[column] = pa.nulls(table.num_rows, pa.float64())
            continue
        values = to_float(raw, table[by_upper[published]], by_upper[published])
        if published == LAND:
            check_not_null(raw, values, by_upper[published])
        line = first_failing_line(pc.less(values, 0))
        if line is not None:
            raise LoadError(f"{by_upper[published]} is {values[line - 2].as_py()}, an area "
                            "cannot be negative", path=raw.name, line=line)
        columns[column] = values
    data = pa.table(columns)
    return ParsedFile(
        raw=raw, kind="ons_standard_area_measurements", dataset="area_measure",
        scopes=("lad",), rows=(TableRows("area_measure", data),), version=str(year),
        notes=(f"{data.num_rows} local authority districts ({code})",),
    )


KINDS = (
    SourceKind("ons_standard_area_measurements",
               "ONS Standard Area Measurements (SAM) for local authority districts",
               _is_sam, parse_area_measures, 20),
)
