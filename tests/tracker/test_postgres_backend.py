"""The PostgreSQL backend's health check (``cspkit.site.postgresql``): a kept connection
is reused without a round trip while healthy, and replaced once the server has dropped it.
Runs on PostgreSQL through ``test_postgres.py``; on SQLite there is no such backend."""

from __future__ import annotations

import os
import select

import psycopg
from django.db import connection


def _other_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )


def test_a_dropped_connection_is_noticed_and_replaced(committed_db: None) -> None:
    if connection.vendor != "postgresql":
        assert "sqlite" in connection.settings_dict["ENGINE"]
        return
    assert connection.settings_dict["ENGINE"] == "cspkit.site.postgresql"
    connection.ensure_connection()
    assert connection.is_usable()
    first = connection.connection.info.backend_pid
    with _other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [first])
    # The server says goodbye on the socket; wait until it has arrived.
    select.select([connection.connection.fileno()], [], [], 10)
    assert not connection.is_usable()
    # What Django does before a request's first query when health checks are on.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (second,) = cursor.fetchone()
    assert second != first
    assert connection.is_usable()
    assert os.environ.get("CSP_TEST_DATABASE_URL", "").startswith("postgres")
