"""Benchmark: one `csp assess` for Stockton-on-Tees on the real Cleveland data, stage by stage.

A fresh warehouse is loaded from ../shared/data (or $CSP_SHARED_DATA), the assessment of
2025-01..2025-12 against 2024 is built, then written: HTML and CSV together (the quick
outputs), every format together (as `csp assess` writes them, in worker processes: see
``cspkit.render.write_outputs_timed``), and each format alone in a child process of its own
(as `csp assess` writes one format: the Word document's figures are drawn in worker processes
of that child while it builds the text; any other format is written in the child itself).
Each stage is timed on the wall clock and in CPU seconds (this process and its children),
with the load average, since the machine may be shared. Asserts nothing.

    .venv/bin/python benchmarks/assess.py [--keep DIR] [--against OTHER/src | --engines]

``--against`` runs the same measurements, back to back in the same conditions, with the
cspkit of another source tree (``/work/main/src``: the code before a change) and prints the
two side by side. The stages are counted as follows: "load" is the ingest (not part of the
assessment's own time); "analyse" is ``build_assessment``; "analyse + html + csv" and
"analyse + all formats" add the writing stage to the analysis, which is what a user waits for
after ``csp load``; "csp assess html + csv" runs :func:`cspkit.assessment.run.assess` with
those two formats, analysis and writing together, as the command does.

The Vega script bundle the HTML inlines is kept in the cache folder from one run to the next
(``cspkit.render.charts.javascript_bundle``). This benchmark gives each run an empty cache
folder, so "html + csv" is the first run on a machine; "html + csv, cache kept" is every run
after.

Figures before this work (main at fcf936a) and after it, measured together with
``--against /work/main/src`` on 2026-12-05 on the shared development machine (2 cores, AMD
EPYC, Linux 6.18, Python 3.11) with a load average of 14 to 18 from the other engineers'
work, so wall seconds are inflated several times; compare the CPU seconds:

    seconds: wall / CPU (load)        before (main)          after
    load                           43.9 / 11.5 (16.8)    43.2 / 11.0 (15.8)
    analyse                        20.8 /  6.8 (16.9)    27.0 /  6.5 (14.6)
    html + csv                     14.6 /  3.8 (16.9)    15.2 /  3.7 (14.7)
    html + csv, cache kept         11.8 /  3.7 (17.4)     6.3 /  1.9 (14.3)
    all formats                    90.9 / 26.1 (16.8)    89.2 / 24.3 (14.3)
      html alone                   13.4 /  3.6 (18.3)     7.1 /  2.0 (15.0)
      docx alone                   29.3 /  7.0 (18.0)    31.5 /  7.1 (15.1)
      pdf alone                    62.2 / 15.7 (18.4)    67.5 / 15.0 (16.3)
      xlsx alone                    0.7 /  0.2 (16.7)     1.0 /  0.2 (14.6)
      csv alone                     0.1 /  0.1 (16.7)     0.2 /  0.0 (14.6)
    analyse + html + csv           35.4 / 10.6 (16.9)    42.2 / 10.2 (14.7)
    analyse + all formats         111.7 / 32.9 (16.9)   116.2 / 30.8 (14.6)

On an idle machine issue 15 gives load 6.4 s, analyse 4.1 s and the PDF 8.6 s of the
writing. docs/performance.md has the profiles, the PDF engine comparison and the targets.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CSP_SHARED_DATA", REPO.parent / "shared" / "data"))
INPUTS = (
    "lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz",
    "lookups/lookup_lsoa11_lsoa21_ltla22.csv.gz",
    "imd/imd2025_england_lsoa21.csv.gz",
    "population",
    "boundaries",
    "police-uk/cleveland/street",
    "police-uk/cleveland/outcomes",
    "police-uk/all-forces-summary",
)
"""What the assessment reads: the ONS lookups, IoD2025 scores, population, boundaries, the
force's street and outcomes files, and the all-forces counts for peers (not the IoD
indicator files or stop and search, which no chapter uses)."""

QUICK = ("html", "csv")


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0]) if Path(
        "/proc/loadavg").exists() else float("nan")


class Stages:
    """Wall and CPU seconds of each stage, with the load average when it started."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, float]] = {}

    def time(self, name: str, run: Callable[[], Any]) -> Any:
        load, wall, cpu = _load1(), time.perf_counter(), _cpu()
        result = run()
        self.rows[name] = {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu,
                           "load": load}
        return result

    def add(self, name: str, *parts: str) -> None:
        self.rows[name] = {key: sum(self.rows[p][key] for p in parts) for key in ("wall", "cpu")}
        self.rows[name]["load"] = max(self.rows[p]["load"] for p in parts)


def _write_alone(document: Any, out_dir: Path, name: str) -> None:
    from cspkit.render import write_outputs_timed

    write_outputs_timed(document, out_dir, [name])


def _in_child(document: Any, out_dir: Path, name: str) -> None:
    """Write one format in a child process of its own (a fresh chart engine each time)."""
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_write_alone, args=(document, out_dir, name))
    child.start()
    child.join()
    if child.exitcode:
        raise RuntimeError(f"writing {name} failed (exit code {child.exitcode})")


def measure(root: Path) -> dict[str, Any]:
    """Run every stage in this process (with whichever cspkit is on the path)."""
    import cspkit
    from cspkit.assessment.build import build_assessment
    from cspkit.assessment.config import load_config, write_default_config
    from cspkit.assessment.run import assess
    from cspkit.render import FORMATS, write_outputs_timed
    from cspkit.warehouse import connect
    from cspkit.warehouse.load import load_paths

    root.mkdir(parents=True, exist_ok=True)
    warehouse = root / "real.duckdb"
    for stale in (warehouse, warehouse.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    os.environ["CSP_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-", dir=root)
    stages = Stages()
    con = connect(warehouse)
    report = stages.time("load", lambda: load_paths(con, [SHARED / f for f in INPUTS]))
    config = load_config(write_default_config(
        root / "csp.toml", name="Safer Stockton Partnership", areas=["E06000004"],
        period="2025-01:2025-12", compare="previous", force=True))
    document = stages.time("analyse", lambda: build_assessment(con, config))
    con.disconnect()

    out = root / "out"
    quick = stages.time("html + csv", lambda: write_outputs_timed(document, out, QUICK))
    stages.time("html + csv, cache kept",
                lambda: write_outputs_timed(document, root / "again", QUICK))
    every = stages.time("all formats", lambda: write_outputs_timed(document, out, FORMATS))
    # What `csp assess` does with formats = ["html", "csv"]: the analysis and the writing
    # together (in this tree the writers start, and start their chart engine, before the
    # analysis).
    quick_config = config.model_copy(update={"formats": list(QUICK)})
    stages.time("csp assess html + csv", lambda: assess(
        root / "csp.toml", warehouse=warehouse, out_dir=root / "assessed", config=quick_config))
    every_config = config.model_copy(update={"formats": list(FORMATS)})
    stages.time("csp assess all formats", lambda: assess(
        root / "csp.toml", warehouse=warehouse, out_dir=root / "assessed-all",
        config=every_config))
    for name in FORMATS:
        stages.time(f"  {name} alone", lambda name=name: _in_child(
            document, root / "alone", name))
    stages.add("analyse + html + csv", "analyse", "html + csv")
    stages.add("analyse + all formats", "analyse", "all formats")
    # From a fresh warehouse, as issue 15 counts it (its 19 s): the load, then the assessment.
    stages.add("load + analyse + all formats", "load", "analyse", "all formats")
    stages.add("load + csp assess all formats", "load", "csp assess all formats")
    return {
        "source": str(Path(cspkit.__file__).parents[1]),
        "summary": (f"{len(report.loaded)} files, {sum(f.rows for f in report.loaded):,} rows "
                    f"loaded; {len(document.tables())} tables, {len(document.figures())} "
                    "figures"),
        "stages": stages.rows,
        "writers": {name: seconds for name, (_, seconds) in {**quick, **every}.items()},
        "out": str(out),
    }


def _run_tree(src: Path, root: Path, pdf_engine: str | None = None) -> dict[str, Any]:
    """Measure with the cspkit of a source tree, in a fresh interpreter (with this PDF
    engine, through CSP_PDF_ENGINE, when given)."""
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    if pdf_engine:
        env["CSP_PDF_ENGINE"] = pdf_engine
    done = subprocess.run([sys.executable, __file__, "--keep", str(root), "--json"], env=env,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def _print(runs: list[tuple[str, dict[str, Any]]]) -> None:
    names = [name for name in runs[-1][1]["stages"]]
    for label, run in runs:
        print(f"{label}: {run['source']}: {run['summary']}")
    head = "".join(f"{label:>24}" for label, _ in runs)
    print(f"\n{'seconds: wall / CPU (load)':<26}{head}")
    for name in names:
        cells = []
        for _, run in runs:
            row = run["stages"].get(name)
            cells.append(f"{row['wall']:6.1f} / {row['cpu']:5.1f} ({row['load']:4.1f})"
                         if row else f"{'--':>22}")
        print(f"{name:<26}" + "".join(f"{c:>24}" for c in cells))
    if len(runs) == 2:
        old, new = (run["stages"] for _, run in runs)
        print("\nnew / before (wall, CPU):")
        for name in ("analyse", "html + csv", "all formats", "analyse + html + csv",
                     "analyse + all formats", "csp assess html + csv",
                     "csp assess all formats", "load + csp assess all formats"):
            if name not in old or name not in new:
                continue
            print(f"  {name:<24}{new[name]['wall'] / old[name]['wall']:6.2f} "
                  f"{new[name]['cpu'] / old[name]['cpu']:6.2f}")
    print(f"\noutputs in {runs[-1][1]['out']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Write into this folder and keep it.")
    parser.add_argument("--against", type=Path, metavar="SRC",
                        help="Also measure the cspkit in this source folder (e.g. "
                        "/work/main/src) and print both, that one first.")
    parser.add_argument("--engines", action="store_true",
                        help="Measure this tree once with each PDF engine (WeasyPrint, then "
                        "Typst) and print both.")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="csp-assess-"))
    if args.json:
        print(json.dumps(measure(root)))
        return
    runs = []
    if args.engines:
        runs = [(engine, _run_tree(REPO / "src", root / engine, engine))
                for engine in ("weasyprint", "typst")]
        _print(runs)
        return
    if args.against:
        runs.append(("before", _run_tree(args.against, root / "before")))
    runs.append(("this tree", _run_tree(REPO / "src", root / "this")))
    _print(runs)


if __name__ == "__main__":
    main()
