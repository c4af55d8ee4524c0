"""One chapter per priority theme: performance, then the victim, offender and location profiles.

police.uk open data describe places, not people. When ``person_involvement`` holds no rows
for a theme's incidents, the victim and offender profiles say so and name the data that would
fill them as a data gap the partnership can act on. When partner data link people to the
theme's incidents, the profile shows them (``analysis.people``) by age band, sex, ethnicity
and home ward, with small counts withheld (``privacy.disclosure``).
"""

from __future__ import annotations

import pandas as pd

from cspkit.analysis.involvement import NOT_RECORDED
from cspkit.analysis.people import PeopleProfile
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
from cspkit.assessment.chapters.place_detail import notable_places, rise_by_ward_blocks
from cspkit.assessment.config import Theme
from cspkit.assessment.data_needs import FLAG_NEEDS
from cspkit.assessment.document import (
    SUPPRESSED,
    Block,
    Chart,
    Column,
    DataGap,
    Paragraph,
    Section,
    Table,
)
from cspkit.assessment.evidence import Evidence, ThemeEvidence, Unavailable
from cspkit.assessment.figures import bar_chart, weekday_hour_chart
from cspkit.assessment.findings import harm_weight
from cspkit.assessment.locations import TopLocations
from cspkit.assessment.requirements import (
    data_requirements,
    first_without_people,
    profile_needed,
    theme_needs,
)
from cspkit.assessment.wording import Change, count_text, percent_text
from cspkit.privacy.disclosure import TOTAL, suppress_counts

ROLES = {"victim": "victims", "offender": "offenders"}

def _suppressed(counts: pd.Series, total: int, threshold: int) -> pd.DataFrame:
    """``people`` and ``share`` columns with small counts (and those that would reveal
    them from the published total) withheld as ``[c]``."""
    hidden = suppress_counts(pd.DataFrame({"people": counts.to_numpy()}, index=counts.index),
                             threshold=threshold)
    shown = hidden.reason["people"].drop(TOTAL) == ""
    people = counts.astype(object).where(shown, SUPPRESSED)
    share = (counts / total if total else counts * float("nan")).astype(object)
    return pd.DataFrame({"people": people, "share": share.where(shown, SUPPRESSED)})


def _profile_blocks(item: ThemeEvidence, role: str, profile: PeopleProfile,
                    threshold: int) -> list[Block]:
    theme = item.theme
    keyed = profile.keyed / profile.involvements if profile.involvements else 0.0
    missing = ", ".join(f"{name.replace('_', ' ')} {percent_text(100 * share)}"
                        for name, share in profile.not_recorded.items())
    # each characteristic sums to the published total, so each is protected on its own
    rows = pd.concat([
        _suppressed(part.set_index("value")["people"], profile.people, threshold)
        .reset_index().assign(dimension=dimension.replace("_", " ").capitalize())
        for dimension, part in profile.table.groupby("dimension", sort=False)
    ], ignore_index=True)
    wards = profile.home_wards.assign(ward_name=profile.home_wards["ward_name"].fillna(""))
    ward_rows = _suppressed(wards.set_index("ward_name")["people"], profile.people,
                            threshold).reset_index()
    note = (f"Counts below {threshold} are withheld ([c]), with any further count that would "
            "reveal one from the total." if threshold else "No counts are withheld.")
    return [
        Paragraph(
            f"{count_text(profile.people)} {ROLES[role]} (distinct people) were recorded for "
            f"this theme's incidents in the strategic period, from "
            f"{count_text(profile.involvements)} involvements "
            f"({percent_text(100 * keyed)} carrying a person key). Not recorded: {missing}."),
        *_repeat_blocks(item, role, threshold),
        _age_chart(theme, role, rows),
        Table(id=f"{theme.id}_{role}_profile",
              caption=f"{theme.name}: {ROLES[role]} by age band, sex and ethnicity",
              columns=(Column("dimension", "Characteristic"), Column("value", "Value"),
                       Column("people", "People", "integer"),
                       Column("share", "Share", "percent")),
              rows=rows, source="people.people_profile", notes=(note,)),
        Table(id=f"{theme.id}_{role}_home_wards",
              caption=f"{theme.name}: where the {ROLES[role]} live",
              columns=(Column("ward_name", "Home ward"), Column("people", "People", "integer"),
                       Column("share", "Share", "percent")),
              rows=ward_rows, source="people.people_profile", notes=(note,)),
    ]


def _repeat_blocks(item: ThemeEvidence, role: str, threshold: int) -> list[Block]:
    """One sentence on repeat victims (or offenders): how many, and their share of incidents."""
    result = item.repeats
    if result is None:
        return []
    if isinstance(result, Unavailable):
        return [unavailable_callout(result)]
    row = result.table.set_index("unit").loc[role]
    units, repeat = int(row["units"]), int(row["repeat_units"])
    if units == 0:
        return []
    what = "victimisation" if role == "victim" else "offending"
    if repeat < threshold:
        return [Paragraph(f"Repeat {what}: fewer than {threshold} {ROLES[role]} appear in more "
                          "than one incident of this theme in the strategic period.")]
    return [Paragraph(
        f"Repeat {what}: {count_text(repeat)} of the {count_text(units)} {ROLES[role]} with a "
        f"person key ({percent_text(100 * row['repeat_share'])}) appear in more than one "
        f"incident of this theme in the strategic period; they account for "
        f"{percent_text(100 * row['repeat_incident_share'])} of its {role} involvements.")]


def _age_chart(theme: Theme, role: str, rows: pd.DataFrame) -> Chart:
    """Bar chart of people by age band; withheld bands are left out and said so."""
    ages = rows[(rows["dimension"] == "Age band") & (rows["value"] != NOT_RECORDED)]
    shown = ages[ages["people"] != SUPPRESSED]
    withheld = len(ages) - len(shown)
    peak = shown.loc[shown["people"].astype(int).idxmax(), "value"] if len(shown) else None
    alt = (f"Bar chart of {ROLES[role]} by age band"
           + (f"; the largest group is aged {peak}" if peak else "")
           + (f"; {withheld} band(s) withheld as small numbers." if withheld else "."))
    return bar_chart(
        id=f"{theme.id}_{role}_ages", title=f"{theme.name}: {ROLES[role]} by age band",
        values=[{"age": str(r.value), "people": int(r.people)}
                for r in shown.itertuples(index=False)],
        category="age", value="people", category_title="Age band",
        value_title=f"{ROLES[role].capitalize()} (distinct people)",
        sort=[str(v) for v in shown["value"]], alt_text=alt, source="people.people_profile",
        table_id=f"{theme.id}_{role}_profile")


def refs_text(refs: list[str]) -> str:
    """Register numbers as a reader lists them.

    >>> refs_text(["D1"]), refs_text(["D1", "D3"]), refs_text(["D1", "D2", "D5"])
    ('D1', 'D1 and D3', 'D1, D2 and D5')
    """
    return refs[0] if len(refs) == 1 else f"{', '.join(refs[:-1])} and {refs[-1]}"


def gap_blocks(evidence: Evidence, item: ThemeEvidence, section: str
               ) -> tuple[str, list[Block]]:
    """Which data requirements a section of a theme needs, in words, and a :class:`DataGap`
    for each need it is the first to raise; a need raised before is referred to by number.

    ``section`` is ``victim``, ``offender`` or ``partner`` (the order a theme's chapter
    names its needs in).
    """
    register = {r.need.id: r for r in data_requirements(evidence)}
    needs = theme_needs(item)
    earlier = {n for s in list(needs)[:list(needs).index(section)] for n in needs[s]}
    wanted = sorted((register[n] for n in needs[section]), key=lambda r: int(r.reference[1:]))
    places: dict[str, list[str]] = {}
    boxes: list[Block] = []
    for r in wanted:
        if r.need.id in earlier:
            place = "above"
        elif r.themes[0] != item.theme.name:
            place = f"under {r.themes[0]}"
        else:
            place = "below"
            boxes.append(DataGap(missing=r.need.missing, would_fill=r.need.would_fill,
                                 owner=r.need.owner,
                                 theme=r.themes[0] if len(r.themes) == 1 else None))
        places.setdefault(place, []).append(r.reference)
    word = "requirement" if len(wanted) == 1 else "requirements"
    where = [f"{refs_text(refs)} {'is' if len(refs) == 1 else 'are'} set out {place}"
             if not index else f"{refs_text(refs)} {place}"
             for index, (place, refs) in enumerate(places.items())]
    text = f"data {word} {refs_text([r.reference for r in wanted])}"
    if len(places) == 1:
        return f"{text}, set out {next(iter(places))}", boxes
    return f"{text}: {', '.join(where)}", boxes


def person_blocks(evidence: Evidence, item: ThemeEvidence, role: str) -> list[Block]:
    """The victim or offender profile of a theme: from partner data, or the data gap.

    police.uk open data never say who was involved: the first theme without partner data on
    people says so; later ones refer back to it. Each names the data requirements that
    would fill its profile, setting out those no earlier theme raised.

    Parameters
    ----------
    evidence
        Everything the document is built from (the register is written from it).
    item
        The theme's evidence.
    role
        ``victim`` or ``offender``.
    """
    threshold = evidence.config.suppression_threshold
    profile = item.people.get(role)
    if profile_needed(item, role):
        needs, boxes = gap_blocks(evidence, item, role)
        first = next(t for t in evidence.themes if t.theme.id == first_without_people(evidence))
        explained = "victim" if profile_needed(first, "victim") else "offender"
        if first is not item:
            text = (f"No {role} data are available for this theme either, as the {explained} "
                    f"profile of {first.theme.name} explains. The {role} profile needs "
                    f"{needs}.")
        elif role == explained:
            text = (f"No {role} data are available for this theme: police.uk open data "
                    "record where and when incidents happened, never who was involved, so no "
                    "theme's victim or offender profile can be drawn from them; later themes "
                    f"refer back here. The {role} profile needs {needs}.")
        else:
            text = (f"No {role} data are available for this theme either. The {role} profile "
                    f"needs {needs}.")
        blocks: list[Block] = [Paragraph(text), *boxes]
        if isinstance(profile, Unavailable):
            blocks.insert(0, unavailable_callout(profile))
        return blocks
    if profile.people < threshold:
        return [Paragraph(
            f"Fewer than {threshold} {ROLES[role]} were recorded for this theme's incidents "
            "in the strategic period: too few to publish a profile without identifying them.")]
    return _profile_blocks(item, role, profile, threshold)


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


def location_note(loc: TopLocations) -> str:
    """What a police.uk location is, and how many points share the most common name."""
    note = ("police.uk publishes no addresses: it moves each incident to the nearest of a set "
            "of anonymised map points and names the point after a nearby street or place. "
            "Each row is one point; its count is the incidents placed there, not at an exact "
            "address.")
    if loc.shared_points > 1:
        note += (f" Different points can share a name: '{loc.shared_name}' names "
                 f"{count_text(loc.shared_points)} points in this period.")
    return note


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
            f"correlation between LSOA rate and IMD score is {d.spearman_rho:.2f}."))
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
                           cells=result.table, what=what, source="temporal.temporal_profile"),
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
    "domestic": ("domestic abuse", "a domestic abuse flag", "domestic or not"),
    "alcohol": ("alcohol-related crime", "an alcohol flag", "alcohol-related or not"),
    "hate": ("hate crime", "a hate crime flag", "hate crime or not"),
}
"""Per incident flag: what it marks, the marker police.uk lacks, and what the figures mix."""


def flag_caveat(evidence: Evidence, item: ThemeEvidence) -> Paragraph:
    """What a flagged theme's police.uk figures cannot tell apart, said before any figure."""
    words = [FLAG_WORDS[flag] for flag in item.theme.flags]
    named = refs_text([w[0] for w in words])
    register = {r.need.id: r.reference for r in data_requirements(evidence)}
    refs = [register[n] for flag in item.theme.flags for n in FLAG_NEEDS[flag]]
    covered = ", ".join(c.lower() for c in item.crime_categories)
    return Paragraph(
        f"{named[0].upper()}{named[1:]} cannot be identified in police.uk data: the open data "
        f"carry no {' or '.join(w[1].split(' ', 1)[1] for w in words)}, so this chapter's "
        f"police figures count all its offences ({covered}), "
        f"{'; '.join(w[2] for w in words)}. Identifying {named} needs data requirements "
        f"{refs_text(refs)} (set out under Partner data needed).")


def _partner_gaps(evidence: Evidence, item: ThemeEvidence) -> list[Block]:
    """The theme's needs beyond police.uk and people: its flags and ``partner_data``."""
    if not theme_needs(item)["partner"]:
        return []
    needs, boxes = gap_blocks(evidence, item, "partner")
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
    children += [
        Section(id=f"{theme.id}_victims", title="Victim profile", level=2,
                children=tuple(person_blocks(evidence, item, "victim"))),
        Section(id=f"{theme.id}_offenders", title="Offender profile", level=2,
                children=tuple(person_blocks(evidence, item, "offender"))),
    ]
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
