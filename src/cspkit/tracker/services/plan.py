"""Writing the plan itself: plans, themes and actions. Administrators only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from cspkit.tracker.models import Action, Agency, Partnership, Person, Plan, SubAction, Theme
from cspkit.tracker.selectors.access import User, administrator_required
from cspkit.tracker.services.updates import lock_at_version


@transaction.atomic
def plan_create(
    *,
    created_by: User,
    partnership: Partnership,
    title: str,
    period_start: date,
    period_end: date,
    update_every_days: int = 91,
) -> Plan:
    """A plan for ``period_start``–``period_end`` (leads update every
    ``update_every_days``); administrators only."""
    administrator_required(created_by)
    plan = Plan(
        partnership=partnership,
        title=title,
        period_start=period_start,
        period_end=period_end,
        update_every_days=update_every_days,
    )
    plan._history_user = created_by
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def theme_create(
    *,
    created_by: User,
    plan: Plan,
    number: int,
    title: str,
    thematic_lead: Person | None = None,
) -> Theme:
    """Theme ``number`` of ``plan``, optionally with its thematic lead; administrators only."""
    administrator_required(created_by)
    theme = Theme(plan=plan, number=number, title=title, thematic_lead=thematic_lead)
    theme._history_user = created_by
    theme.full_clean()
    theme.save()
    return theme


def _set_leads(action: Action, leads: Iterable[Person], lead_agencies: Iterable[Agency]) -> None:
    """Leads' own agencies always count among the action's lead agencies."""
    leads = list(leads)
    agencies = {agency.pk: agency for agency in lead_agencies}
    agencies.update({person.agency_id: person.agency for person in leads})
    action.leads.set(leads)
    action.lead_agencies.set(agencies.values())


@transaction.atomic
def action_create(
    *,
    created_by: User,
    theme: Theme,
    text: str,
    number: int | None = None,
    leads: Iterable[Person] = (),
    lead_agencies: Iterable[Agency] = (),
    measure: str = "",
    due_date: date | None = None,
    sub_actions: Iterable[tuple[str, str]] = (),
) -> Action:
    """A new action of ``theme``; numbered after the last one unless ``number`` is given.

    ``sub_actions`` are ``(label, text)`` pairs: ``[("a", "Map the hot spots"), …]``.
    """
    administrator_required(created_by)
    if number is None:
        number = (theme.actions.aggregate(last=Max("number"))["last"] or 0) + 1
    action = Action(theme=theme, number=number, text=text, measure=measure, due_date=due_date)
    action._history_user = created_by
    action.full_clean()
    action.save()
    _set_leads(action, leads, lead_agencies)
    for label, sub_text in sub_actions:
        sub_action = SubAction(action=action, label=label, text=sub_text)
        sub_action._history_user = created_by
        sub_action.full_clean()
        sub_action.save()
    return action


@transaction.atomic
def action_edit(
    *,
    action: Action,
    edited_by: User,
    expected_version: int,
    text: str,
    measure: str,
    due_date: date | None,
    leads: Iterable[Person],
    lead_agencies: Iterable[Agency],
) -> Action:
    """Change what an action says and who leads it (not its status: that takes an update)."""
    administrator_required(edited_by)
    locked = lock_at_version(action, expected_version)
    if not text.strip():
        raise ValidationError({"text": "An action needs its text."})
    locked.text, locked.measure, locked.due_date = text.strip(), measure.strip(), due_date
    locked.version += 1
    locked._history_user = edited_by
    locked.full_clean()
    locked.save()
    # After the save, so the history rows the lead changes write carry the new version.
    locked._history_user = edited_by
    _set_leads(locked, leads, lead_agencies)
    return locked
