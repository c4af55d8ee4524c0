"""Whether sign-in is currently refused for an account name or a client address."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from cspkit.tracker.models import LoginFailure

# Several people of one office share an address, so it takes more failures to lock it.
ADDRESS_LIMIT_FACTOR = 4


def login_window_start(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(minutes=settings.CSP_LOGIN_FAILURE_WINDOW_MINUTES)


def login_is_throttled(*, username: str, client_address: str) -> bool:
    """True once the account name, or the address, has failed too often in the window."""
    recent = LoginFailure.objects.filter(failed_at__gte=login_window_start())
    limit = settings.CSP_LOGIN_FAILURE_LIMIT
    if recent.filter(username=username.strip().lower()).count() >= limit:
        return True
    return recent.filter(client_address=client_address).count() >= limit * ADDRESS_LIMIT_FACTOR
