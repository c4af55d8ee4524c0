"""``python -m cspkit.synth OUT_DIR``: write the fictional borough to a folder."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cspkit.synth.borough import generate_borough


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cspkit.synth",
        description="Write the fictional borough of Kestrel Vale in real data formats.",
    )
    parser.add_argument("out_dir", type=Path, help="folder to write into")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--first-month", default="2023-01", help="YYYY-MM (default 2023-01)")
    parser.add_argument("--last-month", default="2025-12", help="YYYY-MM (default 2025-12)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = generate_borough(
            args.out_dir,
            seed=args.seed,
            first_month=args.first_month,
            last_month=args.last_month,
        )
    except ValueError as error:
        parser.error(str(error))
    seconds = time.perf_counter() - started
    print(
        f"Wrote {len(manifest.files)} files for {manifest.borough.name} "
        f"({manifest.lsoa_count} LSOAs, {manifest.ward_count} wards, "
        f"{manifest.months[0]} to {manifest.months[-1]}) to {manifest.out_dir} "
        f"in {seconds:.1f} s."
    )
    for trend in manifest.planted:
        print(f"  planted {trend.key}: {trend.previous_count} -> {trend.current_count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
