"""``csp tracker report``: write a plan's progress report for a meeting."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cspkit.errors import CspError

WRITERS = (".docx", ".pdf", ".html")


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
    try:
        write_report(out=out, meeting=_meeting(meeting), plan_id=plan_id, cover=cover)
    except CspError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"Wrote {out}")


def write_report(*, out: Path, meeting: date, plan_id: int | None, cover: Path | None) -> None:
    if out.suffix.lower() not in WRITERS:
        raise CspError(
            f"cannot write a '{out.suffix}' report",
            path=str(out),
            hint="Name the file .docx, .pdf or .html",
        )
    paragraphs = _cover_paragraphs(cover) if cover is not None else None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.local")
    import django

    django.setup()
    from cspkit.render import write_docx, write_html, write_pdf
    from cspkit.tracker.models import Plan
    from cspkit.tracker.reports.build import build_progress_report
    from cspkit.tracker.reports.document import progress_document

    plans = Plan.objects.order_by("-period_start")
    plan = plans.filter(pk=plan_id).first() if plan_id is not None else plans.first()
    if plan is None:
        wanted = f"plan {plan_id}" if plan_id is not None else "any plan"
        raise CspError(f"no {wanted} in the tracker", hint="Create the plan first")
    report = build_progress_report(plan=plan, meeting_date=meeting, cover_paragraphs=paragraphs)
    writer = {".docx": write_docx, ".pdf": write_pdf, ".html": write_html}[out.suffix.lower()]
    writer(progress_document(report), out)


def _cover_paragraphs(path: Path) -> list[str]:
    if not path.is_file():
        raise CspError("cover file not found", path=str(path))
    text = path.read_text(encoding="utf-8")
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    if not paragraphs:
        raise CspError(
            "the cover file has no paragraphs", path=str(path), hint="Separate them by blank lines"
        )
    return paragraphs


def _meeting(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CspError(
            f"--meeting '{text}' is not a date", hint="Write it as YYYY-MM-DD, e.g. 2026-03-10"
        ) from error
