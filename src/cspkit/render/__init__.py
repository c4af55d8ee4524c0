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
from cspkit.render.charts import engine_started, start_engine
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
    """Write the chosen formats, several at a time on a machine with two or more cores.

    Returns format → (path written, seconds its writer took). The formats are independent,
    so those that draw charts are written in forked worker processes (:class:`OutputWriters`,
    the others meanwhile in this process) when that is safe: on a POSIX system, before this
    process has started the chart engine (whose threads a fork would not carry). Otherwise
    they are written one after another. The files are the same either way.
    """
    with OutputWriters(formats) as writers:
        return writers.write(document, out_dir, pdf_engine=pdf_engine)


_DRAWN = ("html", "docx", "pdf")
"""The formats that draw charts (and so start the chart engine)."""


class OutputWriters:
    """The worker processes of :func:`write_outputs_timed`, started before the Document is
    ready: enter it before the analysis (before opening the warehouse, as nothing may be
    running in this process that a fork would not carry), and each worker starts the chart
    engine (:func:`~cspkit.render.charts.start_engine`, about half a second of the first
    drawing in a process) while the analysis runs; then :meth:`write` the Document.

    The formats that draw charts (HTML, DOCX, PDF) are written by up to two workers, one
    per such format, the others (XLSX, CSV: no chart engine) meanwhile in this process.
    Where forking is not safe (not POSIX, one core, the chart engine already started here),
    or for one format alone, the formats are written one after another in this process.
    """

    def __init__(self, formats: Iterable[str]) -> None:
        self.formats = _check_formats(formats)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> OutputWriters:
        drawn = [name for name in self.formats if name in _DRAWN]
        if (len(self.formats) > 1 and drawn and (os.cpu_count() or 1) > 1
                and hasattr(os, "fork") and not engine_started()):
            workers = min(2, len(drawn))
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("fork"))
            # One each: a worker busy starting its engine takes no other task.
            for _ in range(workers):
                self._pool.submit(start_engine)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def write(self, document: Document, out_dir: str | Path, *,
              pdf_engine: str | None = None) -> dict[str, tuple[Path, float]]:
        """Write the formats into ``out_dir``: format → (path written, seconds it took)."""
        out_dir = Path(out_dir)
        ordered = [n for n in _LONGEST_FIRST if n in self.formats] + [
            n for n in self.formats if n not in _LONGEST_FIRST]
        if self._pool is None:
            return {name: _write_timed(document, out_dir, name, pdf_engine)
                    for name in ordered}
        futures = {name: self._pool.submit(_write_timed, document, out_dir, name, pdf_engine)
                   for name in ordered if name in _DRAWN}
        done = {name: _write_timed(document, out_dir, name, pdf_engine)
                for name in ordered if name not in _DRAWN}
        done.update((name, future.result()) for name, future in futures.items())
        return {name: done[name] for name in self.formats}


__all__ = [
    "FORMATS",
    "OutputWriters",
    "write_csv_bundle",
    "write_docx",
    "write_html",
    "write_outputs",
    "write_outputs_timed",
    "write_pdf",
    "write_xlsx",
]
