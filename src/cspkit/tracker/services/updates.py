"""Progress updates on actions and register entries, with optimistic concurrency.

The form that adds an update carries the version of the item it was opened at. If the item
moved on meanwhile the update is refused with :class:`StaleEditError`, which shows what the
other person changed; nothing is overwritten.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.models import (
    Action,
    ActionUpdate,
    DataRequirement,
    DataRequirementUpdate,
    Recommendation,
    RecommendationUpdate,
)
from cspkit.tracker.models.plan import Update
from cspkit.tracker.selectors.access import (
    User,
    action_can_update,
    data_requirement_can_update,
    person_of,
    recommendation_can_update,
)
from cspkit.tracker.selectors.history import changes_since
from cspkit.tracker.status import RagStatus

UpdateT = TypeVar("UpdateT", bound=Update)
Tracked = Action | Recommendation | DataRequirement
TrackedT = TypeVar("TrackedT", Action, Recommendation, DataRequirement)


def lock_at_version(item: TrackedT, expected_version: int) -> TrackedT:
    """``item`` read again and locked until the transaction ends; StaleEditError (with the
    updates and changes saved since) when its version is no longer ``expected_version``."""
    locked = type(item).objects.select_for_update().get(pk=item.pk)
    if locked.version != expected_version:
        raise StaleEditError(
            current_version=locked.version,
            updates=locked.updates.filter(version__gt=expected_version).select_related("author"),
            changes=changes_since(item=locked, after_version=expected_version),
        )
    return locked


def _update_create(
    *,
    item: Tracked,
    update_model: type[UpdateT],
    item_field: str,
    author: User,
    text: str,
    status: RagStatus,
    expected_version: int,
    written_on: date | None,
) -> UpdateT:
    person = person_of(author)
    if person is None:
        raise PermissionDenied("Your account is not linked to anyone in the plan.")
    locked = lock_at_version(item, expected_version)
    locked.version += 1
    locked.status = status
    locked._history_user = author
    locked.full_clean()
    locked.save()
    update = update_model(
        **{item_field: locked},
        written_on=written_on or timezone.localdate(),
        author=person,
        text=text.strip(),
        status=status,
        version=locked.version,
    )
    update._history_user = author
    update.full_clean()
    update.save()
    item.version, item.status = locked.version, locked.status
    return update


@transaction.atomic
def action_update_create(
    *,
    action: Action,
    author: User,
    text: str,
    status: RagStatus,
    expected_version: int,
    written_on: date | None = None,
) -> ActionUpdate:
    """Add a progress update to ``action`` and set its RAG status to ``status``."""
    if not action_can_update(user=author, action=action):
        raise PermissionDenied("You can only update actions you or your agency lead.")
    return _update_create(
        item=action,
        update_model=ActionUpdate,
        item_field="action",
        author=author,
        text=text,
        status=status,
        expected_version=expected_version,
        written_on=written_on,
    )


@transaction.atomic
def recommendation_update_create(
    *,
    recommendation: Recommendation,
    author: User,
    text: str,
    status: RagStatus,
    expected_version: int,
    written_on: date | None = None,
) -> RecommendationUpdate:
    """Add a progress update to ``recommendation`` and set its RAG status (administrators
    and leads of its agencies only); StaleEditError if ``expected_version`` is out of date."""
    if not recommendation_can_update(user=author, recommendation=recommendation):
        raise PermissionDenied("You can only update recommendations your agency leads.")
    return _update_create(
        item=recommendation,
        update_model=RecommendationUpdate,
        item_field="recommendation",
        author=author,
        text=text,
        status=status,
        expected_version=expected_version,
        written_on=written_on,
    )


@transaction.atomic
def data_requirement_update_create(
    *,
    data_requirement: DataRequirement,
    author: User,
    text: str,
    status: RagStatus,
    expected_version: int,
    written_on: date | None = None,
) -> DataRequirementUpdate:
    """Add a progress update to ``data_requirement`` and set its RAG status (administrators
    and leads of its lead agencies only); StaleEditError if ``expected_version`` is out of
    date."""
    if not data_requirement_can_update(user=author, data_requirement=data_requirement):
        raise PermissionDenied("You can only update data requirements your agency leads.")
    return _update_create(
        item=data_requirement,
        update_model=DataRequirementUpdate,
        item_field="data_requirement",
        author=author,
        text=text,
        status=status,
        expected_version=expected_version,
        written_on=written_on,
    )
