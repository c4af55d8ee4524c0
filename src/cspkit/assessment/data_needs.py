"""The partner data a strategic assessment commonly needs, each held by one agency.

Each :class:`DataNeed` is one entry of the data requirements register: what the assessment
cannot show without it, the data that would fill it, and the one agency that holds it (as
the seeds' registers name a lead: Police, SBC, A&E, …), so that the register can be taken
into the plan tracker and each entry followed up with its owner. A theme names the needs it
has beyond police.uk in ``partner_data``; its ``flags`` and missing victim or offender
profiles add needs of their own (:data:`FLAG_NEEDS`, :data:`PROFILE_NEEDS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OWNERS: tuple[str, ...] = (
    "Police", "Council", "Fire and rescue service", "Health", "Probation",
    "Youth justice service", "Drug and alcohol service",
)
"""The agencies of a community safety partnership that hold partner data."""


@dataclass(frozen=True)
class DataNeed:
    """One distinct data need.

    Attributes
    ----------
    id
        Short name, as written in a theme's ``partner_data``.
    missing
        What the assessment cannot show without these data, in the reader's words.
    would_fill
        The data that would fill the gap.
    owner
        The one agency that holds the data (one of :data:`OWNERS`).
    """

    id: str
    missing: str
    would_fill: str
    owner: str

    def __post_init__(self) -> None:
        if self.owner not in OWNERS:
            raise ValueError(f"data need {self.id!r}: owner {self.owner!r} is not one of "
                             f"{OWNERS}")


_NEEDS = (
    DataNeed("police_victims",
             "Who the victims of recorded crime are: age, sex, ethnicity, home area and "
             "repeat victimisation",
             "Police crime extract with victim details (pseudonymised person key, age, sex, "
             "ethnicity, home LSOA)", "Police"),
    DataNeed("police_offenders",
             "Who the suspects and offenders are: age, sex, home area and repeat offending",
             "Police crime extract with suspect and offender details (pseudonymised person "
             "key, age, sex, home LSOA)", "Police"),
    DataNeed("council_asb_cases",
             "Who reports anti-social behaviour and who causes it: repeat and vulnerable "
             "callers, perpetrators and the warnings they receive",
             "Council ASB case records of callers and perpetrators (pseudonymised), with age "
             "and repeat markers", "Council"),
    DataNeed("police_asb_callers",
             "Repeat and vulnerable callers to the police about anti-social behaviour",
             "Police ASB incident logs with caller details (pseudonymised) and repeat-caller "
             "markers", "Police"),
    DataNeed("youth_justice",
             "Young people entering and in the youth justice system",
             "Youth justice service first-time entrants and caseload by home LSOA, quarterly",
             "Youth justice service"),
    DataNeed("domestic_abuse_flag",
             "Which recorded crimes are domestic abuse",
             "Police crime extract with the domestic abuse flag", "Police"),
    DataNeed("domestic_abuse_services",
             "Domestic abuse that is not reported to the police",
             "Referrals to the domestic abuse support services the council commissions "
             "(pseudonymised), with home area", "Council"),
    DataNeed("alcohol_flag",
             "Which recorded crimes and incidents are alcohol-related",
             "Police crime extract with the alcohol flag", "Police"),
    DataNeed("hate_crime_flag",
             "Hate crime, by strand",
             "Police crime extract with hate crime flags and the strand (race, religion, "
             "sexual orientation, disability, transgender identity)", "Police"),
    DataNeed("ae_assaults",
             "Violence that is not reported to the police",
             "Emergency department assault attendances with where the assault happened "
             "(Information Sharing to Tackle Violence)", "Health"),
    DataNeed("fire_deliberate_fires",
             "Deliberate fires, primary and secondary, and where they happen",
             "Fire and rescue service incident records of deliberate fires with their "
             "location", "Fire and rescue service"),
    DataNeed("drug_treatment",
             "Drug and alcohol misuse and treatment by home area",
             "Numbers in drug and alcohol treatment by home area (NDTMS)",
             "Drug and alcohol service"),
    DataNeed("drug_tests_on_arrest",
             "Drug use among people arrested",
             "Drug tests on arrest: tests and positive results by substance", "Police"),
    DataNeed("probation_reoffending",
             "Reoffending by the people the partnership manages as prolific offenders",
             "Probation caseload and proven reoffending of the integrated offender "
             "management cohort (pseudonymised), by home area", "Probation"),
)

DATA_NEEDS: dict[str, DataNeed] = {need.id: need for need in _NEEDS}
"""Every known data need, by id."""

DataNeedId = Literal[tuple(DATA_NEEDS)]  # type: ignore[valid-type]

FLAG_NEEDS: dict[str, tuple[str, ...]] = {
    "domestic": ("domestic_abuse_flag", "domestic_abuse_services"),
    "alcohol": ("alcohol_flag", "ae_assaults"),
    "hate": ("hate_crime_flag",),
}
"""The needs of a theme's incident flags (police.uk street files carry no flags)."""

PROFILE_NEEDS: dict[tuple[str, bool], tuple[str, ...]] = {
    ("victim", False): ("police_victims",),
    ("offender", False): ("police_offenders", "youth_justice"),
    ("victim", True): ("council_asb_cases", "police_asb_callers"),
    ("offender", True): ("council_asb_cases", "youth_justice"),
}
"""The needs of a victim or offender profile with no partner data: (role, theme is ASB)."""
