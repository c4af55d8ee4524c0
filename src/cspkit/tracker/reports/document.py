"""A progress report as a :class:`~cspkit.assessment.document.Document`, written by
:mod:`cspkit.render` (HTML, DOCX, PDF) like the assessment.

It reads as the partnerships' own papers do: the title and meeting, the numbered summary
paragraphs with a key to the statuses, then on landscape pages the data requirements
register (Ref, Data gap, Lead, Action, Update, Status), the recommendations register
(Section, No, Recommendation, Agency, Update, Status) and each theme's action plan (No,
Lead, Action, Update, Status) under its thematic lead and the legend of action point leads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cspkit.analysis.measures import COURSE_WORDS, NOT_COMPUTED
from cspkit.assessment.document import (
    Block,
    Cell,
    Chart,
    Column,
    Document,
    Metadata,
    NumberedList,
    Paragraph,
    Section,
    Table,
)
from cspkit.errors import CspError
from cspkit.render import FORMATS
from cspkit.tracker.measure_html import month_text
from cspkit.tracker.reports.build import build_progress_report
from cspkit.tracker.reports.cover import read_cover_paragraphs
from cspkit.tracker.reports.model import (
    ACTION_COLUMNS,
    DATA_REQUIREMENT_COLUMNS,
    MEASURE_COLUMNS,
    NO_UPDATE,
    NOT_RECORDED,
    RECOMMENDATION_COLUMNS,
    SECTION_TITLES,
    DataRequirementLine,
    LatestUpdate,
    MeasureLine,
    ProgressReport,
    RecommendationLine,
    ThemeSection,
    long_date,
    status_style,
    theme_heading,
)
from cspkit.tracker.selectors.plan import plan_or_latest
from cspkit.tracker.status import RagStatus

# Each column's share of the landscape page, as the seeds lay the tables out: the text and
# the update get the room, the reference, lead and status columns stay narrow.
WIDTHS = {
    "data_requirements": (6, 25, 9, 22, 29, 9),
    "recommendations": (10, 5, 29, 10, 37, 9),
    "action_plans": (5, 8, 28, 14, 8, 27, 10),
    "measures": (6, 20, 10, 9, 9, 28, 9, 9),
}


REPORT_FORMATS = ("docx", "pdf", "html")


def write_progress_report(*, out: Path, meeting: date, plan_id: int | None,
                          cover: Path | None = None) -> Path:
    """Write the progress report of plan ``plan_id`` (the latest when None) as at
    ``meeting`` to ``out``, in the format its suffix names (``csp tracker report``);
    ``cover`` is a text file of the manager's own cover paragraphs."""
    kind = out.suffix.lower().removeprefix(".")
    if kind not in REPORT_FORMATS:
        raise CspError(f"cannot write a '{out.suffix}' report", path=str(out),
                       hint="Name the file .docx, .pdf or .html")
    paragraphs = read_cover_paragraphs(cover) if cover is not None else None
    report = build_progress_report(plan=plan_or_latest(pk=plan_id), meeting_date=meeting,
                                   cover_paragraphs=paragraphs)
    return FORMATS[kind][1](progress_document(report), out)


def progress_document(report: ProgressReport) -> Document:
    """The Document of ``report``, ready for any of :mod:`cspkit.render`'s writers."""
    summary = Section(
        "summary",
        SECTION_TITLES["cover"],
        1,
        (
            NumberedList(report.cover_paragraphs),
            Paragraph(report.signed_by),
            Paragraph(long_date(report.signed_on or report.meeting_date)),
            Section("status_key", "Status key", 2, tuple(
                Paragraph(f"**{status_style(status).word}**: {status.meaning}")
                for status in RagStatus
            )),
        ),
    )  # fmt: skip
    registers = [
        _register(key, columns, lines, fields)
        for key, columns, lines, fields in (
            ("data_requirements", DATA_REQUIREMENT_COLUMNS, report.data_requirements,
             ("reference", "data_gap", "lead", "action")),
            ("recommendations", RECOMMENDATION_COLUMNS, report.recommendations,
             ("section", "reference", "text", "agency")),
        )
    ]  # fmt: skip
    plans: tuple[Block, ...] = tuple(_theme(theme) for theme in report.themes) or (
        Paragraph("No action plans are recorded for this plan."),
    )
    return Document(
        title=report.title,
        partnership=report.partnership,
        period_text=f"meeting of {long_date(report.meeting_date)}",
        sections=(
            summary,
            *registers,
            *_measures(report.measures),
            Section("action_plans", SECTION_TITLES["action_plans"], 1, plans, landscape=True),
        ),
        metadata=Metadata(period=report.meeting_date.isoformat(), comparison_period=""),
        issued=report.meeting_date,
        layout="paper",
    )


def _columns(labels: Sequence[str], widths: Sequence[int]) -> tuple[Column, ...]:
    return tuple(
        Column(label.lower().replace(" ", "_"), label, width=width)
        for label, width in zip(labels, widths, strict=True)
    )


def _register(
    key: str,
    labels: Sequence[str],
    lines: Sequence[DataRequirementLine | RecommendationLine],
    fields: Sequence[str],
) -> Section:
    """A register's section: a row per entry, its ``fields`` then its update and status."""
    rows = [
        (
            *(_field(line, name) for name in fields),
            _update(line.update),
            _status(line.status, line.flags),
        )
        for line in lines
    ]
    title = SECTION_TITLES[key]
    body: Block = (
        Table(f"{key}_table", "", _columns(labels, WIDTHS[key]), rows, source="")
        if rows
        else Paragraph(f"No {title.lower()} are recorded for this plan.")
    )
    return Section(key, title, 1, (body,), landscape=True)


def _field(line: DataRequirementLine | RecommendationLine, name: str) -> str | Cell:
    """A register cell; a recommendation's text says which earlier plan it came from."""
    value = getattr(line, name)
    carried_from = getattr(line, "carried_from", "")
    if name == "text" and carried_from:
        return Cell(value, lead=f"Carried forward from {carried_from}: ")
    measure = getattr(line, "measure", "")
    if name == "action" and measure:
        return Cell("\n\n".join(filter(None, [value, f"Measure: {measure}"])))
    return value


def _theme(theme: ThemeSection) -> Section:
    blocks: list[Block] = [
        Paragraph(f"**Thematic lead:** {theme.thematic_lead or NOT_RECORDED}")
    ]
    if theme.lead_legend:
        legend = "; ".join(f"{code} – {name}" for code, name in theme.lead_legend)
        blocks.append(Paragraph(f"**Action point leads:** {legend}"))
    rows = [
        (
            f"{theme.number}.{action.number}",
            action.leads,
            Cell("\n\n".join([action.text, *(f"{label}) {text}" for label, text in
                                               action.sub_actions)])),
            action.measure,
            long_date(action.due_date) if action.due_date else "",
            _update(action.update),
            _status(action.status, action.flags),
        )
        for action in theme.actions
    ]  # fmt: skip
    columns = _columns(ACTION_COLUMNS, WIDTHS["action_plans"])
    blocks.append(
        Table(f"theme_{theme.number}_actions", "", columns, rows, source="")
        if rows
        else Paragraph("No actions yet.")
    )
    return Section(f"theme_{theme.number}_plan", theme_heading(theme), 2, tuple(blocks))


def _measures(lines: Sequence[MeasureLine]) -> tuple[Section, ...]:
    """The measures computed from the data beside the leads' statuses, with a small chart
    of each measure's monthly counts; nothing when the plan has no structured measure."""
    if not lines:
        return ()
    rows = [
        (
            line.reference,
            line.label,
            line.aim[0].upper() + line.aim[1:],
            f"{line.current:,} ({line.period})" if line.current is not None else "",
            f"{line.baseline:,} ({line.baseline_period})" if line.baseline is not None else "",
            Cell(line.change or (f"No figure: {line.missing}." if line.missing else
                                 "Not computed yet.")),
            Cell(COURSE_WORDS.get(line.course, NOT_COMPUTED), emphasis="strong"),
            _status(line.lead_status) if line.lead_status else "Theme",
        )
        for line in lines
    ]
    dates = sorted({(line.data_month, line.computed_on) for line in lines if line.computed_on})
    notes = tuple(f"Data to {month_text(month)}, computed on {long_date(day)}."
                  for month, day in dates if month)
    blocks: list[Block] = [
        Paragraph("Each measure is counted from the data and set beside the lead's own "
                  "status. On course: a statistically significant change in the direction "
                  "aimed for; not on course: a significant change the other way; otherwise "
                  "too early to say."),
        Table("measures_table", "", _columns(MEASURE_COLUMNS, WIDTHS["measures"]), rows,
              source="", notes=notes),
    ]
    values = [{"measure": f"{line.reference} {line.label}", "month": f"{month}-01", "count": n}
              for line in lines for month, n in line.monthly]
    charted = sum(1 for line in lines if line.monthly)
    if values:
        # As many small charts a row as fit (at most four), each as wide as its share of the
        # landscape page, so a single measure is a strip and not a page-wide chart.
        columns = min(charted, 4)
        blocks.append(Chart(
            "measures_monthly", "Monthly counts of each measure", {
                "data": {"values": values},
                "facet": {"field": "measure", "type": "nominal", "title": None},
                "columns": columns,
                "spec": {"width": 880 // columns - 40, "height": 60,
                         "mark": {"type": "line", "point": True},
                         "encoding": {
                             "x": {"field": "month", "type": "temporal", "title": None,
                                   "axis": {"format": "%b %y", "tickCount": 4}},
                             "y": {"field": "count", "type": "quantitative", "title": None}}},
                "resolve": {"scale": {"y": "independent"}},
            },
            alt_text="Small line charts of each measure's monthly counts over its baseline "
            "and current period: " + "; ".join(
                f"{line.label} from {line.monthly[0][1]} to {line.monthly[-1][1]}"
                for line in lines if line.monthly),
            source="Police and partner data in the warehouse",
        ))
    return (Section("measures", SECTION_TITLES["measures"], 1, tuple(blocks), landscape=True),)


def _update(update: LatestUpdate | None) -> Cell:
    if update is None:
        return Cell(NO_UPDATE, emphasis="em")
    return Cell(update.text, lead=f"{long_date(update.written_on)}: ")


def _status(status: RagStatus, flags: Sequence[str] = ()) -> Cell:
    """The status word on its colour, then any flag (overdue, no recent update) in words."""
    style = status_style(status)
    text = "\n\n".join([style.word, *flags])
    return Cell(text, emphasis="strong", fill=style.fill, ink=style.ink)
