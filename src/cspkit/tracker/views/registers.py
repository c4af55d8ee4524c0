"""Register pages: the recommendations and data requirements registers and their entries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.forms import (
    DataRequirementCreateForm,
    RecommendationCreateForm,
    RecommendationToActionForm,
    RegisterFilterForm,
    UpdateForm,
)
from cspkit.tracker.models import DataRequirement, Plan, Recommendation
from cspkit.tracker.selectors.access import (
    administrator_required,
    data_requirement_can_update,
    is_administrator,
    recommendation_can_update,
)
from cspkit.tracker.selectors.history import item_history
from cspkit.tracker.selectors.quality import data_requirement_quality
from cspkit.tracker.selectors.registers import (
    RegisterFilters,
    agency_list,
    data_requirement_get,
    data_requirement_list,
    emerging_issue_list,
    recommendation_get,
    recommendation_list,
    recommendation_next_plan,
    recommendation_sections,
)
from cspkit.tracker.services.registers import (
    data_requirement_create,
    recommendation_carry_forward,
    recommendation_create,
    recommendation_to_action,
)
from cspkit.tracker.services.updates import (
    data_requirement_update_create,
    recommendation_update_create,
)
from cspkit.tracker.status import RagStatus
from cspkit.tracker.views.common import requested_plan, resubmit_data


def _filters(form: RegisterFilterForm) -> RegisterFilters:
    if not form.is_valid():
        return RegisterFilters()
    data = form.cleaned_data
    return RegisterFilters(
        status=RagStatus(data["status"]) if data["status"] else None,
        agency=data["agency"],
        section=data.get("section") or "",
        search=data["q"].strip(),
    )


@login_required
def recommendation_list_view(request: HttpRequest) -> HttpResponse:
    plan = requested_plan(request)
    if plan is None:
        return render(request, "tracker/no_plan.html")
    form = RegisterFilterForm(
        request.GET,
        agencies=agency_list(fetched_by=request.user, plan=plan),
        sections=recommendation_sections(fetched_by=request.user, plan=plan),
    )
    entries = recommendation_list(fetched_by=request.user, plan=plan, filters=_filters(form))
    return render(
        request,
        "tracker/recommendations.html",
        {"plan": plan, "form": form, "entries": entries},
    )


@login_required
def data_requirement_list_view(request: HttpRequest) -> HttpResponse:
    plan = requested_plan(request)
    if plan is None:
        return render(request, "tracker/no_plan.html")
    form = RegisterFilterForm(request.GET, agencies=agency_list(fetched_by=request.user, plan=plan))
    entries = data_requirement_list(fetched_by=request.user, plan=plan, filters=_filters(form))
    return render(
        request,
        "tracker/data_requirements.html",
        {
            "plan": plan,
            "form": form,
            "entries": entries,
            "quality": data_requirement_quality(entries),
        },
    )


@login_required
def watch_list_view(request: HttpRequest) -> HttpResponse:
    """The emerging issues the monthly scans flagged, by month."""
    plan = requested_plan(request)
    if plan is None:
        return render(request, "tracker/no_plan.html")
    months = emerging_issue_list(fetched_by=request.user, plan=plan)
    return render(request, "tracker/watch_list.html", {"plan": plan, "months": months})


def _entry_page(
    request: HttpRequest,
    *,
    entry: Recommendation | DataRequirement,
    template: str,
    can_update: bool,
    extra: dict,
) -> HttpResponse:
    """Show a register entry, or take a progress update to it."""
    context = {"entry": entry, "plan": entry.plan, "can_update": can_update, **extra}
    if request.method != "POST":
        context["form"] = UpdateForm(
            initial={"version": entry.version, "status": entry.status}, plan=entry.plan
        )
        return render(request, template, context)
    form = UpdateForm(request.POST, plan=entry.plan)
    if not form.is_valid():
        context["form"] = form
        return render(request, template, context, status=400)
    create = (
        recommendation_update_create
        if isinstance(entry, Recommendation)
        else data_requirement_update_create
    )
    target = "recommendation" if isinstance(entry, Recommendation) else "data_requirement"
    try:
        create(
            **{target: entry},
            author=request.user,
            text=form.cleaned_data["text"],
            status=RagStatus(form.cleaned_data["status"]),
            expected_version=form.cleaned_data["version"],
            written_on=form.cleaned_data["written_on"],
        )
    except StaleEditError as error:
        form = UpdateForm(resubmit_data(request, error), plan=entry.plan)
        form.is_valid()
        entry.refresh_from_db()
        context.update(form=form, stale=error)
        return render(request, template, context, status=409)
    messages.success(request, f"Your update to {entry.reference} is saved.")
    return redirect(f"tracker:{target}", pk=entry.pk)


@login_required
def recommendation_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = recommendation_get(fetched_by=request.user, pk=pk)
    administrator = is_administrator(request.user)
    return _entry_page(
        request,
        entry=entry,
        template="tracker/recommendation.html",
        can_update=recommendation_can_update(user=request.user, recommendation=entry),
        extra={
            "is_administrator": administrator,
            "next_plan": recommendation_next_plan(fetched_by=request.user, recommendation=entry),
            "carried_forward_to": getattr(entry, "carried_forward_to", None),
            "to_action_form": RecommendationToActionForm(
                plan_id=entry.plan_id, initial={"version": entry.version}
            ),
        },
    )


@login_required
def data_requirement_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = data_requirement_get(fetched_by=request.user, pk=pk)
    return _entry_page(
        request,
        entry=entry,
        template="tracker/data_requirement.html",
        can_update=data_requirement_can_update(user=request.user, data_requirement=entry),
        extra={"quality": data_requirement_quality([entry]).get(entry.pk)},
    )


def _refusal(request: HttpRequest, error: StaleEditError | ValidationError) -> None:
    if isinstance(error, StaleEditError):
        messages.error(
            request,
            "Someone else updated this recommendation since you opened it. "
            "Read the latest updates below and try again.",
        )
    else:
        messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def recommendation_carry_forward_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = recommendation_get(fetched_by=request.user, pk=pk)
    next_plan = recommendation_next_plan(fetched_by=request.user, recommendation=entry)
    version = request.POST.get("version", "")
    if next_plan is None or not version.isdigit():
        messages.error(request, "There is no later plan to carry this recommendation to.")
        return redirect("tracker:recommendation", pk=pk)
    try:
        copy = recommendation_carry_forward(
            recommendation=entry,
            carried_by=request.user,
            to_plan=next_plan,
            expected_version=int(version),
        )
    except (StaleEditError, ValidationError) as error:
        _refusal(request, error)
        return redirect("tracker:recommendation", pk=pk)
    messages.success(request, f"Carried forward to {next_plan.title}.")
    return redirect("tracker:recommendation", pk=copy.pk)


@login_required
@require_POST
def recommendation_to_action_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = recommendation_get(fetched_by=request.user, pk=pk)
    form = RecommendationToActionForm(request.POST, plan_id=entry.plan_id)
    if not form.is_valid():
        messages.error(request, "Choose the theme the new action belongs to.")
        return redirect("tracker:recommendation", pk=pk)
    try:
        action = recommendation_to_action(
            recommendation=entry,
            converted_by=request.user,
            theme=form.cleaned_data["theme"],
            expected_version=form.cleaned_data["version"],
        )
    except (StaleEditError, ValidationError) as error:
        _refusal(request, error)
        return redirect("tracker:recommendation", pk=pk)
    messages.success(request, f"Recommendation {entry.reference} is now action {action.reference}.")
    return redirect("tracker:action", pk=action.pk)


@login_required
def register_entry_history_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "recommendation":
        entry: Recommendation | DataRequirement = recommendation_get(fetched_by=request.user, pk=pk)
        title = f"Recommendation {entry.reference}"
    else:
        entry = data_requirement_get(fetched_by=request.user, pk=pk)
        title = f"Data requirement {entry.reference}"
    url = reverse(f"tracker:{kind}", args=[entry.pk])
    return render(
        request,
        "tracker/item_history.html",
        {
            "item_title": title,
            "item_url": url,
            "changes": item_history(fetched_by=request.user, item=entry),
            "plan": entry.plan,
        },
    )


@login_required
def recommendation_create_view(request: HttpRequest) -> HttpResponse:
    administrator_required(request.user)
    plan = requested_plan(request)
    if plan is None:
        return render(request, "tracker/no_plan.html")
    form = RecommendationCreateForm(
        request.POST if request.method == "POST" else None,
        plan_id=plan.pk,
        partnership_id=plan.partnership_id,
    )
    if form.is_valid():
        try:
            entry = recommendation_create(created_by=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Recommendation {entry.reference} is added.")
            return redirect("tracker:recommendation", pk=entry.pk)
    return _new_entry_page(
        request,
        form=form,
        plan=plan,
        heading="Add a recommendation",
        register="recommendations",
        register_title="Recommendations register",
    )


@login_required
def data_requirement_create_view(request: HttpRequest) -> HttpResponse:
    administrator_required(request.user)
    plan = requested_plan(request)
    if plan is None:
        return render(request, "tracker/no_plan.html")
    form = DataRequirementCreateForm(
        request.POST if request.method == "POST" else None,
        partnership_id=plan.partnership_id,
    )
    if form.is_valid():
        try:
            entry = data_requirement_create(created_by=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Data requirement {entry.reference} is added.")
            return redirect("tracker:data_requirement", pk=entry.pk)
    return _new_entry_page(
        request,
        form=form,
        plan=plan,
        heading="Add a data requirement",
        register="data_requirements",
        register_title="Data requirements register",
    )


def _new_entry_page(
    request: HttpRequest,
    *,
    form: RecommendationCreateForm | DataRequirementCreateForm,
    plan: Plan,
    heading: str,
    register: str,
    register_title: str,
) -> HttpResponse:
    context = {
        "form": form,
        "plan": plan,
        "heading": heading,
        "register_url": reverse(f"tracker:{register}"),
        "register_title": register_title,
    }
    return render(request, "tracker/register_new.html", context, status=400 if form.errors else 200)
