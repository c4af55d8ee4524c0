"""What several views share: the plan a page is about and stale-edit feedback."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict

from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.models import Plan
from cspkit.tracker.selectors.plan import plan_chosen


def requested_plan(request: HttpRequest) -> Plan | None:
    """The plan named by ``?plan=<id>``, else the current one."""
    plan_id = request.GET.get("plan", "")
    pk = int(plan_id) if plan_id.isdigit() else None
    return plan_chosen(fetched_by=request.user, pk=pk)


def resubmit_data(request: HttpRequest, error: StaleEditError) -> QueryDict:
    """The user's submission, set to the current version so they can send it again
    once they have read what changed."""
    data = request.POST.copy()
    data["version"] = str(error.current_version)
    return data
