"""``csp tracker``: the plan tracker's data from the command line (import documents, write
progress reports, publish an assessment, a scan or the priorities, compute measures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.cli.options import parse_date


def django_setup() -> None:
    """:func:`cspkit.site.bootstrap.django_setup`, imported only when a command runs: Django
    is slow to import, and ``csp --help`` needs none of it."""
    from cspkit.site import bootstrap

    bootstrap.django_setup()


def register(app: typer.Typer) -> None:
    """Add the ``tracker`` command group (``import``, ``report``, ``publish``, ``quality``,
    ``measures``) to ``app``."""
    tracker_app = typer.Typer(help="The Community Safety Plan tracker's data: import documents, "
                              "write progress reports, publish assessments, compute measures.",
                              no_args_is_help=True)
    tracker_app.command("import")(import_command)
    tracker_app.command("report")(report_command)
    tracker_app.command("publish")(publish_command)
    tracker_app.command("quality")(quality_command)
    tracker_app.command("measures")(measures_command)
    app.add_typer(tracker_app, name="tracker")


def import_command(
    files: Annotated[list[Path], typer.Argument(
        help="Word (.docx) or tab-separated text files to import.")],
    username: Annotated[str, typer.Option(
        "--as", help="User name of the administrator doing the import.")],
    plan_id: Annotated[int | None, typer.Option(
        "--plan", help="Plan id to import into. Default: the latest plan.")] = None,
    written_on: Annotated[str | None, typer.Option(
        "--date", help="Date for the imported updates (YYYY-MM-DD). Default: the date the "
        "document carries, else today.")] = None,
    add_agencies: Annotated[bool, typer.Option(
        "--add-agencies", help="Add agencies the registers name that the partnership does not "
        "have yet (as written), instead of reporting them.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Read and report, but save nothing.")] = False,
) -> None:
    """Import action plans, recommendations and data requirements, and report what was
    created, updated, unchanged and not mapped. Importing a file twice changes nothing."""
    written = parse_date(written_on, "--date", "2026-03-31")
    django_setup()
    from cspkit.tracker.importers.services import import_files

    for line in import_files(files=files, username=username, plan_id=plan_id,
                             written_on=written, add_agencies=add_agencies, dry_run=dry_run):
        typer.echo(line)


def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .docx, .pdf or .html.")],
    meeting: Annotated[str, typer.Option(
        "--meeting", help="Meeting date (YYYY-MM-DD): the report as at then.")],
    plan_id: Annotated[int | None, typer.Option(
        "--plan", help="Plan id. Default: the latest plan.")] = None,
    cover: Annotated[Path | None, typer.Option(
        "--cover", help="Text file with your own cover paragraphs, separated by blank lines. "
        "Default: paragraphs generated from the figures.")] = None,
) -> None:
    """Write the progress report (summary, data requirements, recommendations and action
    plans with their latest updates and status) as Word, PDF or HTML."""
    meeting_date = parse_date(meeting, "--meeting", "2026-03-10")
    django_setup()
    from cspkit.tracker.reports.document import write_progress_report

    write_progress_report(out=out, meeting=meeting_date, plan_id=plan_id, cover=cover)
    typer.echo(f"Wrote {out}")


def publish_command(
    folder: Annotated[Path, typer.Argument(
        help="The folder csp assess, csp scan or csp priorities wrote.")],
    username: Annotated[str, typer.Option(
        "--as", help="User name of the administrator publishing.")],
    plan_id: Annotated[int | None, typer.Option(
        "--plan", help="Plan id to publish into. Default: the latest plan.")] = None,
) -> None:
    """Publish an assessment's recommendations (with their findings) and data gaps into the
    plan's registers, a scan's flagged issues into its emerging-issues watch list, or the
    priorities' proposed themes into the recommendations register as proposals to agree.

    Publishing the same folder again changes nothing; next year's assessment updates the
    entries still open, carries open ones forward from the previous plan and proposes for
    closure the data gaps it no longer has. A folder of another partnership, or older than
    one already published, is refused and nothing is written.
    """
    django_setup()
    from django.utils import timezone

    from cspkit.tracker.services.publishing import publish_folder

    for line in publish_folder(folder=folder, username=username, plan_id=plan_id,
                               now=timezone.now()):
        typer.echo(line)


AreaOption = Annotated[list[str] | None, typer.Option(
    "--area", help="For the data-quality measures: the partnership's local authority (or "
    "ward, LSOA) code; repeat for several. Default: every record in the warehouse.")]


def quality_command(
    plan_id: Annotated[int | None, typer.Option(
        "--plan", help="Plan id. Default: the latest plan.")] = None,
    warehouse: Annotated[str | None, typer.Option(
        "--warehouse", "-w", help="Warehouse DuckDB file or database URL. Default: the plan's "
        "own.")] = None,
    areas: AreaOption = None,
) -> None:
    """Compute the completeness measure of every data requirement linked to one, from the
    warehouse, and store it with today's date: the register and the progress report show
    the latest month, the last six months and whether the target is met. (csp tracker
    measures does this too, after the plan's measures.)"""
    _check_warehouse(warehouse)
    django_setup()
    from cspkit.tracker.cycle import compute_plan_quality

    for line in compute_plan_quality(plan_id=plan_id, warehouse=warehouse, areas=areas or None):
        typer.echo(line)


MEASURE_COLUMNS = ("ref", "measure", "data to", "current", "baseline", "change", "p", "status")


def measures_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")
                       ] = False,
    warehouse: Annotated[str | None, typer.Option(
        "--warehouse", "-w", help="Warehouse DuckDB file or URL. Default: the one the plan "
        "was published from, else $CSP_WAREHOUSE.")] = None,
    plan_id: Annotated[int | None, typer.Option(
        "--plan", help="Plan id. Default: the latest plan.")] = None,
    areas: AreaOption = None,
) -> None:
    """Compute every figure of the plan from the warehouse and store it for the tracker's
    pages and reports: each measure on an action or theme (printed: current, baseline,
    change, p-value and status: on course, not on course, too early to say, or no data with
    what is missing), then each data requirement's completeness measure (printed after the
    table; with --json only the measures are printed)."""
    import json

    _check_warehouse(warehouse)
    django_setup()
    from cspkit.tracker.cycle import compute_plan_measures, compute_plan_quality

    rows = compute_plan_measures(warehouse=warehouse, plan_id=plan_id)
    quality = compute_plan_quality(warehouse=warehouse, plan_id=plan_id, areas=areas or None)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("The plan has no structured measures.")
    else:
        _echo_measures(rows)
    for line in quality:
        typer.echo(line)


def _echo_measures(rows: list[dict[str, object]]) -> None:
    typer.echo("  ".join(MEASURE_COLUMNS))
    for row in rows:
        pct = "" if row["pct_change"] is None else f" ({row['pct_change']:+.1f}%)"
        p = "" if row["p_value"] is None else f"{row['p_value']:.3g}"
        figures = [row["current"], row["baseline"],
                   "" if row["change"] is None else f"{row['change']:+d}{pct}", p]
        cells = [row["reference"], row["label"], row["data_month"] or "",
                 *("" if v is None else str(v) for v in figures), row["status"]]
        typer.echo("  ".join(str(c) for c in cells))
        if row["missing"]:
            typer.echo(f"    missing: {row['missing']}")


def _check_warehouse(warehouse: str | None) -> None:
    """Refuse a named warehouse that is not there before any other work."""
    if warehouse is not None:
        from cspkit.warehouse import connect

        connect(warehouse, create=False).disconnect()
