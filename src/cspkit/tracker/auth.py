"""Django's model authentication, loading the signed-in user's person and agency in the
same query, since every page needs them.

The per-request lookup (:meth:`TrackerBackend.get_user`) is one fixed SQL statement over the
user, person and agency tables (see :mod:`cspkit.tracker.rows`); signing in itself stays
Django's ``ModelBackend``.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections, router

from cspkit.tracker.rows import Columns, fixed_cursor, relate


@cache
def _columns() -> tuple[Columns, Columns, Columns]:
    from cspkit.tracker.models import Agency, Person

    return Columns(get_user_model(), "u"), Columns(Person, "p"), Columns(Agency, "g")


def user_with_person(user_id: object) -> AbstractBaseUser | None:
    """The user with primary key ``user_id``, their person and the person's agency (as
    ``select_related("person__agency")`` gives them), or None."""
    users, people, agencies = _columns()
    model = users.model
    connection = connections[router.db_for_read(model)]
    try:
        user_id = model._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a malformed session value is no user
        return None
    sql = (
        f"SELECT {users.sql(connection)}, {people.sql(connection)}, {agencies.sql(connection)} "
        f"FROM {users.table(connection)} "
        f"LEFT JOIN {people.table(connection)} "
        f"ON {people.column('user', connection)} = {users.column('id', connection)} "
        f"LEFT JOIN {agencies.table(connection)} "
        f"ON {agencies.column('id', connection)} = {people.column('agency', connection)} "
        f"WHERE {users.column('id', connection)} = %s"
    )
    with fixed_cursor(connection) as found:
        found.execute(sql, [user_id])
        row = found.fetchone()
    if row is None:
        return None
    user = users.build(row, 0, connection)
    person = people.build(row, users.width, connection)
    if person is not None:
        relate(person, "agency", agencies.build(row, users.width + people.width, connection))
        relate(person, "user", user)
        person._meta.get_field("user").remote_field.set_cached_value(user, person)
    return user


class TrackerBackend(ModelBackend):
    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        user = user_with_person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
