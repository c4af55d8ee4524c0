"""Benchmark: the whole `csp assess` for Stockton-on-Tees on the real Cleveland data.

A fresh warehouse is loaded from ../shared/data (or $CSP_SHARED_DATA), then the assessment of
2025-01..2025-12 against 2024 is built and written in every format. Prints the wall-clock time
of each stage; asserts nothing.

    .venv/bin/python benchmarks/assess.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cspkit.assessment.build import build_assessment
from cspkit.assessment.config import load_config, write_default_config
from cspkit.render import FORMATS, write_outputs_timed
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Write into this folder and keep it.")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="csp-assess-"))
    root.mkdir(parents=True, exist_ok=True)
    warehouse = root / "real.duckdb"
    for stale in (warehouse, warehouse.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    seconds: dict[str, float] = {}
    total = time.perf_counter()

    start = time.perf_counter()
    con = connect(warehouse)
    report = load_paths(con, [SHARED / f for f in INPUTS])
    seconds["load"] = time.perf_counter() - start

    config = load_config(write_default_config(
        root / "csp.toml", name="Safer Stockton Partnership", areas=["E06000004"],
        period="2025-01:2025-12", compare="previous", force=True))
    start = time.perf_counter()
    document = build_assessment(con, config)
    seconds["analyse"] = time.perf_counter() - start
    con.disconnect()

    start = time.perf_counter()
    for name, (_, took) in write_outputs_timed(document, root / "out", FORMATS).items():
        seconds[f"render {name}"] = took
    seconds["render, wall"] = time.perf_counter() - start
    seconds["total"] = time.perf_counter() - total

    rows = sum(f.rows for f in report.loaded)
    print(f"Stockton-on-Tees, 2025-01..2025-12 against 2024: {len(report.loaded)} files, "
          f"{rows:,} rows loaded; {len(document.tables())} tables, "
          f"{len(document.figures())} figures")
    for stage, value in seconds.items():
        print(f"  {stage:<14} {value:6.1f} s")
    print(f"outputs in {root / 'out'}")


if __name__ == "__main__":
    main()
