"""The tracker's CLI commands: ``register(app)`` adds ``serve`` to the ``csp`` Typer app,
``register_publish(app)`` adds ``publish`` to the ``csp tracker`` group."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from cspkit.errors import CspError


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        database: Annotated[
            str | None,
            typer.Option(
                "--database",
                help="An SQLite file path, or a database URL without a password "
                "(default: $CSP_DATABASE_URL, else csp-tracker.sqlite3 in $CSP_DATA_DIR or .).",
            ),
        ] = None,
        database_url_file: Annotated[
            Path | None,
            typer.Option(
                "--database-url-file",
                help="A file holding the database URL (postgres://user:password@host/name), "
                "readable by the server's account only.",
            ),
        ] = None,
        threads: Annotated[int, typer.Option(help="Threads per worker process.")] = 4,
        workers: Annotated[
            int, typer.Option(help="Worker processes (about one per CPU core).")
        ] = 1,
    ) -> None:
        """Run the Community Safety Plan tracker with gunicorn (waitress on Windows),
        migrating the database first."""
        from django.core.exceptions import ImproperlyConfigured
        from django.db import DatabaseError

        from cspkit.site.bootstrap import redact
        from cspkit.tracker.serve import serve

        try:
            url = database_url(database=database, url_file=database_url_file)
            serve(host=host, port=port, database_url=url, threads=threads, workers=workers)
        except (CspError, ImproperlyConfigured, DatabaseError, RuntimeError, OSError) as error:
            typer.echo(f"csp serve: {redact(str(error))}", err=True)
            raise typer.Exit(1) from error


def register_publish(app: typer.Typer) -> None:
    """Add the ``publish`` command to ``app`` (the ``csp tracker`` group)."""
    app.command("publish")(publish_command)


def publish_command(
    folder: Annotated[
        Path, typer.Argument(help="The folder csp assess or csp scan wrote.")
    ],
    username: Annotated[
        str, typer.Option("--as", help="User name of the administrator publishing.")
    ],
    plan_id: Annotated[
        int | None,
        typer.Option("--plan", help="Plan id to publish into. Default: the latest plan."),
    ] = None,
) -> None:
    """Publish an assessment's recommendations (with their findings) and data gaps into the
    plan's registers, or a scan's flagged issues into its emerging-issues watch list.

    Publishing the same folder again changes nothing; next year's assessment updates the
    entries still open, carries open ones forward from the previous plan and proposes for
    closure the data gaps it no longer has. A folder of another partnership, or older than
    one already published, is refused and nothing is written.
    """
    try:
        for line in publish_folder(folder=folder, username=username, plan_id=plan_id):
            typer.echo(line)
    except CspError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error


def publish_folder(*, folder: Path, username: str, plan_id: int | None) -> list[str]:
    """Read the folder, then publish it in one transaction; the report's lines."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.local")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from cspkit.tracker.models import Plan
    from cspkit.tracker.services.publishing import publish, read_folder

    read = read_folder(folder)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CspError(f"no user called '{username}'", hint="Give the user name you sign in with")
    plans = Plan.objects.order_by("-period_start")
    plan = plans.filter(pk=plan_id).first() if plan_id is not None else plans.first()
    if plan is None:
        wanted = f"plan {plan_id}" if plan_id is not None else "any plan"
        raise CspError(f"no {wanted} in the tracker", hint="Create the plan first")
    try:
        report = publish(folder=read, plan=plan, published_by=user, now=timezone.now())
    except PermissionDenied as error:
        raise CspError(f"'{username}' is not an administrator",
                       hint="Publish as a member of the community safety team") from error
    return report.lines()


def database_url(*, database: str | None, url_file: Path | None) -> str | None:
    """The database URL from ``--database`` or ``--database-url-file`` (None: the
    environment's ``CSP_DATABASE_URL`` or the default SQLite file).

    A password on the command line is refused: every user of the machine can read a
    process's arguments.
    """
    if database and url_file:
        raise CspError("give --database or --database-url-file, not both")
    if database and "://" in database and urlsplit(database).password:
        raise CspError(
            "--database holds a password, which anyone on this machine can read in the "
            "process list",
            hint="Put the URL in CSP_DATABASE_URL or in a file named by --database-url-file",
        )
    if url_file is None:
        return database
    try:
        url = url_file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise CspError(f"cannot read the database URL file ({error.strerror})",
                       path=str(url_file)) from error  # fmt: skip
    if not url:
        raise CspError("the database URL file is empty", path=str(url_file),
                       hint="Write the URL on its first line")  # fmt: skip
    return url
