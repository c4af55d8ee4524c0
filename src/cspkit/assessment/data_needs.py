"""The data a strategic assessment needs beyond police.uk, each held by one agency.

Each :class:`DataNeed` is one entry of the data requirements register: what the assessment
cannot show without it, the data that would fill it, and the one agency that holds it (as
the seeds' registers name one lead: Police, SBC, A&E, …), so that the register can be taken
into the plan tracker and each entry followed up with its owner.

Some needs are data cspkit loads: a partner export (``themes[].partner_sources``, and the
export behind each people profile), whose need takes the export's name and closes when the
warehouse holds it for the whole period, or an incident flag (:data:`FLAG_NEEDS`). The others
(:data:`OTHER_NEEDS`, ``themes[].partner_data``) are data cspkit cannot load, so they stay
needs until the partnership removes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cspkit.analysis.involvement import AE_ASSAULT, COUNCIL_ASB, FIRE, POLICE_EXTRACT, YOS_FTE

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
        Its name: the partner export that fills it (``council_asb``), the flag's need
        (``domestic_abuse_flag``), or the name written in ``partner_data``.
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
    DataNeed(POLICE_EXTRACT,
             "Who the victims, suspects and offenders of recorded crime are: age, sex, "
             "ethnicity, home area and repeat victimisation and offending",
             "Police crime extract with pseudonymised victims, suspects and offenders "
             "(person key, age, sex, ethnicity, home LSOA)", "Police"),
    DataNeed(COUNCIL_ASB,
             "Who reports anti-social behaviour and who causes it: repeat and vulnerable "
             "callers, perpetrators and the warnings they receive",
             "Council ASB case records (e.g. Flare) with callers and perpetrators "
             "pseudonymised, their age and repeat markers", "Council"),
    DataNeed(FIRE,
             "Deliberate fires, primary and secondary, and where they happen",
             "Fire and rescue service incidents with their motive (deliberate fires) and "
             "location", "Fire and rescue service"),
    DataNeed(AE_ASSAULT,
             "Violence that is not reported to the police",
             "Emergency department assault attendances with where the assault happened "
             "(Information Sharing to Tackle Violence minimum data set)", "Health"),
    DataNeed(YOS_FTE,
             "Young people entering the youth justice system",
             "Youth justice service first-time entrants by home LSOA", "Youth justice service"),
    DataNeed("domestic_abuse_flag",
             "Which recorded crimes are domestic abuse",
             "Police crime extract with the domestic abuse flag", "Police"),
    DataNeed("alcohol_flag",
             "Which recorded crimes are alcohol-related",
             "Police crime extract with the alcohol flag", "Police"),
    DataNeed("hate_crime_flag",
             "Hate crime, by strand",
             "Police crime extract with hate crime flags and the strand (race, religion, "
             "sexual orientation, disability, transgender identity)", "Police"),
    DataNeed("domestic_abuse_services",
             "Domestic abuse that is not reported to the police",
             "Referrals to the domestic abuse support services the council commissions "
             "(pseudonymised), with home area", "Council"),
    DataNeed("drug_treatment",
             "Drug and alcohol misuse and treatment by home area",
             "Numbers in drug and alcohol treatment by home area (NDTMS)",
             "Drug and alcohol service"),
    DataNeed("drug_tests_on_arrest",
             "Drug use among people arrested",
             "Drug tests on arrest: tests and positive results by substance", "Police"),
    DataNeed("youth_justice_caseload",
             "Young people in the youth justice system and where they live",
             "Youth justice service caseload by home LSOA, quarterly", "Youth justice service"),
    DataNeed("probation_reoffending",
             "Reoffending by the people the partnership manages as prolific offenders",
             "Probation caseload and proven reoffending of the integrated offender "
             "management cohort (pseudonymised), by home area", "Probation"),
)

DATA_NEEDS: dict[str, DataNeed] = {need.id: need for need in _NEEDS}
"""Every known data need, by id."""

FLAG_NEEDS: dict[str, str] = {
    "domestic": "domestic_abuse_flag", "alcohol": "alcohol_flag", "hate": "hate_crime_flag"}
"""The need of each incident flag (police.uk street files carry no flags)."""

OTHER_NEEDS: tuple[str, ...] = tuple(
    n for n in DATA_NEEDS
    if n not in (POLICE_EXTRACT, COUNCIL_ASB, FIRE, AE_ASSAULT, YOS_FTE)
    and n not in FLAG_NEEDS.values())
"""Needs cspkit cannot load, named in ``themes[].partner_data``."""

OtherNeed = Literal[OTHER_NEEDS]  # type: ignore[valid-type]
