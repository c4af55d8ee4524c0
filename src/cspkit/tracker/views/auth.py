"""Signing in (throttled by django-axes, see :mod:`cspkit.tracker.sign_in`) and out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cspkit.tracker.forms import SignInForm
from cspkit.tracker.sign_in import sign_in_turn_take

TOO_MANY_REQUESTS = 429


class ThrottledLoginView(LoginView):
    form_class = SignInForm
    template_name = "tracker/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Check the failure count, the password and record the outcome in one turn, so
        # parallel guesses cannot all pass the check before the first failure is counted.
        with transaction.atomic():
            sign_in_turn_take()
            return super().post(request, *args, **kwargs)


def sign_in_refused(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The sign-in page saying the account name or address is locked, with status 429
    (``AXES_LOCKOUT_CALLABLE``)."""
    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    refusal = (
        f"Too many failed sign-in attempts. Wait {minutes} minutes and try again, or ask "
        "the community safety team to reset your password."
    )
    context = {"form": form, "refusal": refusal, "next": request.POST.get("next", "")}
    return render(request, "tracker/login.html", context, status=TOO_MANY_REQUESTS)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")
