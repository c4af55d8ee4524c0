"""Plan pages: overview by theme, a theme's actions, one action, my actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.forms import ActionCreateForm, ActionEditForm, MeasureForm, UpdateForm
from cspkit.tracker.models import Action, Theme
from cspkit.tracker.selectors.access import (
    action_can_update,
    administrator_required,
    measure_can_set,
)
from cspkit.tracker.selectors.history import item_history
from cspkit.tracker.selectors.measures import action_measure, plan_measure_list, theme_measure
from cspkit.tracker.selectors.plan import (
    action_get,
    action_list,
    my_actions,
    plan_get,
    plan_list,
    plan_overview,
    theme_get,
)
from cspkit.tracker.services.measures import measure_set
from cspkit.tracker.services.plan import action_create, action_edit
from cspkit.tracker.services.updates import action_update_create
from cspkit.tracker.status import RagStatus
from cspkit.tracker.views.common import requested_plan, resubmit_data


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plan = requested_plan(request)
    if plan is None:
        return render(request, "tracker/no_plan.html")
    return redirect("tracker:plan", pk=plan.pk)


@login_required
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(fetched_by=request.user, pk=pk)
    summaries = plan_overview(fetched_by=request.user, plan=plan)
    totals = {status: sum(s.counts[status] for s in summaries) for status in RagStatus}
    return render(
        request,
        "tracker/plan.html",
        {
            "plan": plan,
            "plans": plan_list(fetched_by=request.user),
            "summaries": summaries,
            "totals": totals,
            "total": sum(totals.values()),
            "statuses": list(RagStatus),
            "measures": plan_measure_list(fetched_by=request.user, plan=plan),
        },
    )


@login_required
def theme_view(request: HttpRequest, pk: int) -> HttpResponse:
    theme = theme_get(fetched_by=request.user, pk=pk)
    actions = action_list(fetched_by=request.user, theme=theme)
    return render(
        request,
        "tracker/theme.html",
        {
            "theme": theme,
            "plan": theme.plan,
            "actions": actions,
            "measure": theme_measure(fetched_by=request.user, theme=theme),
            "can_set_measure": measure_can_set(user=request.user, theme=theme),
        },
    )


def _action_context(request: HttpRequest, pk: int, **extra: object) -> dict[str, object]:
    action = action_get(fetched_by=request.user, pk=pk)
    return {
        "action": action,
        "plan": action.theme.plan,
        "leads": action.leads.all(),
        "lead_agencies": action.lead_agencies.all(),
        "sub_actions": action.sub_actions.all(),
        "updates": action.updates.all(),
        "recommendation": getattr(action, "from_recommendation", None),
        "can_update": action_can_update(user=request.user, action=action),
        "measure": action_measure(fetched_by=request.user, action=action),
        "can_set_measure": measure_can_set(user=request.user, action=action),
        **extra,
    }


@login_required
def action_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        action = action_get(fetched_by=request.user, pk=pk)
        plan = action.theme.plan
        form = UpdateForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                action_update_create(
                    action=action,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    status=RagStatus(form.cleaned_data["status"]),
                    expected_version=form.cleaned_data["version"],
                    written_on=form.cleaned_data["written_on"],
                )
            except StaleEditError as error:
                form = UpdateForm(resubmit_data(request, error), plan=plan)
                form.is_valid()
                context = _action_context(request, pk, form=form, stale=error)
                return render(request, "tracker/action.html", context, status=409)
            messages.success(request, f"Your update to action {action.reference} is saved.")
            return redirect("tracker:action", pk=action.pk)
        context = _action_context(request, pk, form=form)
        return render(request, "tracker/action.html", context, status=400)
    context = _action_context(request, pk)
    action = context["action"]
    context["form"] = UpdateForm(
        initial={"version": action.version, "status": action.status}, plan=context["plan"]
    )
    return render(request, "tracker/action.html", context)


@login_required
def action_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    administrator_required(request.user)
    action = action_get(fetched_by=request.user, pk=pk)
    partnership_id = action.theme.plan.partnership_id
    context = {"action": action, "plan": action.theme.plan}
    if request.method == "POST":
        form = ActionEditForm(request.POST, partnership_id=partnership_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_edit(
                    action=action,
                    edited_by=request.user,
                    expected_version=data["version"],
                    text=data["text"],
                    measure=data["measure"],
                    due_date=data["due_date"],
                    leads=data["leads"],
                    lead_agencies=data["lead_agencies"],
                )
            except StaleEditError as error:
                form = ActionEditForm(resubmit_data(request, error), partnership_id=partnership_id)
                form.is_valid()
                context.update(form=form, stale=error)
                return render(request, "tracker/action_edit.html", context, status=409)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Action {action.reference} is saved.")
                return redirect("tracker:action", pk=action.pk)
        context["form"] = form
        return render(request, "tracker/action_edit.html", context, status=400)
    context["form"] = ActionEditForm(
        partnership_id=partnership_id,
        initial={
            "text": action.text,
            "measure": action.measure,
            "due_date": action.due_date,
            "leads": list(action.leads.all()),
            "lead_agencies": list(action.lead_agencies.all()),
            "version": action.version,
        },
    )
    return render(request, "tracker/action_edit.html", context)


def _measure_form(request: HttpRequest, *, action: Action | None = None,
                  theme: Theme | None = None) -> HttpResponse:
    """The structured-measure form of an action or a theme (GET shows it, POST saves it)."""
    if not measure_can_set(user=request.user, action=action, theme=theme):
        raise PermissionDenied("Only the leads or an administrator can set this measure.")
    if action is not None:
        measure = action_measure(fetched_by=request.user, action=action)
        owner, back = f"action {action.reference}", reverse("tracker:action", args=[action.pk])
        plan = action.theme.plan
    else:
        measure = theme_measure(fetched_by=request.user, theme=theme)
        owner, back = f"theme {theme.number}", reverse("tracker:theme", args=[theme.pk])
        plan = theme.plan
    context = {"plan": plan, "measure": measure, "owner": owner, "back": back}
    if request.method == "POST":
        form = MeasureForm(request.POST)
        if form.is_valid():
            try:
                measure_set(set_by=request.user, action=action, theme=theme,
                            **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"The measure of {owner} is saved. Its figures "
                                 "appear once they are next computed.")
                return redirect(back)
        context["form"] = form
        return render(request, "tracker/action_measure.html", context, status=400)
    initial: dict[str, object] = {"months": 12, "baseline": "year-earlier"}
    if measure is not None:
        initial = {
            "label": measure.label, "source": measure.source,
            "categories": "\n".join(measure.categories), "areas": "\n".join(measure.areas),
            "direction": measure.direction, "target_percent": measure.target_percent,
            "months": measure.months, "baseline": measure.baseline,
            "baseline_start": measure.baseline_start,
        }
    context["form"] = MeasureForm(initial=initial)
    return render(request, "tracker/action_measure.html", context)


@login_required
def action_measure_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_form(request, action=action_get(fetched_by=request.user, pk=pk))


@login_required
def theme_measure_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_form(request, theme=theme_get(fetched_by=request.user, pk=pk))


@login_required
def action_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    administrator_required(request.user)
    theme = theme_get(fetched_by=request.user, pk=pk)
    form = ActionCreateForm(
        request.POST if request.method == "POST" else None,
        partnership_id=theme.plan.partnership_id,
    )
    if form.is_valid():
        data = form.cleaned_data
        action = action_create(
            created_by=request.user,
            theme=theme,
            text=data["text"].strip(),
            leads=data["leads"],
            lead_agencies=data["lead_agencies"],
            measure=data["measure"].strip(),
            due_date=data["due_date"],
            sub_actions=data["sub_actions"],
        )
        messages.success(request, f"Action {action.reference} is added.")
        return redirect("tracker:action", pk=action.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "tracker/action_new.html",
        {"theme": theme, "plan": theme.plan, "form": form},
        status=status,
    )


@login_required
def action_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get(fetched_by=request.user, pk=pk)
    changes = item_history(fetched_by=request.user, item=action)
    return render(
        request,
        "tracker/item_history.html",
        {
            "item_title": f"Action {action.reference}",
            "item_url": reverse("tracker:action", args=[action.pk]),
            "changes": changes,
            "plan": action.theme.plan,
        },
    )


@login_required
def my_actions_view(request: HttpRequest) -> HttpResponse:
    plan = requested_plan(request)
    if plan is None:
        return render(request, "tracker/no_plan.html")
    rows = my_actions(fetched_by=request.user, plan=plan, today=timezone.localdate())
    return render(
        request,
        "tracker/my_actions.html",
        {
            "plan": plan,
            "rows": rows,
            "overdue": sum(row.is_overdue for row in rows),
        },
    )
