"""``csp tracker import FILE...``: import plan documents from the command line."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cspkit.errors import CspError


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
    try:
        for line in import_files(
            files=files,
            username=username,
            plan_id=plan_id,
            written_on=_date_option(written_on),
            add_agencies=add_agencies,
            dry_run=dry_run,
        ):
            typer.echo(line)
    except CspError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error


def import_files(
    *,
    files: list[Path],
    username: str,
    plan_id: int | None,
    written_on: date | None,
    add_agencies: bool,
    dry_run: bool,
) -> list[str]:
    """Import each file in turn (all or nothing) and return the report lines."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.local")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from cspkit.tracker.importers.reader import read_document
    from cspkit.tracker.importers.services import import_allowed, import_document
    from cspkit.tracker.models import Plan

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CspError(f"no user called '{username}'", hint="Give the user name you sign in with")
    plans = Plan.objects.order_by("-period_start")
    plan = plans.filter(pk=plan_id).first() if plan_id is not None else plans.first()
    if plan is None:
        wanted = f"plan {plan_id}" if plan_id is not None else "any plan"
        raise CspError(f"no {wanted} in the tracker", hint="Create the plan first")
    lines: list[str] = []
    for path in files:
        import_allowed(imported_by=user, path=Path(path))
    # Every file is read before the transaction opens: reading holds no database lock.
    documents = [(Path(path), read_document(Path(path))) for path in files]
    with transaction.atomic():
        for path, document in documents:
            report = import_document(
                document=document,
                path=path,
                plan=plan,
                imported_by=user,
                written_on=written_on,
                add_agencies=add_agencies,
            )
            lines.extend(report.lines())
        if dry_run:
            transaction.set_rollback(True)
            lines.append("dry run: nothing was saved")
    return lines


def _date_option(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CspError(
            f"--date '{text}' is not a date", hint="Write it as YYYY-MM-DD, e.g. 2026-03-31"
        ) from error
