"""The history page: every change across the tracker, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cspkit.tracker.selectors.history import history_feed
from cspkit.tracker.views.common import query_datetime, requested_plan

PAGE_SIZE = 50


@login_required
def history_view(request: HttpRequest) -> HttpResponse:
    before = query_datetime(request, "before")
    changes = history_feed(fetched_by=request.user, before=before, limit=PAGE_SIZE)
    older = changes[-1].when.isoformat() if len(changes) == PAGE_SIZE else None
    return render(
        request,
        "tracker/history.html",
        {"changes": changes, "older": older, "plan": requested_plan(request)},
    )
