"""The assessment as an editable Word document: heading styles, a contents field, real tables,
charts and maps as pictures with captions."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph

from cspkit.assessment.document import (
    Callout,
    Cell,
    Chart,
    DataGap,
    Document,
    Map,
    NumberedList,
    Paragraph,
    RecommendationList,
    Section,
    Table,
    emphasis_runs,
)
from cspkit.render.archive import pin_zip_timestamps
from cspkit.render.drawings import Drawings
from cspkit.render.layout import (
    EMPTY_SECTION_TEXT,
    KIND_LABELS,
    Findings,
    Numbering,
    column_widths,
    grouped,
    keeps_whole,
    section_numbers,
    xml_safe,
)

PAGE_SHORT, PAGE_LONG, SIDE_MARGIN = Cm(21), Cm(29.7), Cm(2.2)
PICTURE_WIDTH = Cm(16)
TEXT_WIDTH = Cm(21 - 2 * 2.2)  # A4 less the side margins
LANGUAGE = "en-GB"
CONTENTS_LEVELS = 2  # the contents lists chapters and their sections
HEADER_FILL = "E8EEF5"
CALLOUT_FILL = "F3F6FA"
GAP_FILL = "FDF4E7"
MUTED = RGBColor(0x4A, 0x4A, 0x4A)


def _field_char(kind: str) -> OxmlElement:
    run = OxmlElement("w:r")
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run.append(element)
    return run


def _field_start(paragraph: WordParagraph, instruction: str) -> None:
    """Open a field: its instruction, then what follows is the result shown until it updates."""
    code = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code.append(text)
    paragraph._p.append(_field_char("begin"))
    paragraph._p.append(code)
    paragraph._p.append(_field_char("separate"))


def _field(paragraph: WordParagraph, instruction: str, shown: str) -> None:
    """Append a Word field (``PAGE``, ``SEQ``) with the text shown until it updates."""
    _field_start(paragraph, instruction)
    paragraph.add_run(shown)
    paragraph._p.append(_field_char("end"))


def _bookmark(paragraph: WordParagraph, name: str, number: int) -> None:
    """Wrap the paragraph's content in a bookmark, the target of a contents entry."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _link(paragraph: WordParagraph, anchor: str, text: str) -> None:
    """A hyperlink to a bookmark in this document."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    shown = OxmlElement("w:t")
    shown.set(qn("xml:space"), "preserve")
    shown.text = text
    run.append(shown)
    link.append(run)
    paragraph._p.append(link)


def _anchor(section: Section) -> str:
    """The bookmark name of a section's heading (Word allows 40 characters)."""
    return f"_Toc_{section.id}"[:40]


def _leads_into_table(items: Sequence[object]) -> bool:
    """Whether the paragraphs at the start of ``items`` are followed by a table."""
    following = next((item for item in items if not isinstance(item, Paragraph)), None)
    return isinstance(following, Table)


def _keep_with_next(row_cells: list[_Cell]) -> None:
    for cell in row_cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _set_language(word: docx.document.Document, language: str) -> None:
    """Every run's default language (spelling, hyphenation, dates) and the theme fonts'."""
    for lang in word.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)
    for lang in word.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), language)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _styled_text(paragraph: WordParagraph, text: str) -> None:
    for run_text, style in emphasis_runs(text):
        run = paragraph.add_run(run_text)
        run.bold = style == "strong" or None
        run.italic = style == "em" or None


class _Writer:
    """Walks one Document into one python-docx document."""

    def __init__(self, document: Document) -> None:
        self.source = document
        self.report = document.layout == "report"
        self.numbering = Numbering.of(document)
        self.numbers = section_numbers(document)
        self.word = docx.Document()
        self.bookmarks = 0
        self.pictures: list[tuple[WordParagraph, Chart | Map]] = []

    def build(self) -> docx.document.Document:
        """Everything but the pictures, whose paragraphs wait in ``self.pictures``."""
        self._page_setup()
        self._properties()
        if self.report:
            self._cover()
            self._contents()
        else:
            self._paper_title()
        for section in self.source.sections:
            self._orientation(landscape=section.landscape)
            self._section(section)
        if self.report:
            self._colophon()
        return self.word

    def _page_setup(self) -> None:
        page = self.word.sections[0]
        page.page_width, page.page_height = PAGE_SHORT, PAGE_LONG
        page.left_margin = page.right_margin = SIDE_MARGIN
        page.top_margin, page.bottom_margin = Cm(2), Cm(2.2)
        normal = self.word.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)
        _set_language(self.word, LANGUAGE)
        self.word.styles["Heading 1"].paragraph_format.page_break_before = self.report
        footer = page.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        settings = self.word.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)

    def _properties(self) -> None:
        issued = self.source.issued or dt.date(2000, 1, 1)
        stamp = dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC)
        props = self.word.core_properties
        props.title = self.source.title
        props.subject = f"{self.source.partnership}: {self.source.period_text}"
        props.author = self.source.partnership
        props.last_modified_by = f"cspkit {self.source.metadata.software_version}"
        props.created = props.modified = stamp
        props.revision = 1

    def _cover(self) -> None:
        source = self.source
        self.word.add_paragraph(source.partnership, style="Subtitle")
        self.word.add_paragraph(source.title, style="Title")
        if source.subtitle:
            self.word.add_paragraph(source.subtitle, style="Subtitle")
        self.word.add_paragraph(f"Strategic period: {source.period_text}")
        if source.issued:
            self.word.add_paragraph(f"Issued {source.issued.strftime('%-d %B %Y')}")
        self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _contents_style(self, level: int) -> str:
        """Word's built-in "toc N" paragraph style, added when the template lacks it."""
        name = f"toc {level}"
        if name not in self.word.styles:
            style = self.word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.word.styles["Normal"]
            style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            style.paragraph_format.space_after = Pt(3 if level > 1 else 6)
            style.font.bold = level == 1
        return name

    def _paper_title(self) -> None:
        source = self.source
        self.word.add_paragraph(source.title, style="Title")
        self.word.add_paragraph(f"{source.partnership}: {source.period_text}")
        if source.subtitle:
            self.word.add_paragraph(source.subtitle, style="Subtitle")

    def _orientation(self, *, landscape: bool) -> None:
        """Start a new page in the other orientation when ``landscape`` changes (Word
        turns pages in a new section)."""
        page = self.word.sections[-1]
        if (page.orientation == WD_ORIENT.LANDSCAPE) == landscape:
            return
        page = self.word.add_section(WD_SECTION.NEW_PAGE)
        page.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        short_long = (PAGE_LONG, PAGE_SHORT) if landscape else (PAGE_SHORT, PAGE_LONG)
        page.page_width, page.page_height = short_long

    def _contents(self) -> None:
        """The contents: a TOC field whose result is written out, so the entries show in
        Word, LibreOffice and previews before anyone updates it (updating adds page numbers)."""
        self.word.add_paragraph("Contents", style="TOC Heading")
        entries = [
            s for s in self.source.all_sections() if s.level <= CONTENTS_LEVELS
        ]
        for index, section in enumerate(entries):
            paragraph = self.word.add_paragraph(style=self._contents_style(section.level))
            paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
            if index == 0:
                _field_start(paragraph, f'TOC \\o "1-{CONTENTS_LEVELS}" \\h \\z \\u')
            _link(paragraph, _anchor(section), f"{self.numbers[section.id]} {section.title}")
            if index == len(entries) - 1:
                paragraph._p.append(_field_char("end"))
        self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _section(self, section: Section) -> None:
        number = f"{self.numbers[section.id]} " if self.report else ""
        heading = self.word.add_heading(f"{number}{section.title}", level=section.level)
        self.bookmarks += 1
        _bookmark(heading, _anchor(section), self.bookmarks)
        if section.summary:
            _styled_text(self.word.add_paragraph(style="Intense Quote"), section.summary)
        if not section.children and not section.summary:
            self.word.add_paragraph(EMPTY_SECTION_TEXT).runs[0].italic = True
        items = list(grouped(section.children))
        for index, item in enumerate(items):
            if isinstance(item, Section):
                self._section(item)
            elif isinstance(item, Findings):
                self._findings(item)
            elif isinstance(item, Paragraph):
                paragraph = self.word.add_paragraph()
                _styled_text(paragraph, item.text)
                if _leads_into_table(items[index:]):
                    # Lines leading into a table (a theme's lead, its legend) stay with it.
                    paragraph.paragraph_format.keep_with_next = True
            elif isinstance(item, Callout):
                self._box(
                    item.title, [item.text], GAP_FILL if item.tone != "note" else CALLOUT_FILL
                )
            elif isinstance(item, DataGap):
                lines = [
                    f"Data that would fill it: {item.would_fill}",
                    f"Suggested owner: {item.owner}",
                ]
                if item.theme:
                    lines.append(f"Theme: {item.theme}")
                self._box(f"Data gap: {item.missing}", lines, GAP_FILL)
            elif isinstance(item, RecommendationList):
                for recommendation in item.items:
                    paragraph = self.word.add_paragraph(style="List Number")
                    _styled_text(paragraph, recommendation.text)
                    if recommendation.owner:
                        paragraph.add_run(f" (Lead: {recommendation.owner})").italic = True
                    for finding in recommendation.findings:
                        evidence = self.word.add_paragraph(style="List Bullet 2")
                        evidence.add_run("Evidence: ").bold = True
                        _styled_text(evidence, finding.sentence)
            elif isinstance(item, NumberedList):
                for text in item.items:
                    _styled_text(self.word.add_paragraph(style="List Number"), text)
            elif isinstance(item, Table):
                self._table(item)
            elif isinstance(item, Chart | Map):
                self._picture(item)

    def _findings(self, findings: Findings) -> None:
        for finding in findings.items:
            paragraph = self.word.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{KIND_LABELS[finding.kind]}: ").bold = True
            _styled_text(paragraph, finding.sentence)

    def _box(self, title: str, lines: list[str], fill: str) -> None:
        box = self.word.add_table(rows=1, cols=1, style="Table Grid")
        cell = box.cell(0, 0)
        _shade(cell, fill)
        cell.paragraphs[0].add_run(title).bold = True
        for line in lines:
            _styled_text(cell.add_paragraph(), line)
        self.word.add_paragraph()

    def _caption(self, label: str, text: str, *, keep_with_next: bool) -> None:
        kind, number = label.split(" ")
        caption = self.word.add_paragraph(style="Caption")
        caption.paragraph_format.keep_with_next = keep_with_next
        caption.add_run(f"{kind} ")
        _field(caption, f"SEQ {kind} \\* ARABIC", number)
        caption.add_run(f": {text}")

    def _note(self, text: str) -> None:
        note = self.word.add_paragraph()
        run = note.add_run(text)
        run.font.size = Pt(9)
        run.font.color.rgb = MUTED

    def _table(self, table: Table) -> None:
        if table.caption:
            self._caption(self.numbering.label(table), table.caption, keep_with_next=True)
        grid = self.word.add_table(rows=1 + len(table.rows), cols=len(table.columns))
        grid.style = self.word.styles["Table Grid"]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = self._widths(grid, table)
        # Each row's cells are looked up once: python-docx finds them by walking the row.
        rows = [row.cells for row in grid.rows]
        for cells in rows:
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
        _row_property(grid.rows[0], "w:tblHeader")  # repeats on every page
        for cell, column in zip(rows[0], table.columns, strict=True):
            _shade(cell, HEADER_FILL)
            cell.paragraphs[0].paragraph_format.keep_with_next = True
            run = cell.paragraphs[0].add_run(column.label)
            run.bold = True
            run.font.size = Pt(9)
            if column.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row, cells, values in zip(grid.rows[1:], rows[1:], table.rows, strict=True):
            _row_property(row, "w:cantSplit")  # a row stays on one page
            for cell, column, value in zip(cells, table.columns, values, strict=True):
                if isinstance(value, Cell):
                    _rich_cell(cell, value)
                    continue
                paragraph = cell.paragraphs[0]
                paragraph.add_run(column.render(value)).font.size = Pt(9)
                if column.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # A short table moves whole; a long one keeps its first two rows with the header and
        # its last two with the source note, so no lone row or note is stranded on a page.
        kept = rows if keeps_whole(table) else rows[:3] + rows[-2:]
        for cells in kept:
            _keep_with_next(cells)
        if table.cited_source or table.notes:
            source = (f"Source: {table.cited_source}.",) if table.cited_source else ()
            self._note(" ".join((*source, *table.notes)))
        elif not table.caption:
            self.word.add_paragraph()  # Word joins two tables that touch

    def _widths(self, grid: docx.table.Table, table: Table) -> list[Emu]:
        """Fix the columns at their share of the text width: the shares the table gives,
        else as wide as their text needs (a name is not wrapped over several lines while a
        column of counts takes half the page). Returns the widths, which each cell repeats."""
        shares = [column.width for column in table.columns]
        if None in shares:
            shares = column_widths([
                [column.label, *(column.render(row[i]) if not isinstance(row[i], Cell)
                                 else str(row[i]) for row in table.rows)]
                for i, column in enumerate(table.columns)
            ])
        page = self.word.sections[-1]
        text_width = page.page_width - page.left_margin - page.right_margin
        grid.autofit = False
        widths = [Emu(int(text_width * share / sum(shares))) for share in shares]
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
        return widths

    def _picture(self, figure: Chart | Map) -> None:
        """The figure's paragraph (its picture is placed by :meth:`place_pictures`), caption
        and source note."""
        picture = self.word.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True  # picture, caption and source together
        self.pictures.append((picture, figure))
        self._caption(self.numbering.label(figure), figure.title, keep_with_next=True)
        source = f"Source: {figure.cited_source}."
        if figure.table_id:
            source += f" Figures in {self.numbering.label_for_id(figure.table_id)}."
        self._note(source)

    def place_pictures(self, drawings: Drawings) -> None:
        """Put each figure's PNG in its paragraph, in reading order (python-docx numbers the
        pictures and names their files as they are added), drawing those ``drawings`` lacks."""
        for picture, figure in self.pictures:
            picture.add_run().add_picture(io.BytesIO(drawings.figure_png(figure)),
                                          width=PICTURE_WIDTH)
            for properties in picture._p.iter(qn("wp:docPr")):
                properties.set("descr", figure.alt_text)
                properties.set("name", figure.id)
        self.pictures = []

    def _colophon(self) -> None:
        meta = self.source.metadata
        self._note(
            f"Built with cspkit {meta.software_version} from {len(meta.inputs)} input file(s) "
            f"for the period {meta.period} (compared with {meta.comparison_period}). "
            "Every table is also published as CSV in data/, with data/manifest.json listing "
            "the inputs and their SHA-256 checksums."
        )


def _row_property(row: _Row, tag: str) -> None:
    """Switch on a row property: repeat as header (``w:tblHeader``), keep on one page
    (``w:cantSplit``)."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _rich_cell(cell: _Cell, value: Cell) -> None:
    """A :class:`Cell`: its paragraphs, the bold lead-in, emphasis and colours."""
    if value.fill:
        _shade(cell, value.fill)
    for number, text in enumerate(value.paragraphs):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        if number == 0 and value.lead:
            lead = paragraph.add_run(value.lead)
            lead.bold = True
            lead.font.size = Pt(9)
        run = paragraph.add_run(text)
        run.font.size = Pt(9)
        run.bold = value.emphasis == "strong" or None
        run.italic = value.emphasis == "em" or None
        if value.ink:
            run.font.color.rgb = RGBColor.from_string(value.ink)


class WordDraft:
    """A Word document written in two steps: its text now, its pictures when they are drawn.

    :func:`write_docx` does both in turn; ``write_outputs_timed`` builds the text while
    worker processes draw the figures.
    """

    def __init__(self, document: Document) -> None:
        self.writer = _Writer(xml_safe(document))
        self.word = self.writer.build()

    def finish(self, path: str | Path, drawings: Drawings | None = None) -> Path:
        """Place the pictures (from ``drawings``, else drawn now) and write the file."""
        self.writer.place_pictures(drawings or Drawings())
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.word.save(str(path))
        pin_zip_timestamps(path)
        return path


def write_docx(document: Document, path: str | Path, *,
               drawings: Drawings | None = None) -> Path:
    """Write ``assessment.docx``, an editable Word document.

    Headings use Word's Heading 1–3 styles, so the contents field (which Word offers to
    update on opening) and the navigation pane work; tables are real Word tables with a
    repeating header row; charts and maps are PNG pictures with alt text and numbered
    captions. Creation dates are pinned to the issue date and the archive timestamps fixed,
    so the same Document gives the same file. Figures already drawn are taken from
    ``drawings``; the rest are drawn here.
    """
    return WordDraft(document).finish(path, drawings)
