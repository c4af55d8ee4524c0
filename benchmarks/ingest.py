"""Ingest benchmark: load the 36 months of Cleveland street files into a fresh warehouse.

Prints the wall time of `load_paths` (reference lookups already loaded, as in real use) and
the ratio to DuckDB's own `read_csv` of the same files into a table, the practical limit.
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


def duckdb_read_csv(files: list[Path], db: Path) -> float:
    con = duckdb.connect(str(db))
    listing = ", ".join(f"'{f}'" for f in files)
    start = time.perf_counter()
    con.execute(f"CREATE TABLE street AS SELECT * FROM read_csv([{listing}], header = true, "
                "all_varchar = true)")
    con.close()
    return time.perf_counter() - start


def cspkit_load(street: Path, lookups: Path, db: Path) -> tuple[float, int]:
    con = connect(db)
    load_paths(con, [lookups / "LSOA21_WD25_LAD25_EW_LU_v2.csv.gz",
                     lookups / "lookup_lsoa11_lsoa21_ltla22.csv.gz"])
    start = time.perf_counter()
    report = load_paths(con, [street])
    elapsed = time.perf_counter() - start
    rows = sum(f.rows for f in report.loaded)
    con.disconnect()
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    street = args.shared_data / "police-uk" / "cleveland" / "street"
    files = sorted(street.glob("*.csv.gz"))
    ours, theirs = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            theirs.append(duckdb_read_csv(files, Path(tmp) / "plain.duckdb"))
            elapsed, rows = cspkit_load(street, args.shared_data / "lookups",
                                        Path(tmp) / "csp.duckdb")
            ours.append(elapsed)
    best_ours, best_theirs = min(ours), min(theirs)
    print(f"files: {len(files)} street files, {rows:,} rows")
    print(f"duckdb read_csv into a table: best {best_theirs:.2f} s "
          f"(median {statistics.median(theirs):.2f} s)")
    print(f"cspkit load (validate, place, ledger): best {best_ours:.2f} s "
          f"(median {statistics.median(ours):.2f} s)")
    print(f"ratio cspkit / duckdb: {best_ours / best_theirs:.2f} (target <= 2.0; "
          f"target whole load < 3 s)")


if __name__ == "__main__":
    main()
