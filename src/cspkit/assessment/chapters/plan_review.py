"""Last year's plan: each recommendation's latest status, each measure's result from the
data, and the register entries still open."""

from __future__ import annotations

from cspkit.analysis.measures import COURSE_WORDS, NOT_COMPUTED
from cspkit.assessment.document import Block, Cell, Column, Paragraph, Section, Table
from cspkit.assessment.plan_review import PlanReview, ReviewedMeasure
from cspkit.assessment.wording import Change

SOURCE = "tracker.plan_review"


def _day(value) -> str:  # type: ignore[no-untyped-def]
    return f"{value.day} {value:%B %Y}"


def _change(measure: ReviewedMeasure) -> str:
    if measure.current is None or measure.baseline is None or measure.p_value is None:
        return f"No figure: {measure.missing}." if measure.missing else f"{NOT_COMPUTED}."
    return Change(measure.label, measure.current, measure.baseline, measure.p_value,
                  baseline=measure.baseline_period).sentence()


def plan_review_chapter(review: PlanReview) -> Section:
    """The chapter "Last year's plan" of the next assessment."""
    cited = f"the partnership's plan tracker, as at {_day(review.read_on)}"
    blocks: list[Block] = [Paragraph(
        f"This chapter reports on {review.plan_title} ({_day(review.period_start)} to "
        f"{_day(review.period_end)}): the latest status of each recommendation of the last "
        "assessment, each measure of the plan as last counted from the data, and the "
        "entries of the registers still open. A measure is on course when its change is "
        "statistically significant in the direction aimed for, not on course when it is "
        "significant the other way, and otherwise too early to say.")]
    if review.recommendations:
        blocks.append(Table(
            "plan_review_recommendations", "Recommendations of the last assessment",
            (Column("reference", "Ref", width=8), Column("text", "Recommendation", width=42),
             Column("status", "Status", width=12), Column("update", "Latest update", width=38)),
            tuple((r.reference, r.text, Cell(r.status, emphasis="strong"),
                   f"{_day(r.updated_on)}: {r.update}" if r.updated_on else "No update")
                  for r in review.recommendations),
            source=SOURCE, data_source=cited))
    else:
        blocks.append(Paragraph("The plan's register holds no recommendations."))
    if review.measures:
        blocks.append(Table(
            "plan_review_measures", "Measures of the plan, from the data",
            (Column("reference", "Ref", width=8), Column("label", "Measure", width=20),
             Column("aim", "Aim", width=12), Column("change", "Result", width=36),
             Column("course", "From the data", width=12),
             Column("lead_status", "Lead's status", width=12)),
            tuple((m.reference, m.label, m.aim[:1].upper() + m.aim[1:], _change(m),
                   Cell(COURSE_WORDS.get(m.course, NOT_COMPUTED), emphasis="strong"),
                   m.lead_status or "Theme")
                  for m in review.measures),
            source=SOURCE, data_source=cited,
            notes=tuple(sorted({f"Data to {m.data_month}." for m in review.measures
                                if m.data_month}))))
    else:
        blocks.append(Paragraph("No action or theme of the plan had a measure counted from "
                                "the data."))
    if review.open_entries:
        blocks.append(Table(
            "plan_review_open_entries", "Register entries still open",
            (Column("register", "Register", width=18), Column("reference", "Ref", width=8),
             Column("text", "Entry", width=58), Column("status", "Status", width=16)),
            tuple((e.register, e.reference, e.text, Cell(e.status, emphasis="strong"))
                  for e in review.open_entries),
            source=SOURCE, data_source=cited))
    else:
        blocks.append(Paragraph("Every entry of the plan's registers is closed."))
    return Section("last_years_plan", "Last year's plan", 1, tuple(blocks))
