"""Django's database sessions, read with one prepared statement.

Every signed-in request loads its session. Django's own store builds that query through the
ORM each time, which cost more than a whole page's database work; this store runs the same
query (the key, still unexpired) as fixed SQL and keeps everything else, writes included,
as Django does it. ``SESSION_ENGINE = "cspkit.site.sessions"``.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from cspkit.tracker.rows import fixed_cursor

logger = logging.getLogger(__name__)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        connection = connections[router.db_for_read(Session)]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(Session._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with fixed_cursor(connection) as found:
            found.execute(sql, [key, now])
            row = found.fetchone()
        if row is None:
            self._session_key = None
            return None
        return Session(session_key=key, session_data=row[0])
