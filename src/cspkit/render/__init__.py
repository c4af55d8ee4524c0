"""Renderers: one Document to HTML, DOCX, PDF, XLSX and CSV. Never queries the warehouse.

>>> sorted(FORMATS)
['csv', 'docx', 'html', 'pdf', 'xlsx']
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cspkit.assessment.document import Document
from cspkit.errors import CspError
from cspkit.render.charts import engine_started
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


def _check_formats(formats: Iterable[str]) -> list[str]:
    formats = list(formats)
    for name in formats:
        if name not in FORMATS:
            raise CspError(
                f"unknown output format {name!r}", hint=f"Choose from {', '.join(FORMATS)}"
            )
    return formats


def write_outputs(document: Document, out_dir: str | Path, formats: Iterable[str], *,
                  pdf_engine: str | None = None) -> list[Path]:
    """Write the chosen formats into ``out_dir`` and return the paths written.

    Every format name is checked before anything is written. ``pdf_engine`` ("typst" or
    "weasyprint", None for the default) lays out the PDF.
    """
    out_dir = Path(out_dir)
    formats = _check_formats(formats)
    written = []
    for name in formats:
        file_name, writer = FORMATS[name]
        if name == "pdf":
            writer = functools.partial(write_pdf, engine=pdf_engine)
        written.append(writer(document, out_dir / file_name))
    return written


# Slowest first, so the PDF starts at once in one process while the rest share the other.
_LONGEST_FIRST = ("pdf", "docx", "html", "xlsx", "csv")


def _write_timed(document: Document, out_dir: Path, name: str,
                 pdf_engine: str | None = None) -> tuple[Path, float]:
    start = time.perf_counter()
    path = write_outputs(document, out_dir, [name], pdf_engine=pdf_engine)[0]
    return path, time.perf_counter() - start


def write_outputs_timed(document: Document, out_dir: str | Path, formats: Iterable[str], *,
                        pdf_engine: str | None = None) -> dict[str, tuple[Path, float]]:
    """Write the chosen formats, two at a time on a machine with two or more cores.

    Returns format → (path written, seconds its writer took). The formats are independent,
    so they are written in forked worker processes when that is safe: on a POSIX system,
    before this process has started the chart engine (whose threads a fork would not
    carry). Otherwise they are written one after another. The files are the same either way.
    """
    out_dir = Path(out_dir)
    formats = _check_formats(formats)
    ordered = [n for n in _LONGEST_FIRST if n in formats] + [
        n for n in formats if n not in _LONGEST_FIRST]
    parallel = (len(ordered) > 1 and (os.cpu_count() or 1) > 1 and hasattr(os, "fork")
                and not engine_started())
    if not parallel:
        return {name: _write_timed(document, out_dir, name, pdf_engine) for name in ordered}
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {name: pool.submit(_write_timed, document, out_dir, name, pdf_engine)
                   for name in ordered}
        return {name: futures[name].result() for name in formats}


__all__ = [
    "FORMATS",
    "write_csv_bundle",
    "write_docx",
    "write_html",
    "write_outputs",
    "write_outputs_timed",
    "write_pdf",
    "write_xlsx",
]
