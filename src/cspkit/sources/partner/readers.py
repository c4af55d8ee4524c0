"""Reading a partner export, CSV or Excel, into rows of text with their line numbers.

One reader for ``csp pseudonymise`` and ``csp load-partner``. The header need not be the
first row: titles and notes above it are passed over (:func:`cspkit.sources.files.header_row`:
the first of the top 20 rows naming every column the caller needs, else the fullest). A
workbook's sheet is the one asked for, else the first holding every needed column. When
the columns are not there the message is the same for a CSV and a workbook.

CSV is read as UTF-8 first (a byte-order mark is allowed); Windows-1252, the encoding of
"CSV" saved by older Excel, is tried only when the caller allows it, and the encoding used
is reported. Excel cells are read by their number format: a date format gives an ISO
date (``2025-01-03``); a date-and-time format gives an ISO date-time
(``2025-01-03 00:00:00``) even at midnight, since a time of 00:00 is a time and not a
missing one (a date format whose value holds a fraction of a day keeps that time too);
whole numbers lose their ``.0``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles.numbers import is_datetime

from cspkit.errors import LoadError
from cspkit.sources.files import header_row

UTF8 = "utf-8"
CP1252 = "cp1252"
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ExportTable:
    """An export as text: a header and rows (``None`` for a blank cell).

    ``lines`` gives each row's line in the file (CSV: the line where the row starts;
    Excel: the sheet row), so an error can name it; ``header_line`` is the header's.
    ``encoding`` is ``utf-8``, ``utf-8-sig`` (with a byte-order mark), ``cp1252`` or
    ``xlsx``; ``sheet`` the worksheet read from a workbook.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    lines: tuple[int, ...]
    encoding: str
    header_line: int = 1
    sheet: str | None = None

    def column(self, name: str) -> list[str | None]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class NeededColumns:
    """The columns a reader of an export needs, and who needs them (for the message).

    ``needed_by`` names the reader (``mapping council_asb``, ``the spec``); ``hint`` says
    what to do when a column is missing.
    """

    names: tuple[str, ...]
    needed_by: str
    hint: str

    def missing(self, table: ExportTable) -> list[str]:
        return [c for c in self.names if c not in table.columns]

    def error(self, table: ExportTable) -> LoadError:
        return LoadError(
            f"{self.needed_by} reads column(s) {self.missing(table)} that the file does not "
            f"have (found: {', '.join(table.columns)})", path=table.name,
            line=table.header_line, hint=self.hint)


def is_xlsx(data: bytes) -> bool:
    return data.startswith(_XLSX_MAGIC)


def read_export(name: str, data: bytes, *, encodings: Sequence[str] = (UTF8,),
                sheet: str | None = None, needs: NeededColumns | None = None) -> ExportTable:
    """Read a CSV or .xlsx export held in ``data``.

    Parameters
    ----------
    name
        The file's name, for messages (a workbook's sheet is named ``name!sheet``).
    data
        The file's bytes.
    encodings
        Encodings a CSV may be in, tried in order: ``utf-8`` (always first) and, when the
        mapping or the user allows it, ``cp1252``.
    sheet
        The worksheet of a workbook (default: the first holding every needed column, or
        the first).
    needs
        The columns the caller reads: they find the header below title rows and choose
        the sheet; when they are missing the error names them.

    Raises
    ------
    LoadError
        When the bytes are in none of the allowed encodings (naming the line), the CSV is
        malformed, the sheet is missing, there is no header or no data row, or a needed
        column is missing.
    """
    if is_xlsx(data):
        return _read_workbook(name, data, sheet, needs)
    text, encoding = _decode(name, data, encodings)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    starts: list[int] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
                starts.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LoadError(f"the file is not a well-formed CSV ({exc})", path=name,
                        line=reader.line_num, hint="Export it again as CSV") from None
    table = _table(name, records, starts, encoding, needs, cell=_cell)
    if needs is not None and needs.missing(table):
        raise needs.error(table)
    return table


def _decode(name: str, data: bytes, encodings: Sequence[str]) -> tuple[str, str]:
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data.decode("utf-8-sig"), "utf-8-sig"
        return data.decode(UTF8), UTF8
    except UnicodeDecodeError as exc:
        if CP1252 in encodings:
            try:
                return data.decode(CP1252), CP1252
            except UnicodeDecodeError:
                pass
        line = data.count(b"\n", 0, exc.start) + 1
        raise LoadError(
            f"byte {data[exc.start:exc.start + 1]!r} at byte {exc.start} is not UTF-8"
            + ("" if CP1252 in encodings else " (Windows-1252 was not tried)"),
            path=name, line=line,
            hint="Save the export as CSV UTF-8, or, if it came from older Excel as "
            "Windows-1252, pass --allow-cp1252 (or set encodings = [\"utf-8\", \"cp1252\"] "
            "in the mapping)") from None


def _cell(value: str) -> str | None:
    value = value.strip()
    return value or None


def _xlsx_cell(cell: Any) -> str | None:
    """The text of a worksheet cell, its dates read by the cell's number format."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        kind = is_datetime(cell.number_format or "")
        if kind == "date" and value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _cell(str(value))


def _read_workbook(name: str, data: bytes, sheet: str | None,
                   needs: NeededColumns | None) -> ExportTable:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LoadError(f"not a readable Excel workbook ({exc})", path=name,
                        hint="Save it again as .xlsx, or export it as CSV") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise LoadError(f"the workbook has no sheet {sheet!r} (sheets: "
                            f"{', '.join(book.sheetnames)})", path=name,
                            hint="Set `sheet` in the mapping to one of those")
        titles = [sheet] if sheet is not None else book.sheetnames
        closest: ExportTable | None = None
        unreadable: LoadError | None = None
        for title in titles:
            rows = [[_xlsx_cell(c) for c in values] for values in book[title].iter_rows()]
            kept = [(number, row) for number, row in enumerate(rows, start=1) if any(row)]
            try:
                table = _table(f"{name}!{title}", [r for _, r in kept],
                               [n for n, _ in kept], "xlsx", needs, cell=lambda v: v,
                               sheet=title)
            except LoadError as exc:  # a sheet of notes, or an empty one: try the next
                unreadable = unreadable or exc
                continue
            if needs is None or not needs.missing(table):
                return table
            if closest is None or len(needs.missing(table)) < len(needs.missing(closest)):
                closest = table
    finally:
        book.close()
    if closest is not None and needs is not None:
        raise needs.error(closest)
    assert unreadable is not None
    raise unreadable


def _table(name: str, records: Sequence[Sequence[Any]], starts: list[int], encoding: str,
           needs: NeededColumns | None, *, cell: Callable[[Any], str | None],
           sheet: str | None = None) -> ExportTable:
    """The header (found below any title rows) and the rows after it, checked."""
    if not records:
        raise LoadError("the file is empty", path=name, hint="Export it again with its header")
    at = header_row(records, needs.names if needs else ())
    header = [(c or "").strip() for c in records[at]]
    while header and not header[-1]:
        header.pop()
    header_line = starts[at]
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if repeated:
        raise LoadError(f"the header repeats column(s) {repeated}", path=name,
                        line=header_line, hint="Give every column its own name")
    width = len(header)
    rows = [tuple(cell(c) for c in record) for record in records[at + 1:]]
    lines = starts[at + 1:]
    for row, line in zip(rows, lines, strict=True):
        if len(row) > width and any(row[width:]):
            hint = ("Give every column a header, or clear the cells beyond the table"
                    if encoding == "xlsx" else "Check for unquoted commas")
            raise LoadError(f"the row has values in {len(row)} columns but the header names "
                            f"{width}", path=name, line=line, hint=hint)
    if not rows:
        raise LoadError("the file has a header but no data rows", path=name,
                        line=header_line)
    padded = tuple(tuple(row[:width]) + (None,) * (width - len(row)) for row in rows)
    return ExportTable(name, tuple(header), padded, tuple(lines), encoding, header_line, sheet)
