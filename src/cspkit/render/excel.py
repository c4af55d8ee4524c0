"""Every table of the assessment in one workbook: a contents sheet, then one sheet per table."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from cspkit.assessment.document import NOT_AVAILABLE, Column, Document, Table
from cspkit.render.layout import Numbering, xml_safe

EXCEL_FORMATS = {
    "text": "@",
    "integer": "#,##0",
    "signed_integer": "+#,##0;-#,##0;0",
    "decimal1": "#,##0.0",
    "decimal2": "#,##0.00",
    "percent": "0.0%",
    "signed_percent": "+0.0%;-0.0%;0.0%",
    "p_value": '[<0.001]"<0.001";0.000',
}
CONTENTS = "Contents"
SHEET_NAME_LENGTH = 31  # Excel's limit
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
HEADER_ROW = 4  # zero-based: title, source, notes, blank, header
MAX_WIDTH = 60


def sheet_names(document: Document) -> dict[str, str]:
    """A sheet name per table id, as a reader would look for it: the table's number and the
    start of its caption ("T3 Anti-social behaviour by…"), at most 31 characters, without
    the characters Excel refuses; the number makes each unique."""
    numbering = Numbering.of(document)
    names: dict[str, str] = {}
    for table in document.tables():
        number = numbering.label(table).removeprefix("Table ")
        caption = " ".join(NOT_IN_SHEET_NAMES.sub(" ", table.caption).replace("'", "’").split())
        name = f"T{number} {caption}".strip()
        if len(name) > SHEET_NAME_LENGTH:
            cut = name[: SHEET_NAME_LENGTH - 1]
            if cut.rfind(" ") > len(f"T{number}"):
                cut = cut[: cut.rfind(" ")]
            name = cut.rstrip(" ,;:-–(") + "…"
        names[table.id] = name
    return names


def _unique_labels(columns: tuple[Column, ...]) -> list[str]:
    labels = [c.label for c in columns]
    return [f"{c.label} ({c.key})" if labels.count(c.label) > 1 else c.label for c in columns]


def _width(texts: list[str]) -> float:
    return min(max(len(t) for t in texts) + 2, MAX_WIDTH)


class _Workbook:
    def __init__(self, document: Document, path: Path) -> None:
        self.document = document
        self.book = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        issued = document.issued or dt.date(2000, 1, 1)
        self.book.set_properties(
            {
                "title": document.title,
                "subject": f"Tables: {document.partnership}, {document.period_text}",
                "author": document.partnership,
                "comments": f"Built with cspkit {document.metadata.software_version}",
                "created": dt.datetime(issued.year, issued.month, issued.day),
            }
        )
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.muted = self.book.add_format({"font_color": "#4A4A4A", "text_wrap": False})
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#E8EEF5", "bottom": 2, "text_wrap": True, "valign": "top"}
        )
        self.link = self.book.add_format({"font_color": "#1D4F91", "underline": 1})
        self.number_formats = {
            key: self.book.add_format({"num_format": code}) for key, code in EXCEL_FORMATS.items()
        }
        self.right = self.book.add_format({"align": "right"})

    def write(self) -> None:
        names = sheet_names(self.document)
        numbering = Numbering.of(self.document)
        contents = self.book.add_worksheet(CONTENTS)
        for table in self.document.tables():
            self._table_sheet(self.book.add_worksheet(names[table.id]), table, numbering)
        self._contents(contents, names, numbering)
        contents.activate()
        self.book.close()

    def _contents(self, sheet: Worksheet, names: dict[str, str], numbering: Numbering) -> None:
        document = self.document
        sheet.write(0, 0, f"{document.title}: tables", self.title)
        sheet.write(1, 0, f"{document.partnership}. Strategic period: {document.period_text}.")
        sheet.write(
            2, 0, "Missing values are shown as [x]; values withheld to protect people as [c]."
        )
        headers = ["Sheet", "Table", "Caption", "Source", "Notes"]
        for column, text in enumerate(headers):
            sheet.write(HEADER_ROW, column, text, self.header)
        rows = []
        for number, table in enumerate(document.tables(), start=HEADER_ROW + 1):
            name = names[table.id]
            sheet.write_url(number, 0, f"internal:'{name}'!A1", self.link, string=name)
            row = [numbering.label(table), table.caption, table.cited_source,
                   " ".join(table.notes)]
            for column, text in enumerate(row, start=1):
                sheet.write_string(number, column, text)
            rows.append([name, *row])
        for column in range(len(headers)):
            sheet.set_column(column, column, _width([headers[column], *(r[column] for r in rows)]))
        sheet.freeze_panes(HEADER_ROW + 1, 0)

    def _cell(self, sheet: Worksheet, row: int, col: int, column: Column, value: Any) -> None:
        if value is None:
            sheet.write_string(row, col, NOT_AVAILABLE, self.right)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            sheet.write_string(row, col, text, self.right if column.numeric else None)
        else:
            sheet.write_number(row, col, value, self.number_formats[column.format])

    def _table_sheet(self, sheet: Worksheet, table: Table, numbering: Numbering) -> None:
        sheet.write(0, 0, f"{numbering.label(table)}: {table.caption}", self.title)
        sheet.write(1, 0, f"Source: {table.cited_source}", self.muted)
        if table.notes:
            sheet.write(2, 0, "Notes: " + " ".join(table.notes), self.muted)
        labels = _unique_labels(table.columns)
        first_data = HEADER_ROW + 1
        for number, values in enumerate(table.rows, start=first_data):
            for col, (column, value) in enumerate(zip(table.columns, values, strict=True)):
                self._cell(sheet, number, col, column, value)
        sheet.add_table(
            HEADER_ROW,
            0,
            HEADER_ROW + max(len(table.rows), 1),
            len(table.columns) - 1,
            {
                "name": f"t_{table.id}"[:255],
                "columns": [{"header": label, "header_format": self.header} for label in labels],
                "style": "Table Style Light 1",
                "autofilter": True,
            },
        )
        for col, column in enumerate(table.columns):
            texts = [labels[col], *(column.render(row[col]) for row in table.rows)]
            sheet.set_column(col, col, _width(texts))
        sheet.freeze_panes(first_data, 1 if not table.columns[0].numeric else 0)


def write_xlsx(document: Document, path: str | Path) -> Path:
    """Write ``tables.xlsx``: a contents sheet linking to one sheet per table.

    Each table sheet holds the caption, source and notes above an Excel table (header row,
    filters) whose cells are real numbers carrying the table's number formats; each sheet is
    named by its table number and caption, within Excel's 31 characters.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _Workbook(xml_safe(document), path).write()
    return path
