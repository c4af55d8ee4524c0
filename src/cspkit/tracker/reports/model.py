"""A progress report for a partnership meeting, as plain data every writer renders.

The tables follow the layouts partnerships already use: data requirements as Ref, Data gap,
Lead, Action, Update, Status; recommendations as Section, No, Recommendation, Agency,
Update, Status; each theme's action plan as No, Lead, Action, Update, Status under its
thematic lead and the legend of action point leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cspkit.tracker.status import RagStatus


@dataclass(frozen=True)
class StatusStyle:
    """How a status is shown: always a word, on a colour readable in print and on screen."""

    word: str
    fill: str
    ink: str


# Pale fills with dark text of the same hue: legible in greyscale print, and the word
# carries the meaning for readers who cannot tell the colours apart.
STATUS_STYLES: dict[RagStatus, StatusStyle] = {
    RagStatus.NOT_STARTED: StatusStyle("Not started", "E7E6E6", "3A3A3A"),
    RagStatus.GREEN: StatusStyle("Green", "C6EFCE", "006100"),
    RagStatus.AMBER: StatusStyle("Amber", "FFEB9C", "7A4500"),
    RagStatus.RED: StatusStyle("Red", "FFC7CE", "9C0006"),
    RagStatus.COMPLETE: StatusStyle("Complete", "BDD7EE", "1F3864"),
    RagStatus.WITHDRAWN: StatusStyle("Withdrawn", "D9D9D9", "404040"),
}


def status_style(status: RagStatus) -> StatusStyle:
    return STATUS_STYLES[status]


@dataclass(frozen=True)
class LatestUpdate:
    written_on: date
    author: str
    text: str


# The words that flag a line in its status cell (and name it on the cover): an open action
# past its due date, an open item whose last update is older than the plan's update cycle.
OVERDUE = "Overdue"
NO_RECENT_UPDATE = "No recent update"
FLAGS = (OVERDUE, NO_RECENT_UPDATE)


@dataclass(frozen=True)
class ActionLine:
    number: int
    leads: str
    text: str
    sub_actions: tuple[tuple[str, str], ...]
    status: RagStatus
    update: LatestUpdate | None
    measure: str = ""
    due_date: date | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeSection:
    number: int
    title: str
    thematic_lead: str
    lead_legend: tuple[tuple[str, str], ...]
    actions: tuple[ActionLine, ...]


@dataclass(frozen=True)
class DataRequirementLine:
    reference: str
    data_gap: str
    lead: str
    action: str
    status: RagStatus
    update: LatestUpdate | None
    flags: tuple[str, ...] = ()
    # The linked completeness measure in one sentence, as last computed ("" when none).
    measure: str = ""


@dataclass(frozen=True)
class RecommendationLine:
    """An entry of the register; ``carried_from`` names the earlier plan it comes from."""

    section: str
    reference: str
    text: str
    agency: str
    status: RagStatus
    update: LatestUpdate | None
    carried_from: str = ""
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureLine:
    """A measure computed from the data beside its action's status (``lead_status`` is None
    for a theme's measure). Without figures, ``missing`` says why."""

    reference: str
    label: str
    aim: str
    course: str
    lead_status: RagStatus | None = None
    current: int | None = None
    baseline: int | None = None
    period: str = ""
    baseline_period: str = ""
    change: str = ""
    data_month: str = ""
    computed_on: date | None = None
    monthly: tuple[tuple[str, int], ...] = ()
    missing: str = ""


@dataclass(frozen=True)
class ProgressReport:
    """Everything one progress report shows, as at ``meeting_date``."""

    partnership: str
    plan_title: str
    meeting_date: date
    cover_paragraphs: tuple[str, ...]
    data_requirements: tuple[DataRequirementLine, ...]
    recommendations: tuple[RecommendationLine, ...]
    themes: tuple[ThemeSection, ...]
    update_every_days: int = 91
    # The sign-off under the cover paragraphs, as the partnerships' papers close it: who
    # wrote the report (the analyst's name and title) and the date it was written.
    signed_by: str = "Community Safety Analyst"
    signed_on: date | None = None
    # The emerging issues the latest scan published by the meeting flagged, as
    # "Robbery in Central (14 in the month against about 4 expected)", and its month.
    watch_month: str = ""
    watch_list: tuple[str, ...] = ()
    measures: tuple[MeasureLine, ...] = ()

    @property
    def title(self) -> str:
        return f"Progress report: {self.plan_title}"

    @property
    def actions(self) -> list[ActionLine]:
        return [action for theme in self.themes for action in theme.actions]


SECTION_TITLES = {
    "cover": "Summary",
    "data_requirements": "Data requirements",
    "recommendations": "Recommendations",
    "measures": "Measures from the data",
    "action_plans": "Action plans",
}
DATA_REQUIREMENT_COLUMNS = ("Ref", "Data gap", "Lead", "Action", "Update", "Status")
RECOMMENDATION_COLUMNS = ("Section", "No", "Recommendation", "Agency", "Update", "Status")
MEASURE_COLUMNS = ("Ref", "Measure", "Aim", "Latest", "Baseline", "Change", "From the data",
                   "Lead's status")
ACTION_COLUMNS = ("No", "Lead", "Action", "Measure", "Due", "Update", "Status")
# Shown for an item with no update yet, and for a theme with no thematic lead; the
# importer reads them back as empty, so a report edited in Word can be imported again.
NO_UPDATE = "No update yet"
NOT_RECORDED = "not recorded"


def theme_heading(theme: ThemeSection) -> str:
    """'1. ANTI SOCIAL BEHAVIOUR ACTION PLAN', as the plans write it (and the importer reads)."""
    suffix = "ACTION PLAN" if theme.title.isupper() else "action plan"
    return f"{theme.number}. {theme.title} {suffix}"


def long_date(value: date) -> str:
    """'28 June 2010', as partnership papers write dates."""
    return f"{value.day} {value:%B %Y}"
