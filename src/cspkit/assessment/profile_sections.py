"""The sections of a problem profile, in the SARA structure, written from gathered evidence.

Summary; Scanning (size, change, share of the partnership, trend); Analysis (victims,
offenders, location, repeat locations, time, outcomes); Response (options from the evidence
base); Assessment (the measures to track); and a note on the data and methods. No warehouse
access here: :func:`cspkit.assessment.profile.gather_profile` ran every analysis.

Disclosure control is the assessment's: counts of people below the partnership's
``suppression_threshold`` are withheld (:mod:`cspkit.privacy.disclosure`), with any count
that would reveal one; for a partner source's topic its incident counts are withheld the same
way. police.uk counts are already published by the police and are shown as they are.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cspkit.analysis.people import OUTSIDE, PeopleProfile
from cspkit.assessment.build import period_text
from cspkit.assessment.chapters.parts import CHANGE_COLUMNS, CHANGE_NOTE, unavailable_callout
from cspkit.assessment.citing import month_span, partner_data
from cspkit.assessment.document import (
    SUPPRESSED,
    Block,
    Callout,
    Column,
    DataGap,
    Finding,
    Paragraph,
    Section,
    Table,
)
from cspkit.assessment.evidence import Unavailable
from cspkit.assessment.figures import trend_chart, weekday_hour_chart
from cspkit.assessment.interventions import EARLIER_SITE, topic_category
from cspkit.assessment.locations import UNKNOWN_LOCATION
from cspkit.assessment.wording import Change, count_text, rate_text, share_text
from cspkit.privacy.disclosure import TOTAL, suppress_counts, suppress_groups

if TYPE_CHECKING:
    from cspkit.assessment.profile import ProfileEvidence

ROLE_WORDS = {"victim": "victims", "caller": "people who reported it",
              "offender": "offenders", "suspect": "suspects"}
TOP = 10
BUSINESS_VICTIMS = ("Shoplifting",)
"""Crime types whose victims are mostly businesses, not people."""
NO_DIRECT_VICTIM = ("Drugs", "Possession of weapons")
"""Crime types with no direct victim: police find them, nobody reports being harmed."""
PLACE_NOTE = ("police.uk places each incident at an anonymised map point named after the "
              "nearest street or place; a count is incidents at that point, not at an exact "
              "address.")


# --------------------------------------------------------------------------- wording


def _what(evidence: ProfileEvidence) -> str:
    """The topic inside a sentence ("shoplifting", "ASB reported to the council")."""
    name = evidence.topic.name
    return name if evidence.topic.kind == "partner" else name.lower()


def _data(evidence: ProfileEvidence, *names: str) -> str:
    """The line naming the data under a table or figure."""
    phrases = [p for n in names for p in evidence.citer.phrases(n)]
    return "; ".join(dict.fromkeys(phrases))


def _partner_data(evidence: ProfileEvidence) -> str:
    """The partner data sets the people and times were read from."""
    return _data(evidence, *partner_data(evidence.partner_sources))


def _counted(evidence: ProfileEvidence) -> str:
    """The data the topic is counted from, as :func:`_data` names it."""
    topic = evidence.topic
    return f"partner:{topic.source}" if topic.kind == "partner" else "police"


def _change(evidence: ProfileEvidence, place: str) -> Change:
    size = evidence.size
    row = size.row(place)
    where = evidence.selection.label if place == "area" else row["name"]
    return Change(f"{evidence.topic.name} in {where}", int(row["current"]),
                  int(row["previous"]), float(row["p_value"]), size.alpha, size.small_number)


def _small(evidence: ProfileEvidence, value: float) -> bool:
    """A partner-source count that disclosure control withholds."""
    return (evidence.topic.kind == "partner" and 0 < value < evidence.threshold)


def _withheld_note(threshold: int) -> str:
    return (f"Counts below {threshold} are withheld ({SUPPRESSED}), with any further count "
            "that would reveal one from a total.")


# --------------------------------------------------------------------------- scanning


def _scanning_rows(evidence: ProfileEvidence) -> pd.DataFrame:
    size = evidence.size
    rows = size.table.copy()
    rows["name"] = [evidence.selection.label, rows["name"].iloc[1]]
    rows["share"] = [size.share_current, 1.0]
    counted = ["current", "previous", "change", "pct_change", "p_value", "rate_current",
               "rate_previous", "share"]
    rows[counted] = rows[counted].astype(object)
    for i, row in rows.iterrows():
        if _small(evidence, row["current"]) or _small(evidence, row["previous"]):
            rows.loc[i, counted] = SUPPRESSED
    return rows


def _size_text(evidence: ProfileEvidence) -> str:
    size = evidence.size
    area, whole = size.row("area"), size.row("partnership")
    label = evidence.selection.label
    if _small(evidence, area["current"]):
        count = f"Fewer than {evidence.threshold} incidents of {_what(evidence)} were"
    else:
        count = f"{count_text(area['current'])} incidents of {_what(evidence)} were"
    text = f"{count} recorded in {label} from {period_text(size.period)}"
    if pd.notna(area["rate_current"]) and not _small(evidence, area["current"]):
        text += (f": {rate_text(area['rate_current'])} per 1,000 residents, against "
                 f"{rate_text(whole['rate_current'])} across {whole['name']}")
    return text + "."


def _share_text(evidence: ProfileEvidence) -> str:
    size = evidence.size
    whole = size.row("partnership")
    what = _what(evidence)
    if whole["current"] == 0:
        return f"No {what} was recorded across {whole['name']} in the period."
    label = evidence.selection.label
    recorded = (f"recorded {share_text(size.share_current)} of its {what} "
                f"({share_text(size.share_previous)} in the comparison period)"
                if whole["previous"] else f"recorded {share_text(size.share_current)} of "
                f"its {what}")
    if pd.isna(size.residents_share):
        return f"{label} {recorded} across {whole['name']}."
    return (f"{label} is home to {share_text(size.residents_share)} of "
            f"{whole['name']}'s residents and {recorded}.")


def _scanning(evidence: ProfileEvidence) -> Section:
    size = evidence.size
    area = size.row("area")
    change, everywhere = _change(evidence, "area"), _change(evidence, "partnership")
    blocks: list[Block] = [Paragraph(_size_text(evidence))]
    if not _small(evidence, area["current"]) and not _small(evidence, area["previous"]):
        blocks.append(Finding(change.sentence(), importance=2.0, kind=change.direction,
                              figures={"current": change.current,
                                       "previous": change.previous,
                                       "p_value": change.p_value},
                              source_table="profile_size"))
    blocks += [
        Paragraph(f"Across the partnership: {everywhere.sentence()}"),
        Paragraph(_share_text(evidence)),
        Table(id="profile_size",
              caption=f"{evidence.topic.name}: {period_text(size.period)} against "
                      f"{period_text(size.comparison)}",
              columns=(Column("name", "Area"), *CHANGE_COLUMNS,
                       Column("rate_current", "Per 1,000 residents", "decimal1"),
                       Column("share", "Share of the partnership", "percent")),
              rows=_scanning_rows(evidence), source="problem.problem_size",
              data_source=_data(evidence, _counted(evidence), "census"),
              notes=(CHANGE_NOTE,) + ((_withheld_note(evidence.threshold),)
                                      if evidence.topic.kind == "partner" else ())),
    ]
    monthly = size.monthly
    if any(_small(evidence, v) for v in monthly["area"]):
        blocks.append(Paragraph("The monthly counts are too small to publish as a chart."))
    else:
        blocks.append(dataclasses.replace(trend_chart(
            id="profile_trend",
            title=f"{evidence.topic.name} in {evidence.selection.label} by month, with the "
                  "12-month rolling average",
            series=monthly.rename(columns={"area": "count",
                                           "area_rolling_total": "rolling_total"}),
            what=_what(evidence), source="problem.problem_size"),
            data_source=_data(evidence, _counted(evidence))))
    return Section("scanning", "Scanning: the size of the problem", 1, tuple(blocks))


# --------------------------------------------------------------------------- people


def _victim_gap(evidence: ProfileEvidence) -> DataGap:
    topic = evidence.topic
    if topic.kind == "partner":
        return DataGap(missing=f"Who is harmed by {topic.name}",
                       would_fill=f"The {topic.name} export with the people involved "
                       "(pseudonymised person key, age, sex, home LSOA)",
                       owner="The data owner of the export", theme=topic.name)
    if topic.kind == "asb":
        return DataGap(missing="Who reports the anti-social behaviour, and who reports it "
                       "again and again",
                       would_fill="Council ASB cases and police ASB logs with the caller "
                       "(pseudonymised), age and repeat-caller markers",
                       owner="Council ASB team, Police", theme=topic.name)
    if topic.name in BUSINESS_VICTIMS:
        return DataGap(missing=f"Which shops and businesses suffer {topic.name.lower()}, and "
                       "how often the same ones",
                       would_fill="Police crime extract naming the victim business's premises "
                       "type, or the retailers' own incident reports (a business crime "
                       "partnership)", owner="Police, retailers", theme=topic.name)
    return DataGap(missing=f"Who the victims of {topic.name.lower()} are, and who is "
                   "victimised again", would_fill="Police crime extract with the victim "
                   "(pseudonymised person key, age, sex, ethnicity, home LSOA)",
                   owner="Police", theme=topic.name)


def _offender_gap(evidence: ProfileEvidence) -> DataGap:
    topic = evidence.topic
    if topic.kind == "partner":
        return DataGap(missing=f"Who is responsible for {topic.name}",
                       would_fill=f"The {topic.name} export with the people responsible "
                       "(pseudonymised)", owner="The data owner of the export",
                       theme=topic.name)
    owner = "Council ASB team, Police" if topic.kind == "asb" else "Police"
    return DataGap(missing=f"Who commits {_what(evidence)}: age, sex, home area, repeat "
                   "offending", would_fill="Police crime extract (or ASB case records) with "
                   "suspects and offenders, pseudonymised; youth justice first-time entrants",
                   owner=f"{owner}, Youth Offending Service", theme=topic.name)


def _withheld(counts: pd.Series, total: int, reason: pd.Series) -> pd.DataFrame:
    shown = (reason == "").to_numpy()
    people = counts.astype(object).where(shown, SUPPRESSED)
    share = (counts / total if total else counts * np.nan).astype(object).where(shown,
                                                                                 SUPPRESSED)
    return pd.DataFrame({"people": people.to_numpy(), "share": share.to_numpy()})


def _profile_tables(role: str, profile: PeopleProfile, threshold: int, data: str,
                    area: str) -> list[Block]:
    counts = profile.table.set_index(["dimension", "value"])["people"]
    reason = suppress_groups(counts, threshold=threshold)
    rows = pd.concat([profile.table[["dimension", "value"]].reset_index(drop=True),
                      _withheld(counts, profile.people, reason)], axis=1)
    rows["dimension"] = rows["dimension"].str.replace("_", " ").str.capitalize()
    wards = profile.home_wards.assign(ward_name=profile.home_wards["ward_name"].replace(
        OUTSIDE, f"Outside {area}"))
    ward_counts = wards.set_index(wards["ward_name"].fillna(""))["people"]
    ward_reason = suppress_counts(ward_counts.to_frame("people"),
                                  threshold=threshold).reason["people"].drop(TOTAL)
    ward_rows = pd.concat([wards[["ward_name"]].reset_index(drop=True),
                           _withheld(ward_counts, profile.people, ward_reason)], axis=1)
    note = (_withheld_note(threshold),)
    return [
        Table(id=f"profile_{role}_profile", caption=f"{ROLE_WORDS[role].capitalize()} by age "
              "band, sex and ethnicity",
              columns=(Column("dimension", "Characteristic"), Column("value", "Value"),
                       Column("people", "People", "integer"),
                       Column("share", "Share", "percent")),
              rows=rows, source="people.people_profile", notes=note, data_source=data),
        Table(id=f"profile_{role}_home_wards", caption=f"Where the {ROLE_WORDS[role]} live",
              columns=(Column("ward_name", "Home ward"), Column("people", "People", "integer"),
                       Column("share", "Share", "percent")),
              rows=ward_rows, source="people.people_profile", notes=note,
              data_source=data),
    ]


def _repeat_figures(evidence: ProfileEvidence, role: str) -> pd.Series | Unavailable | None:
    """One role's row of the repeats table (``None`` when repeats were not counted for it
    or nobody of the role carried a person key)."""
    if evidence.repeats is None or role not in ("victim", "offender"):
        return None
    if isinstance(evidence.repeats, Unavailable):
        return evidence.repeats
    figures = evidence.repeats.table.set_index("unit").loc[role]
    return figures if int(figures["units"]) else None


def _repeat_text(evidence: ProfileEvidence, role: str) -> list[Block]:
    figures = _repeat_figures(evidence, role)
    if figures is None:
        return []
    if isinstance(figures, Unavailable):
        return [unavailable_callout(figures)]
    words = ROLE_WORDS[role]
    if figures["repeat_units"] < evidence.threshold:
        return [Paragraph(f"Repeats: fewer than {evidence.threshold} {words} were involved in "
                          "two or more of these incidents.")]
    return [Paragraph(
        f"Repeats: {count_text(figures['repeat_units'])} {words} "
        f"({share_text(figures['repeat_share'])} of the {count_text(figures['units'])} with "
        f"a person key) were involved in two or more of these incidents; their involvements "
        f"are {share_text(figures['repeat_incident_share'])} of all.")]


def _role_blocks(evidence: ProfileEvidence, role: str) -> list[Block]:
    profile = evidence.people[role]
    if isinstance(profile, Unavailable):
        return [unavailable_callout(profile)]
    words = ROLE_WORDS[role]
    if profile.people < evidence.threshold:
        return [Paragraph(f"Fewer than {evidence.threshold} {words} were recorded: too few to "
                          "describe without identifying them.")]
    missing = ", ".join(f"{name.replace('_', ' ')} {share_text(share)}"
                        for name, share in profile.not_recorded.items())
    return [
        Paragraph(f"{count_text(profile.people)} {words} (distinct people) were recorded, "
                  f"from {count_text(profile.involvements)} involvements. Not recorded: "
                  f"{missing}."),
        *_repeat_text(evidence, role),
        *_profile_tables(role, profile, evidence.threshold,
                         _data(evidence, *partner_data(profile.sources)),
                         evidence.selection.label),
    ]


def _side(evidence: ProfileEvidence, roles: tuple[str, ...], gap: DataGap) -> list[Block]:
    """One side of the triangle: the people of the roles partner data hold, or the gap."""
    shown = [r for r in roles if r in evidence.people]
    if "victim" in roles and not shown and evidence.topic.name in NO_DIRECT_VICTIM:
        return [Paragraph(f"{evidence.topic.name} offences have no direct victim: they are "
                          "found by the police rather than reported, so where and when they "
                          "are found (below) stands in for this side of the triangle.")]
    blocks: list[Block] = []
    for role in shown:
        blocks += _role_blocks(evidence, role)
    if not shown or all(isinstance(evidence.people[r], Unavailable) for r in shown):
        blocks += [Paragraph("No data on these people are loaded for this topic: police.uk "
                             "open data record where and when, never who."), gap]
    return blocks


# --------------------------------------------------------------------------- place and time


def _location(evidence: ProfileEvidence) -> list[Block]:
    by_lsoa = evidence.size.by_lsoa
    total = int(by_lsoa["current"].sum())
    if total == 0:
        return [Paragraph(f"No {_what(evidence)} was recorded in the area in the period.")]
    rows = by_lsoa.copy()
    notes: tuple[str, ...] = ()
    if evidence.topic.kind == "partner":
        hidden = suppress_counts(rows.set_index("lsoa_code")[["current", "previous"]],
                                 threshold=evidence.threshold).reason.drop(TOTAL)
        for column in ("current", "previous"):
            shown = (hidden[column] == "").to_numpy()
            rows[column] = rows[column].astype(object).where(shown, SUPPRESSED)
        rows["share"] = rows["share"].astype(object).where(
            (hidden["current"] == "").to_numpy(), SUPPRESSED)
        notes = (_withheld_note(evidence.threshold),)
    top = by_lsoa.iloc[0]
    blocks: list[Block] = []
    if len(by_lsoa) > 1:
        first = ("One LSOA" if _small(evidence, top["current"]) else
                 f"{top['lsoa_name']} ({top['ward_name']})")
        blocks.append(Paragraph(
            f"{first} recorded {share_text(top['share'])} of the area's {_what(evidence)}; "
            f"the {min(3, len(by_lsoa))} busiest of its {len(by_lsoa)} LSOAs together "
            f"{share_text(by_lsoa['share'].head(3).sum())}."))
    blocks.append(Table(
        id="profile_lsoas", caption=f"{evidence.topic.name} by LSOA of the area",
        columns=(Column("lsoa_name", "LSOA"), Column("ward_name", "Ward"),
                 Column("current", "Strategic period", "integer"),
                 Column("previous", "Comparison period", "integer"),
                 Column("share", "Share of the area", "percent")),
        rows=rows.head(TOP), source="problem.problem_size",
        data_source=_data(evidence, _counted(evidence)), notes=notes))
    return blocks


def _repeat_locations(evidence: ProfileEvidence) -> list[Block]:
    found = evidence.locations
    if isinstance(found, Unavailable):
        return [unavailable_callout(found)]
    table = found.table
    located = table[table["location"] != UNKNOWN_LOCATION]
    if found.total == 0:
        return [Paragraph(f"No {_what(evidence)} was recorded in the area in the period.")]
    if located.empty:
        return [Paragraph(f"The records of {_what(evidence)} carry no location text.")]
    repeat = located[located["count"] >= 2]
    rows = located.head(TOP).copy()
    notes: tuple[str, ...] = (PLACE_NOTE,)
    if evidence.topic.kind == "partner":
        small = rows["count"] < evidence.threshold
        rows[["count", "share"]] = rows[["count", "share"]].astype(object)
        rows.loc[small, ["count", "share"]] = SUPPRESSED
        notes += (_withheld_note(evidence.threshold),)
    top = located.iloc[0]
    text = (f"The {count_text(found.total)} incidents were recorded at "
            f"{count_text(len(located))} different locations; {count_text(len(repeat))} of "
            f"them had two or more, together {share_text(repeat['count'].sum() / found.total)} "
            "of the incidents.")
    if not _small(evidence, top["count"]):
        text += (f" The most frequent, '{top['location']}', had {count_text(top['count'])} "
                 f"({share_text(top['share'])}).")
    return [Paragraph(text), Table(
        id="profile_locations", caption=f"The {TOP} most frequent locations of "
        f"{_what(evidence)}",
        columns=(Column("rank", "Rank", "integer"), Column("location", "Location"),
                 Column("count", "Incidents", "integer"), Column("share", "Share", "percent")),
        rows=rows, source="assessment.locations.top_locations",
        data_source=_data(evidence, _counted(evidence)), notes=notes)]


def _time_gap(evidence: ProfileEvidence) -> DataGap:
    return DataGap(missing=f"Time of day and day of week of {_what(evidence)}",
                   would_fill="Police crime extract (or incident logs) with the date and time "
                   "of each offence", owner="Police", theme=evidence.topic.name)


def _time(evidence: ProfileEvidence) -> list[Block]:
    size = evidence.size
    months = size.monthly[size.monthly["period"] == "current"]
    blocks: list[Block] = []
    if months["area"].sum() and not any(_small(evidence, v) for v in months["area"]):
        high = months.sort_values(["area", "month"], ascending=[False, True]).iloc[0]
        low = months.sort_values(["area", "month"]).iloc[0]
        blocks.append(Paragraph(
            f"By month: the most in {month_span(high['month'], high['month'])} "
            f"({count_text(high['area'])}), the fewest in {month_span(low['month'], low['month'])}"
            f" ({count_text(low['area'])}); the trend chart above shows every month with the "
            "12-month rolling average."))
    timing = evidence.timing
    if isinstance(timing, Unavailable):
        return [*blocks, unavailable_callout(timing), _time_gap(evidence)]
    if timing is None or timing.timed == 0:
        return [*blocks, Paragraph(
            "No times of day are loaded for this topic: police.uk open data give the month "
            "only."), _time_gap(evidence)]
    day = timing.by_weekday.sort_values(["count", "weekday"], ascending=[False, True]).iloc[0]
    hour = timing.by_hour.sort_values(["count", "hour"], ascending=[False, True]).iloc[0]
    return [*blocks, Paragraph(
        f"Of {count_text(timing.dated)} dated incidents in the partner data, the busiest day "
        f"was {day['weekday_name']} ({share_text(day['share'])}); of "
        f"{count_text(timing.timed)} with a time, the busiest hour began at "
        f"{int(hour['hour']):02d}:00 ({share_text(hour['share'])})."),
        dataclasses.replace(weekday_hour_chart(
            id="profile_timing", title=f"{evidence.topic.name} by day and hour",
            cells=timing.table, what=_what(evidence), source="temporal.temporal_profile"),
            data_source=_data(evidence, *partner_data(timing.sources)))]


def _outcomes(evidence: ProfileEvidence) -> list[Block]:
    outcomes = evidence.outcomes
    if outcomes is None:
        return [Paragraph(f"police.uk publishes no outcomes for {_what(evidence)}.")]
    if isinstance(outcomes, Unavailable):
        return [unavailable_callout(outcomes)]
    mine = outcomes.table[(outcomes.table["kind"] == "crime_type")
                          & (outcomes.table["group"] == evidence.topic.name)]
    if mine.empty:
        return [Paragraph(f"No {_what(evidence)} was recorded in the area in the period.")]
    summary = outcomes.summary.set_index(["kind", "group"]).loc[("crime_type",
                                                                 evidence.topic.name)]
    crimes = int(summary["crimes"])
    first = mine.iloc[0]
    return [
        Paragraph(f"Of the {count_text(crimes)} crimes, the latest outcome of "
                  f"{share_text(first['share'])} was '{first['outcome']}'; "
                  f"{share_text(summary['under_investigation_share'])} were still under "
                  f"investigation, and {count_text(summary['with_outcome_record'])} had a "
                  "record in the outcomes files."),
        Table(id="profile_outcomes", caption="Latest police outcome of the period's "
              f"{_what(evidence)}",
              columns=(Column("outcome", "Latest outcome"),
                       Column("count", "Crimes", "integer"),
                       Column("share", "Share of the crimes", "percent"),
                       Column("from_outcome_records", "From the outcomes files", "integer")),
              rows=mine, source="outcomes.outcome_profile",
              data_source=evidence.citer.cite("outcomes"),
              notes=("A later download carries later outcomes: crimes of the last months "
                     "are often still under investigation.",)),
    ]


def _analysis(evidence: ProfileEvidence) -> Section:
    sides = [
        ("victims", "Victims" if evidence.topic.kind != "asb" else "Victims and callers",
         _side(evidence, ("victim", "caller"), _victim_gap(evidence))),
        ("offenders", "Offenders", _side(evidence, ("offender", "suspect"),
                                         _offender_gap(evidence))),
        ("location", "Location", _location(evidence)),
        ("repeat_locations", "Repeat locations", _repeat_locations(evidence)),
        ("time", "Time", _time(evidence)),
        ("outcomes", "Outcomes", _outcomes(evidence)),
    ]
    used = _partner_data(evidence)
    intro = Paragraph(
        "A crime happens when an offender and a suitable victim or target meet at a place "
        "with no one able to stop it. The problem analysis triangle looks at each side in "
        "turn, then at when it happens and what follows."
        + (f" People and times come from the partner data loaded: {used}." if used else ""))
    return Section("analysis", "Analysis: the problem analysis triangle", 1, (
        intro, *(Section(f"analysis_{key}", title, 2, tuple(blocks))
                 for key, title, blocks in sides)))


# --------------------------------------------------------------------------- response


def _response(evidence: ProfileEvidence) -> Section:
    base = evidence.evidence_base
    options = base.options_for(topic_category(evidence.topic))
    rows = [{"name": i.name, "what": i.what, "effect": i.effect,
             "evidence_quality": i.evidence_quality, "summary": i.summary,
             "reference": i.reference, "url": i.url} for i in options]
    read = sorted({i.checked for i in options})
    notes = ["Effect and quality of evidence: the toolkit's ratings as published on the page "
             "cited" + (f", read on {read[-1].day} {read[-1]:%B %Y}" if read else "")
             + "; what the evidence found: this profile's summary of that page."]
    if any(i.earlier_page for i in options):
        notes.append(f"The toolkit's earlier pages ({EARLIER_SITE}) state the effect in a "
                     "sentence and show the quality as a count of icons.")
    return Section("response", "Response: options from the evidence", 1, (
        Paragraph(
            f"Options for {_what(evidence)} from the {base.toolkit}, which rates each "
            "intervention's effect on crime and the quality of the evidence for it. Choose "
            "among them with the analysis above: where the problem concentrates, when it "
            "happens, and who is involved."),
        Table(id="profile_response_options", caption=f"Response options for {_what(evidence)}",
              columns=(Column("name", "Option", width=11), Column("what", "What it is", width=18),
                       Column("effect", "Effect on crime (toolkit)", width=10),
                       Column("evidence_quality", "Quality of evidence (toolkit)", width=10),
                       Column("summary", "What the evidence found", width=17),
                       Column("reference", "Review", width=17),
                       Column("url", "Toolkit page", width=17)),
              rows=rows, source="assessment.interventions",
              data_source=f"{base.toolkit} ({base.toolkit_url}) and the reviews cited",
              notes=tuple(notes)),
    ))


# --------------------------------------------------------------------------- assessment


def measures(evidence: ProfileEvidence) -> list[dict[str, Any]]:
    """The measures to track, as plain data ready to become structured tracker measures:
    ``key``, ``label``, ``unit``, ``aim``, ``baseline`` and ``comparison`` (each ``period``
    and ``value``; ``value`` null when withheld or not computed), ``topic``, ``areas`` (codes
    and LSOAs, so the measure can be recomputed) and ``computed_by``."""
    size = evidence.size
    area = size.row("area")
    label = evidence.selection.label
    what = _what(evidence)
    topic = evidence.topic
    common = {
        "topic": {"name": topic.name, "source": topic.source,
                  "categories": list(topic.categories) if topic.categories else None},
        "areas": {"codes": list(evidence.selection.codes),
                  "lsoas": list(evidence.selection.lsoa_codes),
                  "names": list(evidence.selection.names)},
    }
    baseline = f"{size.period.start}:{size.period.end}"
    previous = f"{size.comparison.start}:{size.comparison.end}"

    def count(value: float) -> int | None:
        return None if _small(evidence, value) else int(value)

    def measure(key: str, text: str, unit: str, now: Any, before: Any, by: str) -> dict:
        return {"key": key, "label": text, "unit": unit, "aim": "reduce",
                "baseline": {"period": baseline, "value": now},
                "comparison": {"period": previous, "value": before}, **common,
                "computed_by": by}

    problem = "cspkit.analysis.problem.problem_size"
    out = [measure("count", f"{topic.name} recorded in {label}", "incidents",
                   count(area["current"]), count(area["previous"]), problem)]
    if pd.notna(area["rate_current"]):
        out.append(measure("rate", f"{topic.name} per 1,000 residents of {label}",
                           "per 1,000 residents",
                           None if _small(evidence, area["current"])
                           else round(float(area["rate_current"]), 2),
                           None if _small(evidence, area["previous"])
                           else round(float(area["rate_previous"]), 2), problem))
    if not np.isnan(size.share_current):
        out.append(measure("share", f"{label}'s share of the partnership's {what}", "share",
                           round(size.share_current, 4),
                           None if np.isnan(size.share_previous)
                           else round(size.share_previous, 4), problem))
    found = evidence.locations
    if not isinstance(found, Unavailable):
        located = found.table[found.table["location"] != UNKNOWN_LOCATION]
        at_repeats = int(located.loc[located["count"] >= 2, "count"].sum())
        out.append(measure("repeat_locations", f"{topic.name} at locations with two or more "
                           "incidents", "incidents", count(at_repeats), None,
                           "cspkit.assessment.locations.top_locations"))
    for role in ("victim", "offender"):
        figures = _repeat_figures(evidence, role)
        if isinstance(figures, pd.Series) and figures["repeat_units"] >= evidence.threshold:
            out.append(measure(f"repeat_{role}s", f"Share of {role} involvements that are "
                               f"repeat {ROLE_WORDS[role]}", "share",
                               round(float(figures["repeat_incident_share"]), 4), None,
                               "cspkit.analysis.repeats.repeats"))
    return out


def _measure_text(unit: str, value: float | None) -> str | None:
    """A measure's value as a reader sees it (None: withheld or not computed)."""
    if value is None:
        return None
    if unit == "share":
        return f"{100 * value:.1f}%"
    return rate_text(value) if unit.startswith("per ") else count_text(value)


def _assessment(evidence: ProfileEvidence) -> Section:
    rows = [{"label": m["label"], "unit": m["unit"],
             "baseline": _measure_text(m["unit"], m["baseline"]["value"]),
             "comparison": _measure_text(m["unit"], m["comparison"]["value"]),
             "aim": m["aim"]}
            for m in measures(evidence)]
    return Section("assessment", "Assessment: the measures to track", 1, (
        Paragraph(
            "Track these measures from the start of the response, against their baseline "
            f"({period_text(evidence.period)}). A change is real when the exact test says so "
            "(as in the Scanning table), and is the response's when the rest of the "
            "partnership did not change as much over the same months."),
        Table(id="profile_measures", caption="Measures to track, with their baseline",
              columns=(Column("label", "Measure"), Column("unit", "Unit"),
                       Column("baseline", "Baseline (strategic period)"),
                       Column("comparison", "Comparison period"),
                       Column("aim", "Aim")),
              rows=rows, source="problem.problem_size",
              data_source=_data(evidence, _counted(evidence), "census",
                                *(f"partner:{s}" for s in evidence.partner_sources)),
              notes=("The same measures are written to measures.json, ready to add to the "
                     "plan tracker.", "[x]: not computed for the comparison period, or "
                     "withheld.")),
    ))


# --------------------------------------------------------------------------- summary, about


def _summary(evidence: ProfileEvidence) -> Section:
    size = evidence.size
    area = size.row("area")
    change = _change(evidence, "area")
    found: list[Block] = [
        Paragraph(f"This profile follows the SARA model (scanning, analysis, response, "
                  f"assessment) for {_what(evidence)} in {evidence.selection.label}, "
                  f"{period_text(size.period)}, prepared for {evidence.config.name}."),
        Finding(_size_text(evidence), importance=3.0, kind="note",
                source_table="profile_size"),
    ]
    if not _small(evidence, area["current"]) and not _small(evidence, area["previous"]):
        found.append(Finding(change.sentence(), importance=2.0, kind=change.direction,
                             figures={"current": change.current, "previous": change.previous},
                             source_table="profile_size"))
    found.append(Finding(_share_text(evidence), importance=1.0, kind="note",
                         source_table="profile_size"))
    gaps = [r for r in ("victim", "offender") if r not in evidence.people]
    if gaps:
        found.append(Paragraph(
            f"No {' or '.join(gaps)} data are loaded for this topic: the Analysis names the "
            "data that would fill the gap."))
    options = evidence.evidence_base.options_for(topic_category(evidence.topic))
    found.append(Paragraph(
        f"Response: {len(options)} options from the {evidence.evidence_base.toolkit}. "
        "Assessment: the measures to track, with their baselines."))
    return Section("summary", "Summary", 1, tuple(found))


def _about(evidence: ProfileEvidence) -> Section:
    size = evidence.size
    selection = evidence.selection
    drawn = (" The area was drawn on a map: it holds the LSOAs whose representative point "
             "(a point always inside the LSOA) falls inside the drawing."
             if selection.polygons else "")
    lsoas = size.by_lsoa.sort_values("lsoa_code")
    return Section("about", "About this profile", 1, (
        Callout("Data and methods", (
            f"Counts are incidents of {_what(evidence)} ({_data(evidence, _counted(evidence))})"
            f" placed in the area's {len(selection.lsoa_codes)} LSOAs, "
            f"{period_text(size.period)} against "
            f"{period_text(size.comparison)}.{drawn} A change is tested with the two-sided "
            "exact Poisson test for two counts of equal exposure; counts below "
            f"{size.small_number} in either period are small numbers. Rates are per 1,000 "
            "residents (Census 2021). People are counted once each (by their pseudonymised "
            f"key); counts of people below {evidence.threshold} are withheld, with any count "
            "that would reveal one."), tone="note"),
        Table(id="profile_area_lsoas", caption="The LSOAs of the area",
              columns=(Column("lsoa_code", "LSOA code"), Column("lsoa_name", "LSOA"),
                       Column("ward_name", "Ward")),
              rows=lsoas, source="problem.problem_size",
              data_source=_data(evidence, "lsoa_boundaries") if selection.polygons
              else "ONS LSOA to ward to local authority lookup"),
    ))


def profile_sections(evidence: ProfileEvidence) -> list[Section]:
    """The profile's level-1 sections in reading order; every table and figure names its
    data."""
    return [_summary(evidence), _scanning(evidence), _analysis(evidence),
            _response(evidence), _assessment(evidence), _about(evidence)]
