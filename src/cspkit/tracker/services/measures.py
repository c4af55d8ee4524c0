"""Writing measures: setting an action's or theme's structured measure, and storing the
figures computed from the warehouse (:mod:`cspkit.analysis.measures`).

Figures are computed here, by ``csp tracker measures`` (or after a load), never during a
page request: pages read the stored :class:`MeasureResult` with its date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from ibis.backends import BaseBackend

from cspkit.analysis.measures import NO_DATA, MeasureFigures, compute_measure
from cspkit.errors import CspError
from cspkit.tracker.models import Action, Measure, MeasureResult, Plan, Theme
from cspkit.tracker.selectors.access import User, measure_can_set
from cspkit.tracker.selectors.measures import plan_measures


@transaction.atomic
def measure_set(
    *,
    set_by: User,
    action: Action | None = None,
    theme: Theme | None = None,
    label: str,
    areas: Sequence[str],
    categories: Sequence[str] = (),
    source: str = "police",
    direction: str = "reduce",
    target_percent: float | None = None,
    months: int = 12,
    baseline: str = "year-earlier",
    baseline_start: str = "",
) -> Measure:
    """Set (create or replace) the structured measure of ``action`` or ``theme``.

    The stored figures of a replaced measure are dropped: they counted something else.

    Raises
    ------
    PermissionDenied
        Unless :func:`~cspkit.tracker.selectors.access.measure_can_set` allows it.
    ValidationError
        An invalid measure (both or neither of action and theme, an unknown source, a
        bad month), with the message saying what to change.
    """
    if (action is None) == (theme is None):
        raise ValidationError("A measure belongs to one action or one theme.")
    if not measure_can_set(user=set_by, action=action, theme=theme):
        raise PermissionDenied("Only the action's leads or an administrator can set its measure.")
    measure = Measure.objects.select_for_update().filter(action=action, theme=theme).first()
    measure = measure or Measure(action=action, theme=theme)
    fields = {
        "label": label.strip(), "areas": [a.strip() for a in areas if a.strip()],
        "categories": [c.strip() for c in categories if c.strip()], "source": source,
        "direction": direction, "target_percent": target_percent, "months": months,
        "baseline": baseline, "baseline_start": baseline_start.strip() if baseline == "fixed"
        else "",
    }
    for name, value in fields.items():
        setattr(measure, name, value)
    if not measure.label:
        raise ValidationError({"label": "Give the measure a name."})
    if not measure.areas:
        raise ValidationError({"areas": "Name at least one area code."})
    try:
        measure.spec()
    except CspError as error:
        raise ValidationError(error.message) from error
    measure._history_user = set_by
    measure.full_clean()
    measure.save()
    MeasureResult.objects.filter(measure=measure).delete()
    return measure


def result_store(*, measure: Measure, figures: MeasureFigures, warehouse: str,
                 computed_at: datetime) -> MeasureResult:
    """Replace ``measure``'s stored figures with ``figures``."""
    values = {
        "computed_at": computed_at,
        "warehouse": warehouse,
        "data_month": figures.data_month,
        "period": figures.period.label if figures.period else "",
        "baseline_period": figures.baseline_period.label if figures.baseline_period else "",
        "current": figures.current,
        "baseline": figures.baseline,
        "p_value": figures.p_value,
        "significant": figures.significant,
        "small_numbers": figures.small_numbers,
        "target_reached": figures.target_reached,
        "course": figures.course,
        "monthly": [list(pair) for pair in figures.monthly],
        "missing": figures.missing,
        "area_names": list(figures.area_names),
    }
    result, _ = MeasureResult.objects.update_or_create(measure=measure, defaults=values)
    return result


def measures_compute(*, plan: Plan, con: BaseBackend, warehouse: str, computed_at: datetime
                     ) -> list[tuple[Measure, MeasureFigures]]:
    """Compute every measure of ``plan`` from the warehouse ``con`` and store the figures.

    A measure the warehouse cannot count (an area code or category it does not know) is
    stored with no figures and a note saying what to fix, so the page never shows an old
    number for it. Run by ``csp tracker measures``; never by a page.
    """
    out = []
    for measure in plan_measures(plan):
        spec = measure.spec()
        try:
            figures = compute_measure(con, spec)
        except CspError as error:
            figures = MeasureFigures(spec=spec, data_month="", course=NO_DATA,
                                     missing=f"{error.message}: change the measure")
        with transaction.atomic():
            result_store(measure=measure, figures=figures, warehouse=warehouse,
                         computed_at=computed_at)
        out.append((measure, figures))
    return out
