"""Write a progress report as an editable Word document.

Real Word structure, so the manager can keep editing: Heading 1/2 styles (the navigation
pane shows them), the cover as "List Number" paragraphs (renumber themselves when one is
added), real tables whose header row repeats on every page, and page numbers in a PAGE
field. The summary is portrait; the wide tables are on landscape pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.run import Run

from cspkit.tracker.reports.model import (
    ACTION_COLUMNS,
    DATA_REQUIREMENT_COLUMNS,
    NO_UPDATE,
    NOT_RECORDED,
    RECOMMENDATION_COLUMNS,
    SECTION_TITLES,
    LatestUpdate,
    ProgressReport,
    ThemeSection,
    long_date,
    status_style,
    theme_heading,
)
from cspkit.tracker.status import RagStatus

# Column widths in millimetres on a landscape A4 page with 15 mm margins (267 mm of text).
DATA_REQUIREMENT_WIDTHS = (16, 66, 24, 60, 77, 24)
RECOMMENDATION_WIDTHS = (28, 14, 76, 26, 99, 24)
ACTION_WIDTHS = (12, 22, 110, 99, 24)
TABLE_TEXT = Pt(9)


def write_docx(report: ProgressReport, target: Path | IO[bytes]) -> None:
    """Save ``report`` as a .docx file at ``target`` (a path or a binary stream)."""
    document = Document()
    document.core_properties.title = report.title
    document.core_properties.subject = f"{report.partnership}, {long_date(report.meeting_date)}"
    _page_setup(document)
    _cover(document, report)
    _landscape_section(document)
    document.add_heading(SECTION_TITLES["data_requirements"], level=1)
    _table(
        document,
        DATA_REQUIREMENT_COLUMNS,
        DATA_REQUIREMENT_WIDTHS,
        [
            (line.reference, line.data_gap, line.lead, line.action, line.update, line.status)
            for line in report.data_requirements
        ],
        empty="No data requirements are recorded for this plan.",
    )
    document.add_heading(SECTION_TITLES["recommendations"], level=1)
    _table(
        document,
        RECOMMENDATION_COLUMNS,
        RECOMMENDATION_WIDTHS,
        [
            (line.section, line.reference, line.text, line.agency, line.update, line.status)
            for line in report.recommendations
        ],
        empty="No recommendations are recorded for this plan.",
    )
    document.add_heading(SECTION_TITLES["action_plans"], level=1)
    for theme in report.themes:
        _theme(document, theme)
    if not report.themes:
        document.add_paragraph("No action plans are recorded for this plan.")
    document.save(target if not isinstance(target, Path) else str(target))


def _page_setup(document: WordDocument) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin"):
        setattr(section, side, Mm(15))
    section.bottom_margin, section.footer_distance = Mm(20), Mm(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    footer._p.append(field)


def _landscape_section(document: WordDocument) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)


def _cover(document: WordDocument, report: ProgressReport) -> None:
    document.add_heading(report.title, level=0)
    document.add_paragraph(f"{report.partnership}: meeting of {long_date(report.meeting_date)}")
    document.add_heading(SECTION_TITLES["cover"], level=1)
    for paragraph in report.cover_paragraphs:
        document.add_paragraph(paragraph, style="List Number")
    document.add_heading("Status key", level=2)
    for status in RagStatus:
        style = status_style(status)
        key = document.add_paragraph()
        word = key.add_run(f" {style.word} ")
        word.bold = True
        word.font.color.rgb = RGBColor.from_string(style.ink)
        _shade_run(word, style.fill)
        key.add_run(f"  {status.meaning}")


def _theme(document: WordDocument, theme: ThemeSection) -> None:
    document.add_heading(theme_heading(theme), level=2)
    lead = document.add_paragraph()
    lead.add_run("Thematic lead: ").bold = True
    lead.add_run(theme.thematic_lead or NOT_RECORDED)
    if theme.lead_legend:
        legend = document.add_paragraph()
        legend.add_run("Action point leads: ").bold = True
        legend.add_run("; ".join(f"{code} – {name}" for code, name in theme.lead_legend))
    table = _new_table(document, ACTION_COLUMNS, ACTION_WIDTHS)
    for action in theme.actions:
        cells = _data_row(table)
        _text_cell(cells[0], f"{theme.number}.{action.number}")
        _text_cell(cells[1], action.leads)
        _text_cell(cells[2], action.text)
        for label, text in action.sub_actions:
            _add_cell_paragraph(cells[2], f"{label}) {text}")
        _update_cell(cells[3], action.update)
        _status_cell(cells[4], action.status)
    if not theme.actions:
        document.add_paragraph("No actions yet.")


def _table(
    document: WordDocument,
    columns: Sequence[str],
    widths: Sequence[int],
    rows: list[tuple],
    *,
    empty: str,
) -> None:
    if not rows:
        document.add_paragraph(empty)
        return
    table = _new_table(document, columns, widths)
    for row in rows:
        cells = _data_row(table)
        *texts, update, status = row
        for cell, text in zip(cells, texts, strict=False):
            _text_cell(cell, text)
        _update_cell(cells[-2], update)
        _status_cell(cells[-1], status)


def _new_table(document: WordDocument, columns: Sequence[str], widths: Sequence[int]) -> Table:
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    _cell_margins(table)
    header = table.rows[0]
    _row_property(header, "w:tblHeader")
    # New rows copy their cell widths from the grid columns (python-docx's add_row).
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for cell, title, width in zip(header.cells, columns, widths, strict=True):
        cell.width = Mm(width)
        _text_cell(cell, title, bold=True)
        _shade(cell, "D9E2F3")
    return table


def _cell_margins(table: Table) -> None:
    """Room between text and borders: 1.5 mm each side, 0.7 mm above and below."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 40), ("left", 85), ("bottom", 40), ("right", 85)):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _row_property(row: _Row, tag: str) -> None:
    """Switch on a row property: repeat as header (w:tblHeader), keep on one page
    (w:cantSplit)."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _data_row(table: Table) -> list[_Cell]:
    row = table.add_row()
    _row_property(row, "w:cantSplit")
    return row.cells


def _text_cell(cell: _Cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = TABLE_TEXT
    run.bold = bold


def _add_cell_paragraph(cell: _Cell, text: str) -> None:
    cell.add_paragraph().add_run(text).font.size = TABLE_TEXT


def _update_cell(cell: _Cell, update: LatestUpdate | None) -> None:
    if update is None:
        run = cell.paragraphs[0].add_run(NO_UPDATE)
        run.italic = True
        run.font.size = TABLE_TEXT
        return
    first, *rest = update.text.split("\n\n")
    dated = cell.paragraphs[0].add_run(f"{long_date(update.written_on)}: ")
    dated.bold = True
    dated.font.size = TABLE_TEXT
    cell.paragraphs[0].add_run(first).font.size = TABLE_TEXT
    for paragraph in rest:
        _add_cell_paragraph(cell, paragraph)


def _status_cell(cell: _Cell, status: RagStatus) -> None:
    style = status_style(status)
    _shade(cell, style.fill)
    run = cell.paragraphs[0].add_run(style.word)
    run.bold = True
    run.font.size = TABLE_TEXT
    run.font.color.rgb = RGBColor.from_string(style.ink)


def _shade_run(run: Run, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    run._r.get_or_add_rPr().append(shading)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
