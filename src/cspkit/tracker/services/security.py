"""Recording failed sign-ins for login throttling."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cspkit.tracker.models import LoginFailure
from cspkit.tracker.selectors.security import login_window_start


@transaction.atomic
def login_failure_record(*, username: str, client_address: str) -> LoginFailure:
    """Keep one failed attempt; attempts older than the window are dropped meanwhile."""
    LoginFailure.objects.filter(failed_at__lt=login_window_start()).delete()
    failure = LoginFailure(
        username=username.strip().lower()[:150],
        client_address=client_address[:64],
        failed_at=timezone.now(),
    )
    failure.full_clean()
    failure.save()
    return failure


@transaction.atomic
def login_failures_clear(*, username: str) -> None:
    """Forget an account name's failures once its owner has signed in."""
    LoginFailure.objects.filter(username=username.strip().lower()).delete()
