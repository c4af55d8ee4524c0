"""The PDF through Typst: the Document written as Typst markup and compiled in memory.

It lays out what the paged HTML gives WeasyPrint (``cspkit.render.pdf`` chooses the engine),
in both layouts. A report: the cover, a contents page with page numbers, numbered chapters
each on a new page, the colophon. A paper: the title at the top of the first page, no
contents, chapters running on. Both: findings, callouts, data gaps, recommendations, tables
(header repeated on every page, numbers right-aligned, short tables kept whole, wide ones on
landscape pages, coloured cells), charts and maps as the same SVG pictures with their alt
text, "Page N of M" in the footer, the title and author in the PDF's metadata, tagged.

All user text goes into the markup escaped (``esc``) or as a Typst string (``_string``), so
no text can run as markup or code. The fonts are the HTML's (Arial, else Liberation Sans,
else DejaVu Sans); on a machine with none of them Typst uses the fonts it carries.
"""

from __future__ import annotations

import re

import typst

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
from cspkit.errors import CspError
from cspkit.render.drawings import Drawings
from cspkit.render.layout import (
    EMPTY_SECTION_TEXT,
    KIND_LABELS,
    KIND_MARKS,
    Findings,
    Numbering,
    column_widths,
    grouped,
    keeps_whole,
    section_numbers,
    xml_safe,
)

_SPECIAL = re.compile(r'([\\#*_`$<>@\[\](){}~/=+\-"\'.:;,!?&%|^])')
"""Characters with a meaning in Typst markup (or after an embedded expression), and the
punctuation Typst would turn into other characters (smart quotes, dashes, ellipses)."""

# The house style of assessment.css and paged.css, in Typst: the body at 10.5pt (print), the
# sizes the CSS gives in rem at 12pt (16px).
PREAMBLE = r"""
#let accent = rgb("#1d4f91")
#let muted = rgb("#4a4a4a")
#let rule = rgb("#b1b4b6")
#let head-bg = rgb("#e8eef5")
#let band = rgb("#f6f8fa")
#let note-bg = rgb("#f3f6fa")
#let gap-bg = rgb("#fdf4e7")
#let gap-rule = rgb("#a35a00")
#let warn-rule = rgb("#b3261e")
#set document(title: doc-title, author: doc-author, date: none)
#set text(font: ("Arial", "Liberation Sans", "DejaVu Sans"), size: 10.5pt, lang: "en", region: "GB",
  fill: rgb("#1b1b1b"), top-edge: "ascender", bottom-edge: "descender")
#set par(leading: 0.38em, spacing: 1em)
#show outline.entry: set block(spacing: 0.85em)
#show outline.entry.where(level: 2): set text(size: 10pt)
#show outline.entry: it => link(it.element.location(),
  it.indented(it.prefix(), [#it.body() #box(width: 1fr, repeat[.#h(2pt)]) #it.page()]))
#set page(paper: "a4", margin: (top: 20mm, x: 18mm, bottom: 22mm),
  footer: context {
    let n = counter(page).get().first()
    set text(size: 8.5pt, fill: muted)
    if n > 1 [#doc-title #h(1fr) Page #n of #counter(page).final().first()]
    else if footer-on-first [#h(1fr) Page #n of #counter(page).final().first()]
  })
#show heading: set text(weight: "bold")
#show heading.where(level: 1): it => { if new-page { pagebreak(weak: true) }; block(width: 100%,
  sticky: true, stroke: (bottom: 0.75pt + rule), inset: (bottom: 4pt), below: 1em,
  text(size: 19.2pt, it.body)) }
#show heading.where(level: 2): it => block(above: 1.6em, below: 0.8em, sticky: true,
  text(size: 15.6pt, it.body))
#show heading.where(level: 3): it => block(above: 1.3em, below: 0.7em, sticky: true,
  text(size: 13.2pt, it.body))
#let num(n) = text(fill: accent)[#n#h(0.35em)]
#let label(l) = text(fill: accent)[#l#h(0.3em)]
#let summary(body) = block(stroke: (left: 3pt + accent), inset: (left: 0.9em, y: 2pt),
  text(size: 13.2pt, body))
#let finding(kind, colour, body) = block(width: 100%, fill: band, breakable: false,
  stroke: (left: 3pt + colour), inset: (x: 7.2pt, y: 4.8pt), above: 6pt, below: 6pt,
  grid(columns: (11.5em, 1fr), gutter: 0.75em,
    text(size: 10.2pt, weight: "bold", fill: muted, kind), body))
#let callout(title, colour, fill, body) = block(width: 100%, fill: fill, breakable: false,
  stroke: (left: 4.5pt + colour), inset: (x: 1em, y: 0.6em), above: 1.25em, below: 1.25em,
  [#strong(title) #parbreak() #body])
#let source(body) = block(above: 0.35em, sticky: false, text(size: 10.2pt, fill: muted, body))
#let caption(body) = block(below: 0.4em, sticky: true, text(size: 8.5pt, strong(body)))
#show table.cell.where(y: 0): set text(weight: "bold")
"""


def esc(text: str) -> str:
    """Text as Typst markup that shows it literally."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))


def inline(text: str) -> str:
    """``**strong**`` and ``*em*`` as Typst strong and emph, the rest literal."""
    parts = []
    for run, style in emphasis_runs(text):
        body = esc(run)
        parts.append(f"#strong[{body}]" if style == "strong" else
                     f"#emph[{body}]" if style == "em" else body)
    return "".join(parts)


def _string(text: str) -> str:
    """Text as a Typst string literal.

    >>> print(_string('a "b" \\\\ c'))
    "a \\"b\\" \\\\ c"
    """
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


class _Writer:
    def __init__(self, document: Document, drawings: Drawings) -> None:
        self.drawings = drawings
        self.doc = document
        self.numbers = section_numbers(document)
        self.numbering = Numbering.of(document)
        self.landscape = False
        """Inside a landscape page: a wide table or landscape section needs no page of its own."""
        self.out: list[str] = []

    def build(self) -> str:
        doc = self.doc
        title = _string(doc.title)
        report = doc.layout == "report"
        self.out.append(f"#let doc-title = {title}\n#let doc-author = {_string(doc.partnership)}\n"
                        f"#let footer-on-first = {str(not report).lower()}\n"
                        f"#let new-page = {str(report).lower()}\n{PREAMBLE}")
        if report:
            cover = [f"#text(size: 13.8pt, weight: \"bold\", fill: accent)[{esc(doc.partnership)}]",
                     f"#text(size: 28pt, weight: \"bold\")[{esc(doc.title)}]"]
            if doc.subtitle:
                cover.append(f"#text(size: 15.6pt)[{esc(doc.subtitle)}]")
            cover.append(f"#text(fill: muted)[Strategic period: {esc(doc.period_text)}]")
            if doc.issued:
                cover.append(
                    f"#text(fill: muted)[Issued {esc(doc.issued.strftime('%-d %B %Y'))}]")
            self.out.append("#v(60mm)\n" + "\n\n".join(cover) + "\n#pagebreak()")
            self.out.append("#outline(title: [Contents], depth: 2, indent: 1.75em)\n#pagebreak()")
        else:
            cover = [f"#text(size: 21.6pt, weight: \"bold\")[{esc(doc.title)}]",
                     f"#text(fill: muted)[{esc(doc.partnership)}: {esc(doc.period_text)}]"]
            if doc.subtitle:
                cover.append(f"#text(size: 15.6pt)[{esc(doc.subtitle)}]")
            self.out.append("\n\n".join(cover) + "\n#v(0.5em)")
        for section in doc.sections:
            self.section(section)
        if not report:
            return "\n\n".join(self.out)
        meta = doc.metadata
        self.out.append(
            f"#v(3em)\n#line(length: 100%, stroke: 0.75pt + rule)\n#text(size: 10.2pt, fill: "
            f"muted)[Built with cspkit {esc(meta.software_version)} from {len(meta.inputs)} "
            f"input file(s) for the period {esc(meta.period)} (compared with "
            f"{esc(meta.comparison_period)}). Every table is also published as a CSV file in "
            "`data/`; `data/manifest.json` lists the inputs with their SHA-256 checksums and "
            "the analysis behind each table and figure.]")
        return "\n\n".join(self.out)

    def section(self, section: Section) -> None:
        body: list[str] = []
        outer, self.out = self.out, body
        turns = section.landscape and not self.landscape
        self.landscape = self.landscape or turns
        number = (f"#num[{self.numbers[section.id]}]" if self.doc.layout == "report" else "")
        heading = f"{number}{esc(section.title)}"
        body.append(f"#heading(level: {section.level}, outlined: {str(section.level <= 2).lower()})"
                    f"[{heading}]")
        if section.summary:
            body.append(f"#summary[{inline(section.summary)}]")
        if not section.children and not section.summary:
            body.append(f"#emph(text(fill: muted)[{esc(EMPTY_SECTION_TEXT)}])")
        items = list(grouped(section.children))
        for number, item in enumerate(items):
            if isinstance(item, Section):
                self.section(item)
            elif isinstance(item, Paragraph) and (
                    (number == 0 and not section.summary) or (
                        number + 1 < len(items)
                        and isinstance(items[number + 1], Table | Chart | Map))):
                self.out.append(f"#block(sticky: true)[{inline(item.text)}]")
            else:
                self.block(item)
        self.out = outer
        text = "\n\n".join(body)
        if turns:
            self.landscape = False
            text = f"#page(flipped: true)[\n{text}\n]"
        self.out.append(text)

    def block(self, item: object) -> None:
        if isinstance(item, Findings):
            colours = {"rise": "rgb(\"#8a4b00\")", "fall": "rgb(\"#1d6b45\")"}
            for f in item.items:
                kind = esc(f"{KIND_MARKS[f.kind]} {KIND_LABELS[f.kind]}")
                self.out.append(f"#finding([{kind}], {colours.get(f.kind, 'rule')}, "
                                f"[{inline(f.sentence)}])")
        elif isinstance(item, Paragraph):
            self.out.append(inline(item.text))
        elif isinstance(item, Callout):
            colour, fill = {"note": ("accent", "note-bg"), "caveat": ("gap-rule", "gap-bg"),
                            "warning": ("warn-rule", "note-bg")}[item.tone]
            self.out.append(f"#callout([{esc(item.title)}], {colour}, {fill}, "
                            f"[{inline(item.text)}])")
        elif isinstance(item, DataGap):
            rows = [("Data that would fill it", item.would_fill), ("Suggested owner", item.owner)]
            rows += [("Theme", item.theme)] if item.theme else []
            cells = ", ".join(f"text(weight: \"bold\", fill: muted)[{esc(a)}], [{esc(b)}]"
                              for a, b in rows)
            self.out.append(f"#callout([Data gap: {esc(item.missing)}], gap-rule, gap-bg, "
                            f"grid(columns: (auto, 1fr), column-gutter: 1em, row-gutter: "
                            f"0.4em, {cells}))")
        elif isinstance(item, RecommendationList):
            entries = []
            for rec in item.items:
                text = inline(rec.text)
                if rec.owner:
                    text += f" \\ #text(size: 10.8pt, fill: muted)[Lead: {esc(rec.owner)}]"
                for finding in rec.findings:
                    text += f"\n  - #strong[Evidence:] {inline(finding.sentence)}"
                entries.append(f"+ {text}")
            self.out.append("\n".join(entries))
        elif isinstance(item, NumberedList):
            self.out.append("\n".join(f"+ {inline(t)}" for t in item.items))
        elif isinstance(item, Table):
            self.table(item)
        elif isinstance(item, Chart | Map):
            self.figure(item)

    def table(self, table: Table) -> None:
        columns = table.columns
        if any(c.width for c in columns):
            widths = ", ".join(f"{c.width}%" if c.width else "1fr" for c in columns)
        else:
            shown = [[c.label, *(str(v) if isinstance(v, Cell) else c.render(v)
                                 for v in (row[i] for row in table.rows))]
                     for i, c in enumerate(columns)]
            widths = ", ".join(f"{share:.4f}fr" for share in column_widths(shown))
        aligns = ", ".join("right" if c.numeric else "left" for c in columns)
        header = ", ".join(f"[{esc(c.label)}]" for c in columns)
        rows = []
        for row in table.rows:
            cells = []
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, Cell):
                    paragraphs = []
                    for number, text in enumerate(value.paragraphs):
                        body = esc(text)
                        if value.emphasis == "strong":
                            body = f"#strong[{body}]"
                        elif value.emphasis == "em":
                            body = f"#emph[{body}]"
                        if number == 0 and value.lead:
                            body = f"#strong[{esc(value.lead)}]{body}"
                        paragraphs.append(body)
                    content = "[" + " #parbreak() ".join(paragraphs) + "]"
                    if value.fill or value.ink:
                        options = (f"fill: rgb(\"#{value.fill}\"), " if value.fill else "")
                        content = (f"table.cell({options}text(" +
                                   (f"fill: rgb(\"#{value.ink}\"), " if value.ink else "") +
                                   f"{content}))")
                    cells.append(content)
                else:
                    cells.append(f"[{esc(column.render(value))}]")
            rows.append(", ".join(cells))
        parts = [f"#caption[#label[{self.numbering.label(table)}]{esc(table.caption)}]"
                 ] if table.caption else []
        parts.append(
            f"#block(breakable: {str(not keeps_whole(table)).lower()}, above: 0pt, "
            f"text(size: 8.5pt, table(columns: ({widths},), align: ({aligns},), "
            "inset: (x: 4pt, y: 4.5pt), stroke: (x, y) => (bottom: if y == 0 {1.5pt} else "
            "{0.75pt + rule}), fill: (x, y) => if y == 0 {head-bg} else if calc.even(y) "
            f"{{band}}, table.header({header}), {', '.join(rows)})))")
        notes = (f"Source: {table.cited_source}." if table.cited_source else "")
        notes += "".join(f" {n}" for n in table.notes)
        if notes.strip():
            parts.append(f"#source[{esc(notes.strip())}]")
        text = f"#block(above: 1.5em, below: 1.5em)[{chr(10).join(parts)}]"
        if len(columns) > 7 and not self.landscape:
            text = f"#page(flipped: true)[\n{text}\n]"
        self.out.append(text)

    def figure(self, figure: Chart | Map) -> None:
        svg = self.drawings.figure_svg(figure)
        note = f"Source: {figure.cited_source}."
        if figure.table_id:
            note += f" Figures in {self.numbering.label_for_id(figure.table_id)}."
        self.out.append(
            f"#block(breakable: false, above: 21pt, below: 21pt)[#image(bytes({_string(svg)})"
            f", format: \"svg\", width: 100%, alt: {_string(figure.alt_text)})\n"
            f"#strong[#label[{self.numbering.label(figure)}]{esc(figure.title)}] \\ "
            f"#text(size: 10.2pt, fill: muted)[{esc(note)}]]")


def typst_source(document: Document, drawings: Drawings | None = None) -> str:
    """The Document as one Typst source file (figures inlined as SVG: those in ``drawings``,
    the rest drawn here)."""
    return _Writer(xml_safe(document), drawings or Drawings()).build()


def typst_pdf(document: Document, drawings: Drawings | None = None) -> bytes:
    """The Document as a tagged PDF, laid out by Typst.

    Raises
    ------
    CspError
        Typst could not lay the document out (a defect: the markup is generated, and all user
        text in it is escaped).
    """
    try:
        return typst.compile(typst_source(document, drawings).encode("utf-8"), format="pdf")
    except typst.TypstError as error:
        raise CspError(f"Typst could not lay out the PDF of {document.title!r}: {error}",
                       hint="Report this as a bug; set pdf_engine = \"weasyprint\" meanwhile"
                       ) from error
