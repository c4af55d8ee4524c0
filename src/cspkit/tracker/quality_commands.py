"""``csp tracker quality``: refresh the data requirements' completeness measures."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cspkit.errors import CspError


def register(app: typer.Typer) -> None:
    """Add the ``quality`` command to ``app`` (the ``csp tracker`` group)."""
    app.command("quality")(quality_command)


def quality_command(
    plan_id: Annotated[
        int | None, typer.Option("--plan", help="Plan id. Default: the latest plan.")
    ] = None,
    warehouse: Annotated[
        str | None,
        typer.Option("--warehouse", "-w",
                     help="Warehouse DuckDB file or database URL. Default: the plan's own."),
    ] = None,
    areas: Annotated[
        list[str] | None,
        typer.Option("--area", help="The partnership's local authority (or ward, LSOA) code; "
                     "repeat for several. Default: every record in the warehouse."),
    ] = None,
) -> None:
    """Compute the completeness measure of every data requirement linked to one, from the
    warehouse, and store it with today's date: the register and the progress report show
    the latest month, the last six months and whether the target is met."""
    try:
        lines = refresh(plan_id=plan_id, warehouse=warehouse, areas=areas or None)
    except CspError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    for line in lines:
        typer.echo(line)


def refresh(*, plan_id: int | None, warehouse: str | None, areas: list[str] | None
            ) -> list[str]:
    """Refresh the plan's measures; the lines to print."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.local")
    import django

    django.setup()
    from cspkit.tracker.models import DataRequirement, Plan
    from cspkit.tracker.selectors.quality import data_requirement_quality
    from cspkit.tracker.services.quality import data_requirement_quality_refresh

    plans = Plan.objects.order_by("-period_start")
    plan = plans.filter(pk=plan_id).first() if plan_id is not None else plans.first()
    if plan is None:
        wanted = f"plan {plan_id}" if plan_id is not None else "any plan"
        raise CspError(f"no {wanted} in the tracker", hint="Create the plan first")
    done = data_requirement_quality_refresh(plan=plan, warehouse=warehouse, areas=areas)
    entries = DataRequirement.objects.filter(plan=plan).order_by("reference")
    statuses = data_requirement_quality(entries)
    lines = [f"{plan.title}: {len(done.measured)} measure(s) computed "
             f"{done.computed_at:%Y-%m-%d %H:%M}."]
    for entry in entries:
        if entry.pk in statuses:
            lines.append(f"  {entry.reference} {statuses[entry.pk].describe()}")
    if done.without_data:
        lines.append("  No records in the warehouse for: " + ", ".join(done.without_data))
    return lines
