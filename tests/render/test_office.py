"""assessment.docx and tables.xlsx open in the libraries analysts' tools are built on and hold
the Document's structure and values."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from cspkit.assessment.document import (
    Column,
    Document,
    Metadata,
    Paragraph,
    Section,
    Table,
    plain_text,
)
from cspkit.render import write_docx, write_xlsx
from cspkit.render.excel import EXCEL_FORMATS, HEADER_ROW, sheet_names
from cspkit.render.html import render_html
from tests.render.render_sample import sample_document


@pytest.fixture(scope="module")
def word(document: Document, tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    path = write_docx(document, tmp_path_factory.mktemp("docx") / "assessment.docx")
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def workbook(document: Document, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = write_xlsx(document, tmp_path_factory.mktemp("xlsx") / "tables.xlsx")
    return openpyxl.load_workbook(path)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_docx_headings_use_word_heading_styles(document: Document, word):
    headings = [
        (p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")
    ]
    expected = [(f"Heading {s.level}", s.title) for s in document.all_sections()]
    assert [(style, text.split(" ", 1)[1]) for style, text in headings] == expected


def test_docx_contents_shows_its_entries_before_any_update(document: Document, word):
    """The contents field's result is written out: one linked entry per chapter and section,
    in order, so LibreOffice and previews show it without "Update Field"."""
    body = word.element.body.xml
    assert 'TOC \\o "1-2" \\h \\z \\u' in body
    assert "Update Field" not in body
    entries = [p for p in word.paragraphs if p.style.name.startswith("toc ")]
    expected = [s for s in document.all_sections() if s.level <= 2]
    assert [p.text.split(" ", 1)[1] for p in entries] == [s.title for s in expected]
    assert [p.style.name for p in entries] == [f"toc {s.level}" for s in expected]
    anchors = {a.get(qn("w:name")) for a in word.element.body.iter(qn("w:bookmarkStart"))}
    links = [h.get(qn("w:anchor")) for p in entries for h in p._p.iter(qn("w:hyperlink"))]
    assert len(links) == len(entries) and set(links) <= anchors
    kinds = [c.get(qn("w:fldCharType")) for p in entries for c in p._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]  # one field around every entry
    assert "updateFields" in word.settings.element.xml  # Word adds page numbers on opening


def test_docx_language_is_british_english(word):
    languages = {e.get(qn("w:val")) for e in word.styles.element.iter(qn("w:lang"))}
    assert languages == {"en-GB"}


def test_docx_short_tables_keep_together_and_with_their_source_note(document: Document, word):
    data_tables = [t for t in word.tables if len(t.columns) > 1]
    for grid in data_tables:
        last_row = grid.rows[-1]
        assert all(p.paragraph_format.keep_with_next for c in last_row.cells for p in c.paragraphs)
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in grid.rows[1:])
        following = grid._tbl.getnext()
        assert following.xpath("string(.)").startswith("Source:")


def test_docx_columns_fill_the_line_and_never_break_a_word(document: Document, word):
    """Each column is at least as wide as its longest word (with the padding the layout
    allows, 84 characters to the line), so names are not broken over several lines."""
    data_tables = [t for t in word.tables if len(t.columns) > 1]
    for grid, table in zip(data_tables, document.tables(), strict=True):
        widths = [c.width for c in grid.columns]
        assert abs(sum(widths) - Cm(16.6)) < Cm(0.05)
        assert all(c.width == widths[i] for i, col in enumerate(grid.columns) for c in col.cells)
        longest_words = [
            max(len(w) for t in [c.label, *(c.render(r[i]) for r in table.rows)] for w in t.split())
            for i, c in enumerate(table.columns)
        ]
        if sum(n + 3 for n in longest_words) > 84:
            continue  # too many columns for the page: every column gives way
        for width, longest_word, column in zip(widths, longest_words, table.columns, strict=True):
            assert width / Cm(16.6) * 84 >= longest_word + 3 - 0.01, column.label


def test_docx_findings_are_bullets_with_plain_text(document: Document, word):
    bullets = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
    for finding in document.findings():
        assert any(plain_text(finding.sentence) in text for text in bullets)


def test_docx_data_gap_and_empty_section_are_shown(document: Document, word):
    gap = document.data_gaps()[0]
    boxes = [t.cell(0, 0).text for t in word.tables if len(t.columns) == 1]
    assert any(gap.missing in text and gap.owner in text for text in boxes)
    texts = [p.text for p in word.paragraphs]
    empty = next(s for s in document.all_sections() if isinstance(s, Section) and not s.children)
    heading_at = next(
        i for i, p in enumerate(word.paragraphs)
        if p.style.name.startswith("Heading") and p.text.endswith(empty.title)
    )
    assert "nothing to report" in texts[heading_at + 1]


def test_docx_core_properties_are_pinned(document: Document, word):
    props = word.core_properties
    assert props.title == document.title
    assert props.created.date() == document.issued
    assert props.modified == props.created


def test_docx_and_xlsx_are_byte_identical_across_runs(tmp_path: Path):
    for writer, name in ((write_docx, "a.docx"), (write_xlsx, "a.xlsx")):
        first = writer(sample_document(), tmp_path / "1" / name)
        second = writer(sample_document(), tmp_path / "2" / name)
        assert _sha(first) == _sha(second), name
        with zipfile.ZipFile(first) as archive:
            assert len({i.date_time for i in archive.infolist()}) == 1  # one fixed stamp


def test_xlsx_has_contents_then_one_sheet_per_table(document: Document, workbook):
    names = sheet_names(document)
    assert workbook.sheetnames == ["Contents", *names.values()]
    contents = workbook["Contents"]
    links = [
        contents.cell(row=HEADER_ROW + 1 + n, column=1).hyperlink.location
        for n in range(1, len(names) + 1)
    ]
    assert links == [f"'{name}'!A1" for name in names.values()]


def test_xlsx_sheets_hold_the_values_with_number_formats(document: Document, workbook):
    for table, name in zip(document.tables(), sheet_names(document).values(), strict=True):
        sheet = workbook[name]
        header = [c.value for c in sheet[HEADER_ROW + 1]]
        assert header == [c.label for c in table.columns]
        for offset, row in enumerate(table.rows, start=HEADER_ROW + 2):
            cells = sheet[offset]
            for cell, column, value in zip(cells, table.columns, row, strict=True):
                expected = "[x]" if value is None else value
                if isinstance(value, float):
                    expected = pytest.approx(value, rel=1e-15)  # Excel keeps 15-16 digits
                assert cell.value == expected
                if isinstance(value, int | float):
                    assert cell.number_format == EXCEL_FORMATS[column.format]
        assert table.id in [t.name.removeprefix("t_") for t in sheet.tables.values()]


def test_sheet_names_are_short_and_unique_ignoring_case():
    document = sample_document()
    long_id = "a" * 40
    from tests.render.render_sample import crime_table

    base = crime_table()
    tables = [
        type(base)(tid, base.caption, base.columns, base.rows, base.source)
        for tid in (long_id, long_id + "_b", "contents")
    ]
    section = Section("extra", "Extra", 1, tuple(tables))
    names = sheet_names(Document("T", "P", "p", (*document.sections, section), document.metadata))
    chosen = [names[t.id] for t in tables]
    assert all(len(n) <= 31 for n in chosen)
    assert len({n.lower() for n in chosen} | {"contents"}) == len(chosen) + 1


def test_sheet_names_read_as_the_table_number_and_caption(document: Document):
    names = sheet_names(document)
    for number, table in enumerate(document.tables(), start=1):
        name = names[table.id]
        assert name.startswith(f"T{number} ")
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
        words = name.removeprefix(f"T{number} ").rstrip("…").split()
        caption = [w.rstrip(",;:") for w in table.caption.split()]
        assert [w.rstrip(",;:") for w in words] == caption[: len(words)]  # whole words


def test_writers_drop_characters_xml_cannot_hold(tmp_path: Path) -> None:
    """Text pasted from Word brings vertical tabs (its manual line breaks) and other control
    characters, which DOCX, XLSX and HTML cannot hold: they become line breaks or go,
    instead of the writer failing."""
    pasted = "Patrols\x0bstarted\x00 in the \x1btown centre\x0c."
    document = Document(
        title="Pasted\x07 text",
        partnership="Testshire",
        period_text="2025",
        sections=(
            Section("pasted", "Pasted\x01", 1, (
                Paragraph(pasted),
                Table("pasted_table", "Pasted", (Column("text", "Text"),), [(pasted,)], "test"),
            )),
        ),
        metadata=Metadata(period="2025-01:2025-12", comparison_period="2024-01:2024-12"),
    )  # fmt: skip
    word_file = write_docx(document, tmp_path / "pasted.docx")
    word = docx.Document(str(word_file))
    assert "Patrols\nstarted in the town centre\n." in [p.text for p in word.paragraphs]
    assert word.tables[0].rows[1].cells[0].text == "Patrols\nstarted in the town centre\n."
    sheets = openpyxl.load_workbook(write_xlsx(document, tmp_path / "pasted.xlsx"))
    assert "Patrols\nstarted in the town centre\n." in [
        cell.value for row in sheets[sheet_names(document)["pasted_table"]].iter_rows()
        for cell in row
    ]
    html = render_html(document)
    assert "Patrols\nstarted in the town centre\n." in html
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", html)
