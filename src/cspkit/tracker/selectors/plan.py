"""Reads of the plan: the overview by theme, one action, and a lead's own actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404

from cspkit.errors import CspError
from cspkit.tracker.models import Action, ActionUpdate, Person, Plan, Role, SubAction, Theme
from cspkit.tracker.selectors.access import User, actions_led_by, reader_required
from cspkit.tracker.status import RagStatus


@dataclass(frozen=True)
class ThemeSummary:
    """A theme with how many of its actions stand at each RAG status."""

    theme: Theme
    counts: dict[RagStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class LeadAction:
    """An action on a lead's list with when its next progress update is due."""

    action: Action
    last_update_on: date | None
    update_due_on: date
    is_overdue: bool
    is_past_due_date: bool


def plan_list(*, fetched_by: User) -> QuerySet[Plan]:
    """Every plan with its partnership, the newest period first."""
    reader_required(fetched_by)
    return Plan.objects.select_related("partnership").order_by("-period_start", "pk")


def plan_current(*, fetched_by: User) -> Plan | None:
    """The plan whose period started most recently."""
    return plan_list(fetched_by=fetched_by).first()


def plan_get(*, fetched_by: User, pk: int) -> Plan:
    """Plan ``pk`` with its partnership; 404 when there is none."""
    try:
        return plan_list(fetched_by=fetched_by).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("No such plan.") from None


def plan_chosen(*, fetched_by: User, pk: int | None) -> Plan | None:
    """Plan ``pk`` (404 if there is none), or when ``pk`` is None the current plan, or None
    when there is no plan at all."""
    if pk is None:
        return plan_current(fetched_by=fetched_by)
    return plan_get(fetched_by=fetched_by, pk=pk)


def plan_or_latest(*, pk: int | None) -> Plan:
    """Plan ``pk``, or the plan whose period started most recently when ``pk`` is None, for
    the command line (no user); a :class:`~cspkit.errors.CspError` when there is none."""
    plans = Plan.objects.order_by("-period_start", "pk")
    plan = plans.filter(pk=pk).first() if pk is not None else plans.first()
    if plan is None:
        wanted = f"plan {pk}" if pk is not None else "any plan"
        raise CspError(f"no {wanted} in the tracker", hint="Create the plan first")
    return plan


def plan_overview(*, fetched_by: User, plan: Plan) -> list[ThemeSummary]:
    """Every theme of ``plan`` in order, with its actions counted by RAG status."""
    reader_required(fetched_by)
    themes = list(
        Theme.objects.filter(plan=plan).select_related("thematic_lead__agency").order_by("number")
    )
    rows = (
        Action.objects.filter(theme__plan=plan)
        .values("theme_id", "status")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[RagStatus, int]] = {
        theme.pk: {status: 0 for status in RagStatus} for theme in themes
    }
    for row in rows:
        counts[row["theme_id"]][RagStatus(row["status"])] = row["count"]
    return [ThemeSummary(theme=theme, counts=counts[theme.pk]) for theme in themes]


def theme_get(*, fetched_by: User, pk: int) -> Theme:
    """Theme ``pk`` with its plan and thematic lead; 404 when there is none."""
    reader_required(fetched_by)
    try:
        return Theme.objects.select_related("plan", "thematic_lead__agency").get(pk=pk)
    except Theme.DoesNotExist:
        raise Http404("No such theme.") from None


def action_list(*, fetched_by: User, theme: Theme) -> QuerySet[Action]:
    """The actions of ``theme`` in order, with their leads and the date of their last
    update."""
    reader_required(fetched_by)
    return (
        Action.objects.filter(theme=theme)
        .prefetch_related("leads", "lead_agencies")
        .annotate(last_update_on=Max("updates__written_on"))
        .order_by("number")
    )


def action_get(*, fetched_by: User, pk: int) -> Action:
    """One action with its theme, plan, sub-actions, leads (with their agencies), lead
    agencies and update timeline (newest first, with each author's agency)."""
    reader_required(fetched_by)
    actions = Action.objects.select_related(
        "theme__plan", "theme__thematic_lead", "from_recommendation"
    ).prefetch_related(
        # Ordered here by their own columns: the models' default orderings go through the
        # action, its theme and plan, which costs joins these lists do not need.
        Prefetch("sub_actions", queryset=SubAction.objects.order_by("label", "pk")),
        Prefetch("leads", queryset=Person.objects.select_related("agency")),
        "lead_agencies",
        Prefetch("updates", queryset=ActionUpdate.objects.select_related("author__agency")),
    )
    try:
        return actions.get(pk=pk)
    except Action.DoesNotExist:
        raise Http404("No such action.") from None


def my_actions(*, fetched_by: User, plan: Plan, today: date) -> list[LeadAction]:
    """The actions of ``plan`` the user leads (in person, through their agency or their
    theme), overdue first. Administrators get every open action; members lead nothing."""
    person = reader_required(fetched_by)
    if person.role == Role.MEMBER:
        return []
    actions = Action.objects.filter(theme__plan=plan)
    if person.role == Role.LEAD:
        actions = Action.objects.filter(pk__in=actions.filter(actions_led_by(person)).values("pk"))
    else:
        actions = actions.exclude(status__in=[RagStatus.COMPLETE, RagStatus.WITHDRAWN])
    actions = (
        actions.select_related("theme")
        .annotate(last_update_on=Max("updates__written_on"))
        .order_by()  # sorted below
    )
    interval = timedelta(days=plan.update_every_days)
    rows = []
    for action in actions:
        due_on = (action.last_update_on or plan.period_start) + interval
        is_open = action.rag.is_open
        rows.append(
            LeadAction(
                action=action,
                last_update_on=action.last_update_on,
                update_due_on=due_on,
                is_overdue=is_open and due_on < today,
                is_past_due_date=is_open
                and action.due_date is not None
                and action.due_date < today,
            )
        )
    rows.sort(key=lambda row: (not row.is_overdue, row.update_due_on, row.action.reference))
    return rows
