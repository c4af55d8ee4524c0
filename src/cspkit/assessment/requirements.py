"""The data requirements register: one entry per distinct data need, with the themes it serves.

The theme chapters and the register are written from the same list, so the chapters can
refer to an entry by its number (D1, D2, …) and set each need out once, where it first
arises; the register in the Recommendations chapter lists every need once, with its one
owner agency and every theme it serves.
"""

from __future__ import annotations

from dataclasses import dataclass

from cspkit.assessment.data_needs import DATA_NEEDS, FLAG_NEEDS, PROFILE_NEEDS, DataNeed
from cspkit.assessment.evidence import Evidence, ThemeEvidence, Unavailable

ROLES = ("victim", "offender")


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
    """

    reference: str
    need: DataNeed
    themes: tuple[str, ...]


def profile_needed(item: ThemeEvidence, role: str) -> bool:
    """Whether a theme's victim or offender profile lacks partner data (a data gap)."""
    profile = item.people.get(role)
    return profile is None or isinstance(profile, Unavailable) or profile.people == 0


def theme_needs(item: ThemeEvidence) -> dict[str, tuple[str, ...]]:
    """The need ids of one theme by where its chapter names them: ``victim``, ``offender``
    (profiles without partner data) and ``partner`` (its flags and ``partner_data``)."""
    asb = item.includes_asb and not item.crime_categories
    out = {role: PROFILE_NEEDS[role, asb] if profile_needed(item, role) else ()
           for role in ROLES}
    partner = [n for flag in item.theme.flags for n in FLAG_NEEDS[flag]]
    out["partner"] = tuple(dict.fromkeys([*partner, *item.theme.partner_data]))
    return out


def data_requirements(evidence: Evidence) -> tuple[DataRequirement, ...]:
    """Every distinct data need of the assessment, numbered in reading order."""
    themes: dict[str, list[str]] = {}
    for item in evidence.themes:
        for ids in theme_needs(item).values():
            for need in ids:
                served = themes.setdefault(need, [])
                if item.theme.name not in served:
                    served.append(item.theme.name)
    return tuple(DataRequirement(f"D{number}", DATA_NEEDS[need], tuple(names))
                 for number, (need, names) in enumerate(themes.items(), start=1))


def first_without_people(evidence: Evidence) -> str | None:
    """The id of the first theme whose victim or offender profile lacks partner data: its
    chapter explains, once, why police.uk data describe no people."""
    return next((item.theme.id for item in evidence.themes
                 if any(profile_needed(item, role) for role in ROLES)), None)
