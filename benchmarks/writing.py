"""Time writing the Stockton-on-Tees assessment's outputs from a Document built once.

Builds the Document that ``benchmarks/assess.py`` builds (Stockton-on-Tees, 2025 against
2024, the default configuration) from a loaded warehouse (``--warehouse FILE``: for example
the ``real.duckdb`` that ``benchmarks/assess.py --keep DIR`` leaves in ``DIR/this``), keeps it
in a pickle, then writes it with ``write_outputs_timed`` (as ``csp assess`` does) in fresh
interpreters: every format together and the DOCX alone, ``--runs`` times each after one
warm-up each, alternating with the cspkit of ``--against SRC`` when given. Prints the median
and range of the wall and CPU seconds (the writing process and its workers) with the load
average, and whether the two trees wrote the same files. Asserts nothing.

    .venv/bin/python benchmarks/writing.py --warehouse FILE [--runs 3] [--against SRC]

The Document is built with this tree's cspkit; ``--against`` needs a tree whose Document
classes unpickle it (the writing stage's own changes leave them alone).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETS = {"all formats": "html,docx,pdf,xlsx,csv", "docx alone": "docx"}


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def build(warehouse: Path, path: Path) -> None:
    """Build the Stockton Document from ``warehouse`` and pickle it to ``path``."""
    from cspkit.assessment.build import build_assessment
    from cspkit.assessment.config import default_config_text, parse_config
    from cspkit.warehouse import connect

    config = parse_config(default_config_text(
        name="Safer Stockton Partnership", areas=["E06000004"], period="2025-01:2025-12"))
    con = connect(warehouse)
    try:
        path.write_bytes(pickle.dumps(build_assessment(con, config)))
    finally:
        con.disconnect()


def write(document: Path, out_dir: Path, formats: str) -> dict[str, float]:
    """Write the pickled Document's ``formats`` with whichever cspkit is on the path."""
    from cspkit.render import write_outputs_timed

    loaded = pickle.loads(document.read_bytes())
    load, wall, cpu = _load1(), time.perf_counter(), _cpu()
    write_outputs_timed(loaded, out_dir, formats.split(","))
    return {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu, "load": load}


def _run(src: Path, document: Path, out_dir: Path, formats: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    done = subprocess.run([sys.executable, __file__, "--write", str(document), str(out_dir),
                           formats], env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def _same_files(first: Path, second: Path) -> bool:
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    if names != sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file()):
        return False
    return all(filecmp.cmp(first / n, second / n, shallow=False) for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="A loaded warehouse file.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, metavar="SRC",
                        help="Also measure the cspkit in this source folder (e.g. "
                        "/work/main/src), alternating with this tree.")
    parser.add_argument("--write", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        document, out_dir, formats = args.write
        print(json.dumps(write(Path(document), Path(out_dir), formats)))
        return
    if args.warehouse is None:
        parser.error("--warehouse FILE is needed")
    root = Path(tempfile.mkdtemp(prefix="csp-writing-"))
    os.environ["CSP_CACHE_DIR"] = str(root / "cache")  # one chart bundle for every run
    document = root / "document.pickle"
    build(args.warehouse, document)
    trees = {"this tree": REPO / "src"}
    if args.against:
        trees = {"before": args.against, **trees}
    times: dict[tuple[str, str], list[dict[str, float]]] = {}
    for run in range(args.runs + 1):  # run 0 warms up
        for label, formats in SETS.items():
            for tree, src in trees.items():
                result = _run(src, document, root / tree / label, formats)
                if run:
                    times.setdefault((label, tree), []).append(result)
    print(f"{'seconds: median wall / CPU (range)':<36}" + "".join(f"{t:>36}" for t in trees))
    for label in SETS:
        cells = []
        for tree in trees:
            rows = times[(label, tree)]
            wall, cpu = [r["wall"] for r in rows], [r["cpu"] for r in rows]
            cells.append(f"{statistics.median(wall):.1f} / {statistics.median(cpu):.1f} "
                         f"({min(wall):.1f}-{max(wall):.1f} / {min(cpu):.1f}-{max(cpu):.1f})")
        print(f"{label:<36}" + "".join(f"{c:>36}" for c in cells))
    loads = [r["load"] for rows in times.values() for r in rows]
    print(f"\nload average {min(loads):.1f} to {max(loads):.1f}; {args.runs} runs each")
    if args.against:
        for label in SETS:
            same = _same_files(root / "before" / label, root / "this tree" / label)
            print(f"{label}: {'the same files' if same else 'FILES DIFFER'} from both trees")


if __name__ == "__main__":
    main()
