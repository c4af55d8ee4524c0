"""Time the analyses ``csp assess`` runs for Stockton-on-Tees, 2025 against 2024, on real data.

Loads ../shared/data (or $CSP_SHARED_DATA) into a temporary DuckDB warehouse first (timed
separately, not part of the analysis figure), then builds the assessment exactly as
``csp assess`` does (:func:`cspkit.assessment.build.build_assessment`: the scope resolved
once, every analysis, the document) with the default configuration, printing the wall time
of each step. Target: the analyses under 5 s on a 2-core machine.

    .venv/bin/python benchmarks/analytics.py
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

from cspkit.assessment.build import build_assessment
from cspkit.assessment.config import default_config_text, parse_config
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

AREA = "E06000004"  # Stockton-on-Tees
PERIOD = "2025-01:2025-12"


def main() -> None:
    warnings.filterwarnings("ignore")
    data = Path(os.environ.get("CSP_SHARED_DATA",
                               Path(__file__).resolve().parents[2] / "shared" / "data"))
    config = parse_config(default_config_text(name="Stockton-on-Tees CSP", areas=[AREA],
                                              period=PERIOD))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        con = connect(Path(tmp) / "bench.duckdb")
        load_paths(con, [data / "lookups", data / "imd", data / "population",
                         data / "boundaries", data / "police-uk"])
        print(f"load real data into a temporary warehouse: {time.perf_counter() - start:6.2f} s"
              " (not part of the analysis figure)")
        print(f"\nStockton-on-Tees ({AREA}), {PERIOD} against {config.comparison_period().label}"
              f", {len(config.themes)} themes, DuckDB engine: the steps of csp assess")
        steps: list[tuple[str, float]] = []

        def step(what: str) -> None:
            steps.append((what, time.perf_counter()))

        start = time.perf_counter()
        document = build_assessment(con, config, progress=step)
        end = time.perf_counter()
        for (what, began), (_, ended) in zip(steps, [*steps[1:], ("", end)], strict=True):
            print(f"  {what:<40} {ended - began:6.3f} s")
        analyses = steps[-1][1] - start
        print(f"  {'every analysis (before the document)':<40} {analyses:6.3f} s   "
              "(target < 5 s)")
        print(f"  {'assessment built':<40} {end - start:6.3f} s   "
              f"({len(document.tables())} tables)")
        con.disconnect()


if __name__ == "__main__":
    main()
