"""Who may read and who may write what: one rule per permission, used by every service
before it writes, by the pages that offer a form, and by the lists of what a lead leads.

- administrator: everything;
- lead: updates the actions they lead (personally, through their agency, or as the theme's
  thematic lead) and the register entries their agency leads; reads the rest;
- member: reads.

A structured measure may be set by whoever may update its action (see
:func:`action_can_update`) or, for a theme's measure, by an administrator or the theme's
thematic lead.

A user account that is not linked to a :class:`Person` may do nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q

from cspkit.tracker.models import (
    Action,
    DataRequirement,
    Person,
    Recommendation,
    Role,
    Theme,
)

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
    """The role of the person behind ``user``; None for an account linked to nobody."""
    person = person_of(user)
    return Role(person.role) if person else None


def reader_required(user: User) -> Person:
    """The person behind ``user``, or :class:`PermissionDenied` if they may not read."""
    person = person_of(user)
    if person is None:
        raise PermissionDenied("Your account is not linked to anyone in the plan.")
    return person


def administrator_required(user: User) -> Person:
    """The person behind ``user``, or :class:`PermissionDenied` unless an administrator."""
    person = reader_required(user)
    if person.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Only the community safety team (administrators) can do this.")
    return person


def is_administrator(user: User) -> bool:
    """Whether ``user`` is an administrator (manages the plan and both registers)."""
    return role_of(user) == Role.ADMINISTRATOR


def actions_led_by(person: Person) -> Q:
    """The actions ``person`` leads: as an action point lead, through their agency, or as
    the thematic lead of the action's theme."""
    return Q(leads=person) | Q(lead_agencies=person.agency_id) | Q(theme__thematic_lead=person)


def recommendations_led_by(person: Person) -> Q:
    """The recommendations whose agencies include ``person``'s agency."""
    return Q(agencies=person.agency_id)


def data_requirements_led_by(person: Person) -> Q:
    """The data requirements whose lead agencies include ``person``'s agency."""
    return Q(lead_agencies=person.agency_id)


def _can_update(user: User, item: Model, led_by: Callable[[Person], Q]) -> bool:
    person = person_of(user)
    if person is None or person.role == Role.MEMBER:
        return False
    if person.role == Role.ADMINISTRATOR:
        return True
    return type(item).objects.filter(led_by(person), pk=item.pk).exists()


def action_can_update(*, user: User, action: Action) -> bool:
    """Whether ``user`` may add updates to ``action`` (see :func:`actions_led_by`)."""
    return _can_update(user, action, actions_led_by)


def recommendation_can_update(*, user: User, recommendation: Recommendation) -> bool:
    """Whether ``user`` may add updates to ``recommendation``."""
    return _can_update(user, recommendation, recommendations_led_by)


def data_requirement_can_update(*, user: User, data_requirement: DataRequirement) -> bool:
    """Whether ``user`` may add updates to ``data_requirement``."""
    return _can_update(user, data_requirement, data_requirements_led_by)


def measure_can_set(*, user: User, action: Action | None = None, theme: Theme | None = None
                    ) -> bool:
    """Whether ``user`` may set the structured measure of ``action`` (whoever may update
    it) or of ``theme`` (an administrator or the theme's thematic lead)."""
    if action is not None:
        return action_can_update(user=user, action=action)
    person = person_of(user)
    if person is None or theme is None:
        return False
    return person.role == Role.ADMINISTRATOR or (
        person.role == Role.LEAD and theme.thematic_lead_id == person.pk
    )
