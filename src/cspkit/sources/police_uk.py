"""data.police.uk street-level crime, outcomes and stop-and-search files.

Files are monthly per force (``2024-01-cleveland-street.csv``), alone, gzipped or inside the
archive data.police.uk serves. Anti-social behaviour rows become ``police_asb`` incidents and
are never counted as crime; every other row is a ``police_crime`` incident.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cspkit.errors import LoadError
from cspkit.sources.base import (
    ParsedFile,
    SourceKind,
    TableRows,
    check_months,
    check_not_null,
    has_columns,
    read_csv_strings,
    require_columns,
    slugify,
    to_float,
)
from cspkit.sources.files import Header, RawFile

STREET_COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
OUTCOME_COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Outcome type",
)
STOP_SEARCH_COLUMNS = (
    "Type", "Date", "Part of a policing operation", "Policing operation", "Latitude",
    "Longitude", "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity",
    "Legislation", "Object of search", "Outcome", "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)
ASB_CATEGORY = "Anti-social behaviour"

_FILE_NAME = re.compile(r"(\d{4}-\d{2})-(.+)-(street|outcomes|stop-and-search)\.csv$")
_FORCE_WORDS = re.compile(r"\b(police|constabulary|service)\b", re.IGNORECASE)


def _file_month_and_force(raw: RawFile) -> tuple[str | None, str | None]:
    match = _FILE_NAME.search(raw.base_name)
    return (match.group(1), match.group(2)) if match else (None, None)


def _force(raw: RawFile, reported_by: pa.ChunkedArray | None) -> str:
    """The force's data.police.uk slug: from the file name, else from 'Reported by'."""
    _, force = _file_month_and_force(raw)
    if force:
        return force
    names = [n for n in pc.unique(reported_by).to_pylist() if n] if reported_by else []
    if not names:
        raise LoadError("cannot tell which force the file is from", path=raw.name,
                        hint="Keep the data.police.uk file name, e.g. 2024-01-cleveland-street.csv")
    return slugify(_FORCE_WORDS.sub(" ", names[0]))


def _placement_columns(raw: RawFile, t: pa.Table) -> dict[str, pa.ChunkedArray | pa.Array]:
    n = t.num_rows
    nulls = pa.nulls(n, pa.string())
    return {
        "longitude": to_float(raw, t["Longitude"], "Longitude"),
        "latitude": to_float(raw, t["Latitude"], "Latitude"),
        "lsoa_code_published": t["LSOA code"],
        "lsoa_code": nulls,
        "lsoa_assignment": nulls,
        "ward_code": nulls,
        "lad_code": nulls,
    }


def _scopes(force: str, months: list[str]) -> tuple[str, ...]:
    return tuple(f"{force}/{m}" for m in months)


def parse_street(raw: RawFile, header: Header) -> ParsedFile:
    require_columns(raw, header, STREET_COLUMNS, "data.police.uk street file")
    t = read_csv_strings(raw, header)
    months = check_months(raw, t["Month"])
    check_not_null(raw, t["Crime type"], "Crime type")
    force = _force(raw, t["Reported by"])
    n = t.num_rows
    is_asb = pc.equal(t["Crime type"], ASB_CATEGORY)
    # ASB rows carry no Crime ID: give each a stable id from the file content and its line
    # (made only for those rows).
    crime_id = t["Crime ID"]
    no_id = pc.is_null(crime_id).combine_chunks()
    lines = pc.cast(pa.array(np.flatnonzero(no_id.to_numpy(zero_copy_only=False)) + 2),
                    pa.string())
    made_up = pc.binary_join_element_wise(raw.sha256[:16], lines, "-")
    incident_id = pc.replace_with_mask(crime_id.combine_chunks(), no_id, made_up)
    no_flag = pa.nulls(n, pa.bool_())
    data = pa.table({
        "incident_id": incident_id,
        "source": pc.if_else(is_asb, "police_asb", "police_crime"),
        "source_ref": crime_id,
        "month": t["Month"],
        "occurred_at": pa.nulls(n, pa.timestamp("us")),
        "category": t["Crime type"],
        "subcategory": pa.nulls(n, pa.string()),
        "police_force": pa.repeat(force, n),
        "reported_by": t["Reported by"],
        "falls_within": t["Falls within"],
        **_placement_columns(raw, t),
        "location": t["Location"],
        "last_outcome": t["Last outcome category"],
        "flag_domestic": no_flag,
        "flag_alcohol": no_flag,
        "flag_hate": no_flag,
    })
    asb = pc.sum(is_asb).as_py() or 0
    return ParsedFile(
        raw=raw, kind="police_street", dataset="police_street", scopes=_scopes(force, months),
        rows=(TableRows("incident", data),), months=tuple(months),
        notes=(f"{n - asb} crimes, {asb} anti-social behaviour",),
    )


def parse_outcomes(raw: RawFile, header: Header) -> ParsedFile:
    require_columns(raw, header, OUTCOME_COLUMNS, "data.police.uk outcomes file")
    t = read_csv_strings(raw, header)
    months = check_months(raw, t["Month"])
    check_not_null(raw, t["Crime ID"], "Crime ID")
    check_not_null(raw, t["Outcome type"], "Outcome type")
    force = _force(raw, t["Reported by"])
    data = pa.table({
        "crime_id": t["Crime ID"],
        "month": t["Month"],
        "outcome_type": t["Outcome type"],
        "police_force": pa.repeat(force, t.num_rows),
        **_placement_columns(raw, t),
    })
    return ParsedFile(
        raw=raw, kind="police_outcomes", dataset="police_outcomes",
        scopes=_scopes(force, months), rows=(TableRows("outcome", data),), months=tuple(months),
    )


def _bool(values: pa.ChunkedArray) -> pa.ChunkedArray:
    lowered = pc.utf8_lower(values)
    return pc.if_else(
        pc.equal(lowered, "true"), True, pc.if_else(pc.equal(lowered, "false"), False, None)
    )


def parse_stop_search(raw: RawFile, header: Header) -> ParsedFile:
    required = STOP_SEARCH_COLUMNS[:-1]  # older files lack the clothing column
    require_columns(raw, header, required, "data.police.uk stop-and-search file")
    t = read_csv_strings(raw, header)
    check_not_null(raw, t["Date"], "Date")
    try:
        when = pd.to_datetime(t["Date"].to_pandas(), format="ISO8601", utc=True)
    except (ValueError, TypeError):
        dates = t["Date"].to_pylist()
        for i, value in enumerate(dates):
            try:
                pd.Timestamp(value)
            except ValueError:
                raise LoadError(f"Date is {value!r}, expected an ISO date and time",
                                path=raw.name, line=i + 2) from None
        raise
    file_month, _ = _file_month_and_force(raw)
    if file_month:
        month = pa.repeat(file_month, t.num_rows)
    else:
        local = when.dt.tz_convert("Europe/London")
        month = pa.array(local.dt.strftime("%Y-%m").tolist())
    months = sorted(set(month.to_pylist()))
    force = _force(raw, None) if file_month else _force_from_name_only(raw)
    n = t.num_rows
    clothing = (t["Removal of more than just outer clothing"]
                if "Removal of more than just outer clothing" in t.column_names
                else pa.nulls(n, pa.string()))
    data = pa.table({
        "search_type": t["Type"],
        "occurred_at": pa.array(when.dt.tz_convert(None).astype("datetime64[us]")),
        "month": month,
        "part_of_operation": _bool(t["Part of a policing operation"]),
        "operation_name": t["Policing operation"],
        "latitude": to_float(raw, t["Latitude"], "Latitude"),
        "longitude": to_float(raw, t["Longitude"], "Longitude"),
        "gender": t["Gender"],
        "age_range": t["Age range"],
        "self_defined_ethnicity": t["Self-defined ethnicity"],
        "officer_defined_ethnicity": t["Officer-defined ethnicity"],
        "legislation": t["Legislation"],
        "object_of_search": t["Object of search"],
        "outcome": t["Outcome"],
        "outcome_linked": _bool(t["Outcome linked to object of search"]),
        "removal_of_clothing": _bool(clothing),
        "police_force": pa.repeat(force, n),
    })
    return ParsedFile(
        raw=raw, kind="police_stop_search", dataset="police_stop_search",
        scopes=_scopes(force, months), rows=(TableRows("stop_search", data),),
        months=tuple(months),
    )


def _force_from_name_only(raw: RawFile) -> str:
    raise LoadError(
        "a stop-and-search file has no force column, so its name must say the force",
        path=raw.name,
        hint="Keep the data.police.uk file name, e.g. 2024-01-cleveland-stop-and-search.csv",
    )


KINDS = (
    SourceKind("police_street", "data.police.uk street-level crime and ASB (monthly, per force)",
               lambda h: has_columns(h, "Crime ID", "Month", "Crime type"), parse_street, 50),
    SourceKind("police_outcomes", "data.police.uk outcomes (monthly, per force)",
               lambda h: has_columns(h, "Crime ID", "Month", "Outcome type"), parse_outcomes, 50),
    SourceKind("police_stop_search", "data.police.uk stop and search (monthly, per force)",
               lambda h: has_columns(h, "Type", "Date", "Object of search"),
               parse_stop_search, 50),
)
