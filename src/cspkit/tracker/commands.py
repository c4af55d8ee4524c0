"""The tracker's CLI commands; ``register(app)`` adds them to the ``csp`` Typer app."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from cspkit.errors import CspError

if TYPE_CHECKING:
    from cspkit.assessment.plan_review import PlanReview

MEASURE_COLUMNS = ("ref", "measure", "data to", "current", "baseline", "change", "p", "status")


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


def register_measures(app: typer.Typer) -> None:
    """Add ``measures`` to ``app`` (the ``csp tracker`` group)."""
    app.command("measures")(measures_command)


def measures_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")
                       ] = False,
    warehouse: Annotated[str | None, typer.Option(
        "--warehouse", "-w", help="Warehouse DuckDB file or URL. Default: the one the plan "
        "was published from, else $CSP_WAREHOUSE.")] = None,
    plan_id: Annotated[int | None, typer.Option("--plan", help="Plan id. Default: the latest "
                                                "plan.")] = None,
) -> None:
    """Compute every measure of the plan from the warehouse, store the figures for the
    tracker's pages and reports, and print them: current, baseline, change, p-value and
    status (on course, not on course, too early to say, or no data with what is missing)."""
    import json

    try:
        rows = compute_plan_measures(warehouse=warehouse, plan_id=plan_id)
    except CspError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("The plan has no structured measures.")
        return
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


def compute_plan_measures(*, warehouse: str | None, plan_id: int | None
                          ) -> list[dict[str, object]]:
    """Compute and store the measures of plan ``plan_id`` (default: the latest) from
    ``warehouse`` (default: the plan's own, else the ``MEASURES_WAREHOUSE`` setting);
    return each measure's figures as JSON values, with the action or theme it belongs to.
    """
    from cspkit.site.bootstrap import django_setup

    django_setup()
    from django.conf import settings
    from django.utils import timezone

    from cspkit.tracker.models import Plan
    from cspkit.tracker.services.measures import measures_compute
    from cspkit.warehouse import connect

    plans = Plan.objects.order_by("-period_start")
    plan = plans.filter(pk=plan_id).first() if plan_id is not None else plans.first()
    if plan is None:
        wanted = f"plan {plan_id}" if plan_id is not None else "any plan"
        raise CspError(f"no {wanted} in the tracker", hint="Create the plan first")
    source = warehouse or plan.warehouse or settings.MEASURES_WAREHOUSE
    if not source:
        raise CspError(
            f"{plan.title} names no warehouse to compute its measures from",
            hint="Publish the assessment into the plan (csp tracker publish), or give "
            "--warehouse or CSP_WAREHOUSE")
    con = connect(source, create=False)
    try:
        computed = measures_compute(plan=plan, con=con, warehouse=str(source),
                                    computed_at=timezone.now())
    finally:
        con.disconnect()
    return [
        {"reference": measure.reference, **figures.to_json()} for measure, figures in computed
    ]


def read_plan_review(database: str, *, today: date) -> PlanReview:
    """Last year's plan from the tracker database ``database`` (an SQLite file or a
    database URL), for ``csp assess``: the plan being delivered on ``today`` (the latest that
    has started; a plan starting later is the one the new assessment is for), read without
    changing anything.

    Raises
    ------
    CspError
        No such file, a database that cannot be read, or one that holds no plan.
    """
    if "://" not in database and not Path(database).is_file():
        raise CspError("no tracker database at this path", path=database,
                       hint="Give the tracker's SQLite file or database URL")
    from cspkit.site.bootstrap import django_setup, redact

    django_setup(database_url=database)
    from django.db import DatabaseError

    from cspkit.tracker.selectors.review import plan_review, review_plan

    try:
        plan = review_plan(on_or_before=today)
        if plan is None:
            raise CspError("the tracker database holds no plan", path=redact(database),
                           hint="Publish an assessment into the tracker, or name another "
                           "database")
        return plan_review(plan=plan, read_on=today)
    except DatabaseError as error:
        raise CspError(f"cannot read the tracker database ({redact(str(error))})",
                       path=redact(database),
                       hint="Start it once with csp serve so that its tables are made") from error
