"""Writing the two registers: new entries, carrying forward, turning into an action."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from cspkit.tracker.models import (
    Action,
    Agency,
    DataRequirement,
    Plan,
    Recommendation,
    Theme,
)
from cspkit.tracker.selectors.access import User, administrator_required
from cspkit.tracker.services.plan import action_create
from cspkit.tracker.services.updates import lock_at_version


@transaction.atomic
def recommendation_create(
    *,
    created_by: User,
    plan: Plan,
    reference: str,
    text: str,
    source: str,
    section: str = "",
    theme: Theme | None = None,
    agencies: Iterable[Agency] = (),
) -> Recommendation:
    """A recommendation in ``plan``'s register, led by ``agencies``; administrators only."""
    administrator_required(created_by)
    entry = Recommendation(
        plan=plan, reference=reference, text=text, source=source, section=section, theme=theme
    )
    entry._history_user = created_by
    entry.full_clean()
    entry.save()
    entry.agencies.set(list(agencies))
    return entry


@transaction.atomic
def recommendation_carry_forward(
    *,
    recommendation: Recommendation,
    carried_by: User,
    to_plan: Plan,
    expected_version: int,
) -> Recommendation:
    """Copy an open recommendation into ``to_plan``'s register, linked to the original so
    its updates stay readable from the new entry."""
    administrator_required(carried_by)
    locked = lock_at_version(recommendation, expected_version)
    if to_plan.partnership_id != locked.plan.partnership_id or (
        to_plan.period_start <= locked.plan.period_start
    ):
        raise ValidationError("A recommendation can only be carried forward to a later plan.")
    if not locked.rag.is_open:
        raise ValidationError(
            f"This recommendation is {locked.rag.label.lower()}: nothing to carry forward."
        )
    if Recommendation.objects.filter(carried_forward_from=locked).exists():
        raise ValidationError("This recommendation has already been carried forward.")
    theme = (
        Theme.objects.filter(plan=to_plan, title__iexact=locked.theme.title).first()
        if locked.theme
        else None
    )
    copy = Recommendation(
        plan=to_plan,
        reference=locked.reference,
        section=locked.section,
        theme=theme,
        text=locked.text,
        source=locked.source,
        status=locked.status,
        carried_forward_from=locked,
        key=locked.key,
        agreed=locked.agreed,
        findings=locked.findings,
        published_in=locked.published_in,
    )
    copy._history_user = carried_by
    copy.full_clean()
    copy.save()
    copy.agencies.set(list(locked.agencies.all()))
    locked.version += 1
    locked._history_user = carried_by
    locked.save()
    return copy


@transaction.atomic
def recommendation_to_action(
    *,
    recommendation: Recommendation,
    converted_by: User,
    theme: Theme,
    expected_version: int,
) -> Action:
    """Make the recommendation an action of ``theme``, led by the recommendation's agencies."""
    administrator_required(converted_by)
    locked = lock_at_version(recommendation, expected_version)
    if locked.plan_action_id is not None:
        raise ValidationError("This recommendation is already a plan action.")
    if theme.plan.partnership_id != locked.plan.partnership_id:
        raise ValidationError("Choose a theme of this partnership's plan.")
    action = action_create(
        created_by=converted_by,
        theme=theme,
        text=locked.text,
        lead_agencies=locked.agencies.all(),
    )
    locked.plan_action = action
    locked.version += 1
    locked._history_user = converted_by
    locked.full_clean()
    locked.save()
    return action


@transaction.atomic
def data_requirement_create(
    *,
    created_by: User,
    plan: Plan,
    reference: str,
    data_gap: str,
    action: str = "",
    lead_agencies: Iterable[Agency] = (),
    quality_measure: str = "",
    quality_threshold: Decimal | None = None,
) -> DataRequirement:
    """A data requirement (a gap and what will close it) in ``plan``'s register;
    administrators only."""
    administrator_required(created_by)
    entry = DataRequirement(
        plan=plan,
        reference=reference,
        data_gap=data_gap,
        action=action,
        quality_measure=quality_measure,
        quality_threshold=quality_threshold,
    )
    entry._history_user = created_by
    entry.full_clean()
    entry.save()
    entry.lead_agencies.set(list(lead_agencies))
    return entry
