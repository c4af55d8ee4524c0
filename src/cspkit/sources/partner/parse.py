"""Turning one partner export into warehouse rows through its mapping.

Rows whose values cannot be read (an unparseable date or time, a malformed postcode or LSOA
code, a category the mapping does not allow, a flag value it does not know, an impossible
age) are rejected: never loaded, never silently dropped, each listed with its line, column
and value. A row with no location, or a postcode not in the loaded lookup, is loaded and
counted as unplaced. A file whose person keys are not keyed hashes, or whose stored text
holds people's identifiers (:mod:`cspkit.privacy.identifiers`), is refused as a whole.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

import pyarrow as pa

from cspkit.errors import LoadError
from cspkit.privacy.identifiers import describe_findings, identifier_findings, key_problems
from cspkit.sources.base import MONTH_PATTERN, ParsedFile, TableRows
from cspkit.sources.files import RawFile
from cspkit.sources.partner.dates import DateValue, read_date
from cspkit.sources.partner.mapping import PartnerMapping, PersonColumns
from cspkit.sources.partner.postcodes import normalise_postcode
from cspkit.sources.partner.readers import (
    CP1252,
    UTF8,
    ExportTable,
    NeededColumns,
    read_export,
)

LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
_MONTH = re.compile(MONTH_PATTERN)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)(:[0-5]\d(\.\d+)?)?$")
_SEX = {"m": "male", "male": "male", "f": "female", "female": "female"}


@dataclass(frozen=True)
class Reject:
    """One rejected row: where, what, and the value that could not be read; ``month`` is the
    row's month when its date could be read."""

    file: str
    line: int
    column: str
    reason: str
    value: str
    month: str | None = None


@dataclass
class FileStats:
    """What parsing one file found, for the load report."""

    encoding: str = ""
    rows: int = 0
    rejects: list[Reject] = field(default_factory=list)
    # Incidents by how their location was given: lsoa, postcode, postcode_not_found,
    # coordinates, none.
    location: dict[str, int] = field(default_factory=dict)


class _Rejected(Exception):
    def __init__(self, column: str, reason: str, value: str | None) -> None:
        super().__init__(reason)
        self.column, self.reason, self.value = column, reason, value or ""


def _date(value: str | None, column: str, date_format: str | None) -> DateValue:
    if value is None:
        raise _Rejected(column, "date is empty", value)
    try:
        return read_date(value, date_format)
    except ValueError:
        raise _Rejected(column, f"not a date (expected {date_format or 'YYYY-MM-DD'})",
                        value) from None


def _time(value: str | None, column: str) -> time | None:
    if value is None:
        return None
    text = value.split(" ")[-1]  # Excel gives "1899-12-30 14:30:00" for a time cell
    match = _TIME.match(text)
    if not match:
        raise _Rejected(column, "not a time (expected HH:MM)", value)
    return time(int(match.group(1)), int(match.group(2)))


def _flag(value: str | None, column: str, true: list[str], false: list[str]) -> bool | None:
    if value is None:
        return None
    lowered = value.casefold()
    if lowered in (t.casefold() for t in true):
        return True
    if lowered in (f.casefold() for f in false):
        return False
    raise _Rejected(column, f"flag value not in the mapping (true: {true}, false: {false})",
                    value)


def _coordinate(value: str | None, column: str, limit: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise _Rejected(column, "not a number", value) from None
    if math.isnan(number) or abs(number) > limit:
        raise _Rejected(column, f"not a WGS84 coordinate (|value| > {limit:g})", value)
    return number


def _lsoa(value: str | None, column: str) -> str | None:
    if value is None:
        return None
    code = value.upper()
    if not LSOA_CODE.match(code):
        raise _Rejected(column, "not an LSOA code (E01… or W01… and six digits)", value)
    return code


def _age(value: str | None, column: str) -> int | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise _Rejected(column, "not an age in years", value) from None
    if not number.is_integer() or not 0 <= number <= 120:
        raise _Rejected(column, "not an age between 0 and 120", value)
    return int(number)


@dataclass
class _Rows:
    incident: dict[str, list] = field(default_factory=dict)
    person: dict[str, list] = field(default_factory=dict)
    detail: dict[str, list] = field(default_factory=dict)
    postcode: dict[str, list] = field(default_factory=dict)  # held until a lookup places them

    @staticmethod
    def add(target: dict[str, list], **values: object) -> None:
        for name, value in values.items():
            target.setdefault(name, []).append(value)


class ExportParser:
    """Parses exports with one mapping, against the warehouse's postcode lookup.

    Parameters
    ----------
    mapping
        The export's mapping.
    postcodes
        Postcode (ONS ``pcds`` form) → LSOA 2021, from the loaded ``postcode`` table.
    allow_cp1252
        Read a CSV that is not UTF-8 as Windows-1252 even if the mapping does not say so.
    """

    def __init__(self, mapping: PartnerMapping, postcodes: Mapping[str, str],
                 *, allow_cp1252: bool = False) -> None:
        self.mapping = mapping
        self.postcodes = postcodes
        allowed = set(mapping.encodings) | ({CP1252} if allow_cp1252 else set())
        self.encodings = (UTF8, CP1252) if CP1252 in allowed else (UTF8,)
        self.stats: dict[str, FileStats] = {}
        self.needs = NeededColumns(
            tuple(mapping.columns()), f"mapping {mapping.name}",
            "Check that this export is the one the mapping is for, or copy the mapping and "
            "correct its column names")
        # Workbook path → its sheet the mapping reads (None once its error was raised).
        self._workbooks: dict[str, ExportTable | None] = {}
        self._lock = threading.Lock()

    def _read(self, raw: RawFile) -> ExportTable | None:
        """The export in ``raw``; for a sheet of a workbook, the workbook's sheet that holds
        the mapped columns (read once, by the one export reader), ``None`` for the others.
        """
        if not ("!" in raw.name and raw.path.lower().endswith(".xlsx")):
            return read_export(raw.name, raw.data, encodings=self.encodings, needs=self.needs)
        with self._lock:
            first = raw.path not in self._workbooks
            if first:
                self._workbooks[raw.path] = None
                self._workbooks[raw.path] = read_export(
                    raw.path, Path(raw.path).read_bytes(), sheet=self.mapping.sheet,
                    needs=self.needs)
            table = self._workbooks[raw.path]
        if table is None or raw.name != table.name:
            return None
        return table

    def __call__(self, raw: RawFile) -> ParsedFile | None:
        table = self._read(raw)
        if table is None:
            return None
        self._refuse_identifiers(table)
        stats = FileStats(encoding=table.encoding, rows=len(table.rows))
        rows = _Rows()
        seen: set = set()  # incident ids, and (incident id, role, key) of people
        index = {c: i for i, c in enumerate(table.columns)}
        for row, line in zip(table.rows, table.lines, strict=True):
            try:
                self._row(raw, row, line, index, rows, seen, stats)
            except _Rejected as exc:
                stats.rejects.append(Reject(raw.name, line, exc.column, exc.reason, exc.value,
                                            self._month_of(row, index)))
        self.stats[raw.name] = stats
        if not rows.incident:
            first = stats.rejects[0]
            raise LoadError(f"every row was rejected; the first: {first.column} "
                            f"{first.value!r}: {first.reason}", path=raw.name,
                            line=first.line, hint="Check the mapping's columns and formats")
        return self._parsed(raw, table, rows, stats)

    def _refuse_identifiers(self, table: ExportTable) -> None:
        """Refuse an export whose person keys are not keyed hashes, or whose stored text
        holds names, phone numbers, e-mails, dates of birth, postcodes or addresses."""
        m = self.mapping
        recorded = {v.casefold() for v in m.not_recorded}
        keys = {f'column "{p.key}" (the {p.role} key)': [
            v for v in table.column(p.key) if v is None or v.casefold() not in recorded]
            for p in m.person if p.key}
        problems = key_problems(keys)
        text = m.text_columns()
        findings = identifier_findings({c: table.column(c) for c in text},
                                       locations={c for c, where in text.items() if where})
        if findings:
            problems.append(describe_findings(findings))
        if problems:
            raise LoadError(
                "identifiers must not enter the warehouse: " + "; ".join(problems),
                path=table.name, line=table.header_line,
                hint="A person key is the 64-character keyed hash `csp pseudonymise` writes: "
                "have the data owner pseudonymise the export (docs/privacy.md), and leave "
                "columns that identify people out of the mapping")

    def _row(self, raw: RawFile, row: tuple, line: int, index: Mapping[str, int],
             rows: _Rows, seen: set, stats: FileStats) -> None:
        m, inc = self.mapping, self.mapping.incident

        def cell(column: str | None) -> str | None:
            return row[index[column]] if column else None

        month, occurred, clock = self._when(cell)
        category = cell(inc.category) if inc.category else inc.category_value
        if category is None:
            raise _Rejected(inc.category or "", "category is empty", None)
        if inc.categories and category not in inc.categories:
            raise _Rejected(inc.category or "", "category not in the mapping's categories",
                            category)
        lsoa, how, unplaced_postcode = self._place(cell)
        lon = _coordinate(cell(inc.longitude), inc.longitude or "", 180)
        lat = _coordinate(cell(inc.latitude), inc.latitude or "", 90)
        flags = {name: _flag(cell(f.column), f.column, f.true, f.false)
                 for name, f in m.flags.items()}
        people = [self._person(p, cell) for p in m.person]
        ref = cell(inc.id)
        incident_id = f"{m.source}:{ref}" if ref else f"{m.source}:{raw.sha256[:12]}-{line}"
        if how == "none" and lon is not None and lat is not None:
            how = "coordinates"
        if incident_id not in seen:
            seen.add(incident_id)
            stats.location[how] = stats.location.get(how, 0) + 1
            rows.add(rows.incident, incident_id=incident_id, source=m.source, source_ref=ref,
                     month=month, occurred_at=occurred, category=category,
                     subcategory=cell(inc.subcategory), location=cell(inc.location),
                     longitude=lon, latitude=lat, lsoa_code_published=lsoa,
                     flag_domestic=flags.get("domestic"), flag_alcohol=flags.get("alcohol"),
                     flag_hate=flags.get("hate"))
            if unplaced_postcode:
                rows.add(rows.postcode, incident_id=incident_id, source=m.source, month=month,
                         postcode=unplaced_postcode)
            details = {name: cell(column) for name, column in m.details.items()}
            if inc.date and clock is None:
                details["time_known"] = "false"
            for name, value in details.items():
                rows.add(rows.detail, incident_id=incident_id, source=m.source, month=month,
                         name=name, value=value)
        for role, person in zip((p.role for p in m.person), people, strict=True):
            # An extract repeats a crime's victim on each offender's row: a keyed person is
            # added once per incident; people without a key cannot be told apart, so stay.
            once = (incident_id, role, person["person_key"]) if person else None
            if person is not None and (person["person_key"] is None or once not in seen):
                seen.add(once)
                rows.add(rows.person, incident_id=incident_id, source=m.source, month=month,
                         role=role, **person)

    def _when(self, cell: Callable[[str | None], str | None]
              ) -> tuple[str, datetime | None, time | None]:
        """(month, date and time, time of day when recorded) of a row."""
        inc = self.mapping.incident
        if not inc.date:
            month = cell(inc.month) or ""
            if not _MONTH.match(month):
                raise _Rejected(inc.month, "not a month (expected YYYY-MM)", cell(inc.month))
            return month, None, None
        when = _date(cell(inc.date), inc.date, inc.date_format)
        # A time column, when filled, wins over a time written with the date.
        clock = (_time(cell(inc.time), inc.time) if inc.time else None) or when.clock
        return f"{when.day:%Y-%m}", datetime.combine(when.day, clock or time(0, 0)), clock

    def _month_of(self, row: tuple, index: Mapping[str, int]) -> str | None:
        """The month of a rejected row, or None when its date is what could not be read."""
        try:
            return self._when(lambda column: row[index[column]] if column else None)[0]
        except _Rejected:
            return None

    def _place(self, cell: Callable[[str | None], str | None]
               ) -> tuple[str | None, str, str | None]:
        """(LSOA, how the location was given, a postcode the lookup does not know yet)."""
        inc = self.mapping.incident
        lsoa = _lsoa(cell(inc.lsoa), inc.lsoa or "") if inc.lsoa else None
        if lsoa:
            return lsoa, "lsoa", None
        value = cell(inc.postcode) if inc.postcode else None
        if value is None:
            return None, "none", None
        postcode = normalise_postcode(value)
        if postcode is None:
            raise _Rejected(inc.postcode or "", "not a postcode", value)
        found = self.postcodes.get(postcode)
        return (found, "postcode", None) if found else (None, "postcode_not_found", postcode)

    def _person(self, person: PersonColumns,
                cell: Callable[[str | None], str | None]) -> dict | None:
        recorded = set(v.casefold() for v in self.mapping.not_recorded)

        def known(column: str | None) -> str | None:
            value = cell(column)
            return None if value is None or value.casefold() in recorded else value

        sex = known(person.sex)
        values = {
            "person_key": known(person.key),
            "age": _age(cell(person.age), person.age or ""),
            "sex": _SEX.get(sex.casefold(), sex) if sex else None,
            "ethnicity": known(person.ethnicity),
            "home_lsoa_code": _lsoa(cell(person.home_lsoa), person.home_lsoa or ""),
        }
        return values if any(v is not None for v in values.values()) else None

    def _parsed(self, raw: RawFile, table: ExportTable, rows: _Rows,
                stats: FileStats) -> ParsedFile:
        m = self.mapping
        n = len(rows.incident["incident_id"])
        nulls = [None] * n
        incident = pa.table({
            "incident_id": pa.array(rows.incident["incident_id"], pa.string()),
            "source": pa.array(rows.incident["source"], pa.string()),
            "source_ref": pa.array(rows.incident["source_ref"], pa.string()),
            "month": pa.array(rows.incident["month"], pa.string()),
            "occurred_at": pa.array(rows.incident["occurred_at"], pa.timestamp("us")),
            "category": pa.array(rows.incident["category"], pa.string()),
            "subcategory": pa.array(rows.incident["subcategory"], pa.string()),
            "police_force": pa.array(nulls, pa.string()),
            "reported_by": pa.array([m.name] * n, pa.string()),
            "falls_within": pa.array(nulls, pa.string()),
            "longitude": pa.array(rows.incident["longitude"], pa.float64()),
            "latitude": pa.array(rows.incident["latitude"], pa.float64()),
            "lsoa_code_published": pa.array(rows.incident["lsoa_code_published"], pa.string()),
            **{c: pa.array(nulls, pa.string())
               for c in ("lsoa_code", "lsoa_assignment", "ward_code", "lad_code")},
            "location": pa.array(rows.incident["location"], pa.string()),
            "last_outcome": pa.array(nulls, pa.string()),
            **{f"flag_{f}": pa.array(rows.incident[f"flag_{f}"], pa.bool_())
               for f in ("domestic", "alcohol", "hate")},
        })
        person_schema = {"incident_id": pa.string(), "source": pa.string(),
                         "month": pa.string(), "role": pa.string(), "person_key": pa.string(),
                         "age": pa.int64(), "sex": pa.string(), "ethnicity": pa.string(),
                         "home_lsoa_code": pa.string()}
        detail_schema = {"incident_id": pa.string(), "source": pa.string(),
                         "month": pa.string(), "name": pa.string(), "value": pa.string()}
        postcode_schema = {"incident_id": pa.string(), "source": pa.string(),
                           "month": pa.string(), "postcode": pa.string()}
        tables = [TableRows("incident", incident)]
        if stats.rejects:
            tables.append(TableRows("load_rejection", _rejections(m.source, stats.rejects)))
        for name, data, schema in (("person_involvement", rows.person, person_schema),
                                   ("incident_detail", rows.detail, detail_schema),
                                   ("unplaced_postcode", rows.postcode, postcode_schema)):
            if data:
                tables.append(TableRows(name, pa.table(
                    {c: pa.array(data[c], t) for c, t in schema.items()})))
        months = sorted(set(rows.incident["month"]))
        notes = [f"mapping {m.name}, read as {table.encoding}",
                 f"{n} incidents, {len(rows.person.get('role', []))} people"]
        if stats.rejects:
            notes.append(f"{len(stats.rejects)} row(s) rejected")
        not_found, none = stats.location.get("postcode_not_found", 0), stats.location.get(
            "none", 0)
        if not_found or none:
            notes.append(f"{not_found + none} without a usable location ({not_found} "
                         f"postcode not in the lookup, {none} no location)")
        return ParsedFile(raw=raw, kind=f"partner_{m.name}", dataset=f"partner_{m.source}",
                          scopes=tuple(f"{m.source}/{month}" for month in months),
                          rows=tuple(tables), months=tuple(months), notes=tuple(notes))


def _rejections(source: str, rejects: list[Reject]) -> pa.Table:
    """Rejected rows counted by month, column and reason (the ``load_rejection`` rows)."""
    counts: dict[tuple[str | None, str, str], int] = {}
    for r in rejects:
        key = (r.month, r.column, r.reason)
        counts[key] = counts.get(key, 0) + 1
    keys = sorted(counts, key=lambda k: (k[0] or "", k[1], k[2]))
    return pa.table({
        "source": pa.array([source] * len(keys), pa.string()),
        "month": pa.array([k[0] for k in keys], pa.string()),
        "column_name": pa.array([k[1] for k in keys], pa.string()),
        "reason": pa.array([k[2] for k in keys], pa.string()),
        "rows": pa.array([counts[k] for k in keys], pa.int64()),
    })
