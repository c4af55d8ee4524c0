"""``csp synth``: write the fictional borough's data files, in the real formats, to a folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``synth`` command to ``app``."""
    app.command("synth")(synth_command)


def synth_command(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write into.")],
    seed: Annotated[int, typer.Option(help="Seed of the fictional borough.")] = 2026,
    first_month: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2023-01",
    last_month: Annotated[str, typer.Option(help="Last month, YYYY-MM.")] = "2025-12",
) -> None:
    """Write the data files of the fictional borough of Kestrel Vale (and its police force's
    two other authorities) in the real formats: data.police.uk, ONS, MHCLG."""
    from cspkit.synth import generate_borough

    started = time.perf_counter()
    manifest = generate_borough(out_dir, seed=seed, first_month=first_month,
                                last_month=last_month)
    typer.echo(f"Wrote {len(manifest.files)} files for {manifest.borough.name} "
               f"({manifest.lsoa_count} LSOAs, {manifest.ward_count} wards, "
               f"{manifest.months[0]} to {manifest.months[-1]}) to {manifest.out_dir} "
               f"in {time.perf_counter() - started:.1f} s.")
    for trend in manifest.planted:
        typer.echo(f"  planted {trend.key}: {trend.previous_count} -> {trend.current_count}")
