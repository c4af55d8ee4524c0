"""Django's PostgreSQL backend, with a cheaper check that a kept connection still works.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request that reuses a connection, so that a connection the server has dropped (a restart,
a terminated backend) is replaced instead of failing the request. That is one round trip
more per page: a quarter of a tracker page's waiting for the database.

A server that drops a connection says so on its socket: an error message, then end of file.
A connection that has nothing waiting to be read has therefore not been dropped by a live
server, and is used without asking; only when something is waiting (the server's goodbye,
or a notice) does Django's own ``SELECT 1`` decide. ``ENGINE = "cspkit.site.postgresql"``.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg.pq import TransactionStatus


class DatabaseWrapper(PostgresDatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # mid-transaction, or after an error: ask
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not waiting:
            return True
        return super().is_usable()
