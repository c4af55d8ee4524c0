"""Reads of measures: a plan's measures with their stored figures, an action's measure."""

from __future__ import annotations

from django.db.models import QuerySet

from cspkit.tracker.models import Action, Measure, Plan, Theme
from cspkit.tracker.selectors.access import User, reader_required


def _with_results() -> QuerySet[Measure]:
    return Measure.objects.select_related("result", "theme", "action__theme")


def plan_measures(plan: Plan) -> list[Measure]:
    """Every measure of ``plan`` with its stored figures: each theme's own measure, then
    its actions' measures in order. For the command line and the reports (no user)."""
    measures = list(_with_results().filter(theme__plan=plan)) + list(
        _with_results().filter(action__theme__plan=plan)
    )

    def order(measure: Measure) -> tuple[int, int]:
        if measure.theme is not None:
            return measure.theme.number, 0
        return measure.action.theme.number, measure.action.number

    return sorted(measures, key=order)


def plan_measure_list(*, fetched_by: User, plan: Plan) -> list[Measure]:
    """:func:`plan_measures` for a reader of the plan."""
    reader_required(fetched_by)
    return plan_measures(plan)


def action_measure(*, fetched_by: User, action: Action) -> Measure | None:
    """The structured measure of ``action`` with its stored figures, if it has one."""
    reader_required(fetched_by)
    return _with_results().filter(action=action).first()


def theme_measure(*, fetched_by: User, theme: Theme) -> Measure | None:
    """The structured measure of ``theme`` itself with its stored figures, if it has one."""
    reader_required(fetched_by)
    return _with_results().filter(theme=theme).first()
