"""Who changed what and when, read from django-simple-history's tables.

Each saved change of a plan, theme, action, sub-action, update or register entry is one
historical record; a :class:`Change` is that record told in words, with every field's value
before and after.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from cspkit.tracker.models import (
    Action,
    ActionUpdate,
    DataRequirement,
    DataRequirementUpdate,
    Plan,
    Recommendation,
    RecommendationUpdate,
    SubAction,
    Theme,
)
from cspkit.tracker.selectors.access import User, reader_required

KINDS = {"+": "created", "~": "changed", "-": "deleted"}
HIDDEN_FIELDS = {"id", "version", "created_at"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    kind: str
    item: str
    url: str | None
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class _Source:
    model: type[Model]
    related: tuple[str, ...]
    label: Callable[[Any], str]
    url: Callable[[Any], str | None]


def _action_url(pk: int) -> str:
    return reverse("tracker:action", kwargs={"pk": pk})


SOURCES: tuple[_Source, ...] = (
    _Source(Plan, (), lambda r: f"Plan {r.title}", lambda r: None),
    _Source(Theme, (), lambda r: f"Theme {r.number}. {r.title}", lambda r: None),
    _Source(
        Action,
        ("theme",),
        lambda r: f"Action {r.theme.number}.{r.number}",
        lambda r: _action_url(r.id),
    ),
    _Source(
        SubAction,
        ("action__theme",),
        lambda r: f"Sub-action {r.action.theme.number}.{r.action.number} {r.label})",
        lambda r: _action_url(r.action_id),
    ),
    _Source(
        ActionUpdate,
        ("action__theme",),
        lambda r: f"Update to action {r.action.theme.number}.{r.action.number}",
        lambda r: _action_url(r.action_id),
    ),
    _Source(
        Recommendation,
        (),
        lambda r: f"Recommendation {r.reference}",
        lambda r: reverse("tracker:recommendation", kwargs={"pk": r.id}),
    ),
    _Source(
        RecommendationUpdate,
        ("recommendation",),
        lambda r: f"Update to recommendation {r.recommendation.reference}",
        lambda r: reverse("tracker:recommendation", kwargs={"pk": r.recommendation_id}),
    ),
    _Source(
        DataRequirement,
        (),
        lambda r: f"Data requirement {r.reference}",
        lambda r: reverse("tracker:data_requirement", kwargs={"pk": r.id}),
    ),
    _Source(
        DataRequirementUpdate,
        ("data_requirement",),
        lambda r: f"Update to data requirement {r.data_requirement.reference}",
        lambda r: reverse("tracker:data_requirement", kwargs={"pk": r.data_requirement_id}),
    ),
)
_SOURCE_BY_MODEL = {source.model: source for source in SOURCES}


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, list):  # many-to-many rows: show the related objects' names
        names = sorted(str(v) for row in value for v in list(row.values())[1:])
        return ", ".join(names) or "(none)"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _field_changes(record: Any) -> tuple[FieldChange, ...]:
    previous = record.prev_record
    model = record.instance_type
    if previous is None:
        if record.history_type != "+":
            return ()
        fields = [
            f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and f.editable
        ]
        return tuple(
            FieldChange(
                field=str(f.verbose_name),
                before="",
                after=_shown(_display(record, f.name, getattr(record, f.attname))),
            )
            for f in fields
            if getattr(record, f.attname) not in (None, "")
        )
    delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS, foreign_keys_are_objs=True)
    return tuple(
        FieldChange(
            field=str(model._meta.get_field(change.field).verbose_name),
            before=_shown(_display(previous, change.field, change.old)),
            after=_shown(_display(record, change.field, change.new)),
        )
        for change in delta.changes
    )


def _display(record: Any, field_name: str, value: Any) -> Any:
    field = record.instance_type._meta.get_field(field_name)
    if field.choices and not isinstance(value, list):
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.many_to_one and isinstance(value, int):
        return getattr(record, field_name, value)
    return value


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "System"
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


def _change(record: Any) -> Change:
    source = _SOURCE_BY_MODEL[record.instance_type]
    return Change(
        when=record.history_date,
        who=_who(record),
        kind=KINDS.get(record.history_type, record.history_type),
        item=source.label(record),
        url=source.url(record) if record.history_type != "-" else None,
        fields=_field_changes(record),
    )


def _records(source: _Source) -> QuerySet:
    manager = source.model.history  # type: ignore[attr-defined]
    return manager.select_related("history_user__person", *source.related)


def changes_since(
    *, item: Action | Recommendation | DataRequirement, after_version: int
) -> list[Change]:
    """The edits of ``item`` that produced versions after ``after_version``, oldest first."""
    source = _SOURCE_BY_MODEL[type(item)]
    records = _records(source).filter(id=item.pk, version__gt=after_version)
    return [_change(record) for record in records.order_by("history_date", "history_id")]


def item_history(*, fetched_by: User, item: Model) -> list[Change]:
    """Every change of ``item`` and of its updates (and sub-actions), newest first."""
    reader_required(fetched_by)
    querysets = [_records(_SOURCE_BY_MODEL[type(item)]).filter(id=item.pk)]
    if isinstance(item, Action):
        querysets.append(_records(_SOURCE_BY_MODEL[SubAction]).filter(action_id=item.pk))
        querysets.append(_records(_SOURCE_BY_MODEL[ActionUpdate]).filter(action_id=item.pk))
    elif isinstance(item, Recommendation):
        querysets.append(
            _records(_SOURCE_BY_MODEL[RecommendationUpdate]).filter(recommendation_id=item.pk)
        )
    elif isinstance(item, DataRequirement):
        querysets.append(
            _records(_SOURCE_BY_MODEL[DataRequirementUpdate]).filter(data_requirement_id=item.pk)
        )
    return _newest_first(querysets, limit=None)


def history_feed(
    *, fetched_by: User, before: datetime | None = None, limit: int = 50
) -> list[Change]:
    """The latest ``limit`` changes across the whole tracker, newest first."""
    reader_required(fetched_by)
    querysets = []
    for source in SOURCES:
        records = _records(source)
        if before is not None:
            records = records.filter(history_date__lt=before)
        querysets.append(records)
    return _newest_first(querysets, limit=limit)


def _newest_first(querysets: Iterable[QuerySet], *, limit: int | None) -> list[Change]:
    ordered = [qs.order_by("-history_date", "-history_id") for qs in querysets]
    if limit is not None:
        ordered = [qs[:limit] for qs in ordered]
    merged = heapq.merge(*ordered, key=lambda record: record.history_date, reverse=True)
    records = list(merged)[:limit] if limit is not None else list(merged)
    return [_change(record) for record in records]
