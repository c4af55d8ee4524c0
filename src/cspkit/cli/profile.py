"""``csp profile``: a problem profile of one topic in one area (SARA)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cspkit.cli.options import ConfigOption, OutOption, WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE


def register(app: typer.Typer) -> None:
    """Add the ``profile`` command to ``app``."""
    app.command("profile")(profile_command)


def profile_command(
    config: ConfigOption,
    topic: Annotated[str, typer.Option(
        "--topic", help="A police.uk crime type (e.g. Shoplifting), ASB, or a partner source "
        "loaded (e.g. council_asb).")],
    area: Annotated[list[str], typer.Option(
        "--area", help="Ward or LSOA names or codes (several separated by ';'), or a GeoJSON "
        "polygon file; repeat the option for more.")],
    out: OutOption,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    period: Annotated[str | None, typer.Option(
        "--period", help="YYYY-MM:YYYY-MM; the configuration's strategic period if not "
        "given.")] = None,
) -> None:
    """Write a problem profile of one topic in one area.

    In the SARA structure: Scanning (how many, the change with its significance, the
    area's share of the partnership, the monthly trend), Analysis (victims, offenders and
    location, with the partner data loaded or the data gaps; repeat locations; time;
    outcomes), Response (options from the College of Policing Crime Reduction Toolkit) and
    Assessment (the measures to track). Writes profile.html, profile.docx, profile.pdf,
    measures.json and data/ (every table as CSV, with manifest.json).
    """
    from cspkit.assessment.profile import write_profile

    run = write_profile(config, warehouse=warehouse, out_dir=out, topic=topic,
                        areas=area, period=period)
    for line in run.summary():
        Console().print(line, highlight=False, soft_wrap=True)
