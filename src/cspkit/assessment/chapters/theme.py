"""One chapter per priority theme: performance, then the people (victims or callers, and
offenders: :mod:`cspkit.assessment.chapters.people`) and the location profile, outcomes and
partner data, and the partner data the theme still needs.
"""

from __future__ import annotations

import pandas as pd

from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.assessment.chapters.partner import partner_blocks
from cspkit.assessment.chapters.parts import (
    CHANGE_COLUMNS,
    CHANGE_NOTE,
    change_findings,
    change_of,
    change_rows,
    hotspot_blocks,
    small_number_note,
    trend_block,
    unavailable_callout,
    ward_blocks,
)
from cspkit.assessment.chapters.people import people_sections
from cspkit.assessment.chapters.place_detail import notable_places, rise_by_ward_blocks
from cspkit.assessment.citing import partner_data, reading
from cspkit.assessment.data_needs import FLAG_NEEDS
from cspkit.assessment.document import (
    Block,
    Column,
    Paragraph,
    Section,
    Table,
)
from cspkit.assessment.evidence import Evidence, ThemeEvidence, Unavailable
from cspkit.assessment.figures import weekday_hour_chart
from cspkit.assessment.findings import harm_weight
from cspkit.assessment.gaps import PARTNER, data_requirements, section_gaps, theme_needs
from cspkit.assessment.locations import location_note
from cspkit.assessment.wording import (
    Change,
    correlation_text,
    count_text,
    names_text,
    percent_text,
)


def _performance(evidence: Evidence, item: ThemeEvidence, weights: dict[str, float]
                 ) -> tuple[list[Block], Change | None]:
    theme = item.theme
    prefix = theme.id
    change = evidence.change
    blocks: list[Block] = []
    headline: Change | None = None
    rows = change_rows(change, ("crime_type",), item.crime_categories)
    if len(item.crime_categories) == 1:  # the theme is its one crime type: one row, not two
        headline = change_of(change, "crime_type", item.crime_categories[0])
    elif item.crime_categories:
        headline = change_of(change, "theme", theme.name)
        rows = pd.concat([change_rows(change, ("theme",), (theme.name,)), rows],
                         ignore_index=True)
    if item.includes_asb:
        rows = pd.concat([rows, change_rows(change, ("asb",))], ignore_index=True)
        headline = headline or change_of(change, "asb", ASB_CATEGORY)
    table_id = f"{prefix}_performance"
    blocks += change_findings(change, rows, weights=weights, source_table=table_id)
    blocks.append(Table(
        id=table_id, caption=f"{theme.name}: strategic period against the comparison period",
        columns=(Column("group", "Theme or crime type"), *CHANGE_COLUMNS),
        rows=rows, source="change.compare_periods",
        notes=(CHANGE_NOTE, *small_number_note(rows, change.small_number)),
    ))
    if "trend" in theme.analyses:
        if item.crime_categories:
            blocks.append(trend_block(evidence.trends, kind="theme", group=theme.name,
                                      id=f"{prefix}_trend", what=theme.name.lower()))
        if item.includes_asb:
            blocks.append(trend_block(evidence.trends, kind="asb", group=ASB_CATEGORY,
                                      id=f"{prefix}_asb_trend", what="anti-social behaviour"))
    return blocks, headline


def _locations(item: ThemeEvidence) -> list[Block]:
    loc = item.locations
    if loc is None or loc.table.empty:
        return []
    top = loc.table.iloc[0]
    where = f" in {top['ward_name']}" if isinstance(top["ward_name"], str) else ""
    return [
        Paragraph(
            f"The {count_text(loc.total)} incidents were placed at {count_text(loc.distinct)} "
            f"different police.uk map points; the busiest, '{top['location']}'{where}, took "
            f"{count_text(top['count'])} ({percent_text(100 * top['share'])})."),
        Table(
            id=f"{item.theme.id}_top_locations",
            caption=f"{item.theme.name}: map points with the most incidents, strategic period",
            columns=(Column("rank", "Rank", "integer"), Column("location", "Location"),
                     Column("ward_name", "Ward"), Column("point", "Map point (lat, long)"),
                     Column("count", "Count", "integer"), Column("share", "Share", "percent")),
            rows=loc.table, source="assessment.locations.top_locations",
            notes=(location_note(loc),),
        ),
        *filter(None, [notable_places(loc, item.crime_categories)]),
    ]


def _location_profile(evidence: Evidence, item: ThemeEvidence, weight: float) -> list[Block]:
    theme = item.theme
    what = theme.name.lower()
    blocks: list[Block] = []
    if isinstance(item.wards, Unavailable):
        blocks.append(unavailable_callout(item.wards))
    elif item.wards is not None:
        blocks += ward_blocks(item.wards, prefix=theme.id, what=what, weight=weight,
                              geometries=evidence.ward_boundaries,
                              table_id=f"{theme.id}_wards", source="places.ward_ranking",
                              small_number=evidence.change.small_number)
        blocks += rise_by_ward_blocks(item)
    if isinstance(item.hotspots, Unavailable):
        blocks.append(unavailable_callout(item.hotspots))
    elif item.hotspots is not None:
        blocks += hotspot_blocks(item.hotspots, prefix=theme.id, what=what,
                                 geometries=evidence.lsoa_boundaries,
                                 source="hotspots.hotspots")
    if isinstance(item.concentration, Unavailable):
        blocks.append(unavailable_callout(item.concentration))
    elif item.concentration is not None:
        c = item.concentration
        blocks.append(Paragraph(
            f"The top 5% of LSOAs ({c.top_5pct_lsoas} of {c.n_lsoas}) recorded "
            f"{percent_text(100 * c.top_5pct_share)} of {what}; Gini coefficient {c.gini:.2f}."))
    if isinstance(item.deprivation, Unavailable):
        blocks.append(unavailable_callout(item.deprivation))
    elif item.deprivation is not None:
        d = item.deprivation
        first = d.table.iloc[0]
        blocks.append(Paragraph(
            f"LSOAs among England's 10% most deprived (IMD decile 1) hold "
            f"{percent_text(100 * first['share_of_residents'])} of residents and recorded "
            f"{percent_text(100 * first['share_of_crime'])} of {what}; Spearman's rank "
            f"correlation between LSOA rate and IMD score is "
            f"{correlation_text(d.spearman_rho)}."))
    blocks += _locations(item)
    blocks += _timing(item)
    if not blocks:
        blocks.append(Paragraph("No location analysis was made for this theme."))
    return blocks


def _timing(item: ThemeEvidence) -> list[Block]:
    """When the theme's partner-recorded incidents happen (police.uk has no times)."""
    result = item.timing
    if result is None:
        return []
    if isinstance(result, Unavailable):
        return [unavailable_callout(result)]
    if result.timed == 0:
        return [Paragraph("The partner data for this theme record no times of day.")]
    day = result.by_weekday.sort_values(["count", "weekday"], ascending=[False, True]).iloc[0]
    hour = result.by_hour.sort_values(["count", "hour"], ascending=[False, True]).iloc[0]
    what = item.theme.name.lower()
    return [
        Paragraph(
            f"When: of {count_text(result.dated)} dated incidents in the partner data, the "
            f"busiest day was {day['weekday_name']} ({percent_text(100 * day['share'])}); of "
            f"{count_text(result.timed)} with a time, the busiest hour began at "
            f"{int(hour['hour']):02d}:00 ({percent_text(100 * hour['share'])}). police.uk "
            "open data carry the month only."),
        weekday_hour_chart(id=f"{item.theme.id}_timing",
                           title=f"{item.theme.name}: incidents by day and hour",
                           cells=result.table, what=what,
                           source=reading("temporal.temporal_profile",
                                          partner_data(result.sources))),
    ]


def _outcomes(evidence: Evidence, item: ThemeEvidence) -> list[Block]:
    outcomes = evidence.outcomes
    if isinstance(outcomes, Unavailable):
        return [unavailable_callout(outcomes)]
    t = outcomes.table
    rows = t[(t["kind"] == "theme") & (t["group"] == item.theme.name)]
    if rows.empty:
        return [Paragraph("No crimes of this theme were recorded in the strategic period.")]
    top = rows.iloc[0]
    return [
        Paragraph(
            f"The most common latest outcome was '{top['outcome']}' "
            f"({percent_text(100 * top['share'])} of {count_text(rows['count'].sum())} crimes)."),
        Table(
            id=f"{item.theme.id}_outcomes",
            caption=f"{item.theme.name}: latest police outcome of the period's crimes",
            columns=(Column("outcome", "Outcome"), Column("count", "Crimes", "integer"),
                     Column("share", "Share", "percent")),
            rows=rows, source="outcomes.outcome_profile",
            notes=("Outcomes depend on the download date: later downloads carry later "
                   "outcomes.",),
        ),
    ]


FLAG_WORDS = {
    "domestic": ("domestic abuse", "domestic abuse flag", "domestic or not"),
    "alcohol": ("alcohol-related crime", "alcohol flag", "alcohol-related or not"),
    "hate": ("hate crime", "hate crime flag", "hate crime or not"),
}
"""Per incident flag: what it marks, the marker police.uk lacks, and what the figures mix."""


def flag_caveat(evidence: Evidence, item: ThemeEvidence) -> Paragraph:
    """What a flagged theme's police.uk figures cannot tell apart, said before any figure;
    the data requirements that would tell it apart, while they are open."""
    words = [FLAG_WORDS[flag] for flag in item.theme.flags]
    named = names_text([w[0] for w in words])
    covered = ", ".join(c.lower() for c in item.crime_categories)
    text = (f"{named[0].upper()}{named[1:]} cannot be identified in police.uk data: the open "
            f"data carry no {' or '.join(w[1] for w in words)}, so this chapter's police "
            f"figures count all its offences ({covered}), {'; '.join(w[2] for w in words)}.")
    register = {r.need.id: r.reference for r in data_requirements(evidence)}
    refs = [register[FLAG_NEEDS[f]] for f in item.theme.flags if FLAG_NEEDS[f] in register]
    if refs:
        text += (f" Identifying {named} needs data requirement{'s' if len(refs) > 1 else ''} "
                 f"{names_text(refs)} (see Partner data needed).")
    return Paragraph(text)


def _partner_gaps(evidence: Evidence, item: ThemeEvidence) -> list[Block]:
    """The theme's open needs beyond people: its flags, partner exports and other data."""
    if not theme_needs(item, evidence.partner_coverage)[PARTNER]:
        return []
    needs, boxes = section_gaps(evidence, item, PARTNER)
    return [Paragraph(f"Beyond police.uk, this theme needs {needs}."), *boxes]


def theme_chapter(evidence: Evidence, item: ThemeEvidence, weights: dict[str, float]
                  ) -> Section:
    """The chapter of one priority theme."""
    theme = item.theme
    weight = harm_weight(theme.categories)
    children: list[Block] = []
    summary = None
    if item.crime_categories and theme.flags:
        children.append(flag_caveat(evidence, item))
    if item.crime_categories or item.includes_asb:
        covered = ", ".join(theme.categories)
        children.append(Paragraph(f"This theme covers the police.uk categories: {covered}."))
        performance, headline = _performance(evidence, item, weights)
        if headline is not None:
            summary = headline.sentence()
        children.append(Section(id=f"{theme.id}_performance_section", title="Performance",
                                level=2, children=tuple(performance)))
    else:
        children.append(Paragraph(
            "Police-recorded crime is not part of this theme: it is built from partner data, "
            "named below as data gaps until they are shared."))
    children += people_sections(evidence, item)
    if item.crime_categories or item.includes_asb:
        children.append(Section(id=f"{theme.id}_location", title="Location profile", level=2,
                                children=tuple(_location_profile(evidence, item, weight))))
    if "outcomes" in theme.analyses and item.crime_categories:
        children.append(Section(id=f"{theme.id}_outcomes_section", title="Outcomes", level=2,
                                children=tuple(_outcomes(evidence, item))))
    partner = partner_blocks(evidence, item)
    if partner:
        children.append(Section(id=f"{theme.id}_partner_data", title="Partner data", level=2,
                                children=tuple(partner)))
    gaps = _partner_gaps(evidence, item)
    if gaps:
        children.append(Section(id=f"{theme.id}_data_gaps", title="Partner data needed",
                                level=2, children=tuple(gaps)))
    return Section(id=f"theme_{theme.id}", title=theme.name, level=1,
                   summary=summary, children=tuple(children))
