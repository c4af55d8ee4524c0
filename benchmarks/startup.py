"""Time how fast the ``csp`` command starts: its help, the import of the command line, and a
few small commands, each in a fresh interpreter as a user runs them.

Cases: ``python -c pass`` (the interpreter alone, for reference), ``import cspkit.cli``,
``csp --help``, ``csp status --help``, ``csp fetch --help``, ``csp init`` (writing a new
configuration) and ``csp status`` on a small warehouse of the fictional borough (written
with ``csp synth`` and ``csp load`` into a temporary folder first, not timed; ``--warehouse
FILE`` uses an existing one instead, ``--no-status`` leaves the case out).

Each case runs ``--runs N`` times (after one warm-up run) and prints the best and median
wall seconds, CPU seconds of the child process (``RUSAGE_CHILDREN``: the machine may be
shared, compare CPU) and the one-minute load average when it started. Asserts nothing.

    .venv/bin/python benchmarks/startup.py [--runs N] [--against SRC] [--warehouse FILE]

``--against /work/main/src`` runs every case with that source tree on ``PYTHONPATH`` too
(the code before a change), alternating run by run with this tree so both see the same
conditions, and prints the ratio (SRC ÷ this tree) of the best and median figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src"
CSP = "import sys; from cspkit.cli import app; sys.argv[0] = 'csp'; app()"
"""What the ``csp`` console script runs, with the cspkit that ``PYTHONPATH`` names."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _env(src: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(src), COLUMNS="100", NO_COLOR="1")


def run_once(argv: list[str], src: Path, cwd: Path) -> tuple[float, float, float]:
    """Wall and CPU seconds of one run, and the load average when it started."""
    load, cpu, wall = _load1(), _children_cpu(), time.perf_counter()
    done = subprocess.run(argv, env=_env(src), cwd=cwd, capture_output=True, check=False)
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with {src}:\n"
                         f"{done.stderr.decode(errors='replace')}")
    return wall, cpu, load


def cases(warehouse: Path | None, work: Path) -> dict[str, list[str]]:
    py = sys.executable
    out = {
        "python -c pass": [py, "-c", "pass"],
        "import cspkit.cli": [py, "-c", "import cspkit.cli"],
        "csp --help": [py, "-c", CSP, "--help"],
        "csp status --help": [py, "-c", CSP, "status", "--help"],
        "csp fetch --help": [py, "-c", CSP, "fetch", "--help"],
        "csp init": [py, "-c", CSP, "init", "--name", "Kestrel Vale CSP", "--areas",
                     "E06900001", "--period", "2025-01:2025-12", "--out",
                     str(work / "csp.toml"), "--force"],
    }
    if warehouse is not None:
        out["csp status"] = [py, "-c", CSP, "status", "--warehouse", str(warehouse)]
    return out


def build_warehouse(folder: Path) -> Path:
    """A small warehouse: the fictional borough's files for 2025, loaded with this tree."""
    warehouse = folder / "kestrel-vale.duckdb"
    for argv in (["synth", str(folder / "borough"), "--first-month", "2025-01",
                  "--last-month", "2025-12"],
                 ["load", str(folder / "borough"), "--warehouse", str(warehouse)]):
        subprocess.run([sys.executable, "-c", CSP, *argv], env=_env(HERE), cwd=folder,
                       capture_output=True, check=True)
    return warehouse


def _summary(runs: list[tuple[float, float, float]]) -> dict[str, float]:
    walls, cpus, loads = zip(*runs, strict=True)
    return {"wall_best": min(walls), "wall_median": statistics.median(walls),
            "cpu_best": min(cpus), "cpu_median": statistics.median(cpus),
            "load": statistics.median(loads)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", type=Path, help="Another source tree (its src folder).")
    parser.add_argument("--warehouse", type=Path, help="A warehouse for `csp status`.")
    parser.add_argument("--no-status", action="store_true", help="Leave `csp status` out.")
    args = parser.parse_args()
    trees = {"this": HERE}
    if args.against is not None:
        trees["against"] = args.against.resolve()
    with tempfile.TemporaryDirectory(prefix="csp-startup-") as tmp:
        work = Path(tmp)
        warehouse = None
        if not args.no_status:
            warehouse = args.warehouse.resolve() if args.warehouse else build_warehouse(work)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs "
              f"after one warm-up; this tree: {HERE}"
              + (f"; against: {trees['against']}" if "against" in trees else ""))
        print(f"{'case':<20} {'tree':<8} {'wall best':>9} {'median':>7} {'cpu best':>9} "
              f"{'median':>7} {'load':>5}")
        for name, argv in cases(warehouse, work).items():
            for src in trees.values():
                run_once(argv, src, work)  # warm-up: files into the page cache
            runs: dict[str, list[tuple[float, float, float]]] = {t: [] for t in trees}
            for _ in range(args.runs):
                for tree, src in trees.items():
                    runs[tree].append(run_once(argv, src, work))
            figures = {tree: _summary(r) for tree, r in runs.items()}
            for i, (tree, f) in enumerate(figures.items()):
                print(f"{name if i == 0 else '':<20} {tree:<8} {f['wall_best']:9.3f} "
                      f"{f['wall_median']:7.3f} {f['cpu_best']:9.3f} {f['cpu_median']:7.3f} "
                      f"{f['load']:5.2f}")
            if "against" in figures:
                this, other = figures["this"], figures["against"]
                ratio = {k: other[k] / this[k] if this[k] else float("nan")
                         for k in ("wall_best", "wall_median", "cpu_best", "cpu_median")}
                print(f"{'':<20} {'ratio':<8} {ratio['wall_best']:8.1f}x "
                      f"{ratio['wall_median']:6.1f}x {ratio['cpu_best']:8.1f}x "
                      f"{ratio['cpu_median']:6.1f}x")


if __name__ == "__main__":
    main()
