"""``csp assess``: build the Partnership Strategic Assessment in every format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cspkit.cli.errors import errors
from cspkit.cli.options import ConfigOption, OutOption, WarehouseOption
from cspkit.warehouse import DEFAULT_WAREHOUSE


def register(app: typer.Typer) -> None:
    """Add the ``assess`` command to ``app``."""
    app.command("assess")(assess_command)


def assess_command(
    config: ConfigOption,
    out: OutOption,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Build the Partnership Strategic Assessment from the warehouse.

    Writes assessment.html, assessment.docx, assessment.pdf, tables.xlsx and data/ (every
    table as CSV with manifest.json) into the output folder, as the configuration's formats
    ask.
    """
    from cspkit.assessment.run import assess
    from cspkit.tracker.cycle import plan_review_for

    review = plan_review_for(config, today=date.today())
    with Progress(TextColumn("{task.description:<40}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=errors, transient=True, disable=not errors.is_terminal) as bar:
        task = bar.add_task("starting", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what[:40], completed=done, total=total)

        run = assess(config, warehouse=warehouse, out_dir=out, progress=progress,
                     plan_review=review)
    for line in run.summary():
        Console().print(line, highlight=False, soft_wrap=True)
    if review is not None:
        Console().print(f"  last year's plan: {review.plan_title}", highlight=False)
