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

from cspkit.errors import LoadError
from cspkit.sources.base import ParsedFile, SourceKind, TableRows, read_csv_strings, slugify
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
    frame = read_csv_strings(raw, header).to_pandas()
    if frame[lsoa_column].isna().any():
        line = int(frame[lsoa_column].isna().to_numpy().argmax()) + 2
        raise LoadError(f"{lsoa_column} is empty", path=raw.name, line=line)
    measures = _measure_columns(header)
    if _INDICATOR_SIGNATURE in header.columns:
        variant = "indicators"
        measures = {c: (c, "score") for c in header.columns if c != lsoa_column}
    else:
        variant = ",".join(sorted({d for d, _ in measures.values()}))
    long_parts = []
    for domain in dict.fromkeys(d for d, _ in measures.values()):
        part = pd.DataFrame({"lsoa_code": frame[lsoa_column]})
        for measure in ("score", "rank", "decile"):
            column = next((c for c, dm in measures.items() if dm == (domain, measure)), None)
            part[measure] = _numbers(raw, frame, column) if column else None
        part["domain"] = domain
        long_parts.append(part)
    long = pd.concat(long_parts, ignore_index=True)
    data = pa.table({
        "lsoa_code": pa.array(long["lsoa_code"], pa.string()),
        "geography": pa.array([geography] * len(long), pa.string()),
        "edition": pa.array([edition] * len(long), pa.string()),
        "domain": pa.array(long["domain"], pa.string()),
        "score": pa.array(long["score"], pa.float64(), from_pandas=True),
        "rank": pa.array(long["rank"], pa.float64(), from_pandas=True).cast(pa.int64()),
        "decile": pa.array(long["decile"], pa.float64(), from_pandas=True).cast(pa.int64()),
    })
    return ParsedFile(
        raw=raw, kind=f"deprivation_{edition.lower()}", dataset="deprivation",
        scopes=(f"{edition}:{variant}",), rows=(TableRows("deprivation", data),),
        notes=(f"{len(measures)} columns, {frame.shape[0]} LSOAs ({geography})",),
    )


def _numbers(raw: RawFile, frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        line = int(bad.to_numpy().argmax()) + 2
        raise LoadError(f"{column} is {frame[column].iloc[line - 2]!r}, expected a number",
                        path=raw.name, line=line)
    return values


KINDS = (
    SourceKind("deprivation", "English Indices of Deprivation (IoD2025, IoD2019) by LSOA",
               _is_deprivation, parse_deprivation, 20),
)
