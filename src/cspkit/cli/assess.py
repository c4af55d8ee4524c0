"""``csp assess``: build the Partnership Strategic Assessment in every format, for one
partnership or, with ``--all`` or ``--batch``, for many at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cspkit.cli.errors import errors
from cspkit.cli.options import OutOption, WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE


def register(app: typer.Typer) -> None:
    """Add the ``assess`` command to ``app``."""
    app.command("assess")(assess_command)


def assess_command(
    out: OutOption,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Partnership configuration (TOML), from csp init; with --all, "
        "the template every partnership's configuration is made from.",
        show_default=False)] = None,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    every: Annotated[bool, typer.Option(
        "--all", help="Assess every partnership the warehouse holds police data for in the "
        "template's period, each into OUT/<LAD code>/ (its name and areas replace the "
        "template's).")] = False,
    batch: Annotated[Path | None, typer.Option(
        "--batch", help="Text file listing configuration files, one per line (relative to "
        "it; # starts a comment): each is assessed into OUT/<file name>/.",
        show_default=False)] = None,
    partnerships: Annotated[Path | None, typer.Option(
        help="With --all: CSV with columns lad_code, partnership: authorities assessed as "
        "one partnership (authorities not listed stand alone).", show_default=False)] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="With --all or --batch: assessments at once (default: "
        "one per core).", show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        help="With --all or --batch: redo partnerships whose folder is already complete.")
    ] = False,
) -> None:
    """Build the Partnership Strategic Assessment from the warehouse.

    Writes assessment.html, assessment.docx, assessment.pdf, tables.xlsx and data/ (every
    table as CSV with manifest.json) into the output folder, as the configuration's formats
    ask. With --all or --batch, one folder per partnership, several at once; a re-run skips
    the folders already complete, and OUT/batch.csv lists what was done, skipped or failed
    and why.
    """
    if batch is not None and (every or config is not None):
        raise typer.BadParameter("--batch FILE lists the configurations: give it without "
                                 "--config or --all", param_hint="--batch")
    if config is None and batch is None:
        raise typer.BadParameter("give --config FILE (with --all, the template), or --batch "
                                 "FILE", param_hint="--config")
    if not (every or batch) and (partnerships or jobs or force):
        raise typer.BadParameter("--partnerships, --jobs and --force go with --all or "
                                 "--batch", param_hint="--all")
    if partnerships and not every:
        raise typer.BadParameter("--partnerships goes with --all", param_hint="--partnerships")
    if every or batch:
        _assess_many(out, warehouse=warehouse, template=config if every else None,
                     batch=batch, partnerships=partnerships, jobs=jobs, force=force)
    else:
        _assess_one(config, out, warehouse=warehouse)


def _assess_one(config: Path, out: Path, *, warehouse: Path) -> None:
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


def _assess_many(out: Path, *, warehouse: Path, template: Path | None, batch: Path | None,
                 partnerships: Path | None, jobs: int | None, force: bool) -> None:
    from cspkit.assessment.batch import (
        Outcome,
        partnerships_from_template,
        read_batch_file,
        run_batch,
    )
    from cspkit.national.load import read_partnerships

    if template is not None:
        grouping = read_partnerships(partnerships) if partnerships else None
        todo, left_out = partnerships_from_template(template, warehouse=warehouse,
                                                    grouping=grouping)
        if left_out:
            Console().print(f"Left out (police records in under half their LSOAs, placed there "
                            f"by a neighbouring force): {', '.join(left_out)}",
                            highlight=False, soft_wrap=True)
    else:
        todo = read_batch_file(batch)
    with Progress(TextColumn("{task.description:<40}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=errors, transient=True, disable=not errors.is_terminal) as bar:
        task = bar.add_task(f"{len(todo)} partnerships", total=len(todo))

        def progress(outcome: Outcome) -> None:
            bar.update(task, advance=1, description=f"{outcome.folder}: {outcome.status}"[:40])

        run = run_batch(todo, warehouse=warehouse, out_dir=out, jobs=jobs, force=force,
                        on_outcome=progress)
    table = Table("partnership", "folder", "status", "seconds", "reason",
                  title=f"{run.count('done')} done, {run.count('skipped')} skipped (already "
                  f"complete), {run.count('failed')} failed", title_justify="left")
    for outcome in run.outcomes:
        table.add_row(outcome.partnership, outcome.folder, outcome.status,
                      f"{outcome.seconds:.1f}" if outcome.status != "skipped" else "",
                      outcome.reason if outcome.status == "failed" else "")
    Console().print(table)
    Console().print(f"Summary: {run.summary_path}", highlight=False, soft_wrap=True)
    if run.failed:
        raise typer.Exit(1)
