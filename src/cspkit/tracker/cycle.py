"""The tracker's side of the yearly cycle, for the command line and the demo: the plan's
measures computed from the warehouse, and last year's plan read for the next assessment.
Django models are imported inside the functions, so importing this module needs no set-up."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cspkit.errors import CspError

if TYPE_CHECKING:
    from cspkit.assessment.plan_review import PlanReview


def compute_plan_measures(*, warehouse: str | None, plan_id: int | None
                          ) -> list[dict[str, object]]:
    """Compute and store the measures of plan ``plan_id`` (default: the latest) from
    ``warehouse`` (default: the plan's own, else the ``MEASURES_WAREHOUSE`` setting);
    return each measure's figures as JSON values, with the action or theme it belongs to.
    Django must be set up (:func:`cspkit.site.bootstrap.django_setup`).
    """
    from django.conf import settings
    from django.utils import timezone

    from cspkit.tracker.selectors.plan import plan_or_latest
    from cspkit.tracker.services.measures import measures_compute
    from cspkit.warehouse import connect

    plan = plan_or_latest(pk=plan_id)
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
