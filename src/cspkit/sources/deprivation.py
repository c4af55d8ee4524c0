"""English Indices of Deprivation (MHCLG), any edition, as published or in common wide copies.

Recognised headers: the official files (``LSOA code (2021)``, ``Income Score (rate)``,
``Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)`` …), wide copies
(``lsoa21_code, IMD_decile, Income_rank, Crime_score`` …) and the indicator tables
(``income_domain_numerator`` …). Everything becomes long rows of (LSOA, edition, domain,
score, rank, decile).
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cspkit.errors import LoadError
from cspkit.sources.base import (
    ParsedFile,
    SourceKind,
    TableRows,
    check_not_null,
    read_csv_strings,
    slugify,
)
from cspkit.sources.files import Header, RawFile

_LSOA_COLUMNS = {
    "lsoa21_code": "lsoa21", "LSOA code (2021)": "lsoa21", "LSOA21CD": "lsoa21",
    "lsoa11_code": "lsoa11", "LSOA code (2011)": "lsoa11", "LSOA11CD": "lsoa11",
}
_MEASURE = re.compile(
    r"^(?P<domain>.+?)[ _](?P<measure>score|rank|decile)\b.*$", flags=re.IGNORECASE
)
_INDICATOR_SIGNATURE = "income_domain_numerator"
# Domain labels as published, in the order they must be tested (children before income).
_DOMAINS = (
    ("multiple deprivation", "imd"), ("imd", "imd"),
    ("affecting children", "idaci"), ("affecting older", "idaopi"),
    ("income", "income"), ("employment", "employment"), ("education", "education"),
    ("health", "health"), ("crime", "crime"), ("housing", "housing"),
    ("environment", "environment"),
)
_SUBDOMAIN_HINTS = ("children_and_young", "adult_skills", "geographical", "wider_barriers",
                    "indoors", "outdoors")


def _lsoa_column(header: Header) -> str | None:
    return next((c for c in header.columns if c in _LSOA_COLUMNS), None)


def _measure_columns(header: Header) -> dict[str, tuple[str, str]]:
    """Column → (domain, measure) for every score/rank/decile column."""
    found = {}
    for column in header.columns:
        match = _MEASURE.match(column)
        if match and column not in _LSOA_COLUMNS:
            found[column] = (_domain(match.group("domain")), match.group("measure").lower())
    return found


def _domain(label: str) -> str:
    lowered = label.lower().replace("_", " ")
    if any(h.replace("_", " ") in lowered for h in _SUBDOMAIN_HINTS):
        return slugify(label).replace("-", "_")
    for needle, name in _DOMAINS:
        if needle in lowered:
            return name
    return slugify(label).replace("-", "_")


def _is_deprivation(header: Header) -> bool:
    if header.format != "csv" or _lsoa_column(header) is None:
        return False
    if _INDICATOR_SIGNATURE in header.columns:
        return True
    domains = {d for d, _ in _measure_columns(header).values()}
    return "imd" in domains or bool(domains & {"income", "children_and_young_people"})


def _edition(raw: RawFile, geography: str) -> str:
    match = re.search(r"(?:iod|imd)[ _-]?(20\d\d)", raw.base_name, flags=re.IGNORECASE)
    if match:
        return f"IoD{match.group(1)}"
    return "IoD2025" if geography == "lsoa21" else "IoD2019"


def parse_deprivation(raw: RawFile, header: Header) -> ParsedFile:
    lsoa_column = _lsoa_column(header)
    geography = _LSOA_COLUMNS[lsoa_column]
    edition = _edition(raw, geography)
    t = read_csv_strings(raw, header)
    codes = t[lsoa_column]
    check_not_null(raw, codes, lsoa_column)
    measures = _measure_columns(header)
    if _INDICATOR_SIGNATURE in header.columns:
        variant = "indicators"
        measures = {c: (c, "score") for c in header.columns if c != lsoa_column}
    else:
        variant = ",".join(sorted({d for d, _ in measures.values()}))
    n = t.num_rows
    parts = []
    for domain in dict.fromkeys(d for d, _ in measures.values()):
        values = {}
        for measure in ("score", "rank", "decile"):
            column = next((c for c, dm in measures.items() if dm == (domain, measure)), None)
            values[measure] = (_numbers(raw, t[column], column) if column
                               else pa.nulls(n, pa.float64()))
        parts.append(pa.table({
            "lsoa_code": codes,
            "geography": pa.repeat(geography, n),
            "edition": pa.repeat(edition, n),
            "domain": pa.repeat(domain, n),
            "score": values["score"],
            "rank": values["rank"].cast(pa.int64()),
            "decile": values["decile"].cast(pa.int64()),
        }))
    data = pa.concat_tables(parts)
    return ParsedFile(
        raw=raw, kind=f"deprivation_{edition.lower()}", dataset="deprivation",
        scopes=(f"{edition}:{variant}",), rows=(TableRows("deprivation", data),),
        notes=(f"{len(measures)} columns, {n} LSOAs ({geography})",),
    )


def _numbers(raw: RawFile, values: pa.ChunkedArray, column: str) -> pa.ChunkedArray:
    """A column's text as float64 (empty is null); a value that is not a number names its
    line. Arrow reads the numbers; anything it cannot (or reads as NaN) goes through
    pandas' reading, which says which value is wrong."""
    try:
        numbers = pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        numbers = None
    if numbers is None or pc.any(pc.is_nan(numbers)).as_py():
        return pa.chunked_array([_numbers_by_pandas(raw, values.to_pandas(), column)])
    return numbers


def _numbers_by_pandas(raw: RawFile, text: pd.Series, column: str) -> pa.Array:
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna()
    if bad.any():
        line = int(bad.to_numpy().argmax()) + 2
        raise LoadError(f"{column} is {text.iloc[line - 2]!r}, expected a number",
                        path=raw.name, line=line)
    return pa.array(values, pa.float64(), from_pandas=True)


KINDS = (
    SourceKind("deprivation", "English Indices of Deprivation (IoD2025, IoD2019) by LSOA",
               _is_deprivation, parse_deprivation, 20),
)
