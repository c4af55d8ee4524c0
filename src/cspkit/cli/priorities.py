"""``csp priorities``: score the candidate priorities and write the "Setting priorities"
chapter, ``priorities.csv`` and the plan's proposed themes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cspkit.cli.options import ConfigOption, OutOption, WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE


def register(app: typer.Typer) -> None:
    """Add the ``priorities`` command to ``app``."""
    app.command("priorities")(priorities_command)


def priorities_command(
    config: ConfigOption,
    out: OutOption,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    survey: Annotated[Path | None, typer.Option(
        "--survey", help="The survey's public-concern table (survey_concern.csv: category, "
        "estimate, lower, upper, respondents). Without it public concern is not measured.")
    ] = None,
    scheme: Annotated[Path | None, typer.Option(
        "--scheme", help="The partnership's scoring scheme (TOML); the MoRiLE-style default "
        "if not given.")] = None,
) -> None:
    """Score every candidate priority (themes, crime types, persistent hot spots, emerging
    issues, residents' concerns) on harm × likelihood × organisational position, test how
    stable the top ranks are when the weights vary, and write priorities.html, .docx, .pdf,
    tables.xlsx, data/, priorities.csv and priorities_plan.json into the output folder.
    """
    from cspkit.assessment.priorities_run import write_priorities

    run = write_priorities(config, warehouse=warehouse, out_dir=out, survey=survey,
                           scheme=scheme)
    for line in run.summary():
        Console().print(line, highlight=False, soft_wrap=True)
