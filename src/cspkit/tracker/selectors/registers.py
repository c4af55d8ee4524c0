"""Reads of the recommendations register and the data requirements register."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cspkit.tracker.models import (
    Agency,
    DataRequirement,
    DataRequirementUpdate,
    EmergingIssue,
    Plan,
    Recommendation,
    RecommendationUpdate,
    in_reference_order,
)
from cspkit.tracker.selectors.access import User, reader_required
from cspkit.tracker.status import RagStatus


@dataclass(frozen=True)
class RegisterFilters:
    """What a register page is narrowed to; empty values mean "any"."""

    status: RagStatus | None = None
    agency: Agency | None = None
    section: str = ""
    search: str = ""


def recommendation_list(
    *, fetched_by: User, plan: Plan, filters: RegisterFilters | None = None
) -> list[Recommendation]:
    """``plan``'s recommendations narrowed by ``filters``, with agencies and updates loaded,
    in the order of their references (R2 before R10)."""
    reader_required(fetched_by)
    filters = filters or RegisterFilters()
    entries = Recommendation.objects.filter(plan=plan)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.agency:
        entries = entries.filter(agencies=filters.agency)
    if filters.section:
        entries = entries.filter(section=filters.section)
    if filters.search:
        entries = entries.filter(
            Q(text__icontains=filters.search) | Q(reference__icontains=filters.search)
        )
    entries = entries.select_related("theme", "plan_action__theme").prefetch_related(
        "agencies",
        Prefetch("updates", queryset=RecommendationUpdate.objects.select_related("author")),
    )
    return in_reference_order(entries)


def recommendation_sections(*, fetched_by: User, plan: Plan) -> list[str]:
    """The section names ``plan``'s recommendations use, sorted, for the filter list."""
    reader_required(fetched_by)
    sections = Recommendation.objects.filter(plan=plan).exclude(section="")
    return sorted(set(sections.values_list("section", flat=True)))


def recommendation_get(*, fetched_by: User, pk: int) -> Recommendation:
    """Recommendation ``pk`` with its plan, theme, agencies and updates; 404 when there is
    none."""
    reader_required(fetched_by)
    entry = (
        Recommendation.objects.select_related(
            "plan", "theme", "plan_action__theme", "carried_forward_from__plan", "published_in"
        )
        .prefetch_related(
            "agencies",
            Prefetch(
                "updates", queryset=RecommendationUpdate.objects.select_related("author__agency")
            ),
            Prefetch(
                "carried_forward_from__updates",
                queryset=RecommendationUpdate.objects.select_related("author__agency"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such recommendation.")
    return entry


def recommendation_next_plan(*, fetched_by: User, recommendation: Recommendation) -> Plan | None:
    """The plan after the recommendation's own, where it can be carried forward to."""
    reader_required(fetched_by)
    return (
        Plan.objects.filter(
            partnership_id=recommendation.plan.partnership_id,
            period_start__gt=recommendation.plan.period_start,
        )
        .order_by("period_start")
        .first()
    )


def data_requirement_list(
    *, fetched_by: User, plan: Plan, filters: RegisterFilters | None = None
) -> list[DataRequirement]:
    """``plan``'s data requirements narrowed by ``filters``, with lead agencies and updates
    loaded, in the order of their references (DR2 before DR10)."""
    reader_required(fetched_by)
    filters = filters or RegisterFilters()
    entries = DataRequirement.objects.filter(plan=plan)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.agency:
        entries = entries.filter(lead_agencies=filters.agency)
    if filters.search:
        entries = entries.filter(
            Q(data_gap__icontains=filters.search)
            | Q(action__icontains=filters.search)
            | Q(reference__icontains=filters.search)
        )
    entries = entries.select_related("closure_proposed_in").prefetch_related(
        "lead_agencies",
        Prefetch("updates", queryset=DataRequirementUpdate.objects.select_related("author")),
    )
    return in_reference_order(entries)


def emerging_issue_list(*, fetched_by: User, plan: Plan) -> list[tuple[str, list[EmergingIssue]]]:
    """The plan's watch list: the flagged issues of each month published, newest first."""
    reader_required(fetched_by)
    months: dict[str, list[EmergingIssue]] = {}
    for issue in EmergingIssue.objects.filter(plan=plan).order_by("-month", "q_value", "key"):
        months.setdefault(issue.month, []).append(issue)
    return list(months.items())


def data_requirement_get(*, fetched_by: User, pk: int) -> DataRequirement:
    """Data requirement ``pk`` with its plan, lead agencies and updates; 404 when there is
    none."""
    reader_required(fetched_by)
    entry = (
        DataRequirement.objects.select_related("plan")
        .prefetch_related(
            "lead_agencies",
            Prefetch(
                "updates",
                queryset=DataRequirementUpdate.objects.select_related("author__agency"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such data requirement.")
    return entry


def agency_list(*, fetched_by: User, plan: Plan) -> QuerySet[Agency]:
    """The agencies of ``plan``'s partnership, by name."""
    reader_required(fetched_by)
    return Agency.objects.filter(partnership_id=plan.partnership_id).order_by("name")
