"""The assessment (and every other Document) as a print-ready A4 PDF.

Two engines lay the same Document out: Typst (``cspkit.render.typst_pdf``, the default, about
a sixth of the CPU time) and WeasyPrint (from the paged HTML and its CSS). The engine is
chosen by the ``engine`` argument, else the ``CSP_PDF_ENGINE`` environment variable, else
``DEFAULT_PDF_ENGINE``; ``csp assess`` passes the configuration's ``pdf_engine`` key.
"""

from __future__ import annotations

import os
from pathlib import Path

from cspkit.assessment.document import Document
from cspkit.errors import CspError
from cspkit.render.drawings import Drawings

PDF_ENGINES: tuple[str, ...] = ("typst", "weasyprint")
"""The PDF engines, by the name used in ``pdf_engine`` and ``CSP_PDF_ENGINE``."""

DEFAULT_PDF_ENGINE = "typst"
"""The engine used when neither the caller nor ``CSP_PDF_ENGINE`` names one."""

ENGINE_VARIABLE = "CSP_PDF_ENGINE"


def pdf_engine(engine: str | None = None) -> str:
    """The engine to use: ``engine``, else ``$CSP_PDF_ENGINE``, else the default.

    >>> pdf_engine("typst")
    'typst'
    """
    chosen = engine or os.environ.get(ENGINE_VARIABLE) or DEFAULT_PDF_ENGINE
    if chosen not in PDF_ENGINES:
        origin = "the PDF engine" if engine else f"{ENGINE_VARIABLE}"
        raise CspError(f"unknown PDF engine {chosen!r} ({origin})",
                       hint=f"Choose from {', '.join(PDF_ENGINES)}")
    return chosen


def write_pdf(document: Document, path: str | Path, *, engine: str | None = None,
              drawings: Drawings | None = None) -> Path:
    """Write the PDF: A4 pages numbered in the footer ("Page N of M"), a contents page with
    page numbers (report layout), table headers repeated across page breaks, charts and maps
    as vector SVG, the title and author in the PDF's metadata.

    The PDF is tagged (headings, tables and figures are marked up for screen readers) and
    carries no creation date or random identifier, so the same Document gives the same bytes.

    Parameters
    ----------
    document
        What to print, in its layout ("report" or "paper").
    path
        The file to write; its folder is created.
    engine
        "typst" or "weasyprint"; None for ``$CSP_PDF_ENGINE`` or ``DEFAULT_PDF_ENGINE``.
    drawings
        Charts and maps already drawn as SVG; the others are drawn here.
    """
    chosen = pdf_engine(engine)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "typst":
        from cspkit.render.typst_pdf import typst_pdf

        path.write_bytes(typst_pdf(document, drawings))
        return path
    import weasyprint

    from cspkit.render.html import render_html

    html = weasyprint.HTML(string=render_html(document, paged=True, drawings=drawings))
    html.write_pdf(path, pdf_tags=True, pdf_identifier=False)
    return path
