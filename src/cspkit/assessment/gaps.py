"""Data gaps and the data requirements register: one entry per distinct data need.

A theme needs data beyond police.uk for the people of its profiles (victims, callers,
offenders: the partner export behind each role), for its incident flags, for its
``partner_sources`` and for its ``partner_data``. Every need tied to data cspkit can load
closes when those data arrive: a partner export or a flag is there when the warehouse holds
it for every month of the strategic period, the rule the analyses apply before they use it
(:class:`~cspkit.assessment.evidence.PartnerCoverage`). A ``partner_data`` need stays until
the partnership removes it: cspkit cannot tell when such data arrive.

The register lists each open need once (:func:`data_requirements`), numbered in reading
order, with its one owner agency and every theme it serves; the chapters set each need out
where it first arises, as a :class:`~cspkit.assessment.document.DataGap`, and refer to it by
number after that (:func:`section_gaps`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cspkit.analysis.involvement import COUNCIL_ASB, PARTNER_SOURCES, POLICE_EXTRACT
from cspkit.assessment.data_needs import DATA_NEEDS, FLAG_NEEDS, DataNeed
from cspkit.assessment.document import DataGap
from cspkit.assessment.evidence import (
    ROLES,
    Evidence,
    PartnerCoverage,
    ThemeEvidence,
    Unavailable,
)
from cspkit.assessment.wording import names_text

PARTNER = "partner"
"""The section of a theme's chapter naming its needs beyond people ("Partner data needed")."""


def asb_only(item: ThemeEvidence) -> bool:
    """Whether the theme is anti-social behaviour alone (no crime types)."""
    return item.includes_asb and not item.crime_categories


def theme_roles(item: ThemeEvidence) -> tuple[str, ...]:
    """The roles the chapter shows, in reading order: those the theme needs (victims of
    crime, callers reporting ASB, offenders) and any other the data carry."""
    needed = {"offender"}
    if item.crime_categories or not item.includes_asb:
        needed.add("victim")
    if item.includes_asb:
        needed.add("caller")
    return tuple(r for r in ROLES if r in needed or r in item.people)


def role_need(item: ThemeEvidence, role: str) -> str | None:
    """The need (a partner export) behind a role's profile: council ASB cases for callers
    and ASB's perpetrators, the police crime extract for victims and offenders of crime."""
    if role == "caller" or (role == "offender" and asb_only(item)):
        return COUNCIL_ASB
    if role in ("victim", "offender"):
        return POLICE_EXTRACT
    return None


def missing_months(need: str, coverage: PartnerCoverage) -> tuple[str, ...]:
    """The months of the period a need's data are missing for: every month for data cspkit
    cannot load, none once a partner export or flag is loaded for the whole period.

    Examples
    --------
    >>> coverage = PartnerCoverage(months=("2025-01", "2025-02"),
    ...                            sources={"fire": ("2025-01",)},
    ...                            flags={"domestic": ("2025-01", "2025-02")})
    >>> missing_months("fire", coverage), missing_months("domestic_abuse_flag", coverage)
    (('2025-02',), ())
    >>> missing_months("drug_treatment", coverage)
    ('2025-01', '2025-02')
    """
    if need in PARTNER_SOURCES:
        return coverage.missing(need)
    flag = next((f for f, n in FLAG_NEEDS.items() if n == need), None)
    return coverage.flag_missing(flag) if flag else coverage.months


def open_role_need(item: ThemeEvidence, role: str, coverage: PartnerCoverage) -> str | None:
    """The need a role's profile leaves open: none when the role needs no data, when its
    export is loaded for the whole period, or when it has people to show."""
    need = role_need(item, role)
    profile = item.people.get(role)
    has_people = profile is not None and not isinstance(profile, Unavailable) and (
        profile.people > 0)
    if need is None or has_people or not missing_months(need, coverage):
        return None
    return need


def theme_needs(item: ThemeEvidence, coverage: PartnerCoverage) -> dict[str, tuple[str, ...]]:
    """The open needs of a theme, by the section of its chapter that names them: each role
    it shows, then :data:`PARTNER` (its flags, ``partner_sources`` and ``partner_data``)."""
    out = {role: tuple(n for n in [open_role_need(item, role, coverage)] if n)
           for role in theme_roles(item)}
    theme = item.theme
    partner = [FLAG_NEEDS[f] for f in theme.flags] + list(theme.partner_sources)
    out[PARTNER] = tuple(n for n in dict.fromkeys([*partner, *theme.partner_data])
                         if missing_months(n, coverage))
    return out


@dataclass(frozen=True)
class DataRequirement:
    """One entry of the register.

    Attributes
    ----------
    reference
        ``D1``, ``D2``, … in the order the needs first arise in the chapters.
    need
        The data need.
    themes
        The names of the themes it serves, in chapter order.
    first
        The theme id and the section (a role or :data:`PARTNER`) where it first arises.
    missing_months, months
        The period's months its data are missing for, and the period's length.
    """

    reference: str
    need: DataNeed
    themes: tuple[str, ...]
    first: tuple[str, str]
    missing_months: tuple[str, ...]
    months: int

    @property
    def missing(self) -> str:
        """What is missing, with the months still to load when some are loaded."""
        text = self.need.missing
        if 0 < len(self.missing_months) < self.months:
            shown = ", ".join(self.missing_months[:6]) + (
                " …" if len(self.missing_months) > 6 else "")
            text += (f" (loaded for {self.months - len(self.missing_months)} of the "
                     f"{self.months} months; missing {shown})")
        return text

    def gap(self) -> DataGap:
        """The need set out as a data gap, where it first arises."""
        return DataGap(missing=self.missing, would_fill=self.need.would_fill,
                       owner=self.need.owner, key=self.need.id,
                       theme=self.themes[0] if len(self.themes) == 1 else None)


def data_requirements(evidence: Evidence) -> tuple[DataRequirement, ...]:
    """Every open data need of the assessment, numbered in reading order."""
    coverage = evidence.partner_coverage
    seen: dict[str, tuple[list[str], tuple[str, str]]] = {}
    for item in evidence.themes:
        for section, needs in theme_needs(item, coverage).items():
            for need in needs:
                themes, _ = seen.setdefault(need, ([], (item.theme.id, section)))
                if item.theme.name not in themes:
                    themes.append(item.theme.name)
    return tuple(
        DataRequirement(f"D{number}", DATA_NEEDS[need], tuple(themes), first,
                        missing_months(need, coverage), len(coverage.months))
        for number, (need, (themes, first)) in enumerate(seen.items(), start=1))


def first_without_people(evidence: Evidence) -> tuple[str, str] | None:
    """The theme id and role of the first profile left open for want of partner data: its
    chapter explains, once, why police.uk data describe no people."""
    coverage = evidence.partner_coverage
    return next(((item.theme.id, role) for item in evidence.themes
                 for role in theme_roles(item) if open_role_need(item, role, coverage)), None)


def section_gaps(evidence: Evidence, item: ThemeEvidence, section: str
                 ) -> tuple[str, list[DataGap]]:
    """Which data requirements a section of a theme needs, in words ("data requirements D1
    and D3: D1 is set out above, D3 below"), and the data gap of each need it is the first
    to raise; a need raised before is referred to by its number."""
    register = {r.need.id: r for r in data_requirements(evidence)}
    wanted = sorted((register[n] for n in theme_needs(item, evidence.partner_coverage)[section]),
                    key=lambda r: int(r.reference[1:]))
    places: dict[str, list[str]] = {}
    boxes = []
    for r in wanted:
        if r.first == (item.theme.id, section):
            place = "below"
            boxes.append(r.gap())
        elif r.first[0] == item.theme.id:
            place = "above"
        else:
            place = f"under {r.themes[0]}"
        places.setdefault(place, []).append(r.reference)
    word = "requirement" if len(wanted) == 1 else "requirements"
    text = f"data {word} {names_text([r.reference for r in wanted])}"
    if len(places) == 1:
        return f"{text}, set out {next(iter(places))}", boxes
    where = [f"{names_text(refs)} {'is' if len(refs) == 1 else 'are'} set out {place}"
             if not index else f"{names_text(refs)} {place}"
             for index, (place, refs) in enumerate(places.items())]
    return f"{text}: {', '.join(where)}", boxes
