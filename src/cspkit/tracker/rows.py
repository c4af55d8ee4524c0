"""Whole model rows read with hand-written SQL, for the requests every user makes.

Django's ORM builds and compiles the SQL of a query afresh each time it runs. On the
tracker's busiest requests (the signed-in session and user, the plan overview, an action
page and "my actions") that compilation, not the database, was most of the time spent: about
1 ms a query on a slow core, against 0.05 ms to run it. Those reads are written here once as
SQL over the models' own table and column names (taken from the model metadata, so a
renamed column cannot drift) and turned back into ordinary model instances with
``Model.from_db`` after the same value converters the ORM applies, so the pages and the
permission checks see exactly what the ORM would give them. The tests compare every read
with its ORM equivalent on SQLite and on PostgreSQL.

Writes never come through here: they stay in the services, through the ORM and its history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Model

Converter = Callable[[Any, Any, Any], Any]


class Columns:
    """Every concrete column of ``model`` under a table alias, ready for a SELECT list."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self.width = len(self.fields)
        self.pk_index = self.names.index(model._meta.pk.attname)
        self._converters: dict[str, list[tuple[int, list[Converter], Any]]] = {}
        self._sql: dict[str, str] = {}

    def sql(self, connection: Any) -> str:
        found = self._sql.get(connection.vendor)
        if found is None:
            quote = connection.ops.quote_name
            found = ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)
            self._sql[connection.vendor] = found
        return found

    def prepare(self, connection: Any) -> None:
        """Work out the SELECT list and converters now (a server does it before forking)."""
        self.sql(connection)
        self.converters(connection)

    def table(self, connection: Any) -> str:
        """``"tracker_action" a``: the model's table under this alias."""
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def column(self, name: str, connection: Any) -> str:
        """``a."theme_id"``: one field's column under this alias."""
        field = self.model._meta.get_field(name)
        return f"{self.alias}.{connection.ops.quote_name(field.column)}"

    def converters(self, connection: Any) -> list[tuple[int, list[Converter], Any]]:
        """The ORM's value converters for each field that has any on ``connection``'s
        backend (on SQLite, for example, time-zone-aware datetimes and booleans)."""
        found = self._converters.get(connection.vendor)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                expression = field.get_col(self.alias)
                chain = connection.ops.get_db_converters(expression) + field.get_db_converters(
                    connection
                )
                if chain:
                    found.append((index, chain, expression))
            self._converters[connection.vendor] = found
        return found

    def build(self, row: Sequence[Any], start: int, connection: Any) -> Model | None:
        """The instance held in ``row[start:start + width]``; None when its primary key is
        NULL (the empty side of a LEFT JOIN)."""
        values = list(row[start : start + self.width])
        if values[self.pk_index] is None:
            return None
        for index, chain, expression in self.converters(connection):
            value = values[index]
            for convert in chain:
                value = convert(value, expression, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.names, values)


Statement = tuple[str, Sequence[Any]]


def fixed_cursor(connection: Any) -> Any:
    """A cursor for the fixed statements, through Django's wrapper (errors, query logging).

    On PostgreSQL it binds parameters on the server, so that psycopg prepares each statement
    once it has run a few times on a connection (``prepare_threshold``, see
    ``cspkit.site.database``) and the server stops re-planning it: planning took several
    times longer than running these short queries. Django's own cursors bind on the
    client, which never prepares.
    """
    wrapper = connection.cursor()  # connects, and runs Django's health check, first
    if connection.vendor == "postgresql":
        import psycopg

        wrapper.cursor.close()
        wrapper.cursor = psycopg.Cursor(connection.connection)
    return wrapper


def fetch_all(connection: Any, statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """The rows of each of several independent parameterised queries (``%s`` placeholders).

    On PostgreSQL they go to the server together in one pipeline (psycopg 3), so a page
    waits for one round trip instead of one per query; elsewhere they run one by one.
    """
    cursors = [fixed_cursor(connection) for _ in statements]
    try:
        raw = connection.connection
        pipeline = getattr(raw, "pipeline", None)
        if connection.vendor != "postgresql" or pipeline is None or len(statements) < 2:
            results = []
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results
        with connection.wrap_database_errors, pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def relate(instance: Model, name: str, value: Model | None) -> None:
    """Set a forward foreign key's cached object, as ``select_related`` would."""
    instance._meta.get_field(name).set_cached_value(instance, value)
