"""``csp tracker report``: write a plan's progress report for a meeting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.cli.options import parse_date


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app`` (the ``csp tracker`` group)."""
    app.command("report")(report_command)


def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .docx, .pdf or .html.")],
    meeting: Annotated[
        str, typer.Option("--meeting", help="Meeting date (YYYY-MM-DD): the report as at then.")
    ],
    plan_id: Annotated[
        int | None,
        typer.Option("--plan", help="Plan id. Default: the latest plan."),
    ] = None,
    cover: Annotated[
        Path | None,
        typer.Option(
            "--cover",
            help="Text file with your own cover paragraphs, separated by blank lines. "
            "Default: paragraphs generated from the figures.",
        ),
    ] = None,
) -> None:
    """Write the progress report (summary, data requirements, recommendations and action
    plans with their latest updates and status) as Word, PDF or HTML."""
    from cspkit.site.bootstrap import django_setup

    meeting_date = parse_date(meeting, "--meeting", "2026-03-10")
    django_setup()
    from cspkit.tracker.reports.document import write_progress_report

    write_progress_report(out=out, meeting=meeting_date, plan_id=plan_id, cover=cover)
    typer.echo(f"Wrote {out}")
