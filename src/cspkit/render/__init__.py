"""Renderers: one Document to HTML, DOCX, PDF, XLSX and CSV. Never queries the warehouse.

>>> sorted(FORMATS)
['csv', 'docx', 'html', 'pdf', 'xlsx']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from cspkit.assessment.document import Document
from cspkit.errors import CspError
from cspkit.render.csv_bundle import write_csv_bundle
from cspkit.render.excel import write_xlsx
from cspkit.render.html import write_html
from cspkit.render.pdf import write_pdf
from cspkit.render.word import write_docx

FORMATS: dict[str, tuple[str, Callable[[Document, Path], Path]]] = {
    "html": ("assessment.html", write_html),
    "docx": ("assessment.docx", write_docx),
    "pdf": ("assessment.pdf", write_pdf),
    "xlsx": ("tables.xlsx", write_xlsx),
    "csv": ("data", write_csv_bundle),
}
"""Output format → (file or folder name in the output folder, writer)."""


def write_outputs(document: Document, out_dir: str | Path, formats: Iterable[str]) -> list[Path]:
    """Write the chosen formats into ``out_dir`` and return the paths written.

    Every format name is checked before anything is written.
    """
    out_dir = Path(out_dir)
    formats = list(formats)
    for name in formats:
        if name not in FORMATS:
            raise CspError(
                f"unknown output format {name!r}", hint=f"Choose from {', '.join(FORMATS)}"
            )
    written = []
    for name in formats:
        file_name, writer = FORMATS[name]
        written.append(writer(document, out_dir / file_name))
    return written


__all__ = [
    "FORMATS",
    "write_csv_bundle",
    "write_docx",
    "write_html",
    "write_outputs",
    "write_pdf",
    "write_xlsx",
]
