"""Sign-in throttling with django-axes: what the tracker adds to its settings.

django-axes counts failed sign-ins by account name and by client address and refuses both
once ``AXES_FAILURE_LIMIT`` is reached (settings in ``cspkit.site.settings.base``). The
tracker adds three things:

- account names are compared as typed at the sign-in page, trimmed and in lower case;
- sign-in attempts are evaluated one at a time, so parallel guesses cannot all be checked
  before any failure is counted;
- a good sign-in clears that account's failures only, never the address's: an attacker who
  owns one account could otherwise wipe the address's count by signing in to it;
- behind the reverse proxy named by ``CSP_TRUSTED_PROXY``, the client address is the one that
  proxy appended to ``X-Forwarded-For``: otherwise every sign-in would seem to come from the
  proxy, and five wrong passwords from anyone would lock everyone out.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.conf import settings
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


def sign_in_address(request: HttpRequest) -> str | None:
    """The client address a sign-in attempt is counted against (``AXES_CLIENT_IP_CALLABLE``).

    When the request came from a trusted reverse proxy (``SIGN_IN_TRUSTED_PROXIES``), the
    right-most ``X-Forwarded-For`` entry: the address the proxy itself saw. Entries to its
    left were sent by the client and can be forged, and a request that did not come through
    the proxy is counted by its own address whatever headers it sends.
    """
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in settings.SIGN_IN_TRUSTED_PROXIES and forwarded.strip():
        return forwarded.split(",")[-1].strip() or remote
    return remote


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
