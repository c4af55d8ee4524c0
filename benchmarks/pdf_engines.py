"""Benchmark: the Stockton-on-Tees assessment PDF laid out by WeasyPrint and by Typst.

The assessment (2025-01..2025-12 against 2024, real Cleveland data) is built once, then each
engine writes it in a child process of its own, several times in turn (WeasyPrint, Typst,
WeasyPrint, ...), so both meet the same machine load. Each run is timed on the wall clock and
in CPU seconds, split into preparing the input (the paged HTML, or the Typst source; both draw
the same chart and map SVGs) and the engine's own layout and PDF writing. Prints the figures,
page counts and file sizes; with ``--keep`` the PDFs stay for a look
(``pdftoppm -r 50 -png``). Asserts nothing.

    .venv/bin/python benchmarks/pdf_engines.py [--warehouse FILE] [--keep DIR] [--runs N]

``--warehouse`` reuses a warehouse already loaded by benchmarks/assess.py (``--keep``) instead
of loading ../shared/data again. The Typst side is ``cspkit.render.typst_pdf`` (the default
engine). docs/performance.md has the figures and the choice.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assess import INPUTS, SHARED  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _weasyprint(document, path: Path, queue) -> None:
    import weasyprint

    from cspkit.render.html import render_html

    wall, cpu = time.perf_counter(), _cpu()
    html = render_html(document, paged=True)
    prepared = (time.perf_counter() - wall, _cpu() - cpu)
    weasyprint.HTML(string=html).write_pdf(path, pdf_tags=True, pdf_identifier=False)
    queue.put((prepared, (time.perf_counter() - wall, _cpu() - cpu)))


def _typst(document, path: Path, queue) -> None:
    import typst

    from cspkit.render.typst_pdf import typst_source

    wall, cpu = time.perf_counter(), _cpu()
    source = typst_source(document)
    prepared = (time.perf_counter() - wall, _cpu() - cpu)
    path.write_bytes(typst.compile(source.encode("utf-8"), format="pdf"))
    queue.put((prepared, (time.perf_counter() - wall, _cpu() - cpu)))


ENGINES = {"WeasyPrint": _weasyprint, "Typst": _typst}


def _document(warehouse: Path | None, root: Path):
    from cspkit.assessment.build import build_assessment
    from cspkit.assessment.config import load_config, write_default_config
    from cspkit.warehouse import connect
    from cspkit.warehouse.load import load_paths

    if warehouse is None:
        warehouse = root / "real.duckdb"
        warehouse.unlink(missing_ok=True)
        con = connect(warehouse)
        load_paths(con, [SHARED / f for f in INPUTS])
    else:
        con = connect(warehouse)
    config = load_config(write_default_config(
        root / "csp.toml", name="Safer Stockton Partnership", areas=["E06000004"],
        period="2025-01:2025-12", compare="previous", force=True))
    document = build_assessment(con, config)
    con.disconnect()
    return document


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="A loaded warehouse to build from.")
    parser.add_argument("--keep", type=Path, help="Write the PDFs into this folder.")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each engine (3).")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="csp-pdf-engines-"))
    root.mkdir(parents=True, exist_ok=True)
    document = _document(args.warehouse, root)
    context = multiprocessing.get_context("fork")
    figures: dict[str, list[tuple[tuple[float, float], tuple[float, float]]]] = {
        name: [] for name in ENGINES}
    loads = []
    for _ in range(args.runs):
        for name, engine in ENGINES.items():
            loads.append(float(Path("/proc/loadavg").read_text().split()[0]))
            queue = context.Queue()
            child = context.Process(target=engine,
                                    args=(document, root / f"{name.lower()}.pdf", queue))
            child.start()
            figures[name].append(queue.get())
            child.join()
    print(f"{len(document.tables())} tables, {len(document.figures())} figures; {args.runs} "
          f"runs of each engine; 1-min load average {min(loads):.1f} to {max(loads):.1f}")
    print(f"{'median seconds':<16}{'input wall/CPU':>18}{'total wall/CPU':>18}"
          f"{'engine CPU':>12}{'pages':>7}{'size':>10}")
    for name, runs in figures.items():
        prep_wall = statistics.median(r[0][0] for r in runs)
        prep_cpu = statistics.median(r[0][1] for r in runs)
        wall = statistics.median(r[1][0] for r in runs)
        cpu = statistics.median(r[1][1] for r in runs)
        engine_cpu = statistics.median(r[1][1] - r[0][1] for r in runs)
        pdf = root / f"{name.lower()}.pdf"
        print(f"{name:<16}{prep_wall:8.2f} / {prep_cpu:5.2f}  {wall:8.2f} / {cpu:5.2f}"
              f"{engine_cpu:12.2f}{_pages(pdf):7d}{pdf.stat().st_size / 1e6:8.2f} MB")
    print(f"PDFs in {root}")


if __name__ == "__main__":
    main()
