"""The generated cover paragraphs: a starting point the manager edits, never final wording."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from pathlib import Path

from cspkit.errors import CspError
from cspkit.tracker.reports.model import (
    NO_RECENT_UPDATE,
    OVERDUE,
    DataRequirementLine,
    ProgressReport,
    RecommendationLine,
    long_date,
)
from cspkit.tracker.status import RagStatus

_ORDER = (
    RagStatus.COMPLETE,
    RagStatus.GREEN,
    RagStatus.AMBER,
    RagStatus.RED,
    RagStatus.NOT_STARTED,
    RagStatus.WITHDRAWN,
)


def default_cover_paragraphs(report: ProgressReport) -> list[str]:
    """Numbered paragraphs summarising the report's figures, one idea each."""
    actions = report.actions
    paragraphs = [
        f"This paper reports progress on the {report.plan_title} as at "
        f"{long_date(report.meeting_date)}: {_plural(len(report.themes), 'theme')} with "
        f"{_plural(len(actions), 'action')}, {_plural(len(report.recommendations), 'entry')} "
        f"in the recommendations register and {_plural(len(report.data_requirements), 'entry')}"
        " in the data requirements register.",
    ]
    if actions:
        paragraphs.append(
            f"Of the {_plural(len(actions), 'action')}: "
            f"{_status_counts([a.status for a in actions])}. "
            f"{_plural(sum(1 for a in actions if a.update is None), 'action')} "
            "had no update recorded by the meeting date."
        )
    numbered = [
        (f"{theme.number}.{action.number}", action) for theme in report.themes
        for action in theme.actions
    ]  # fmt: skip
    registers = list(report.recommendations) + list(report.data_requirements)
    red_actions = [number for number, action in numbered if action.status == RagStatus.RED]
    red_entries = _entries(report, lambda line: line.status == RagStatus.RED)
    if red_actions or red_entries:
        named = []
        if red_actions:
            named.append(_named("action", red_actions))
        named += red_entries
        paragraphs.append(
            "Reported red, where leads need the partnership's help: " + "; ".join(named) + "."
        )
    if registers:
        paragraphs.append(
            f"Of the {_plural(len(registers), 'register entry')}: "
            f"{_status_counts([entry.status for entry in registers])}."
        )
    if report.watch_list:
        year, month = report.watch_month.split("-")
        paragraphs.append(
            f"The monthly scan of {calendar.month_name[int(month)]} {year} flagged "
            f"{_plural(len(report.watch_list), 'emerging issue')} for the partnership to "
            f"watch: {'; '.join(report.watch_list)}."
        )
    overdue = [number for number, action in numbered if OVERDUE in action.flags]
    quiet = [number for number, action in numbered if NO_RECENT_UPDATE in action.flags]
    asks = []
    if overdue:
        asks.append(f"the overdue {_named('action', overdue)}")
    stale_entries = _entries(report, lambda line: NO_RECENT_UPDATE in line.flags)
    if quiet or stale_entries:
        named = ([_named("action", quiet)] if quiet else []) + stale_entries
        asks.append(
            f"the items with no recent update within the {report.update_every_days}-day "
            f"update cycle ({'; '.join(named)})"
        )
    if red_actions or red_entries:
        asks.insert(0, "the red items named above")
    ask = "Members are invited to note the progress shown in the attached tables"
    if asks:
        ask += " and to agree support for " + ", ".join(asks[:-1])
        ask += (" and " if len(asks) > 1 else "") + asks[-1]
    paragraphs.append(ask + ".")
    return paragraphs


def _entries(
    report: ProgressReport, chosen: Callable[[RecommendationLine | DataRequirementLine], bool]
) -> list[str]:
    """'recommendations 1, R1; data requirements D5': the register entries ``chosen``."""
    named = []
    for label, lines in (
        ("recommendation", report.recommendations),
        ("data requirement", report.data_requirements),
    ):
        references = [_reference(line) for line in lines if chosen(line)]
        if references:
            named.append(_named(label, references))
    return named


def _reference(line: RecommendationLine | DataRequirementLine) -> str:
    """An entry's reference; one from an earlier plan says which ('R1 of the … 2025–26')."""
    carried_from = getattr(line, "carried_from", "")
    reference = line.reference
    return f"{reference} of the {carried_from}" if carried_from else reference


def _named(noun: str, references: Sequence[str]) -> str:
    """'action 2.1', 'actions 1.1, 2.1'."""
    return f"{noun if len(references) == 1 else noun + 's'} {', '.join(references)}"


def _status_counts(statuses: Sequence[RagStatus]) -> str:
    parts = [
        f"{sum(1 for s in statuses if s == status)} {status.label.lower()}"
        for status in _ORDER
        if status in statuses
    ]
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{count} {plural}"


def read_cover_paragraphs(path: Path) -> list[str]:
    """The manager's own cover paragraphs from a text file, separated by blank lines."""
    if not path.is_file():
        raise CspError("cover file not found", path=str(path))
    text = path.read_text(encoding="utf-8")
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    if not paragraphs:
        raise CspError(
            "the cover file has no paragraphs", path=str(path), hint="Separate them by blank lines"
        )
    return paragraphs
