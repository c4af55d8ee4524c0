"""Root URLs: the login pages and the tracker."""

from __future__ import annotations

from django.urls import include, path

from cspkit.tracker.views.auth import ThrottledLoginView, logout_view

urlpatterns = [
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", logout_view, name="logout"),
    path("imports/", include("cspkit.tracker.importers.urls")),
    path("reports/", include("cspkit.tracker.reports.urls")),
    path("", include("cspkit.tracker.urls")),
]

handler400 = "cspkit.tracker.views.common.bad_request_page"
