"""The people of a theme: one profile per role the partner data carry, or the data gap.

police.uk open data describe places, not people. When ``person_involvement`` links people
to a theme's incidents, each role gets its own profile under its own name — victims, the
callers who report anti-social behaviour, suspects, offenders (ASB's perpetrators) — by age
band, sex, ethnicity and home ward, with repeats (``analysis.repeats``). Without them, the
roles a theme needs (victims or callers, and offenders) each name the data that would fill
them as a data gap.

Disclosure control: every count is person-level, so counts below the threshold are withheld
([c]) with any count that would reveal one (``privacy.disclosure``), and every sentence is
written from the suppressed tables, never from the raw counts: a share is printed only for a
count the table shows, and a count is given "of" a total only when what is left is shown too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cspkit.analysis.involvement import NOT_RECORDED
from cspkit.analysis.people import PeopleProfile
from cspkit.assessment.chapters.parts import (
    suppressed_counts,
    unavailable_callout,
    withheld_note,
)
from cspkit.assessment.citing import partner_data, reading
from cspkit.assessment.document import (
    SUPPRESSED,
    Block,
    Chart,
    Column,
    Paragraph,
    Section,
    Table,
)
from cspkit.assessment.evidence import Evidence, ThemeEvidence, Unavailable
from cspkit.assessment.figures import bar_chart
from cspkit.assessment.gaps import (
    asb_only,
    first_without_people,
    open_role_need,
    section_gaps,
    theme_roles,
)
from cspkit.assessment.wording import count_text, percent_text
from cspkit.privacy.disclosure import suppress_counts


@dataclass(frozen=True)
class RoleWords:
    """How the document names the people of one role."""

    singular: str
    plural: str
    repeat: str

    @property
    def title(self) -> str:
        return f"{self.singular.capitalize()} profile"


ROLE_WORDS = {
    "victim": RoleWords("victim", "victims", "Repeat victimisation"),
    "caller": RoleWords("caller", "callers", "Repeat callers"),
    "suspect": RoleWords("suspect", "suspects", "Repeat suspects"),
    "offender": RoleWords("offender", "offenders", "Repeat offending"),
}
PERPETRATOR = RoleWords("perpetrator", "perpetrators", "Repeat perpetrators")
"""Anti-social behaviour is not a crime: the people it is reported against (the warehouse's
``offender`` role in council ASB cases) are its perpetrators."""

REPEAT = "In more than one incident"
ONCE = "In one incident"
NO_KEY = "No person key"


def role_words(item: ThemeEvidence, role: str) -> RoleWords:
    """The words for ``role`` in this theme's chapter."""
    return PERPETRATOR if role == "offender" and asb_only(item) else ROLE_WORDS[role]


def _not_recorded(rows: pd.DataFrame) -> str:
    """The "Not recorded" share of one suppressed breakdown, or "withheld"."""
    row = rows[rows["value"] == NOT_RECORDED].iloc[0]
    return "withheld" if row["people"] == SUPPRESSED else percent_text(100 * row["share"])


def _profile_blocks(item: ThemeEvidence, role: str, profile: PeopleProfile,
                    threshold: int) -> list[Block]:
    theme = item.theme
    words = role_words(item, role)
    # each characteristic sums to the published total, so each is protected on its own
    parts = {dimension: suppressed_counts(part.set_index("value")["people"], threshold,
                                          column="people").reset_index(names="value")
             for dimension, part in profile.table.groupby("dimension", sort=False)}
    rows = pd.concat([part.assign(dimension=dimension.replace("_", " ").capitalize())
                      for dimension, part in parts.items()], ignore_index=True)
    wards = profile.home_wards.assign(ward_name=profile.home_wards["ward_name"].fillna(""))
    ward_rows = suppressed_counts(wards.set_index("ward_name")["people"], threshold,
                                  column="people").reset_index(names="ward_name")
    missing = ", ".join(
        [f"{dimension.replace('_', ' ')} {_not_recorded(part)}"
         for dimension, part in parts.items()]
        + [f"home ward {_not_recorded(ward_rows.rename(columns={'ward_name': 'value'}))}"])
    note = withheld_note(threshold)
    # cite the partner sources that recorded these people, not every partner data set
    source = reading("people.people_profile", partner_data(profile.sources))
    return [
        Paragraph(
            f"{count_text(profile.people)} {words.plural} (distinct people) were recorded for "
            f"this theme's incidents in the strategic period. Not recorded: {missing}."),
        *_repeat_blocks(item, role, threshold),
        _age_chart(item, role, rows, source),
        Table(id=f"{theme.id}_{role}_profile",
              caption=f"{theme.name}: {words.plural} by age band, sex and ethnicity",
              columns=(Column("dimension", "Characteristic"), Column("value", "Value"),
                       Column("people", "People", "integer"),
                       Column("share", "Share", "percent")),
              rows=rows, source=source, notes=(note,)),
        Table(id=f"{theme.id}_{role}_home_wards",
              caption=f"{theme.name}: where the {words.plural} live",
              columns=(Column("ward_name", "Home ward"), Column("people", "People", "integer"),
                       Column("share", "Share", "percent")),
              rows=ward_rows, source=source, notes=(note,)),
    ]


def _repeat_blocks(item: ThemeEvidence, role: str, threshold: int) -> list[Block]:
    """One sentence on the role's repeats, written from the people split (with a person key
    in more than one incident, in one, without a key) after suppression."""
    result = item.repeats
    if result is None:
        return []
    if isinstance(result, Unavailable):
        return [unavailable_callout(result)]
    row = result.table.set_index("unit").loc[role]
    repeat, units, keyless = int(row["repeat_units"]), int(row["units"]), int(row["without_key"])
    split = suppress_counts(pd.DataFrame({"people": [repeat, units - repeat, keyless]},
                                         index=[REPEAT, ONCE, NO_KEY]), threshold=threshold)
    reason = split.reason["people"]
    words = role_words(item, role)
    where = "of this theme in the strategic period"
    head = f"{words.repeat}: "
    if reason[REPEAT] == "primary":
        return [Paragraph(f"{head}fewer than {threshold} {words.plural} appear in more than "
                          f"one incident {where}.")]
    if reason[REPEAT] == "secondary":
        return [Paragraph(f"{head}the number of {words.plural} in more than one incident "
                          f"{where} is withheld, as it would reveal a small number.")]
    if reason[ONCE] != "":
        # what is left of the people is withheld, so neither it nor a share is stated
        text = (f"no {words.plural} appear in more than one incident {where}." if repeat == 0
                else f"{count_text(repeat)} {words.plural} appear in more than one incident "
                f"{where}; how many appear once or have no person key is withheld, as it "
                "would reveal a small number.")
        return [Paragraph(head + text)]
    if repeat == 0:
        text = (f"none of the {count_text(units)} {words.plural} with a person key appears in "
                f"more than one incident {where}.")
    else:
        text = (f"{count_text(repeat)} of the {count_text(units)} {words.plural} with a person "
                f"key ({percent_text(100 * row['repeat_share'])}) appear in more than one "
                f"incident {where}; they account for "
                f"{percent_text(100 * row['repeat_incident_share'])} of its {words.singular} "
                "involvements.")
    if keyless:
        text += (f" {count_text(keyless)} had no person key, so could not be matched across "
                 "incidents.")
    return [Paragraph(head + text)]


def _age_chart(item: ThemeEvidence, role: str, rows: pd.DataFrame, source: str) -> Chart:
    """Bar chart of people by age band; withheld bands are left out and said so."""
    theme = item.theme
    words = role_words(item, role)
    ages = rows[(rows["dimension"] == "Age band") & (rows["value"] != NOT_RECORDED)]
    shown = ages[ages["people"] != SUPPRESSED]
    withheld = len(ages) - len(shown)
    peak = shown.loc[shown["people"].astype(int).idxmax(), "value"] if len(shown) else None
    alt = (f"Bar chart of {words.plural} by age band"
           + (f"; the largest group shown is aged {peak}" if peak else "")
           + (f"; {withheld} band(s) withheld as small numbers." if withheld else "."))
    return bar_chart(
        id=f"{theme.id}_{role}_ages", title=f"{theme.name}: {words.plural} by age band",
        values=[{"age": str(r.value), "people": int(r.people)}
                for r in shown.itertuples(index=False)],
        category="age", value="people", category_title="Age band",
        value_title=f"{words.plural.capitalize()} (distinct people)",
        sort=[str(v) for v in shown["value"]], alt_text=alt, source=source,
        table_id=f"{theme.id}_{role}_profile")


def person_blocks(evidence: Evidence, item: ThemeEvidence, role: str) -> list[Block]:
    """The profile of one role in a theme: from partner data, or the data it needs.

    police.uk open data never say who was involved: the first profile left open for want
    of partner data says so; later ones refer back to it. Each names the data requirements
    that would fill it (:func:`~cspkit.assessment.gaps.section_gaps`), setting out those no
    earlier section raised.

    Parameters
    ----------
    evidence
        Everything the document is built from: the suppression threshold, the partner data
        the warehouse holds (a role's need closes when its export is loaded for the whole
        period, whether or not it names anyone in this theme) and the register.
    item
        The theme's evidence.
    role
        A ``person_involvement`` role: ``victim``, ``caller``, ``suspect`` or ``offender``.
    """
    words = role_words(item, role)
    profile = item.people.get(role)
    threshold = evidence.config.suppression_threshold
    if open_role_need(item, role, evidence.partner_coverage):
        needs, boxes = section_gaps(evidence, item, role)
        blocks: list[Block] = [Paragraph(_no_people(evidence, item, role, needs)), *boxes]
        if isinstance(profile, Unavailable):
            blocks.insert(0, unavailable_callout(profile))
        return blocks
    if isinstance(profile, Unavailable):
        return [unavailable_callout(profile)]
    if profile is None or profile.people == 0:
        return [Paragraph(_nobody(item, words))]
    if profile.people < threshold:
        return [Paragraph(
            f"Fewer than {threshold} {words.plural} were recorded for this theme's incidents "
            "in the strategic period: too few to publish a profile without identifying them.")]
    return _profile_blocks(item, role, profile, threshold)


def _no_people(evidence: Evidence, item: ThemeEvidence, role: str, needs: str) -> str:
    """Why a role has no profile: said in full once, in the first profile left open, and
    referred to after that."""
    words = role_words(item, role)
    theme_id, first_role = first_without_people(evidence)
    if (theme_id, first_role) == (item.theme.id, role):
        return (f"No {words.singular} data are available for this theme: police.uk open data "
                "record where and when incidents happened, never who was involved, so no "
                "theme's victims, callers or offenders can be described from them; later "
                f"profiles refer back here. The {words.singular} profile needs {needs}.")
    first = next(t for t in evidence.themes if t.theme.id == theme_id)
    where = ("above" if first is item
             else f"the {role_words(first, first_role).singular} profile of {first.theme.name}")
    return (f"No {words.singular} data are available for this theme either (why: see "
            f"{where}). The {words.singular} profile needs {needs}.")


def _nobody(item: ThemeEvidence, words: RoleWords) -> str:
    """Why a role whose partner data are loaded has no profile."""
    theme = item.theme
    if theme.categories or theme.flags:
        return (f"The partner data loaded record no {words.plural} for this theme's incidents "
                "in the strategic period.")
    return (f"The partner data are loaded, but this theme names no crime types or flags to "
            f"select incidents by, so they give it no {words.singular} profile.")


def people_sections(evidence: Evidence, item: ThemeEvidence) -> list[Section]:
    """One section per role the theme shows (see :func:`~cspkit.assessment.gaps.
    theme_roles`)."""
    return [Section(id=f"{item.theme.id}_{role}s", title=role_words(item, role).title,
                    level=2, children=tuple(person_blocks(evidence, item, role)))
            for role in theme_roles(item)]
