"""The tracker's side of the yearly cycle, for the command line and the demo: the plan's
measures and data-quality measures computed from the warehouse, and last year's plan read for
the next assessment.
Django models are imported inside the functions, so importing this module needs no set-up."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cspkit.errors import CspError

if TYPE_CHECKING:
    from cspkit.assessment.plan_review import PlanReview
    from cspkit.tracker.models import Plan


def plan_warehouse(plan: Plan, warehouse: str | None) -> str:
    """The warehouse the plan's figures are computed from: ``warehouse`` when given, else
    the plan's own (set when an assessment is published into it), else the
    ``MEASURES_WAREHOUSE`` setting (``CSP_WAREHOUSE``); a :class:`CspError` when none."""
    from django.conf import settings

    source = warehouse or plan.warehouse or settings.MEASURES_WAREHOUSE
    if not source:
        raise CspError(
            f"{plan.title} names no warehouse to compute its measures from",
            hint="Publish the assessment into the plan (csp tracker publish), or give "
            "--warehouse or CSP_WAREHOUSE")
    return str(source)


def compute_plan_measures(*, warehouse: str | None, plan_id: int | None
                          ) -> list[dict[str, object]]:
    """Compute and store the measures of plan ``plan_id`` (default: the latest) from
    ``warehouse`` (:func:`plan_warehouse`); return each measure's figures as JSON values,
    with the action or theme it belongs to. Django must be set up
    (:func:`cspkit.site.bootstrap.django_setup`).
    """
    from django.utils import timezone

    from cspkit.tracker.selectors.plan import plan_or_latest
    from cspkit.tracker.services.measures import measures_compute
    from cspkit.warehouse import connect

    plan = plan_or_latest(pk=plan_id)
    source = plan_warehouse(plan, warehouse)
    con = connect(source, create=False)
    try:
        computed = measures_compute(plan=plan, con=con, warehouse=str(source),
                                    computed_at=timezone.now())
    finally:
        con.disconnect()
    return [
        {"reference": measure.reference, **figures.to_json()} for measure, figures in computed
    ]


def compute_plan_quality(*, warehouse: str | None, plan_id: int | None,
                         areas: list[str] | None = None) -> list[str]:
    """Compute and store the completeness measure of every data requirement of plan
    ``plan_id`` (default: the latest) linked to one, from the same warehouse as its measures
    (:func:`plan_warehouse`), counting the records of ``areas`` (default: every record);
    return the lines the command line prints."""
    from cspkit.tracker.selectors.plan import plan_or_latest
    from cspkit.tracker.services.quality import quality_refresh_lines

    plan = plan_or_latest(pk=plan_id)
    return quality_refresh_lines(plan_id=plan.pk, warehouse=plan_warehouse(plan, warehouse),
                                 areas=areas)


def plan_review_for(config_path: Path, *, today: date) -> PlanReview | None:
    """Last year's plan from the tracker database the configuration names (its
    ``tracker_database``, relative to the configuration file), as :func:`read_plan_review`
    reads it on ``today``; None when the configuration names none."""
    from cspkit.assessment.config import load_config

    config = load_config(config_path)
    if not config.tracker_database:
        return None
    database = config.tracker_database
    if "://" not in database:
        database = str(Path(config_path).parent / database)
    return read_plan_review(database, today=today)


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
    from cspkit.errors import redact
    from cspkit.site.bootstrap import django_setup

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
