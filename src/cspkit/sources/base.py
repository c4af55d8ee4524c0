"""What every format reader returns, and the shared CSV reading and checking helpers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cspkit.errors import LoadError
from cspkit.sources.files import Header, RawFile, csv_bytes

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class TableRows:
    """Rows for one canonical table (every column but ``load_id``)."""

    table: str
    data: pa.Table


@dataclass(frozen=True)
class ParsedFile:
    """A validated file, ready to write: nothing touches the warehouse before all parse.

    ``dataset`` and ``scopes`` say what a newer file replaces: a later download of the same
    force and month, or another edition of the same lookup. ``version`` orders reference
    data vintages (the newest wins, whatever the load order).
    """

    raw: RawFile
    kind: str
    dataset: str
    scopes: tuple[str, ...]
    rows: tuple[TableRows, ...]
    months: tuple[str, ...] = ()
    version: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def row_count(self) -> int:
        """Records the file holds: the rows of its first table (a partner export's incidents,
        not its incidents plus the people and details that hang off them)."""
        return self.rows[0].data.num_rows if self.rows else 0


@dataclass(frozen=True)
class SourceKind:
    """A recognised file format."""

    name: str
    description: str
    matches: Callable[[Header], bool]
    parse: Callable[[RawFile, Header], ParsedFile]
    order: int  # reference data (low) loads before the events placed against it


def has_columns(header: Header, *names: str) -> bool:
    return header.format == "csv" and set(names) <= set(header.columns)


def require_columns(raw: RawFile, header: Header, expected: Sequence[str], what: str) -> None:
    missing = [c for c in expected if c not in header.columns]
    if missing:
        raise LoadError(
            f"looks like a {what} but has no column(s) {', '.join(repr(m) for m in missing)} "
            f"(found: {', '.join(header.columns)})",
            path=raw.name,
            line=1,
            hint="Use the file exactly as downloaded, with its original header",
        )


def read_csv_strings(raw: RawFile, header: Header) -> pa.Table:
    """Read a CSV with every column as text ("" becomes null); row-width errors name the line."""
    columns = list(header.columns)
    if len(set(columns)) != len(columns):
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        raise LoadError(f"the header repeats column(s) {dupes}", path=raw.name, line=1)
    try:
        table = pacsv.read_csv(
            csv_bytes(raw),
            read_options=pacsv.ReadOptions(column_names=columns, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raw.text()  # bytes that are not UTF-8 are reported with their line
        raise LoadError(
            f"the file is not a well-formed CSV: {_first_bad_row(raw, len(columns)) or exc}",
            path=raw.name,
            line=_first_bad_line(raw, len(columns)),
            hint="Download the file again; do not edit it in a spreadsheet",
        ) from None
    if table.num_rows == 0:
        raise LoadError("the file has a header but no data rows", path=raw.name,
                        hint="Download it again")
    return table


def _rows(raw: RawFile) -> csv.reader:
    return csv.reader(io.StringIO(raw.text()))


def _first_bad_line(raw: RawFile, width: int) -> int | None:
    for number, row in enumerate(_rows(raw), start=1):
        if row and len(row) != width:
            return number
    return None


def _first_bad_row(raw: RawFile, width: int) -> str | None:
    for row in _rows(raw):
        if row and len(row) != width:
            return f"expected {width} columns, found {len(row)}"
    return None


def first_failing_line(mask: pa.ChunkedArray | pa.Array) -> int | None:
    """The file line (header = line 1) of the first row where ``mask`` is true."""
    if pc.any(mask).as_py():
        return int(pc.index(mask, True).as_py()) + 2
    return None


def check_months(raw: RawFile, months: pa.ChunkedArray, column: str = "Month") -> list[str]:
    """Every value must be YYYY-MM; returns the distinct months, sorted."""
    distinct = pc.unique(months)
    if pc.all(pc.fill_null(pc.match_substring_regex(distinct, MONTH_PATTERN), False)).as_py():
        return sorted(distinct.to_pylist())
    # Only a file with a bad month is checked row by row, for the line to name.
    bad = pc.invert(pc.fill_null(pc.match_substring_regex(months, MONTH_PATTERN), False))
    line = first_failing_line(bad)
    if line is not None:
        value = months[line - 2].as_py()
        raise LoadError(
            f"{column} is {value!r}, expected a month as YYYY-MM",
            path=raw.name,
            line=line,
            hint="Download the file again; months are written like 2024-01",
        )
    return sorted(pc.unique(months).to_pylist())


def check_not_null(raw: RawFile, values: pa.ChunkedArray, column: str) -> None:
    line = first_failing_line(pc.is_null(values))
    if line is not None:
        raise LoadError(f"{column} is empty", path=raw.name, line=line,
                        hint=f"Every row needs a {column}")


def to_float(raw: RawFile, values: pa.ChunkedArray, column: str) -> pa.ChunkedArray:
    """Cast text to float64 (empty stays null); a value that is not a number names its line."""
    try:
        return pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        for i, value in enumerate(values.to_pylist()):
            if value is None:
                continue
            try:
                float(value)
            except ValueError:
                raise LoadError(f"{column} is {value!r}, expected a number", path=raw.name,
                                line=i + 2) from None
        raise


def to_int(raw: RawFile, values: pa.ChunkedArray, column: str) -> pa.ChunkedArray:
    """Cast text to int64 (accepting "12.0"); a value that is not a whole number names its line."""
    floats = to_float(raw, values, column)
    whole = pc.equal(pc.floor(floats), floats)
    line = first_failing_line(pc.invert(pc.fill_null(whole, True)))
    if line is not None:
        raise LoadError(f"{column} is {values[line - 2].as_py()!r}, expected a whole number",
                        path=raw.name, line=line)
    return pc.cast(floats, pa.int64())


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
