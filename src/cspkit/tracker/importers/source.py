"""Read a Word document or a tab-separated text file into one list of source lines.

Both formats become the same thing: a sequence of :class:`SourceLine`, each either a
paragraph (one cell) or a table row (several cells), with the place it came from, so one
reader understands both and every message can point back at the file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from cspkit.errors import CspError

TEXT_SUFFIXES = (".txt", ".tsv", ".tab")
WORD_SUFFIXES = (".docx",)

_MARKUP = re.compile(r"</?(?:sup|sub|u|b|i|em|strong)>|\*\*", re.IGNORECASE)
_HEADING_HASHES = re.compile(r"^(#{1,6})\s*")
_BULLET = re.compile(r"^[-*\u2022]\s+")
_QUOTED_CELL = re.compile(r'(?:^|\t)"')
_LABELLED = re.compile(r"^\s*[a-z]\)\s")


@dataclass(frozen=True)
class SourceLine:
    """One paragraph or table row of the source file.

    ``cells`` hold text with markup removed; ``raw_cells`` keep it (status symbols such as
    ``<u></u>`` live in markup). ``line`` is the line number in a text file and ``None`` in
    a Word document, where ``where`` says "table 2, row 3" or "paragraph 14" instead, and
    ``table`` numbers the Word table a row belongs to.
    """

    where: str
    line: int | None
    cells: tuple[str, ...]
    raw_cells: tuple[str, ...]
    heading_level: int = 0
    table: int | None = None
    emphasised: bool = False
    bulleted: bool = False
    list_number: int | None = None

    @property
    def is_row(self) -> bool:
        return len(self.cells) > 1

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell)


def clean_cell(raw: str) -> str:
    """Cell text without markdown bold, HTML tags and runs of whitespace."""
    return " ".join(_MARKUP.sub("", raw).split())


def read_source(path: Path) -> list[SourceLine]:
    """Every paragraph and table row of ``path`` in document order."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise CspError("file not found", path=str(path), hint="Check the path and try again")
    if suffix in WORD_SUFFIXES:
        return _docx_lines(path)
    if suffix in TEXT_SUFFIXES:
        return _text_lines(path)
    raise CspError(
        f"cannot import a '{suffix or 'suffix-less'}' file",
        path=str(path),
        hint="Save the document as Word (.docx) or tab-separated text (.txt, .tsv) first",
    )


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Text saved from Word on Windows is usually Windows-1252.
        return data.decode("cp1252", errors="replace")


def _text_lines(path: Path) -> list[SourceLine]:
    records = _records(_decode(path).splitlines())
    # Some exports indent every line with one tab; that column carries nothing.
    filled = [body for _, body in records if body.strip()]
    indented = bool(filled) and all(body.startswith("\t") for body in filled)
    return [
        _text_line(number, body[1:] if indented and body.startswith("\t") else body)
        for number, body in records
    ]


def _records(raw_lines: list[str]) -> list[tuple[int, str]]:
    """Physical lines grouped into records, each with the number of its first line.

    Excel's tab-separated export wraps a cell holding line breaks in double quotes; such a
    record runs on until its quotes balance.
    """
    records: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(raw_lines, start=1):
        if not pending:
            start = number
        pending.append(raw)
        record = "\n".join(pending)
        if "\t" in record and _QUOTED_CELL.search(record) and record.count('"') % 2:
            continue
        records.append((start, record))
        pending = []
    if pending:
        records.append((start, "\n".join(pending)))
    return records


def _split_cells(body: str) -> list[str]:
    if _QUOTED_CELL.search(body):
        return next(csv.reader([body], delimiter="\t", quotechar='"'))
    return body.split("\t")


def _text_line(number: int, body: str) -> SourceLine:
    raw_cells = _split_cells(body) if "\t" in body else [body]
    while len(raw_cells) > 1 and not raw_cells[-1].strip() and not _MARKUP.search(raw_cells[-1]):
        raw_cells.pop()
    if len(raw_cells) > 1:
        cells = tuple(clean_cell(cell) for cell in raw_cells)
        return SourceLine(f"line {number}", number, cells, tuple(raw_cells))
    raw = raw_cells[0].strip()
    heading = _HEADING_HASHES.match(raw)
    level = len(heading.group(1)) if heading else 0
    text = raw[heading.end() :] if heading else raw
    emphasised = text.startswith("**") and text.rstrip().endswith("**") and len(text) > 4
    bullet = _BULLET.match(text)
    if bullet:
        text = text[bullet.end() :]
    return SourceLine(
        f"line {number}",
        number,
        (clean_cell(text),),
        (raw,),
        heading_level=level,
        emphasised=emphasised,
        bulleted=bool(bullet),
    )


def _docx_lines(path: Path) -> list[SourceLine]:
    try:
        document = open_docx(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise CspError(
            f"not a readable Word document ({error})",
            path=str(path),
            hint="Open it in Word and save it again as .docx",
        ) from error
    lines: list[SourceLine] = []
    paragraphs = tables = 0
    list_counter = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs += 1
            line = _docx_paragraph(block, f"paragraph {paragraphs}", list_counter)
            list_counter = line.list_number or 0
            lines.append(line)
        elif isinstance(block, Table):
            tables += 1
            list_counter = 0
            lines.extend(_docx_table(block, tables))
    return lines


def _docx_paragraph(paragraph: Paragraph, where: str, list_counter: int) -> SourceLine:
    style = paragraph.style.name if paragraph.style is not None else ""
    text = clean_cell(paragraph.text)
    level = 0
    if style == "Title":
        level = 1
    elif style.startswith("Heading"):
        digits = style.removeprefix("Heading").strip()
        level = int(digits) if digits.isdigit() else 1
    runs = [run for run in paragraph.runs if run.text.strip()]
    emphasised = bool(runs) and all(run.bold for run in runs)
    # Word's automatic numbering keeps the number out of the text: count it here.
    list_number = list_counter + 1 if style.startswith("List Number") and text else None
    return SourceLine(
        where,
        None,
        (text,),
        (paragraph.text,),
        heading_level=level,
        emphasised=emphasised,
        bulleted=style.startswith("List Bullet"),
        list_number=list_number,
    )


def _cell_text(cell: _Cell) -> tuple[str, str]:
    """A cell's raw text and its clean text, paragraphs kept apart by a blank line.

    Word keeps automatic list numbers out of the text, so paragraphs of a numbered list
    are given their letters a), b) …: sub-actions typed as a list keep their labels.
    """
    raw_parts, clean_parts = [], []
    letter = 0
    for paragraph in cell.paragraphs:
        text = paragraph.text
        if _is_list_paragraph(paragraph) and text.strip() and not _LABELLED.match(text):
            text = f"{chr(ord('a') + letter)}) {text}"
            letter += 1
        raw_parts.append(text)
        if clean_cell(text):
            clean_parts.append(clean_cell(text))
    return "\n".join(raw_parts), "\n\n".join(clean_parts)


def _is_list_paragraph(paragraph: Paragraph) -> bool:
    style = paragraph.style.name if paragraph.style is not None else ""
    properties = paragraph._p.pPr
    return style.startswith("List") or (properties is not None and properties.numPr is not None)


def _docx_table(table: Table, table_number: int) -> list[SourceLine]:
    lines = []
    for row_number, row in enumerate(table.rows, start=1):
        kept: list[object] = []
        raw_cells, clean_cells = [], []
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if any(element is cell._tc for element in kept):
                continue
            kept.append(cell._tc)
            raw, clean = _cell_text(cell)
            raw_cells.append(raw)
            clean_cells.append(clean)
        cells = tuple(clean_cells)
        where = f"table {table_number}, row {row_number}"
        if len(cells) == 1:
            # A row that is one merged cell is a caption ("1. ASB ACTION PLAN"), not data.
            lines.append(
                SourceLine(
                    where, None, cells, tuple(raw_cells), table=table_number, emphasised=True
                )
            )
            continue
        lines.append(SourceLine(where, None, cells, tuple(raw_cells), table=table_number))
    return lines
