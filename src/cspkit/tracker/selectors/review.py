"""Last year's plan for the next assessment, read as plain data
(:mod:`cspkit.assessment.plan_review`): the assessment never touches the tracker."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch

from cspkit.assessment.plan_review import (
    OpenEntry,
    PlanReview,
    ReviewedMeasure,
    ReviewedRecommendation,
)
from cspkit.tracker.models import DataRequirement, Plan, Recommendation, RecommendationUpdate
from cspkit.tracker.selectors.measures import plan_measures
from cspkit.tracker.status import RagStatus


def review_plan(*, on_or_before: date | None = None) -> Plan | None:
    """The plan an assessment reports on: the latest that started on or before
    ``on_or_before`` (the day the assessment is written), else the latest."""
    plans = Plan.objects.order_by("-period_start", "-pk")
    if on_or_before is not None:
        earlier = plans.filter(period_start__lte=on_or_before).first()
        if earlier is not None:
            return earlier
    return plans.first()


def plan_review(*, plan: Plan, read_on: date) -> PlanReview:
    """``plan``'s recommendations with their latest status and update, its measures with
    their stored figures, and the register entries still open, as frozen dataclasses."""
    recommendations = list(
        Recommendation.objects.filter(plan=plan).order_by("pk").prefetch_related(
            Prefetch("updates", queryset=RecommendationUpdate.objects.order_by(
                "-written_on", "-created_at", "-id"), to_attr="newest_first"))
    )
    reviewed = []
    for entry in recommendations:
        latest = entry.newest_first[0] if entry.newest_first else None
        reviewed.append(ReviewedRecommendation(
            reference=entry.reference, text=entry.text, status=entry.rag.label,
            update=latest.text if latest else "",
            updated_on=latest.written_on if latest else None))
    measures = []
    for measure in plan_measures(plan):
        result = measure.stored
        base = {"reference": measure.reference, "label": measure.label,
                "aim": measure.spec().aim, "course": result.course if result else "",
                "lead_status": measure.action.rag.label if measure.action else ""}
        if result is not None:
            base |= {"current": result.current, "baseline": result.baseline,
                     "p_value": result.p_value, "period": result.period,
                     "baseline_period": result.baseline_period,
                     "data_month": result.data_month, "missing": result.missing}
        measures.append(ReviewedMeasure(**base))
    open_statuses = [s for s in RagStatus if s.is_open]
    still_open = [
        OpenEntry("Recommendation", entry.reference, entry.text, entry.rag.label)
        for entry in recommendations if entry.rag in open_statuses
    ] + [
        OpenEntry("Data requirement", entry.reference, entry.data_gap, entry.rag.label)
        for entry in DataRequirement.objects.filter(plan=plan, status__in=open_statuses)
        .order_by("pk")
    ]
    return PlanReview(
        plan_title=plan.title, period_start=plan.period_start, period_end=plan.period_end,
        read_on=read_on, recommendations=tuple(reviewed), measures=tuple(measures),
        open_entries=tuple(still_open))
