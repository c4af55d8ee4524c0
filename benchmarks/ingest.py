"""Ingest benchmark: load the 36 months of Cleveland street files into a fresh warehouse.

Prints the wall and CPU time of `load_paths` (reference lookups already loaded, as in real
use) and the ratio to DuckDB's own `read_csv` of the same files into a table, the practical
limit. Both sides are timed up to the closed database file (DuckDB writes its checkpoint on
close), and CPU time counts every thread of the process (DuckDB's and Arrow's too), so the
CPU ratio is the one to trust on a shared machine. The load average is printed beside them.
The lookups are loaded and the file closed before the police files are timed, as an earlier
`csp load` would have left it (``--keep-open``: on the same connection, as before 5 December
2026, when closing the file at the end also wrote the lookups).

Figures (5 December 2026, load average 2-3, ``--repeat 8``, 2 runs): cspkit best 0.81-0.82 s
wall, 1.29-1.32 CPU s (0.79 s, 1.24-1.25 CPU s with the `isal` gzip decoder, since made a dependency);
DuckDB 0.66-0.68 s, 0.94-0.95 CPU s; ratio 1.21-1.24 wall, 1.36-1.41 CPU (1.17-1.21 and
1.32-1.33 with `isal`). See docs/performance.md, "The ingest, fourth round".
Run: .venv/bin/python benchmarks/ingest.py [--shared-data ../shared/data] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

REPO = Path(__file__).resolve().parents[1]


def duckdb_read_csv(files: list[Path], db: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of DuckDB reading the files into a table, up to the closed file."""
    con = duckdb.connect(str(db))
    listing = ", ".join(f"'{f}'" for f in files)
    start, cpu = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE street AS SELECT * FROM read_csv([{listing}], header = true, "
                "all_varchar = true)")
    con.close()
    return time.perf_counter() - start, time.process_time() - cpu


def cspkit_load(street: Path, lookups: Path, db: Path, *, keep_open: bool = False
                ) -> tuple[float, float, int]:
    """(wall, CPU, rows) of loading the folder, up to the closed file.

    ``keep_open`` loads the police files on the connection that loaded the lookups, as this
    benchmark did before 5 December 2026: closing the file then also writes the lookups
    (about 0.1 CPU s, charged to the police files).
    """
    con = connect(db)
    load_paths(con, [lookups / "LSOA21_WD25_LAD25_EW_LU_v2.csv.gz",
                     lookups / "lookup_lsoa11_lsoa21_ltla22.csv.gz"])
    if not keep_open:
        # As in real use, where the lookups were loaded by an earlier command: closing the
        # file writes them to it, which is no part of loading the police files.
        con.disconnect()
        con = connect(db)
    start, cpu = time.perf_counter(), time.process_time()
    report = load_paths(con, [street])
    con.disconnect()
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, used, sum(f.rows for f in report.loaded)


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep-open", action="store_true",
                        help="load the police files on the connection that loaded the lookups "
                        "(the benchmark before 5 December 2026)")
    args = parser.parse_args()
    street = args.shared_data / "police-uk" / "cleveland" / "street"
    files = sorted(street.glob("*.csv.gz"))
    ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
    print(f"load average before: {_load_average()}")
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu = duckdb_read_csv(files, Path(tmp) / "plain.duckdb")
            theirs.append(wall)
            theirs_cpu.append(cpu)
            wall, cpu, rows = cspkit_load(street, args.shared_data / "lookups",
                                          Path(tmp) / "csp.duckdb", keep_open=args.keep_open)
            ours.append(wall)
            ours_cpu.append(cpu)
    best_ours, best_theirs = min(ours), min(theirs)
    print(f"files: {len(files)} street files, {rows:,} rows")
    print(f"duckdb read_csv into a table: best {best_theirs:.2f} s "
          f"(median {statistics.median(theirs):.2f} s), CPU best {min(theirs_cpu):.2f} s")
    print(f"cspkit load (validate, place, ledger): best {best_ours:.2f} s "
          f"(median {statistics.median(ours):.2f} s), CPU best {min(ours_cpu):.2f} s")
    print(f"ratio cspkit / duckdb: wall {best_ours / best_theirs:.2f}, "
          f"CPU {min(ours_cpu) / min(theirs_cpu):.2f} (goal <= 1.5)")
    print(f"load average after: {_load_average()}")


if __name__ == "__main__":
    main()
