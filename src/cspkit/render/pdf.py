"""The assessment as a print-ready A4 PDF, laid out by WeasyPrint from the paged HTML."""

from __future__ import annotations

from pathlib import Path

import weasyprint

from cspkit.assessment.document import Document
from cspkit.render.html import render_html


def write_pdf(document: Document, path: str | Path) -> Path:
    """Write ``assessment.pdf``: A4 pages numbered in the footer, a contents page with page
    numbers, table headers repeated across page breaks, charts and maps as vector SVG.

    The PDF is tagged (headings, tables and figures are marked up for screen readers) and
    carries no creation date or random identifier, so the same Document gives the same bytes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = weasyprint.HTML(string=render_html(document, paged=True))
    html.write_pdf(path, pdf_tags=True, pdf_identifier=False)
    return path
