"""Performance overview: every crime type and theme in both periods, targets, and where."""

from __future__ import annotations

from dataclasses import replace

from cspkit.analysis.change import PeriodComparison
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.assessment.chapters.parts import (
    CHANGE_COLUMNS,
    CHANGE_NOTE,
    change_columns,
    change_findings,
    change_of,
    change_rows,
    hotspot_blocks,
    small_number_note,
    trend_block,
    unavailable_callout,
    ward_blocks,
)
from cspkit.assessment.document import Block, Column, Paragraph, Section, Table
from cspkit.assessment.evidence import Evidence, Unavailable
from cspkit.assessment.figures import change_chart
from cspkit.assessment.findings import (
    HARM_WEIGHTS,
    TOTAL_WEIGHT,
    change_finding,
    harm_weight,
    target_finding,
    target_met,
    target_subject,
)
from cspkit.assessment.wording import count_text, months_text, percent_text

PERFORMANCE_TABLE = "performance_by_crime_type"
SUMMARY_TABLE = "performance_summary"
WARD_TABLE = "ward_ranking"
TARGETS_TABLE = "targets"
RECENT_TABLE = "recent_change"
RECENT_DIRECTION_TABLE = "recent_year_on_year"
RECENT_WEIGHT = 0.5
"""Harm weight of the recent (half-year) changes: they lead the summary only by rule (the
recent direction when total crime shows no significant change) or when very large."""


def group_weights(evidence: Evidence) -> dict[str, float]:
    """Harm weight of every group of the comparison table (total, themes, types, ASB)."""
    weights = dict(HARM_WEIGHTS)
    weights["Total recorded crime"] = TOTAL_WEIGHT
    for theme in evidence.config.themes:
        weights[theme.name] = harm_weight(theme.categories)
    return weights


def _summary_table(evidence: Evidence) -> Table:
    rows = change_rows(evidence.change, ("total", "theme", "asb"))
    rows = rows.assign(significant=["Yes" if s else "No" for s in rows["significant"]])
    return Table(
        id=SUMMARY_TABLE,
        caption="Total recorded crime, priority themes and anti-social behaviour",
        columns=(Column("group", "Total, theme or ASB"), *CHANGE_COLUMNS,
                 Column("significant", "Significant")),
        rows=rows, source="change.compare_periods",
        notes=(CHANGE_NOTE, "Anti-social behaviour incidents are never part of total crime.",
               *small_number_note(rows, evidence.change.small_number)),
    )


def recent_blocks(comparison: PeriodComparison | Unavailable, *, table_id: str,
                  caption: str, weight: float) -> list[Block]:
    """A finding for each row (total crime and ASB) of a recent comparison, then its table,
    the two counts labelled by the months they cover ("Jul–Dec 2025", "Jan–Jun 2025")."""
    if isinstance(comparison, Unavailable):
        return [unavailable_callout(comparison)]
    current = months_text(comparison.citation.period)
    previous = months_text(comparison.citation.comparison)
    rows = change_rows(comparison, ("total", "asb"))
    findings: list[Block] = []
    for row in rows.itertuples(index=False):
        change = replace(change_of(comparison, row.kind, row.group, f"{row.group} in {current}"),
                         baseline=previous)
        finding = change_finding(change, weight=weight, source_table=table_id)
        findings.append(replace(finding, figures={**finding.figures, "group": row.group}))
    return [*findings, Table(
        id=table_id, caption=caption.format(current=current, previous=previous),
        columns=(Column("group", "Total or ASB"), *change_columns(current, previous)),
        rows=rows, source="change.recent_change",
        notes=(CHANGE_NOTE, *small_number_note(rows, comparison.small_number)))]


def performance_table(evidence: Evidence) -> Table:
    """``performance_by_crime_type``: one row per police.uk crime type."""
    rows = change_rows(evidence.change, ("crime_type",)).rename(columns={"group": "crime_type"})
    return Table(
        id=PERFORMANCE_TABLE,
        caption="Recorded crime by type, strategic period against the comparison period",
        columns=(Column("crime_type", "Crime type"), *CHANGE_COLUMNS),
        rows=rows, source="change.compare_periods",
        notes=(CHANGE_NOTE, *small_number_note(rows.rename(columns={"crime_type": "group"}),
                                               evidence.change.small_number)),
    )


def _targets(evidence: Evidence) -> list[Block]:
    config = evidence.config
    if not config.targets:
        return [Paragraph("The partnership has not set targets for this strategic period.")]
    names = {t.id: t.name for t in config.themes}
    weights = group_weights(evidence)
    blocks: list[Block] = []
    rows = []
    for target in config.targets:
        subject = target_subject(target, names)
        kind = "theme" if target.theme else "crime_type"
        t = evidence.change.table
        if t[(t["kind"] == kind) & (t["group"] == subject)].empty:
            blocks.append(Paragraph(f"The target for {subject} cannot be assessed: its theme "
                                    "covers no police.uk crime type."))
            continue
        change = change_of(evidence.change, kind, subject)
        blocks.append(target_finding(target, change, subject=subject,
                                     weight=weights.get(subject, 1.0),
                                     source_table=TARGETS_TABLE))
        rows.append({
            "subject": subject, "aim": f"{target.direction} by {target.percent:g}%",
            "current": change.current, "previous": change.previous,
            "pct_change": None if change.previous == 0 else change.pct_change,
            "p_value": change.p_value, "met": "Met" if target_met(target, change) else "Not met",
        })
    if rows:
        blocks.append(Table(
            id=TARGETS_TABLE, caption="Progress against the partnership's targets",
            columns=(Column("subject", "Target for"), Column("aim", "Aim"),
                     Column("current", "Strategic period", "integer"),
                     Column("previous", "Comparison period", "integer"),
                     Column("pct_change", "Change (%)", "decimal1"),
                     Column("p_value", "p-value (exact test)", "p_value"),
                     Column("met", "Status")),
            rows=rows, source="change.compare_periods",
            notes=("A target is met when the percentage change reaches the aim; whether the "
                   "change is statistically significant is shown by its p-value.",),
        ))
    return blocks


def overview_chapter(evidence: Evidence) -> Section:
    """The performance overview chapter."""
    change = evidence.change
    weights = group_weights(evidence)
    area = " and ".join(evidence.area_names)
    total = change_of(change, "total", "Total recorded crime")
    asb = change_of(change, "asb", ASB_CATEGORY)
    intro = Paragraph(
        f"This chapter compares police-recorded crime and anti-social behaviour in {area} in "
        f"the strategic period ({evidence.period.label}) with the comparison period "
        f"({evidence.comparison.label}). Every change is tested with an exact Poisson test; "
        "a change that is not statistically significant is reported as such, not as a rise "
        "or a fall.")
    crime_rows = change_rows(change, ("crime_type",))
    last = evidence.recent.citation.period
    performance = [
        change_finding(total, weight=TOTAL_WEIGHT, source_table=SUMMARY_TABLE),
        change_finding(asb, weight=weights[ASB_CATEGORY], source_table=SUMMARY_TABLE),
        _summary_table(evidence),
        Paragraph(
            f"**Recent direction.** The last {last.n_months} months of the strategic period "
            f"({months_text(last)}) against the same months a year earlier, which takes the "
            "season out of the comparison:"),
        *recent_blocks(evidence.recent_year_earlier, table_id=RECENT_DIRECTION_TABLE,
                       caption="Recent direction: {current} against {previous}",
                       weight=RECENT_WEIGHT),
        Paragraph(
            f"**Half-year trend.** The same {last.n_months} months against the "
            f"{last.n_months} months just before them "
            f"({months_text(evidence.recent.citation.comparison)}). Consecutive half-years "
            "differ by season as well as by trend, so read this with the monthly chart below:"),
        *recent_blocks(evidence.recent, table_id=RECENT_TABLE,
                       caption="Recent trend: {current} against {previous}",
                       weight=RECENT_WEIGHT),
        Paragraph("By crime type (largest first):"),
        *change_findings(change, crime_rows, weights=weights, source_table=PERFORMANCE_TABLE),
        performance_table(evidence),
        change_chart(id="change_by_crime_type", title="Change by crime type",
                     rows=crime_rows, source="change.compare_periods",
                     table_id=PERFORMANCE_TABLE),
        trend_block(evidence.trends, kind="total", group="Total recorded crime",
                    id="total_crime_trend", what="recorded crime"),
    ]
    places: list[Block] = ward_blocks(
        evidence.wards, prefix="all_crime", what="recorded crime", weight=TOTAL_WEIGHT,
        geometries=evidence.ward_boundaries, table_id=WARD_TABLE, source="places.ward_ranking",
        small_number=change.small_number)
    if isinstance(evidence.concentration, Unavailable):
        places.append(unavailable_callout(evidence.concentration))
    else:
        c = evidence.concentration
        places.append(Paragraph(
            f"Crime is concentrated: the {c.top_5pct_lsoas} LSOAs with the most crime (the top "
            f"5% of {c.n_lsoas}) recorded {percent_text(100 * c.top_5pct_share)} of it, and the "
            f"top 10% ({c.top_10pct_lsoas} LSOAs) {percent_text(100 * c.top_10pct_share)}; the "
            f"Gini coefficient across LSOAs is {c.gini:.2f}."))
    if isinstance(evidence.hotspots, Unavailable):
        places.append(unavailable_callout(evidence.hotspots))
    else:
        places += hotspot_blocks(evidence.hotspots, prefix="all_crime", what="recorded crime",
                                 geometries=evidence.lsoa_boundaries,
                                 source="hotspots.hotspots")
    outcomes: list[Block]
    if isinstance(evidence.outcomes, Unavailable):
        outcomes = [unavailable_callout(evidence.outcomes)]
    else:
        summary = evidence.outcomes.summary
        row = summary[summary["kind"] == "total"].iloc[0]
        outcomes = [Paragraph(
            f"Of the {count_text(row['crimes'])} crimes recorded in the strategic period, "
            f"{count_text(row['under_investigation'])} "
            f"({percent_text(100 * row['under_investigation_share'])}) were still under "
            "investigation when the data were downloaded; outcomes keep arriving for months, "
            "so this share falls with later downloads.")]
    return Section(
        id="performance_overview", title="Performance overview", level=1,
        summary=total.sentence(),
        children=(
            intro,
            Section(id="performance", title="Crime and anti-social behaviour", level=2,
                    children=tuple(performance)),
            Section(id="targets_progress", title="Targets", level=2,
                    children=tuple(_targets(evidence))),
            Section(id="where", title="Where crime happens", level=2, children=tuple(places)),
            Section(id="outcomes", title="Outcomes", level=2, children=tuple(outcomes)),
        ),
    )
