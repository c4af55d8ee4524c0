"""Time the analyses ``csp assess`` runs for Stockton-on-Tees, 2025 against 2024, on real data.

Loads ../shared/data (or $CSP_SHARED_DATA) into a temporary DuckDB warehouse first (timed
separately, not part of the analysis figure; ``--warehouse FILE`` keeps it in FILE and reuses
it when it is there), then builds the assessment exactly as ``csp assess`` does
(:func:`cspkit.assessment.build.build_assessment`: the scope resolved once, every analysis,
the document) with the default configuration, printing each step's wall time, the whole
build's wall and CPU seconds (the machine may be shared: compare CPU), the one-minute load
average and how many SQL statements DuckDB ran (its ``QueryLog``). The first build warms up
the imports and is not counted; ``--runs N`` builds are measured after it. Asserts nothing.

    .venv/bin/python benchmarks/analytics.py [--warehouse FILE] [--runs N] [--against SRC]

``--against /work/main/src`` measures another source tree (the code before a change) in a
fresh interpreter on the same warehouse, back to back, and prints both.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

AREA = "E06000004"  # Stockton-on-Tees
PERIOD = "2025-01:2025-12"
INPUTS = ("lookups", "imd", "population", "boundaries", "police-uk")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def measure(warehouse: Path, runs: int, *, steps: bool) -> dict:
    """Build the assessment ``runs`` times (after one warm-up) with whichever cspkit is on
    the path; the warehouse must be loaded."""
    import cspkit
    from cspkit.assessment.build import build_assessment
    from cspkit.assessment.config import default_config_text, parse_config
    from cspkit.warehouse import connect

    config = parse_config(default_config_text(name="Stockton-on-Tees CSP", areas=[AREA],
                                              period=PERIOD))
    con = connect(warehouse)
    con.raw_sql("CALL enable_logging('QueryLog')")
    build_assessment(con, config)
    out = []
    for _ in range(runs):
        con.raw_sql("CALL truncate_duckdb_logs()")
        marks: list[tuple[str, float]] = []
        load, wall, cpu = _load1(), time.perf_counter(), _cpu()
        document = build_assessment(
            con, config,
            progress=lambda what, marks=marks: marks.append((what, time.perf_counter())))
        finished = time.perf_counter()
        wall, cpu = finished - wall, _cpu() - cpu
        statements = con.raw_sql("SELECT count(*) FROM duckdb_logs "
                                 "WHERE type = 'QueryLog'").fetchone()[0]
        ends = [when for _, when in marks[1:]] + [finished]
        out.append({"wall": wall, "cpu": cpu, "load": load, "statements": statements,
                    "steps": [(what, e - s) for (what, s), e in zip(marks, ends,
                                                                      strict=True)]})
    con.disconnect()
    return {"source": str(Path(cspkit.__file__).parents[1]), "runs": out,
            "tables": len(document.tables()), "show_steps": steps}


def _print(result: dict) -> None:
    print(f"{result['source']}: {result['tables']} tables")
    if result["show_steps"]:
        for what, seconds in result["runs"][0]["steps"]:
            print(f"  {what:<40} {seconds:6.3f} s")
    for run in result["runs"]:
        print(f"  analyse: {run['wall']:6.2f} s wall, {run['cpu']:5.2f} s CPU, "
              f"{run['statements']} SQL statements, load average {run['load']:.1f}")


def main() -> None:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", type=Path, help="keep the loaded warehouse here")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--against", type=Path, help="another source tree to measure too")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = args.warehouse or Path(tmp) / "bench.duckdb"
        if not warehouse.exists():
            from cspkit.warehouse import connect
            from cspkit.warehouse.load import load_paths

            data = Path(os.environ.get(
                "CSP_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
            start = time.perf_counter()
            con = connect(warehouse)
            load_paths(con, [data / name for name in INPUTS])
            con.disconnect()
            if not args.json:
                print(f"load real data into the warehouse: {time.perf_counter() - start:6.2f}"
                      " s (not part of the analysis figure)")
        if args.json:
            print(json.dumps(measure(warehouse, args.runs, steps=False)))
            return
        print(f"Stockton-on-Tees ({AREA}), {PERIOD} against the previous 12 months, "
              "DuckDB engine: build_assessment as csp assess runs it")
        if args.against:
            env = {**os.environ, "PYTHONPATH": str(args.against.resolve())}
            done = subprocess.run(
                [sys.executable, __file__, "--warehouse", str(warehouse), "--runs",
                 str(args.runs), "--json"], env=env, check=True, capture_output=True,
                text=True)
            _print(json.loads(done.stdout.strip().splitlines()[-1]))
        _print(measure(warehouse, args.runs, steps=not args.against))


if __name__ == "__main__":
    main()
