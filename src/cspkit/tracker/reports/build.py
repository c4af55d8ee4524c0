"""Gather a plan's progress as at a meeting date into a :class:`ProgressReport`.

A read: it changes nothing. Register entries keep the order they were entered in (the
order of the document they came from). Each item shows its latest update written on or before the
meeting date and the status that update gave, so a report for a past meeting can be
rebuilt exactly as it stood then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from django.db.models import Count, Model, Prefetch, QuerySet

from cspkit.tracker.measure_html import change_sentence, period_text
from cspkit.tracker.models import (
    Action,
    ActionUpdate,
    Agency,
    DataRequirement,
    DataRequirementUpdate,
    EmergingIssue,
    Person,
    Plan,
    Recommendation,
    RecommendationUpdate,
    Theme,
)
from cspkit.tracker.reports.cover import default_cover_paragraphs
from cspkit.tracker.reports.model import (
    NO_RECENT_UPDATE,
    OVERDUE,
    ActionLine,
    DataRequirementLine,
    LatestUpdate,
    MeasureLine,
    ProgressReport,
    RecommendationLine,
    ThemeSection,
)
from cspkit.tracker.selectors.measures import plan_measures
from cspkit.tracker.selectors.quality import data_requirement_quality
from cspkit.tracker.status import RagStatus

_NEWEST_FIRST = ("-written_on", "-created_at", "-id")


def build_progress_report(
    *,
    plan: Plan,
    meeting_date: date,
    cover_paragraphs: Sequence[str] | None = None,
    signed_by: Person | None = None,
    signed_on: date | None = None,
) -> ProgressReport:
    """The progress report of ``plan`` for the meeting on ``meeting_date``.

    ``cover_paragraphs`` replace the generated summary paragraphs (the manager's own
    wording); each becomes one numbered paragraph. ``signed_by`` (the analyst writing it)
    and ``signed_on`` (default: the meeting date) sign the summary off.
    """
    report = ProgressReport(
        partnership=plan.partnership.name,
        plan_title=plan.title,
        meeting_date=meeting_date,
        cover_paragraphs=(),
        data_requirements=tuple(_data_requirements(plan, meeting_date)),
        recommendations=tuple(_recommendations(plan, meeting_date)),
        themes=tuple(_themes(plan, meeting_date)),
        measures=tuple(_measures(plan)),
        update_every_days=plan.update_every_days,
        signed_by=_signature(signed_by) if signed_by else ProgressReport.signed_by,
        signed_on=signed_on or meeting_date,
        **_watch_list(plan, meeting_date),
    )
    paragraphs = (
        cover_paragraphs if cover_paragraphs is not None else default_cover_paragraphs(report)
    )
    return ProgressReport(
        **{**report.__dict__, "cover_paragraphs": tuple(p.strip() for p in paragraphs)}
    )


def _watch_list(plan: Plan, meeting_date: date) -> dict[str, object]:
    """The issues of the latest month scanned and published by the meeting date."""
    published = EmergingIssue.objects.filter(
        plan=plan, published_in__published_at__date__lte=meeting_date
    )
    latest = published.order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        return {}
    issues = published.filter(month=latest).order_by("q_value", "key")
    return {
        "watch_month": latest,
        "watch_list": tuple(
            f"{i.category} in {i.area_name} ({i.observed:,} against about "
            f"{i.expected:,.0f} expected)"
            for i in issues
        ),
    }


def _flags(
    status: RagStatus,
    update: LatestUpdate | None,
    plan: Plan,
    meeting_date: date,
    *,
    since: date | None = None,
    due_date: date | None = None,
) -> tuple[str, ...]:
    """What a meeting must notice about an open item: past its due date, or silent for
    longer than ``plan``'s update cycle (counted from ``since``, default the plan's start,
    when it has no update)."""
    if not status.is_open:
        return ()
    flags = []
    if due_date is not None and due_date < meeting_date:
        flags.append(OVERDUE)
    last = update.written_on if update else (since or plan.period_start)
    if (meeting_date - last).days > plan.update_every_days:  # no date arithmetic near year 1
        flags.append(NO_RECENT_UPDATE)
    return tuple(flags)


def _updates_until(model: type[Model], meeting_date: date) -> QuerySet:
    return (
        model.objects.filter(written_on__lte=meeting_date)
        .select_related("author")
        .order_by(*_NEWEST_FIRST)
    )


def _latest(
    item: Action | Recommendation | DataRequirement,
) -> tuple[RagStatus, LatestUpdate | None]:
    """The status and update as at the meeting, from the prefetched ``dated_updates``."""
    updates = item.dated_updates
    if not updates:
        # Statuses change through updates: if all of them came after the meeting, the item
        # had not started by then; with none at all, its status is as it was set.
        return (RagStatus.NOT_STARTED if item.update_total else RagStatus(item.status)), None
    latest = updates[0]
    return RagStatus(latest.status), LatestUpdate(
        latest.written_on, latest.author.full_name, latest.text
    )


def _themes(plan: Plan, meeting_date: date) -> Iterable[ThemeSection]:
    actions = (
        Action.objects.order_by("number")
        .prefetch_related(
            "sub_actions",
            "leads",
            "lead_agencies",
            Prefetch(
                "updates",
                queryset=_updates_until(ActionUpdate, meeting_date),
                to_attr="dated_updates",
            ),
        )
        .annotate(update_total=Count("updates"))
    )
    themes = (
        Theme.objects.filter(plan=plan)
        .select_related("thematic_lead")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("number")
    )
    for theme in themes:
        lines = []
        legend: dict[str, str] = {}
        for action in theme.actions.all():
            people = list(action.leads.all())
            for person in people:
                if person.initials:
                    legend.setdefault(person.initials, _person_label(person))
            status, update = _latest(action)
            lines.append(
                ActionLine(
                    number=action.number,
                    leads=_leads_label(people, action.lead_agencies.all()),
                    text=action.text,
                    sub_actions=tuple((s.label, s.text) for s in action.sub_actions.all()),
                    status=status,
                    update=update,
                    measure=action.measure,
                    due_date=action.due_date,
                    flags=_flags(status, update, plan, meeting_date, due_date=action.due_date),
                )
            )
        yield ThemeSection(
            number=theme.number,
            title=theme.title,
            thematic_lead=_person_label(theme.thematic_lead) if theme.thematic_lead else "",
            lead_legend=tuple(sorted(legend.items())),
            actions=tuple(lines),
        )


def _recommendations(plan: Plan, meeting_date: date) -> Iterable[RecommendationLine]:
    """The plan's register, then the entries of earlier plans still open at the meeting
    that were never carried forward: a recommendation is not dropped for changing plans."""
    earlier = Recommendation.objects.filter(
        plan__partnership_id=plan.partnership_id,
        plan__period_start__lt=plan.period_start,
        carried_forward_to__isnull=True,
    )
    yield from _recommendation_lines(
        Recommendation.objects.filter(plan=plan), plan, meeting_date, open_only=False
    )
    yield from _recommendation_lines(earlier, plan, meeting_date, open_only=True)


def _recommendation_lines(
    selected: QuerySet[Recommendation], plan: Plan, meeting_date: date, *, open_only: bool
) -> Iterable[RecommendationLine]:
    entries = (
        selected.annotate(update_total=Count("updates"))
        .order_by("plan__period_start", "pk")
        .select_related("theme", "plan", "carried_forward_from__plan")
        .prefetch_related(
            "agencies",
            Prefetch(
                "updates",
                queryset=_updates_until(RecommendationUpdate, meeting_date),
                to_attr="dated_updates",
            ),
        )
    )
    for entry in entries:
        status, update = _latest(entry)
        if open_only and not status.is_open:
            continue
        origin = entry.carried_forward_from.plan if entry.carried_forward_from else None
        if open_only:
            origin = entry.plan
        yield RecommendationLine(
            section=entry.section or (entry.theme.title if entry.theme else ""),
            reference=entry.reference,
            text=entry.text,
            agency=", ".join(a.short_name for a in entry.agencies.all()),
            status=status,
            update=update,
            carried_from=origin.title if origin else "",
            flags=_flags(status, update, plan, meeting_date, since=entry.plan.period_start),
        )


def _data_requirements(plan: Plan, meeting_date: date) -> Iterable[DataRequirementLine]:
    entries = (
        DataRequirement.objects.filter(plan=plan)
        .annotate(update_total=Count("updates"))
        .order_by("pk")
        .prefetch_related(
            "lead_agencies",
            Prefetch(
                "updates",
                queryset=_updates_until(DataRequirementUpdate, meeting_date),
                to_attr="dated_updates",
            ),
        )
    )
    quality = data_requirement_quality(entries)
    for entry in entries:
        status, update = _latest(entry)
        yield DataRequirementLine(
            reference=entry.reference,
            data_gap=entry.data_gap,
            lead=", ".join(a.short_name for a in entry.lead_agencies.all()),
            action=entry.action,
            status=status,
            update=update,
            flags=_flags(status, update, plan, meeting_date),
            measure=quality[entry.pk].describe() if entry.pk in quality else "",
        )


def _measures(plan: Plan) -> Iterable[MeasureLine]:
    """Each measure with its stored figures (as last computed, with that date)."""
    for measure in plan_measures(plan):
        result = measure.stored
        line = MeasureLine(
            reference=measure.reference,
            label=measure.label,
            aim=measure.spec().aim,
            course=result.course if result else "",
            lead_status=RagStatus(measure.action.status) if measure.action else None,
        )
        if result is None:
            yield line
            continue
        yield replace(
            line, current=result.current, baseline=result.baseline,
            period=period_text(result.period), baseline_period=period_text(result.baseline_period),
            change=change_sentence(result) if result.current is not None else "",
            data_month=result.data_month, computed_on=result.computed_at.date(),
            monthly=tuple((str(m), int(n)) for m, n in result.monthly), missing=result.missing,
        )


def _signature(person: Person) -> str:
    """'Ann Smith, Community Safety Analyst', or the name alone."""
    return ", ".join(part for part in (person.full_name, person.job_title) if part)


def _person_label(person: Person) -> str:
    return f"{person.job_title} ({person.full_name})" if person.job_title else person.full_name


def _leads_label(people: list[Person], agencies: Iterable[Agency]) -> str:
    named_agencies = {person.agency_id for person in people}
    labels = [person.initials or person.full_name for person in people]
    labels += [agency.short_name for agency in agencies if agency.pk not in named_agencies]
    return " & ".join(labels)
