"""Reading a partner export, CSV or Excel, into rows of text with their line numbers.

CSV is read as UTF-8 first (a byte-order mark is allowed); Windows-1252, the encoding of
"CSV" saved by older Excel, is tried only when the caller allows it, and the encoding used
is reported. Excel workbooks are read cell by cell: dates become ISO text, whole numbers
lose their ``.0``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import load_workbook

from cspkit.errors import LoadError

UTF8 = "utf-8"
CP1252 = "cp1252"
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ExportTable:
    """An export as text: a header and rows (``None`` for a blank cell).

    ``lines`` gives each row's line in the file (CSV: the line where the row starts;
    Excel: the sheet row), so an error can name it. ``encoding`` is ``utf-8``,
    ``utf-8-sig`` (with a byte-order mark), ``cp1252`` or ``xlsx``.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    lines: tuple[int, ...]
    encoding: str

    def column(self, name: str) -> list[str | None]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


def is_xlsx(data: bytes) -> bool:
    return data.startswith(_XLSX_MAGIC)


def read_export(name: str, data: bytes, *, encodings: Sequence[str] = (UTF8,),
                sheet: str | None = None) -> ExportTable:
    """Read a CSV or .xlsx export held in ``data``.

    Parameters
    ----------
    name
        The file's name, for messages.
    data
        The file's bytes.
    encodings
        Encodings a CSV may be in, tried in order: ``utf-8`` (always first) and, when the
        mapping or the user allows it, ``cp1252``.
    sheet
        The worksheet of a workbook (default: the first).

    Raises
    ------
    LoadError
        When the bytes are in none of the allowed encodings (naming the line), the CSV is
        malformed, the sheet is missing, or there is no header or no data row.
    """
    if is_xlsx(data):
        return _read_xlsx(name, data, sheet)
    text, encoding = _decode(name, data, encodings)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[str | None, ...]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            if header is None:
                header = [c.strip() for c in record]
            elif any(cell.strip() for cell in record):
                rows.append(tuple(_cell(c) for c in record))
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LoadError(f"the file is not a well-formed CSV ({exc})", path=name,
                        line=reader.line_num, hint="Export it again as CSV") from None
    return _checked(name, header, rows, lines, encoding)


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


def _xlsx_cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _cell(str(value))


def _read_xlsx(name: str, data: bytes, sheet: str | None) -> ExportTable:
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
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[str | None, ...]] = []
        lines: list[int] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(v) for v in values]
            if header is None:
                if any(cells):
                    header = [c or "" for c in cells]
                continue
            if any(cells):
                rows.append(tuple(cells))
                lines.append(number)
    finally:
        book.close()
    return _checked(name, header, rows, lines, "xlsx")


def _checked(name: str, header: list[str] | None, rows: list[tuple[str | None, ...]],
             lines: list[int], encoding: str) -> ExportTable:
    if not header:
        raise LoadError("the file is empty", path=name, hint="Export it again with its header")
    while header and not header[-1]:
        header.pop()
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise LoadError(f"the header repeats column(s) {repeated}", path=name, line=1,
                        hint="Give every column its own name")
    width = len(header)
    for row, line in zip(rows, lines, strict=True):
        if len(row) > width and any(row[width:]):
            raise LoadError(f"the row has {len(row)} cells but the header {width}",
                            path=name, line=line, hint="Check for unquoted commas")
    if not rows:
        raise LoadError("the file has a header but no data rows", path=name)
    padded = tuple(tuple(row[:width]) + (None,) * (width - len(row)) for row in rows)
    return ExportTable(name, tuple(header), padded, tuple(lines), encoding)
