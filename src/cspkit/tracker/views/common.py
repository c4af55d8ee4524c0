"""What several views share: the plan a page is about, query parameters and stale-edit
feedback."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cspkit.tracker.converters import row_id
from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.models import Plan
from cspkit.tracker.selectors.pages import plan_chosen


def query_row_id(request: HttpRequest, name: str) -> int | None:
    """The row id in ``?<name>=``; None when absent. An id no row can have (not a whole
    number, or past 64 bits) is a page not found."""
    text = request.GET.get(name, "")
    if not text:
        return None
    try:
        return row_id(text)
    except ValueError as error:
        raise Http404(f"There is no {name} {text[:30]!r}.") from error


def query_datetime(request: HttpRequest, name: str) -> datetime | None:
    """The date and time in ``?<name>=`` (ISO 8601, in the site's time zone unless it
    says otherwise); None when absent. Anything else is a bad request."""
    text = request.GET.get(name, "")
    if not text:
        return None
    try:
        when = parse_datetime(text)
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when)
        if when is not None:
            when.astimezone(UTC)  # the database compares in UTC: the year must stay in range
    except (ValueError, OverflowError):
        when = None
    if when is None:
        raise BadRequest(f"?{name}= must be a date and time written YYYY-MM-DDTHH:MM.")
    return when


def requested_plan(request: HttpRequest) -> Plan | None:
    """The plan named by ``?plan=<id>``, else the current one."""
    return plan_chosen(fetched_by=request.user, pk=query_row_id(request, "plan"))


def resubmit_data(request: HttpRequest, error: StaleEditError) -> QueryDict:
    """The user's submission, set to the current version so they can send it again
    once they have read what changed."""
    data = request.POST.copy()
    data["version"] = str(error.current_version)
    return data


def bad_request_page(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's own page for a bad request (``handler400``). Only a ``BadRequest``'s
    message is shown: the tracker writes those; other exceptions' might disclose more."""
    message = str(exception) if type(exception) is BadRequest else None
    return render(request, "400.html", {"exception": message}, status=400)
