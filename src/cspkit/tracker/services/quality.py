"""Refreshing the data requirements' completeness measures from the plan's warehouse.

The figures are computed here, by a command (``csp tracker quality``), and cached in
:class:`~cspkit.tracker.models.QualityReading` with the time they were computed; pages and
the progress report only read the cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cspkit.errors import CspError
from cspkit.sources.completeness import parse_measure_key
from cspkit.tracker.models import DataRequirement, Plan, QualityReading


@dataclass(frozen=True)
class QualityRefresh:
    """What a refresh did.

    Attributes
    ----------
    measured
        References of the requirements whose readings were replaced.
    without_data
        References linked to a measure the warehouse holds no records for (their old
        readings are removed).
    computed_at
        When the readings were computed.
    """

    measured: tuple[str, ...]
    without_data: tuple[str, ...]
    computed_at: datetime


def data_requirement_quality_refresh(
    *,
    plan: Plan,
    warehouse: str | None = None,
    areas: Sequence[str] | None = None,
    now: datetime | None = None,
) -> QualityRefresh:
    """Recompute the completeness measure of every data requirement of ``plan`` that has one.

    Parameters
    ----------
    plan
        The plan whose register is refreshed.
    warehouse
        A DuckDB file or database URL; default the plan's own (``Plan.warehouse``).
    areas
        The partnership's local authority, ward or LSOA codes (records placed elsewhere are
        left out); default every record in the warehouse.
    now
        The time to record as the computation time (default: now).

    Returns
    -------
    QualityRefresh

    Raises
    ------
    CspError
        When the plan names no warehouse and none is given, or the warehouse cannot be
        opened.
    """
    from cspkit.analysis.quality import completeness
    from cspkit.warehouse import connect

    target = warehouse or plan.warehouse
    if not target:
        raise CspError(f"the plan {plan.title!r} names no warehouse",
                       hint="Pass --warehouse FILE, or publish an assessment into the plan")
    con = connect(target, create=False)
    try:
        figures = completeness(con, areas=areas)
    finally:
        con.disconnect()
    computed_at = now or timezone.now()
    measured, without = [], []
    with transaction.atomic():
        entries = list(DataRequirement.objects.select_for_update().filter(plan=plan))
        QualityReading.objects.filter(data_requirement__in=entries).delete()
        readings = []
        for entry in entries:
            if not entry.quality_measure:
                continue
            source, field = parse_measure_key(entry.quality_measure)
            rows = figures[(figures["source"] == source) & (figures["field"] == field)]
            (measured if len(rows) else without).append(entry.reference)
            readings += [QualityReading(data_requirement=entry, month=r.month, rows=int(r.rows),
                                        complete=int(r.complete), computed_at=computed_at)
                         for r in rows.itertuples(index=False)]
        QualityReading.objects.bulk_create(readings)
    return QualityRefresh(tuple(measured), tuple(without), computed_at)


def quality_refresh_lines(*, plan_id: int | None, warehouse: str | None,
                          areas: list[str] | None) -> list[str]:
    """Refresh the completeness measures of plan ``plan_id`` (the latest plan when None)
    and return the lines ``csp tracker quality`` prints."""
    from cspkit.tracker.models import DataRequirement, in_reference_order
    from cspkit.tracker.selectors.plan import plan_or_latest
    from cspkit.tracker.selectors.quality import data_requirement_quality

    plan = plan_or_latest(pk=plan_id)
    done = data_requirement_quality_refresh(plan=plan, warehouse=warehouse, areas=areas)
    entries = in_reference_order(DataRequirement.objects.filter(plan=plan))
    statuses = data_requirement_quality(entries)
    lines = [f"{plan.title}: {len(done.measured)} measure(s) computed "
             f"{done.computed_at:%Y-%m-%d %H:%M}."]
    lines += [f"  {entry.reference} {statuses[entry.pk].describe()}"
              for entry in entries if entry.pk in statuses]
    if done.without_data:
        lines.append("  No records in the warehouse for: " + ", ".join(done.without_data))
    return lines
