"""The assessment as one self-contained HTML page (and the page the PDF is printed from)."""

from __future__ import annotations

import base64
import functools
from html import escape
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from cspkit.assessment.document import (
    Cell,
    Chart,
    Document,
    Map,
    Section,
    Table,
    emphasis_runs,
)
from cspkit.render.charts import charts_drawn, javascript_bundle, spec_json
from cspkit.render.drawings import Drawings
from cspkit.render.layout import (
    EMPTY_SECTION_TEXT,
    KIND_LABELS,
    KIND_MARKS,
    Numbering,
    grouped,
    keeps_whole,
    section_numbers,
    xml_safe,
)

_TAGS = {"strong": "strong", "em": "em"}

# Draw each chart interactively in place of its static SVG; the static picture stays when
# scripts are off. Export stays available; links to the online editor are switched off.
EMBED_SCRIPT = """
document.querySelectorAll(".chart-view[data-spec]").forEach(function (view) {
  var spec = JSON.parse(document.getElementById(view.dataset.spec).textContent);
  vegaEmbed(view, spec, {renderer: "svg", actions: {export: true, source: false,
    compiled: false, editor: false}}).catch(function () {});
});
""".strip()


def inline(text: str) -> Markup:
    """Text with ``**strong**`` and ``*em*`` as HTML, everything else escaped."""
    parts = []
    for run, style in emphasis_runs(text):
        parts.append(f"<{_TAGS[style]}>{escape(run)}</{_TAGS[style]}>" if style else escape(run))
    return Markup("".join(parts))


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cspkit.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = inline
    env.globals.update(
        grouped=grouped,
        keeps_whole=keeps_whole,
        is_section=lambda item: isinstance(item, Section),
        is_cell=lambda value: isinstance(value, Cell),
        shade_class=shade_class,
        spec_json=spec_json,
        svg_data_uri=svg_data_uri,
        kind_labels=KIND_LABELS,
        kind_marks=KIND_MARKS,
        empty_text=EMPTY_SECTION_TEXT,
    )
    return env


def svg_data_uri(svg: str) -> str:
    """An SVG picture as a ``data:`` URL, for an ``<img>`` of the printed page.

    >>> svg_data_uri("<svg/>")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _css(*names: str) -> str:
    folder = resources.files("cspkit.render") / "templates"
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in names)


def shade_class(cell: Cell) -> str:
    """The CSS class of a coloured cell (its rule is in the page's style block)."""
    return f"shade-{cell.fill}-{cell.ink}" if cell.fill or cell.ink else ""


def _table_rules(tables: tuple[Table, ...]) -> str:
    """CSS for the tables' column widths and coloured cells: the page has no inline style,
    so a strict Content-Security-Policy can allow its one style block by hash."""
    rules = []
    for table in tables:
        for number, column in enumerate(table.columns, start=1):
            if column.width is not None:
                rules.append(f"#{table.id} col:nth-child({number}) {{ width: {column.width}%; }}")
    shades = {value for table in tables for row in table.rows for value in row
              if isinstance(value, Cell) and shade_class(value)}  # fmt: skip
    for cell in sorted(shades, key=shade_class):
        colours = [f"background: #{cell.fill};"] if cell.fill else []
        colours += [f"color: #{cell.ink};"] if cell.ink else []
        rules.append(f".{shade_class(cell)} {{ {' '.join(colours)} }}")
    return "\n".join(rules)


def render_html(document: Document, *, paged: bool = False,
                drawings: Drawings | None = None, script_bundle: str | None = None) -> str:
    """The Document as an HTML string.

    Parameters
    ----------
    document
        The assessment.
    paged
        Build the page WeasyPrint prints to PDF: no scripts, A4 page rules and a contents
        page with page numbers. Otherwise the page is interactive and self-contained.
    drawings
        Charts and maps already drawn as SVG (or being drawn: see
        :class:`~cspkit.render.drawings.BeingDrawn`); the others are drawn here.
    script_bundle
        The Vega script bundle (:func:`~cspkit.render.charts.javascript_bundle`'s text),
        when the caller has it; otherwise it is read from the cache or built here.
    """
    document = xml_safe(document)
    drawings = drawings or Drawings()
    charts = [figure for figure in document.figures() if isinstance(figure, Chart)]
    has_charts = bool(charts)
    sheets = ["assessment.css", *(["paged.css"] if paged else [])]
    sheets += ["paper.css"] if document.layout == "paper" else []
    css = "\n".join(filter(None, [_css(*sheets), _table_rules(document.tables())]))
    # The charts are drawn in worker threads (the chart engine's first drawing, which starts
    # it, is the slowest) while the maps are drawn, the script bundle is read (or built) and
    # the page around them is built.
    # Figures already in ``drawings`` are taken from there.
    with charts_drawn(c for c in charts if c.id not in drawings.svg) as drawing:
        maps = {figure.id: drawings.figure_svg(figure) for figure in document.figures()
                if isinstance(figure, Map)}

        def drawn(figure: Chart | Map) -> str:
            if figure.id in drawings.svg:
                return drawings.svg[figure.id]
            if isinstance(figure, Chart):
                return drawing(figure)
            return maps[figure.id] if figure.id in maps else drawings.figure_svg(figure)

        bundle = ""
        if has_charts and not paged:
            bundle = (javascript_bundle() if script_bundle is None else script_bundle
                      ).replace("</script", "<\\/script")
        return _environment().get_template("assessment.html.j2").render(
            doc=document,
            print=paged,
            css=Markup(css),
            numbers=section_numbers(document),
            numbering=Numbering.of(document),
            issued_text=document.issued.strftime("%-d %B %Y") if document.issued else "",
            has_charts=has_charts,
            bundle=Markup(bundle),
            embed_script=Markup(EMBED_SCRIPT),
            chart_svg=drawn,
            map_svg=drawn,
        )


def write_html(document: Document, path: str | Path, *,
               drawings: Drawings | None = None, script_bundle: str | None = None) -> Path:
    """Write ``assessment.html``: one file that opens offline, with interactive charts.

    The Vega, Vega-Lite and vega-embed scripts are inlined, maps are inline SVG, and the same
    Document always gives the same bytes. Charts and maps already drawn are taken from
    ``drawings``, and the script bundle from ``script_bundle`` when given.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(document, drawings=drawings, script_bundle=script_bundle)
    path.write_text(html, encoding="utf-8", newline="\n")
    return path
