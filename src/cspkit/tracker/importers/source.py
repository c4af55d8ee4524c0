"""Read a Word document or a tab-separated text file into one list of source lines.

Both formats become the same thing: a sequence of :class:`SourceLine`, each either a
paragraph (one cell) or a table row (several cells), with the place it came from, so one
reader understands both and every message can point back at the file.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx import Document as open_docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from cspkit.errors import CspError
from cspkit.tracker.text import plain_text

TEXT_SUFFIXES = (".txt", ".tsv", ".tab")
WORD_SUFFIXES = (".docx",)

# Limits that keep one import from holding the server: a plan, its registers and a year of
# updates fill a few hundred pages, a few MB as .docx and far fewer XML elements than these.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_XML_ELEMENTS = 500_000

_MARKUP = re.compile(r"</?(?:sup|sub|u|b|i|em|strong)>|\*\*", re.IGNORECASE)
_HEADING_HASHES = re.compile(r"^(#{1,6})\s*")
_BULLET = re.compile(r"^[-*\u2022]\s+")
_QUOTED_CELL = re.compile(r'(?:^|\t)"')
_LABELLED = re.compile(r"^\s*[a-z]\)\s")
_LINE_END = re.compile(r"\r\n|\r|\n")


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
    """Cell text without markdown bold, HTML tags, runs of whitespace and characters XML
    cannot hold (see :func:`cspkit.tracker.text.plain_text`)."""
    return " ".join(plain_text(_MARKUP.sub("", raw)).split())


def read_source(path: Path) -> list[SourceLine]:
    """Every paragraph and table row of ``path`` in document order.

    A file larger than ``MAX_FILE_BYTES``, or a Word document that unpacks to more than
    ``MAX_UNPACKED_BYTES`` or holds more than ``MAX_XML_ELEMENTS`` XML elements, is refused
    before it is read.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise CspError("file not found", path=str(path), hint="Check the path and try again")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CspError(
            f"the file is {megabytes(size)}; the import reads files up to "
            f"{megabytes(MAX_FILE_BYTES)}",
            path=str(path),
            hint="Remove pictures or split the document, then import each part",
        )
    if suffix in WORD_SUFFIXES:
        return _docx_lines(path)
    if suffix in TEXT_SUFFIXES:
        return _text_lines(path)
    raise CspError(
        f"cannot import a '{suffix or 'suffix-less'}' file",
        path=str(path),
        hint="Save the document as Word (.docx) or tab-separated text (.txt, .tsv) first",
    )


def megabytes(size: int) -> str:
    """A size for messages: ``12.5 MB``."""
    return f"{size / 1024 / 1024:.1f} MB"


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Text saved from Word on Windows is usually Windows-1252.
        return data.decode("cp1252", errors="replace")


def _text_lines(path: Path) -> list[SourceLine]:
    records = _records(_physical_lines(_decode(path)))
    # Some exports indent every line with one tab; that column carries nothing.
    filled = [body for _, body in records if body.strip()]
    indented = bool(filled) and all(body.startswith("\t") for body in filled)
    return [
        _text_line(number, body[1:] if indented and body.startswith("\t") else body)
        for number, body in records
    ]


def _physical_lines(text: str) -> list[str]:
    """The lines of a text file, split at line ends only: ``str.splitlines`` would also
    split at a vertical tab or form feed, which Word writes for a line or page break
    inside a paragraph."""
    lines = _LINE_END.split(text)
    return lines[:-1] if lines and not lines[-1] else lines


def _records(raw_lines: list[str]) -> list[tuple[int, str]]:
    """Physical lines grouped into records, each with the number of its first line.

    Excel's tab-separated export wraps a cell holding line breaks in double quotes; such a
    record runs on until its quotes balance. What decides that is kept as running counts,
    so a quote that never closes costs one pass over the file, not one per line; such a
    quote is taken as written and the lines after it are records of their own.
    """
    records: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    has_tab = quoted_cell = odd_quotes = False  # of the record being gathered
    for number, raw in enumerate(raw_lines, start=1):
        if not pending:
            start = number
            has_tab = odd_quotes = False
            quoted_cell = bool(_QUOTED_CELL.search(raw))
        else:
            quoted_cell = quoted_cell or '\t"' in raw
        pending.append(raw)
        has_tab = has_tab or "\t" in raw
        odd_quotes = odd_quotes != bool(raw.count('"') % 2)
        if has_tab and quoted_cell and odd_quotes:
            continue
        records.append((start, "\n".join(pending)))
        pending = []
    # A quote still open at the end of the file was a quote in the text, not Excel's:
    # read those lines one by one rather than as one cell running to the end.
    records.extend(enumerate(pending, start=start))
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
    _check_word_package(path)
    try:
        document = open_docx(str(path))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise CspError(
            f"not a readable Word document ({error})",
            path=str(path),
            hint="Open it in Word and save it again as .docx",
        ) from error
    style_of = _paragraph_styles(document)
    lines: list[SourceLine] = []
    paragraphs = tables = 0
    list_counter = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs += 1
            line = _docx_paragraph(block, f"paragraph {paragraphs}", list_counter, style_of)
            list_counter = line.list_number or 0
            lines.append(line)
        elif isinstance(block, Table):
            tables += 1
            list_counter = 0
            lines.extend(_docx_table(block, tables, style_of))
    return lines


def _check_word_package(path: Path) -> None:
    """Refuse a Word document that unpacks to too much, holds too many XML elements or
    holds XML that is not well formed, before python-docx loads it all into memory."""

    def refuse(problem: str, hint: str = "Open it in Word and save it again as .docx") -> None:
        raise CspError(problem, path=str(path), hint=hint)

    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_UNPACKED_BYTES:
                refuse(
                    f"the Word document unpacks to {megabytes(unpacked)}; the import reads "
                    f"documents up to {megabytes(MAX_UNPACKED_BYTES)} unpacked",
                    "Remove pictures or empty pages, or split the document",
                )
            elements = 0
            for member in members:
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                with package.open(member) as part:
                    try:
                        for _, element in etree.iterparse(part, events=("end",)):
                            elements += 1
                            if elements > MAX_XML_ELEMENTS:
                                refuse(
                                    f"the Word document holds more than {MAX_XML_ELEMENTS:,} "
                                    "XML elements (paragraphs, runs, cells …)",
                                    "Remove empty paragraphs or split the document",
                                )
                            element.clear()  # keeps memory flat: only the count is needed
                    except etree.XMLSyntaxError as error:
                        refuse(f"{member.filename} in the Word document is not valid XML ({error})")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        refuse(f"not a readable Word document ({error})")


def _paragraph_styles(document: Document) -> Callable[[Paragraph], str]:
    """The name of a paragraph's style, looked up in a table made once per document.

    ``Paragraph.style`` searches the document's styles on every call (about a millisecond a
    paragraph); the style's id is read from the paragraph's XML instead.
    """
    names = {
        style.style_id: style.name or ""
        for style in document.styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH
    }
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_name = (default.name or "") if default is not None else ""
    style_tag = f"{qn('w:pPr')}/{qn('w:pStyle')}"
    value = qn("w:val")

    def style_of(paragraph: Paragraph) -> str:
        found = paragraph.paragraph_format.element.find(style_tag)
        style_id = found.get(value) if found is not None else None
        return names.get(style_id, default_name) if style_id is not None else default_name

    return style_of


def _docx_paragraph(
    paragraph: Paragraph, where: str, list_counter: int, style_of: Callable[[Paragraph], str]
) -> SourceLine:
    style = style_of(paragraph)
    raw = paragraph.text  # python-docx gathers it with an XPath query: once is enough
    text = clean_cell(raw)
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
        (raw,),
        heading_level=level,
        emphasised=emphasised,
        bulleted=style.startswith("List Bullet"),
        list_number=list_number,
    )


def _cell_text(cell: _Cell, style_of: Callable[[Paragraph], str]) -> tuple[str, str]:
    """A cell's raw text and its clean text, paragraphs kept apart by a blank line.

    Word keeps automatic list numbers out of the text, so paragraphs of a numbered list
    are given their letters a), b) …: sub-actions typed as a list keep their labels.
    """
    raw_parts, clean_parts = [], []
    letter = 0
    for paragraph in cell.paragraphs:
        text = paragraph.text
        if _is_list_paragraph(paragraph, style_of) and text.strip() and not _LABELLED.match(text):
            text = f"{chr(ord('a') + letter)}) {text}"
            letter += 1
        raw_parts.append(text)
        if clean_cell(text):
            clean_parts.append(clean_cell(text))
    return "\n".join(raw_parts), "\n\n".join(clean_parts)


def _is_list_paragraph(paragraph: Paragraph, style_of: Callable[[Paragraph], str]) -> bool:
    numbering = paragraph.paragraph_format.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    return style_of(paragraph).startswith("List") or numbering is not None


def _docx_table(
    table: Table, table_number: int, style_of: Callable[[Paragraph], str]
) -> list[SourceLine]:
    lines = []
    for row_number, row in enumerate(table.rows, start=1):
        kept: list[object] = []
        raw_cells, clean_cells = [], []
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if any(element is cell._tc for element in kept):
                continue
            kept.append(cell._tc)
            raw, clean = _cell_text(cell, style_of)
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
