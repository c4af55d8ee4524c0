"""Setting up a partnership, its agencies and people.

These are called by trusted code only (``csp demo``, importers, ``manage.py shell``); no
page offers them, so they take no acting user.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from cspkit.tracker.models import Agency, Partnership, Person, Role


@transaction.atomic
def partnership_create(*, name: str, area_name: str) -> Partnership:
    """The partnership ``name`` covering ``area_name``; raises ValidationError on a bad or
    duplicate name."""
    partnership = Partnership(name=name, area_name=area_name)
    partnership.full_clean()
    partnership.save()
    return partnership


@transaction.atomic
def agency_create(
    *, partnership: Partnership, name: str, short_name: str, kind: Agency.Kind
) -> Agency:
    """An agency of ``partnership`` (``short_name`` is how tables name it); raises
    ValidationError on bad values."""
    agency = Agency(partnership=partnership, name=name, short_name=short_name, kind=kind)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def person_create(
    *,
    agency: Agency,
    full_name: str,
    role: Role = Role.MEMBER,
    job_title: str = "",
    initials: str = "",
    username: str | None = None,
    password_hash: str | None = None,
    email: str = "",
) -> Person:
    """A person named in the plan; with ``username`` they also get a sign-in account.

    ``password_hash`` is a hash made by ``django.contrib.auth.hashers.make_password``;
    without one the account has an unusable password until it is set.
    """
    user = None
    if username:
        user = get_user_model()(username=username, email=email)
        user.password = password_hash or ""
        if not password_hash:
            user.set_unusable_password()
        user.full_clean()
        user.save()
    person = Person(
        user=user,
        agency=agency,
        full_name=full_name,
        role=role,
        job_title=job_title,
        initials=initials,
    )
    person.full_clean()
    person.save()
    return person
