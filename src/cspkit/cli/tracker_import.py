"""``csp tracker import FILE...``: import plan documents from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.cli.options import parse_date


def register(app: typer.Typer) -> None:
    """Add the ``import`` command to ``app`` (the ``csp tracker`` group)."""
    app.command("import")(import_command)


def import_command(
    files: Annotated[
        list[Path], typer.Argument(help="Word (.docx) or tab-separated text files to import.")
    ],
    username: Annotated[
        str, typer.Option("--as", help="User name of the administrator doing the import.")
    ],
    plan_id: Annotated[
        int | None,
        typer.Option("--plan", help="Plan id to import into. Default: the latest plan."),
    ] = None,
    written_on: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Date for the imported updates (YYYY-MM-DD). Default: the date the "
            "document carries, else today.",
        ),
    ] = None,
    add_agencies: Annotated[
        bool,
        typer.Option(
            "--add-agencies",
            help="Add agencies the registers name that the partnership does not have yet "
            "(as written), instead of reporting them.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and report, but save nothing.")
    ] = False,
) -> None:
    """Import action plans, recommendations and data requirements, and report what was
    created, updated, unchanged and not mapped. Importing a file twice changes nothing."""
    from cspkit.site.bootstrap import django_setup

    written = parse_date(written_on, "--date", "2026-03-31")
    django_setup()
    from cspkit.tracker.importers.services import import_files

    for line in import_files(files=files, username=username, plan_id=plan_id,
                             written_on=written, add_agencies=add_agencies, dry_run=dry_run):
        typer.echo(line)
