"""Signing in (throttled) and out."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cspkit.tracker.forms import ThrottledAuthenticationForm

TOO_MANY_REQUESTS = 429


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "tracker/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.is_throttled:
            response.status_code = TOO_MANY_REQUESTS
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")
