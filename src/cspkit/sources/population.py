"""Population: Census 2021 usual residents by LSOA, and mid-year estimates by single year of age.

Mid-year files give ``total_population`` and one column per age ``0 … 89, 90+``; the LSOA
column's name says the geography (``lsoa11_code`` or ``lsoa21_code``). The year comes from
the file name (``population20_…`` or ``…2022…``).
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cspkit.errors import LoadError
from cspkit.sources.base import ParsedFile, SourceKind, TableRows, read_csv_strings, to_int
from cspkit.sources.files import Header, RawFile

OPEN_AGE_MAX = 120
_LSOA = {"lsoa21_code": "lsoa21", "lsoa11_code": "lsoa11", "LSOA21CD": "lsoa21",
         "LSOA11CD": "lsoa11", "LSOA 2021 Code": "lsoa21", "LSOA 2011 Code": "lsoa11"}
_NOMIS_TOTAL = re.compile(r"^Residence type: Total; measures: Value$")
_SEX_AGE = re.compile(r"^([FM])(\d{1,3})(\+?)$")


def _lsoa_column(header: Header) -> str | None:
    return next((c for c in header.columns if c in _LSOA), None)


def _is_census(header: Header) -> bool:
    return header.format == "csv" and _lsoa_column(header) is not None and (
        "total_residents" in header.columns)


def _age_columns(header: Header) -> list[str]:
    return [c for c in header.columns if re.fullmatch(r"\d{1,3}\+?", c)]


def _is_single_year(header: Header) -> bool:
    return (header.format == "csv" and _lsoa_column(header) is not None
            and "total_population" in header.columns and len(_age_columns(header)) >= 80)


def _check_codes(raw: RawFile, codes: pa.ChunkedArray, column: str) -> None:
    if codes.null_count:
        line = codes.to_pylist().index(None) + 2
        raise LoadError(f"{column} is empty", path=raw.name, line=line)


def parse_census(raw: RawFile, header: Header) -> ParsedFile:
    column = _lsoa_column(header)
    t = read_csv_strings(raw, header)
    _check_codes(raw, t[column], column)
    counts = to_int(raw, t["total_residents"], "total_residents")
    n = t.num_rows
    data = pa.table({
        "lsoa_code": t[column],
        "geography": pa.array([_LSOA[column]] * n),
        "year": pa.array([2021] * n, pa.int64()),
        "age_min": pa.array([0] * n, pa.int64()),
        "age_max": pa.array([OPEN_AGE_MAX] * n, pa.int64()),
        "sex": pa.array(["persons"] * n),
        "count": counts,
        "source": pa.array(["census2021"] * n),
    })
    return ParsedFile(
        raw=raw, kind="census2021_residents", dataset="population",
        scopes=(f"census2021:{_LSOA[column]}:2021",), rows=(TableRows("population", data),),
    )


def _year(raw: RawFile) -> int:
    name = raw.base_name
    match = re.search(r"(?<!\d)(20\d\d)(?!\d)", name) or re.search(
        r"population[_-]?(\d\d)(?!\d)", name, flags=re.IGNORECASE)
    if not match:
        raise LoadError(
            "cannot tell the year of this mid-year population estimate",
            path=raw.name,
            hint="Put the year in the file name, e.g. population_2022_lsoa21_syoa.csv",
        )
    year = int(match.group(1))
    return year if year > 1000 else 2000 + year


def _persons_by_age(codes: pa.ChunkedArray, matrix: np.ndarray, age_min: np.ndarray,
                    age_max: np.ndarray, geography: str, year: int,
                    sex: str = "persons") -> pa.Table:
    """Long rows (one per LSOA and age band, LSOA by LSOA) from an LSOA × age matrix.

    Built with Arrow's own kernels (each code taken once per age band, constants repeated),
    never as Python objects: a mid-year file makes over three million rows.
    """
    n, k = matrix.shape
    rows = n * k
    return pa.table({
        "lsoa_code": codes.take(pa.array(np.repeat(np.arange(n, dtype=np.int32), k))),
        "geography": pa.repeat(geography, rows),
        "year": pa.repeat(pa.scalar(year, pa.int64()), rows),
        "age_min": pa.array(np.tile(age_min, n), pa.int64()),
        "age_max": pa.array(np.tile(age_max, n), pa.int64()),
        "sex": pa.repeat(sex, rows),
        "count": pa.array(matrix.reshape(-1), pa.int64()),
        "source": pa.repeat("mid_year_estimate", rows),
    })


def parse_single_year(raw: RawFile, header: Header) -> ParsedFile:
    column = _lsoa_column(header)
    geography = _LSOA[column]
    year = _year(raw)
    t = read_csv_strings(raw, header)
    _check_codes(raw, t[column], column)
    ages = _age_columns(header)
    matrix = np.column_stack([to_int(raw, t[a], a).to_numpy(zero_copy_only=False)
                              for a in ages])
    totals = to_int(raw, t["total_population"], "total_population").to_numpy(
        zero_copy_only=False)
    mismatch = np.flatnonzero(matrix.sum(axis=1) != totals)
    if mismatch.size:
        line = int(mismatch[0]) + 2
        raise LoadError(f"ages add up to {int(matrix[mismatch[0]].sum())} but "
                        f"total_population is {int(totals[mismatch[0]])}",
                        path=raw.name, line=line)
    age_min = np.array([int(a.rstrip("+")) for a in ages])
    age_max = np.array([OPEN_AGE_MAX if a.endswith("+") else int(a) for a in ages])
    n = matrix.shape[0]
    data = _persons_by_age(t[column], matrix, age_min, age_max, geography, year)
    return ParsedFile(
        raw=raw, kind="mid_year_population_single_year", dataset="population",
        scopes=(f"mid_year_estimate:{geography}:{year}",), rows=(TableRows("population", data),),
        notes=(f"mid-{year}, {n} LSOAs ({geography}), ages {ages[0]}…{ages[-1]}",),
    )



def _nomis_total(header: Header) -> str | None:
    return next((c for c in header.columns if _NOMIS_TOTAL.match(c)), None)


def _is_nomis_ts001(header: Header) -> bool:
    return (header.format == "csv" and "geography code" in header.columns
            and _nomis_total(header) is not None)


def parse_nomis_ts001(raw: RawFile, header: Header) -> ParsedFile:
    """Census 2021 TS001 (usual residents) as downloaded from Nomis, LSOA rows only."""
    t = read_csv_strings(raw, header)
    codes = t["geography code"]
    _check_codes(raw, codes, "geography code")
    keep = pc.match_substring_regex(codes, r"^[EW]01\d{6}$")
    t = t.filter(keep)
    if t.num_rows == 0:
        raise LoadError("no LSOA rows (codes like E01…) in this Census table", path=raw.name,
                        hint="Download TS001 at the Lower layer Super Output Area level")
    n = t.num_rows
    data = pa.table({
        "lsoa_code": t["geography code"],
        "geography": pa.array(["lsoa21"] * n),
        "year": pa.array([2021] * n, pa.int64()),
        "age_min": pa.array([0] * n, pa.int64()),
        "age_max": pa.array([OPEN_AGE_MAX] * n, pa.int64()),
        "sex": pa.array(["persons"] * n),
        "count": to_int(raw, t[_nomis_total(header)], _nomis_total(header)),
        "source": pa.array(["census2021"] * n),
    })
    return ParsedFile(
        raw=raw, kind="census2021_ts001", dataset="population",
        scopes=("census2021:lsoa21:2021",), rows=(TableRows("population", data),),
    )


def _sex_age_columns(header: Header) -> list[str]:
    return [c for c in header.columns if _SEX_AGE.match(c)]


def _is_sex_by_age(header: Header) -> bool:
    return (header.format == "csv" and _lsoa_column(header) is not None
            and len(_sex_age_columns(header)) >= 160)


def parse_sex_by_age(raw: RawFile, header: Header) -> ParsedFile:
    """ONS small-area estimates by sex and single year (F0 … F90, M0 … M90).

    Stored as persons (female + male) per single year of age, the form every analysis
    uses, and as female and male rows per single year (``sex`` = ``female``, ``male``), the
    margins survey weighting rakes to.
    """
    column = _lsoa_column(header)
    geography = _LSOA[column]
    year = _year(raw)
    t = read_csv_strings(raw, header)
    _check_codes(raw, t[column], column)
    by_sex: dict[str, dict[int, np.ndarray]] = {"F": {}, "M": {}}
    open_ended = 0
    for name in _sex_age_columns(header):
        match = _SEX_AGE.match(name)
        age = int(match.group(2))
        open_ended = max(open_ended, age)
        counts = to_int(raw, t[name], name).to_numpy(zero_copy_only=False)
        by_sex[match.group(1)][age] = by_sex[match.group(1)].get(age, 0) + counts
    ages = sorted(set(by_sex["F"]) | set(by_sex["M"]))
    n = t.num_rows
    female = np.column_stack([by_sex["F"].get(a, np.zeros(n, np.int64)) for a in ages])
    male = np.column_stack([by_sex["M"].get(a, np.zeros(n, np.int64)) for a in ages])
    age_min = np.array(ages)
    age_max = np.array([OPEN_AGE_MAX if a == open_ended else a for a in ages])
    data = pa.concat_tables([
        _persons_by_age(t[column], matrix, age_min, age_max, geography, year, sex)
        for matrix, sex in ((female + male, "persons"), (female, "female"), (male, "male"))])
    return ParsedFile(
        raw=raw, kind="mid_year_population_sex_age", dataset="population",
        scopes=(f"mid_year_estimate:{geography}:{year}",), rows=(TableRows("population", data),),
        notes=(f"mid-{year}, {n} LSOAs ({geography}), by sex and single year",),
    )


KINDS = (
    SourceKind("census2021_residents", "Census 2021 usual residents by LSOA",
               _is_census, parse_census, 20),
    SourceKind("mid_year_population", "ONS mid-year population estimates by single year of age",
               _is_single_year, parse_single_year, 20),
    SourceKind("mid_year_population_sex_age", "ONS mid-year estimates by sex and single year",
               _is_sex_by_age, parse_sex_by_age, 20),
    SourceKind("census2021_ts001", "Census 2021 TS001 usual residents (Nomis download)",
               _is_nomis_ts001, parse_nomis_ts001, 20),
)
