"""Time `scan` over every series of a borough: 15 crime categories × 30 wards, 36 months.

Builds a synthetic warehouse first (not timed): 30 wards of 4 LSOAs each, the 14 police.uk
crime types and ASB, Poisson counts with seasonality for 2023-01..2025-12. Then runs the
scan of 2025-12 (31 areas × 16 categories with total crime, two tests each) and prints its
wall time. Target: under 5 s on a 2-core machine.

    .venv/bin/python benchmarks/scan.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scan import scan
from cspkit.analysis.scope import resolve_scope
from cspkit.analysis.themes import POLICE_UK_CRIME_TYPES
from cspkit.warehouse import connect
from cspkit.warehouse.schema import TABLES

LAD = "E06999901"
WARDS, LSOAS_PER_WARD = 30, 4
MONTHS = StrategicPeriod("2023-01", "2025-12").months


def _frame(table: str, rows: dict[str, list]) -> pd.DataFrame:
    spec = TABLES[table]
    n = len(next(iter(rows.values())))
    frame = pd.DataFrame({c: rows.get(c, [None] * n) for c in spec.column_names})
    nullable = {"int64": "Int64", "boolean": "boolean"}
    return frame.astype({c.name: nullable.get(c.dtype, spec.schema[c.name].to_pandas())
                         for c in spec.columns})


def build(path: Path) -> None:
    """A warehouse of synthetic counts (area lookup and incidents only)."""
    rng = np.random.default_rng(1)
    lsoas = [(f"E0199{w:02d}{i}", f"E0599{w:04d}") for w in range(WARDS)
             for i in range(LSOAS_PER_WARD)]
    con = connect(path)
    con.insert("area", _frame("area", {
        "lsoa_code": [c for c, _ in lsoas], "lsoa_name": [c for c, _ in lsoas],
        "ward_code": [w for _, w in lsoas], "ward_name": [f"Ward {w}" for _, w in lsoas],
        "lad_code": [LAD] * len(lsoas), "lad_name": ["Benchborough"] * len(lsoas),
        "load_id": [1] * len(lsoas)}))
    categories = [*POLICE_UK_CRIME_TYPES[:14], "Anti-social behaviour"]
    rows: dict[str, list] = {"incident_id": [], "source": [], "month": [], "category": [],
                             "lsoa_code": [], "load_id": []}
    for m, month in enumerate(MONTHS):
        season = 1 + 0.2 * np.sin(2 * np.pi * m / 12)
        for k, category in enumerate(categories):
            source = "police_asb" if category == "Anti-social behaviour" else "police_crime"
            counts = rng.poisson(season * (0.2 + 3 * rng.random(len(lsoas)) / (k + 1)))
            for (lsoa, _), n in zip(lsoas, counts, strict=True):
                for _ in range(n):
                    rows["incident_id"].append(f"{len(rows['incident_id'])}")
                    rows["source"].append(source)
                    rows["month"].append(month)
                    rows["category"].append(category)
                    rows["lsoa_code"].append(lsoa)
                    rows["load_id"].append(1)
    con.insert("incident", _frame("incident", rows))
    con.disconnect()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        start = time.perf_counter()
        build(path)
        print(f"built the warehouse in {time.perf_counter() - start:.1f} s")
        con = connect(path, create=False)
        start = time.perf_counter()
        result = scan(con,
                      resolve_scope(con, areas=LAD, period=StrategicPeriod(MONTHS[-1], MONTHS[-1]),
                                    compare=None))
        seconds = time.perf_counter() - start
        con.disconnect()
    print(f"csp scan of {MONTHS[-1]}: {result.n_series} series ({WARDS} wards), "
          f"{result.n_tested} tests, {result.n_flagged} flagged: {seconds:.2f} s "
          "(target < 5 s)")


if __name__ == "__main__":
    main()
