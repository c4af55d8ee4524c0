"""Who may read and who may write what. Services call these before every write.

- administrator: everything;
- lead: updates the actions they lead (personally, through their agency, or as the theme's
  thematic lead) and the register entries their agency leads; reads the rest;
- member: reads.

A user account that is not linked to a :class:`Person` may do nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Manager

from cspkit.tracker.models import Action, DataRequirement, Person, Recommendation, Role

User = AbstractBaseUser | AnonymousUser


def person_of(user: User) -> Person | None:
    """The person a signed-in, active user stands for (loaded with the user by
    ``cspkit.tracker.auth.TrackerBackend``, else fetched once and cached on the user)."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.person  # type: ignore[union-attr]
    except Person.DoesNotExist:
        return None


def role_of(user: User) -> Role | None:
    person = person_of(user)
    return Role(person.role) if person else None


def reader_required(user: User) -> Person:
    """The person behind ``user``, or :class:`PermissionDenied` if they may not read."""
    person = person_of(user)
    if person is None:
        raise PermissionDenied("Your account is not linked to anyone in the plan.")
    return person


def administrator_required(user: User) -> Person:
    person = reader_required(user)
    if person.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Only the community safety team (administrators) can do this.")
    return person


def is_administrator(user: User) -> bool:
    return role_of(user) == Role.ADMINISTRATOR


def _ids(related: Manager) -> set[int]:
    """Primary keys of a many-to-many relation, from its prefetched rows when there are."""
    return {obj.pk for obj in related.all()}


def action_can_update(*, user: User, action: Action) -> bool:
    person = person_of(user)
    if person is None or person.role == Role.MEMBER:
        return False
    if person.role == Role.ADMINISTRATOR:
        return True
    return (
        action.theme.thematic_lead_id == person.pk
        or person.pk in _ids(action.leads)
        or person.agency_id in _ids(action.lead_agencies)
    )


def recommendation_can_update(*, user: User, recommendation: Recommendation) -> bool:
    person = person_of(user)
    if person is None or person.role == Role.MEMBER:
        return False
    if person.role == Role.ADMINISTRATOR:
        return True
    return person.agency_id in _ids(recommendation.agencies)


def data_requirement_can_update(*, user: User, data_requirement: DataRequirement) -> bool:
    person = person_of(user)
    if person is None or person.role == Role.MEMBER:
        return False
    if person.role == Role.ADMINISTRATOR:
        return True
    return person.agency_id in _ids(data_requirement.lead_agencies)
