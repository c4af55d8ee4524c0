"""``csp scan``: the monthly scanning bulletin and the table of every series tested."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cspkit.cli.options import ConfigOption, OutOption, WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE


def register(app: typer.Typer) -> None:
    """Add the ``scan`` command to ``app``."""
    app.command("scan")(scan_command)


def scan_command(
    config: ConfigOption,
    out: OutOption,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    month: Annotated[str | None, typer.Option(
        "--month", help="Month to scan, YYYY-MM; the latest police.uk month loaded if not "
        "given.")] = None,
) -> None:
    """Scan a month for emerging issues and write the bulletin.

    Tests every series (each crime type, anti-social behaviour and each partner source
    loaded, in the partnership and in each ward) against its own expected level, controls
    the false discovery rate, and writes bulletin.html, bulletin.docx, bulletin.pdf,
    scan.csv (every test) and data/ (the bulletin's tables with manifest.json).
    """
    from cspkit.assessment.bulletin import write_bulletin

    run = write_bulletin(config, warehouse=warehouse, out_dir=out, month=month)
    for line in run.summary():
        Console().print(line, highlight=False, soft_wrap=True)
