"""Time every analysis for Stockton-on-Tees, 2025-01..2025-12 against 2024, on the real data.

Loads ../shared/data (or $CSP_SHARED_DATA) into a temporary DuckDB warehouse first (timed
separately, not part of the analysis figure), then runs each analysis once and prints its
wall time, and finally ``run_all``. Target: all analyses under 5 s on a 2-core machine.

    .venv/bin/python benchmarks/analytics.py
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

from cspkit.analysis import (
    StrategicPeriod,
    compare_periods,
    concentration,
    deprivation_profile,
    hotspots,
    lsoa_ranking,
    monthly_series,
    outcome_profile,
    peer_comparison,
    recent_change,
    run_all,
    vulnerable_localities,
    ward_ranking,
)
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

AREA = "E06000004"  # Stockton-on-Tees
PERIOD = StrategicPeriod("2025-01", "2025-12")
THEMES = {
    "Acquisitive crime": ["Burglary", "Vehicle crime", "Shoplifting", "Other theft",
                          "Theft from the person", "Bicycle theft", "Robbery"],
    "Violence": ["Violence and sexual offences", "Possession of weapons"],
}

ANALYSES = {
    "change (2025 vs 2024)": lambda con: compare_periods(
        con, areas=AREA, period=PERIOD, themes=THEMES),
    "recent change (6 v 6 months)": lambda con: recent_change(
        con, areas=AREA, end=PERIOD.end, themes=THEMES),
    "monthly series 2024-2025": lambda con: monthly_series(
        con, areas=AREA, period=StrategicPeriod("2024-01", "2025-12"), themes=THEMES),
    "ward ranking": lambda con: ward_ranking(con, areas=AREA, period=PERIOD),
    "LSOA ranking": lambda con: lsoa_ranking(con, areas=AREA, period=PERIOD),
    "concentration": lambda con: concentration(con, areas=AREA, period=PERIOD),
    "deprivation": lambda con: deprivation_profile(con, areas=AREA, period=PERIOD),
    "hot spots (Gi*, analytic p-values)": lambda con: hotspots(con, areas=AREA, period=PERIOD),
    "vulnerable localities": lambda con: vulnerable_localities(con, areas=AREA, period=PERIOD),
    "outcomes": lambda con: outcome_profile(con, areas=AREA, period=PERIOD, themes=THEMES),
    "peers (force, England)": lambda con: peer_comparison(con, area=AREA, period=PERIOD),
}


def main() -> None:
    warnings.filterwarnings("ignore")
    data = Path(os.environ.get("CSP_SHARED_DATA",
                               Path(__file__).resolve().parents[2] / "shared" / "data"))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        con = connect(Path(tmp) / "bench.duckdb")
        load_paths(con, [data / "lookups", data / "imd", data / "population",
                         data / "boundaries", data / "police-uk"])
        print(f"load real data into a temporary warehouse: {time.perf_counter() - start:6.2f} s"
              " (not part of the analysis figure)")
        print(f"\nStockton-on-Tees ({AREA}), {PERIOD.label} vs {PERIOD.previous().label}, "
              "DuckDB engine")
        total = 0.0
        for name, run in ANALYSES.items():
            start = time.perf_counter()
            result = run(con)
            elapsed = time.perf_counter() - start
            total += elapsed
            print(f"  {name:<30} {elapsed:6.3f} s   ({len(result.table)} rows)")
        print(f"  {'all analyses, one by one':<30} {total:6.3f} s   (target < 5 s)")
        start = time.perf_counter()
        run_all(con, areas=AREA, period=PERIOD, themes=THEMES)
        print(f"  {'run_all':<30} {time.perf_counter() - start:6.3f} s")
        con.disconnect()


if __name__ == "__main__":
    main()
