"""Edits the importer needs that the tracker's own services do not offer yet.

Same rules as ``cspkit.tracker.services``: administrators only, keyword-only arguments,
``full_clean`` before ``save``, the acting user recorded in history, and the item's
``version`` moved on so an open form elsewhere notices the change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.models import (
    Action,
    Agency,
    DataRequirement,
    Person,
    Recommendation,
    SubAction,
    Theme,
)
from cspkit.tracker.selectors.access import User, administrator_required
from cspkit.tracker.selectors.history import changes_since

Versioned = Recommendation | DataRequirement


def _locked(item: Versioned, expected_version: int) -> Versioned:
    locked = type(item).objects.select_for_update().get(pk=item.pk)
    if locked.version != expected_version:
        raise StaleEditError(
            current_version=locked.version,
            updates=locked.updates.filter(version__gt=expected_version).select_related("author"),
            changes=changes_since(item=locked, after_version=expected_version),
        )
    return locked


@transaction.atomic
def theme_edit(*, theme: Theme, edited_by: User, title: str, thematic_lead: Person | None) -> Theme:
    administrator_required(edited_by)
    theme.title, theme.thematic_lead = title, thematic_lead
    theme._history_user = edited_by
    theme.full_clean()
    theme.save()
    return theme


@transaction.atomic
def sub_actions_set(
    *, action: Action, edited_by: User, sub_actions: Iterable[tuple[str, str]]
) -> None:
    """Make the action's lettered sub-actions exactly ``(label, text)`` pairs given."""
    administrator_required(edited_by)
    wanted = dict(sub_actions)
    for existing in SubAction.objects.filter(action=action):
        existing._history_user = edited_by
        if existing.label not in wanted:
            existing.delete()
        elif existing.text != wanted[existing.label]:
            existing.text = wanted.pop(existing.label)
            existing.full_clean()
            existing.save()
        else:
            wanted.pop(existing.label)
    for label, text in wanted.items():
        created = SubAction(action=action, label=label, text=text)
        created._history_user = edited_by
        created.full_clean()
        created.save()


@transaction.atomic
def recommendation_edit(
    *,
    recommendation: Recommendation,
    edited_by: User,
    expected_version: int,
    text: str,
    section: str,
    agencies: Iterable[Agency],
) -> Recommendation:
    administrator_required(edited_by)
    locked = _locked(recommendation, expected_version)
    locked.text, locked.section = text, section
    locked.version += 1
    locked._history_user = edited_by
    locked.full_clean()
    locked.save()
    locked.agencies.set(list(agencies))
    return locked


@transaction.atomic
def data_requirement_edit(
    *,
    data_requirement: DataRequirement,
    edited_by: User,
    expected_version: int,
    data_gap: str,
    action: str,
    lead_agencies: Iterable[Agency],
) -> DataRequirement:
    administrator_required(edited_by)
    locked = _locked(data_requirement, expected_version)
    locked.data_gap, locked.action = data_gap, action
    locked.version += 1
    locked._history_user = edited_by
    locked.full_clean()
    locked.save()
    locked.lead_agencies.set(list(lead_agencies))
    return locked
