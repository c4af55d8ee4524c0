"""The generated cover paragraphs: a starting point the manager edits, never final wording."""

from __future__ import annotations

from collections.abc import Sequence

from cspkit.tracker.reports.model import ProgressReport, long_date
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
    red = [
        f"{theme.number}.{action.number}"
        for theme in report.themes
        for action in theme.actions
        if action.status == RagStatus.RED
    ]
    if red:
        paragraphs.append(
            f"Actions reported red, where leads need the partnership's help: {', '.join(red)}."
        )
    registers = list(report.recommendations) + list(report.data_requirements)
    if registers:
        paragraphs.append(
            f"Of the {_plural(len(registers), 'register entry')}: "
            f"{_status_counts([entry.status for entry in registers])}."
        )
    paragraphs.append(
        "Members are invited to note the progress shown in the attached tables and to agree "
        "support for the actions and register entries that are red or have no recent update."
    )
    return paragraphs


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
