"""Sign-in throttling with django-axes: what the tracker adds to its settings.

django-axes counts failed sign-ins by account name and by client address and refuses both
once ``AXES_FAILURE_LIMIT`` is reached (settings in ``cspkit.site.settings.base``). The
tracker adds three things:

- account names are compared as typed at the sign-in page, trimmed and in lower case;
- sign-in attempts are evaluated one at a time, so parallel guesses cannot all be checked
  before any failure is counted;
- a good sign-in clears that account's failures only, never the address's: an attacker who
  owns one account could otherwise wipe the address's count by signing in to it.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

# Any number, the same in every server process: PostgreSQL's advisory lock for sign-ins.
SIGN_IN_LOCK_KEY = 0x637370_51


def sign_in_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account name a sign-in attempt is counted against (``AXES_USERNAME_CALLABLE``)."""
    source = credentials if credentials else request.POST
    name = source.get("username")
    return name.strip().lower() if isinstance(name, str) else None


def sign_in_turn_take() -> None:
    """Make the current transaction wait until no other sign-in attempt is being evaluated.

    Call inside ``transaction.atomic()``; the turn ends with the transaction. On SQLite the
    tracker opens every transaction with ``BEGIN IMMEDIATE`` (see ``cspkit.site.database``),
    which already takes the database's write lock; on PostgreSQL a transaction-level advisory
    lock does the same for sign-ins only.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SIGN_IN_LOCK_KEY])


@receiver(user_logged_in)
def login_failures_clear(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Forget the signed-in account's failures (from every address), once its password has
    been accepted."""
    reset(username=user.get_username().strip().lower())
