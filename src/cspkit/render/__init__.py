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
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.synchronize import Semaphore
from pathlib import Path

from cspkit.assessment.document import Chart, Document, Map
from cspkit.errors import CspError
from cspkit.render.charts import chart_svg, engine_started, javascript_bundle, start_engine
from cspkit.render.csv_bundle import write_csv_bundle
from cspkit.render.drawings import BeingDrawn, Drawings, draw
from cspkit.render.excel import write_xlsx
from cspkit.render.html import write_html
from cspkit.render.layout import xml_safe
from cspkit.render.pdf import write_pdf
from cspkit.render.word import WordDraft, write_docx

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


SHOWS_FIGURES = ("html", "pdf", "docx")
"""The formats that show the charts and maps (the others give their data as tables)."""


def write_outputs(document: Document, out_dir: str | Path, formats: Iterable[str], *,
                  pdf_engine: str | None = None, drawings: Drawings | None = None
                  ) -> list[Path]:
    """Write the chosen formats into ``out_dir`` and return the paths written.

    Every format name is checked before anything is written. ``pdf_engine`` ("typst" or
    "weasyprint", None for the default) lays out the PDF. When two or more of the formats
    show the figures, each chart and map is drawn once for all of them (unless
    ``drawings`` already holds them).
    """
    out_dir = Path(out_dir)
    formats = _check_formats(formats)
    if drawings is None:
        drawings = _shared_drawings(document, formats)
    written = []
    for name in formats:
        file_name, writer = FORMATS[name]
        if name == "pdf":
            writer = functools.partial(write_pdf, engine=pdf_engine)
        if name in SHOWS_FIGURES:
            writer = functools.partial(writer, drawings=drawings)
        written.append(writer(document, out_dir / file_name))
    return written


def _write_timed(document: Document, out_dir: Path, name: str,
                 pdf_engine: str | None = None, drawings: Drawings | None = None
                 ) -> tuple[Path, float]:
    start = time.perf_counter()
    path = write_outputs(document, out_dir, [name], pdf_engine=pdf_engine,
                         drawings=drawings)[0]
    return path, time.perf_counter() - start


MAX_WORKERS = 4
"""At most this many worker processes write one set of outputs: the figures are not split
finer, and ``csp assess --all`` writes several assessments at once."""
MAP_PARTS = 2
"""The maps' pictures are drawn in at most this many worker processes."""


def _cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Whether worker processes may be forked from this process now: on a POSIX system,
    before this process has started the chart engine (whose threads a fork would not carry)."""
    return hasattr(os, "fork") and not engine_started()


def write_outputs_timed(document: Document, out_dir: str | Path, formats: Iterable[str], *,
                        pdf_engine: str | None = None) -> dict[str, tuple[Path, float]]:
    """Write the chosen formats, in worker processes on a machine with two or more cores.

    Returns format → (path written, seconds its writer took once the figures it shows were
    drawn; for the Word document, from the start). The files are the same as
    :func:`write_outputs` writes. The workers are those of :class:`OutputWriters`, started
    here; ``csp assess`` starts them before the analysis.
    """
    with OutputWriters(formats) as writers:
        return writers.write(document, out_dir, pdf_engine=pdf_engine)


def _jobs(formats: list[str], cores: int) -> int:
    """The most jobs :meth:`OutputWriters.write` gives the workers for these formats (with
    charts and maps in the Document)."""
    word = "docx" in formats
    showing = sum(name in ("pdf", "html") for name in formats)
    first = sum(name not in SHOWS_FIGURES for name in formats)
    draw_charts = word or showing > 1
    map_parts = max(1, min(cores - 2, MAP_PARTS)) if word else 0
    return int(draw_charts) + map_parts + first + (word + showing if draw_charts else showing)


_engine_turns: list[Semaphore] = []
"""In a worker process of :class:`OutputWriters`: the semaphore its workers take while they
start their chart engines."""


def _share_engine_turns(turns: Semaphore) -> None:
    _engine_turns[:] = [turns]


def _start_engine_in_turn() -> None:
    """Start this worker's chart engine (:func:`~cspkit.render.charts.start_engine`) once no
    more of its fellow workers than allowed are starting theirs."""
    with _engine_turns[0]:
        start_engine()


class OutputWriters:
    """The worker processes that write a Document's formats, which may be started before the
    Document is ready.

    Enter it before the analysis (before the warehouse is opened: nothing may run in this
    process that a fork would not carry) and each worker starts the chart engine
    (:func:`~cspkit.render.charts.start_engine`, about half a second of a process's first
    drawing) while the analysis runs; then :meth:`write` the Document. The work is shared
    out so that the Word document, the longest, is not left to the end: the workers draw the
    charts (once for every format that shows them; the HTML and the PDF are then written
    from the same SVGs; when the PDF alone shows the figures, every worker draws a part of
    them; when the HTML alone does, the workers draw its charts while this process draws
    its maps and builds the page) and the maps' pictures, and write the spreadsheet and the
    CSV files, while this process builds the Word document's text and then puts the
    pictures in. The workers are forked only when that is safe: on a POSIX system, before
    this process has started the chart engine (whose threads a fork would not carry; this
    process does not start it here), with two or more cores, and for more than one format,
    the Word document, or (entered ahead, below) the HTML or the PDF alone. Otherwise the
    formats are written one after another in this process. The files are the same either
    way.

    Give ``ahead=True`` when entering it before the analysis: the workers then start their
    chart engines at most one fewer at a time than there are cores (one at a time on two
    cores), so the analysis in this process keeps a core to itself; they are ready long
    before it ends. Otherwise they start at once, as the Document is ready.
    """

    def __init__(self, formats: Iterable[str], *, ahead: bool = False) -> None:
        self.formats = _check_formats(formats)
        self.ahead = ahead
        self._pool: ProcessPoolExecutor | None = None
        self._workers = 0

    def __enter__(self) -> OutputWriters:
        formats = self.formats
        cores = _cores()
        # One format that shows the figures gains from workers too when they can start their
        # chart engines ahead (the HTML's charts are otherwise drawn here, engine start first).
        shared = len(formats) > 1 or "docx" in formats or (
            self.ahead and any(name in SHOWS_FIGURES for name in formats))
        if shared and cores >= 2 and _can_fork():
            workers = self._workers = max(2, min(cores, _jobs(formats, cores), MAX_WORKERS))
            context = multiprocessing.get_context("fork")
            # Entered ahead of the analysis, the workers start their engines no more than
            # one fewer at a time than there are cores, leaving the analysis (one core's
            # work) its core; otherwise all at once. The semaphore reaches the workers
            # through the fork.
            at_once = max(1, cores - 1) if self.ahead else workers
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=_share_engine_turns,
                initargs=(context.BoundedSemaphore(at_once),))
            if any(name in SHOWS_FIGURES for name in formats):
                # All the workers are forked at this first submission, before any thread
                # starts here.
                for _ in range(workers):
                    self._pool.submit(_start_engine_in_turn)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def write(self, document: Document, out_dir: str | Path, *,
              pdf_engine: str | None = None) -> dict[str, tuple[Path, float]]:
        """Write the formats into ``out_dir``: format → (path written, seconds)."""
        out_dir = Path(out_dir)
        formats = self.formats
        pool, workers = self._pool, self._workers
        if pool is None:
            drawings = _shared_drawings(document, formats)
            return {name: _write_timed(document, out_dir, name, pdf_engine, drawings)
                    for name in formats}
        word = "docx" in formats
        showing = [name for name in ("pdf", "html") if name in formats]
        if showing == ["html"] and not word:
            return self._write_html_here(pool, document, out_dir, pdf_engine)
        start = time.perf_counter()
        figures = xml_safe(document).figures()
        # The charts are drawn in a worker when the Word document needs them (this process
        # must not start the chart engine) or when the PDF and the HTML can share them.
        charts = [f for f in figures if isinstance(f, Chart)]
        maps = [f for f in figures if isinstance(f, Map)] if word else []
        draw_charts = bool(charts) and (word or len(showing) > 1)
        # The PDF alone shows the figures and none draws them for it: the workers draw them
        # in parts first, each on its own core (in one process the chart engine draws one
        # chart at a time, and holds up the other threads meanwhile), and the PDF is written
        # from the drawings.
        drawn_apart = not draw_charts and bool(showing) and bool(figures)
        first = [name for name in formats if name not in SHOWS_FIGURES]
        if not draw_charts and not drawn_apart:
            first = [*showing, *first]
        cores = _cores()
        # The maps' pictures are the longest drawing: shared out over a spare core if there
        # is one.
        map_parts = max(1, min(len(maps), cores - 2, MAP_PARTS))
        drawing = int(draw_charts) + (map_parts if maps else 0)
        # The spreadsheet and the CSV files wait behind the PDF unless a worker is free for them.
        now = first if not draw_charts or workers - drawing >= len(first) else []
        # The charts first: the PDF, the longest writer after the Word document, waits for
        # their SVGs.
        drawing_charts = pool.submit(draw, charts) if draw_charts else None
        # The charts then the maps, dealt out in turn: each part has about as many of each.
        dealt = [*charts, *(f for f in figures if isinstance(f, Map))]
        parts = [pool.submit(draw, dealt[part::workers])
                 for part in range(workers)] if drawn_apart else []
        pictures = [pool.submit(draw, maps[part::map_parts], png=True)
                    for part in range(map_parts)] if maps else []
        write = functools.partial(pool.submit, _write_timed, document, out_dir)
        writing = {name: write(name, pdf_engine) for name in now}
        if parts:
            drawn = Drawings().merged(*(future.result() for future in parts))
            writing.update({name: write(name, pdf_engine, drawn) for name in showing})
        written: dict[str, tuple[Path, float]] = {}
        with ThreadPoolExecutor(max_workers=1) as thread:
            # The Word text is built in this process while the workers draw. It takes a
            # thread (the main one waits for the charts to hand them on), not a second
            # process: python-docx is pure Python, and waiting takes no CPU.
            draft = thread.submit(WordDraft, document) if word else None
            if drawing_charts is not None:
                svg = drawing_charts.result()
                # The PDF first (the longest), then the charts' pictures (the Word document
                # waits for them), then the HTML.
                if "pdf" in showing:
                    writing["pdf"] = write("pdf", pdf_engine, svg)
                if word:
                    pictures.append(pool.submit(svg.with_png, charts))
                if "html" in showing:
                    writing["html"] = write("html", pdf_engine, svg)
                writing.update({name: write(name, pdf_engine) for name in first
                                if name not in now})
            if draft is not None:
                drawings = Drawings().merged(*(future.result() for future in pictures))
                path = draft.result().finish(out_dir / FORMATS["docx"][0], drawings)
                written["docx"] = (path, time.perf_counter() - start)
        written.update({name: future.result() for name, future in writing.items()})
        return {name: written[name] for name in formats}

    def _write_html_here(self, pool: ProcessPoolExecutor, document: Document, out_dir: Path,
                         pdf_engine: str | None) -> dict[str, tuple[Path, float]]:
        """The HTML with formats that show no figures: the workers draw the charts, one job
        a chart in reading order (vl-convert draws one chart at a time in a process, so each
        worker takes the next one as it is free), after writing the other formats; meanwhile
        this process draws the maps (which take no chart engine) and builds the page,
        taking each chart as it is drawn. A worker hands over the script bundle too (read
        from the cache, or built there and kept), so this process never starts the chart
        engine. The HTML's seconds count from the start, its charts' drawing included."""
        start = time.perf_counter()
        # Each chart as the page shows it (made XML-safe; the page does the same to the
        # whole Document meanwhile).
        charts = [xml_safe(figure) for figure in document.figures() if isinstance(figure, Chart)]
        # The other formats first: they take a worker a moment (the page waits for the
        # last chart whichever way), and the main thread here, busy with the page, would be
        # slow to hand them over later.
        writing = {name: pool.submit(_write_timed, document, out_dir, name, pdf_engine)
                   for name in self.formats if name != "html"}
        bundle = pool.submit(javascript_bundle) if charts else None
        drawing = {chart.id: pool.submit(chart_svg, chart) for chart in charts}
        path = write_html(document, out_dir / FORMATS["html"][0],
                          drawings=Drawings(svg=BeingDrawn(drawing)),
                          script_bundle=bundle.result() if bundle is not None else None)
        written = {"html": (path, time.perf_counter() - start)}
        written.update({name: future.result() for name, future in writing.items()})
        return {name: written[name] for name in self.formats}


def _shared_drawings(document: Document, formats: list[str]) -> Drawings | None:
    """The figures drawn once, when two or more of ``formats`` show them."""
    if sum(name in SHOWS_FIGURES for name in formats) < 2:
        return None
    return draw(xml_safe(document).figures(), png="docx" in formats)


__all__ = [
    "FORMATS",
    "Drawings",
    "OutputWriters",
    "draw",
    "write_csv_bundle",
    "write_docx",
    "write_html",
    "write_outputs",
    "write_outputs_timed",
    "write_pdf",
    "write_xlsx",
]
