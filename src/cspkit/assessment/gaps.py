"""Data gaps: what a chapter needs beyond police.uk, and whether the warehouse holds it yet.

Every gap tied to data cspkit can load closes when those data arrive: a partner source
(``themes[].partner_sources``, and the source behind each people profile) or an incident
flag is there when the warehouse holds it for every month of the strategic period — the
rule the analyses apply before they use it (:class:`~cspkit.assessment.evidence.
PartnerCoverage`). Until then it is a :class:`~cspkit.assessment.document.DataGap` for the
data requirements register, naming the months still missing when some are loaded. A
``partner_data`` note in words stays a gap until the partnership removes it: cspkit cannot
tell when such data arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

from cspkit.analysis.involvement import AE_ASSAULT, COUNCIL_ASB, FIRE, POLICE_EXTRACT, YOS_FTE
from cspkit.assessment.config import Theme
from cspkit.assessment.document import DataGap
from cspkit.assessment.evidence import PartnerCoverage


@dataclass(frozen=True)
class Need:
    """Data a chapter needs: what is missing without it, what would fill it, who holds it."""

    missing: str
    would_fill: str
    owner: str

    def gap(self, theme: Theme, missing_months: tuple[str, ...], months: int) -> DataGap:
        """The theme's data gap, saying which months are missing when some are loaded."""
        what = self.missing if theme.name in self.missing else f"{self.missing} for {theme.name}"
        if len(missing_months) < months:
            shown = ", ".join(missing_months[:6]) + (" …" if len(missing_months) > 6 else "")
            what += (f" (loaded for {months - len(missing_months)} of the {months} months; "
                     f"missing {shown})")
        return DataGap(missing=what, would_fill=self.would_fill, owner=self.owner,
                       theme=theme.name)


SOURCE_NEEDS = {
    POLICE_EXTRACT: Need(
        "Police recorded crime with victims and offenders",
        "Police crime extract with pseudonymised victims and offenders and the domestic "
        "abuse, alcohol and hate flags (mapping police_crime_extract)", "Police"),
    COUNCIL_ASB: Need(
        "Council ASB case records",
        "Council ASB case export (e.g. Flare) with callers and perpetrators pseudonymised "
        "(mapping council_asb)", "Council ASB team"),
    FIRE: Need(
        "Fire and rescue incidents",
        "Fire and rescue service incidents with their motive (deliberate fires) and location "
        "(mapping fire_incidents)", "Fire and rescue service"),
    AE_ASSAULT: Need(
        "A&E assault attendances",
        "Hospital A&E assault attendances, Cardiff Model / ISTV minimum data set (mapping "
        "ae_istv)", "NHS (A&E department)"),
    YOS_FTE: Need(
        "Youth justice first-time entrants",
        "Youth Offending Service list of first-time entrants by home LSOA (mapping "
        "yos_first_time_entrants)", "Youth Offending Service"),
}
"""What each partner source is, as a data gap (``themes[].partner_sources``)."""

FLAG_NEEDS = {
    "domestic": Need("Domestic abuse flag on recorded crimes",
                     "Police crime extract (or partner data) with the domestic abuse flag",
                     "Police"),
    "alcohol": Need("Alcohol-related flag on recorded crimes and incidents",
                    "Police crime extract or council ASB cases with the alcohol flag",
                    "Police, Council ASB team"),
    "hate": Need("Hate crime flag on recorded crimes",
                 "Police crime extract with hate crime flags and the strand (race, religion, "
                 "sexual orientation, disability, transgender identity)", "Police"),
}


def role_need(theme: Theme, role: str, *, asb_only: bool) -> tuple[Need, str] | None:
    """The data a profile of ``role`` needs in this theme, and the partner source that
    brings it (None for a role no theme asks for)."""
    name = theme.name
    if role == "caller":
        return Need(f"Caller profile for {name}: who reports anti-social behaviour, repeat "
                    "and vulnerable callers",
                    "Council ASB case records and police ASB incident logs with caller "
                    "details (pseudonymised), age and repeat-caller markers",
                    "Council ASB team, Police"), COUNCIL_ASB
    if role == "victim":
        return Need(f"Victim profile for {name}: victim age, sex, ethnicity and repeat "
                    "victimisation",
                    "Police crime extract with victim details (pseudonymised person key, "
                    "age, sex, ethnicity, home LSOA)", "Police"), POLICE_EXTRACT
    if role == "offender" and asb_only:
        return Need(f"Perpetrator profile for {name}: age, sex, home area and repeat "
                    "perpetrators",
                    "Council ASB case records of perpetrators and warnings (pseudonymised), "
                    "and youth justice service referrals",
                    "Council ASB team, Youth Offending Service"), COUNCIL_ASB
    if role == "offender":
        return Need(f"Offender profile for {name}: suspect and offender age, sex, home area "
                    "and repeat offending",
                    "Police crime extract with suspect/offender details (pseudonymised), and "
                    "youth justice service first-time entrants",
                    "Police, Youth Offending Service"), POLICE_EXTRACT
    return None


def theme_gaps(theme: Theme, coverage: PartnerCoverage) -> list[DataGap]:
    """The data a theme still needs: its flags and partner sources the warehouse does not
    hold for the whole strategic period, then its ``partner_data`` note.

    Examples
    --------
    >>> theme = Theme(id="asb", name="ASB", categories=["Anti-social behaviour"],
    ...               partner_sources=["council_asb", "fire"])
    >>> coverage = PartnerCoverage(months=("2025-01", "2025-02"),
    ...                            sources={"council_asb": ("2025-01", "2025-02"),
    ...                                     "fire": ("2025-01",)}, flags={})
    >>> [g.missing for g in theme_gaps(theme, coverage)]
    ['Fire and rescue incidents for ASB (loaded for 1 of the 2 months; missing 2025-02)']
    """
    months = len(coverage.months)
    gaps = []
    for flag in theme.flags:
        missing = coverage.flag_missing(flag)
        if missing:
            gaps.append(FLAG_NEEDS[flag].gap(theme, missing, months))
    for source in theme.partner_sources:
        missing = coverage.missing(source)
        if missing:
            gaps.append(SOURCE_NEEDS[source].gap(theme, missing, months))
    if theme.partner_data:
        gaps.append(DataGap(missing=f"Partner data for {theme.name}",
                            would_fill=theme.partner_data,
                            owner="The partners named in the data needed", theme=theme.name))
    return gaps
