"""Appendix: methods — every statistic in the document, its formula and its source."""

from __future__ import annotations

from cspkit.assessment.chapters.summary import CONTEXT_FINDINGS, MAX_WARD_FINDINGS, OTHER_CHANGES
from cspkit.assessment.document import Column, Paragraph, Section, Table
from cspkit.assessment.evidence import RECENT_MONTHS, Evidence
from cspkit.assessment.findings import (
    HARM_WEIGHTS,
    NOT_SIGNIFICANT_FACTOR,
    SMALL_NUMBER_FACTOR,
    TOTAL_WEIGHT,
)

METHODS: tuple[tuple[str, str, str], ...] = (
    ("Change and percentage change",
     "Change = n1 − n0; percentage change = 100 × (n1 − n0) / n0, where n1 and n0 are the "
     "counts in the strategic and comparison periods (not shown when n0 = 0).",
     "change.compare_periods"),
    ("Statistical significance of a change",
     "Counts are treated as Poisson. Given the total n = n1 + n0, equal rates imply "
     "n1 ~ Binomial(n, ½); the two-sided exact binomial test gives the p-value (Przyborowski "
     "and Wilenski 1940; Krishnamoorthy and Thomson 2004). A change is called a rise or a fall "
     "only when p < 0.05; otherwise the text says it is not statistically significant.",
     "change.exact_poisson_test"),
    ("Changes by ward",
     "Every ward's change is tested with the exact test above; the p-values of all the wards "
     "are adjusted together (Benjamini-Hochberg q-values, Benjamini and Hochberg 1995), and a "
     "ward's change is reported as a finding only when q < 0.05, which keeps the expected "
     "share of chance results among the wards reported below 5%.",
     "places.rank_places"),
    ("Small numbers",
     "A row is flagged when either period's count is below the small-number threshold the "
     "partnership set: its percentage change is unreliable and is worded with a caution.",
     "change.compare_periods"),
    ("Rates per 1,000 residents",
     "Rate = 1,000 × count / residents, using Census 2021 usual residents (ONS) summed from "
     "LSOA 2021 to ward and local authority through the best-fit lookup.",
     "places.ward_ranking, peers.peer_comparison"),
    ("Smoothed rates (empirical Bayes)",
     "Each ward's rate r_i = y_i / n_i is shrunk towards the partnership rate m by "
     "C_i = A / (A + m / n_i), with A = max(0, s² − m / n̄) and s² the population-weighted "
     "variance of the rates (Marshall 1991, Applied Statistics 40(2)).",
     "places.empirical_bayes_rates"),
    ("Ranks and rank movement",
     "Places are ranked by count, 1 = most; ties share the best rank. Movement = previous "
     "rank − rank (positive = moved up the table).",
     "places.rank_places"),
    ("Monthly trend and rolling average",
     "Monthly counts, and the rolling 12-month total R_t = y_t + … + y_(t−11) shown as an "
     "average (R_t / 12) on the same scale; blank when any of the 12 months is not loaded.",
     "trends.monthly_series"),
    ("Hot spots (Getis-Ord Gi*)",
     "Gi* z-scores of LSOA counts with binary queen contiguity, each LSOA in its own "
     "neighbourhood (Getis and Ord 1992; Ord and Getis 1995); two-sided p-values from the "
     "normal approximation, so the hot spots are the same every time the assessment is "
     "built; an LSOA is a hot spot when its Benjamini-Hochberg q-value is at most 0.05 and "
     "Gi* is positive (Benjamini and Hochberg 1995). Persistent: a hot spot in both periods. "
     "Cold spots (clusters of significantly low counts) are not shown.",
     "hotspots.hotspots"),
    ("Concentration",
     "Share of crime in the top 5% and 10% of LSOAs (ceil(p × n) LSOAs) and the Gini "
     "coefficient G = Σ (2i − n − 1) x_(i) / (n Σ x) over LSOA counts (Bernasco and Steenbeek "
     "2017).",
     "concentration.concentration"),
    ("Crime and deprivation",
     "Crime per 1,000 residents by national IMD decile (English Indices of Deprivation, "
     "MHCLG); Spearman's rank correlation between LSOA crime rate and IMD score; a ward's IMD "
     "score is the population-weighted mean of its LSOAs' scores.",
     "deprivation.deprivation_profile"),
    ("Vulnerable Localities Index",
     "Each indicator (burglary and criminal damage rates, IoD income, employment and "
     "education scores, share of residents aged 15-24) is indexed to the partnership mean "
     "(= 100); VLI = (crime index + income + employment + education + young) / 5, where the "
     "crime index averages the two crime indices; above 200 is a vulnerable locality "
     "(Chainey 2008, Policing 2(2)).",
     "vulnerability.vulnerable_localities"),
    ("Outcomes",
     "Each crime of the period takes its latest record in the police.uk outcomes files "
     "(joined on Crime ID), else the street file's last outcome.",
     "outcomes.outcome_profile"),
    ("Peer comparison",
     "Crime per 1,000 Census 2021 residents for each local authority, from the police.uk "
     "rows or published counts of the territorial force recording most of its crime; rows a "
     "force placed across its border (under 5% of the rate of its busiest authority) make no "
     "peer; authorities with a month missing are shown but left out of ranks and pooled "
     "rates. England pools the English authorities with complete data, and is shown only when "
     "they span more than one force and at least half of England's authorities, with the "
     "forces and months it lacks named.",
     "peers.peer_comparison"),
    ("Top locations",
     "Incidents counted by police.uk map point: its longitude, latitude and name together "
     "(police.uk moves each incident to the nearest of a set of anonymised points named after "
     "a nearby street or place; points sharing a generic name are counted apart).",
     "assessment.locations.top_locations"),
    ("Victim, caller and offender profiles",
     "People of one role (victims, callers reporting anti-social behaviour, suspects, "
     "offenders or perpetrators) linked to the theme's incidents in partner data "
     "(pseudonymised person keys), each counted once at their first incident: shares by age "
     "band, sex, ethnicity and home ward, with 'Not recorded' always shown. Counts below the "
     "suppression threshold are withheld, and the text states only what the suppressed "
     "tables show.",
     "people.people_profile"),
    ("Repeats of each role",
     "Among people of each role with a person key, how many appear in more than one incident "
     "of the theme in the period, and the share of the theme's involvements that are theirs; "
     "given only where the people in one incident and without a key are shown too.",
     "repeats.repeats"),
    ("Day and hour",
     "Partner-recorded incidents of the theme counted by day of week (all dated incidents) and "
     "hour (those with a time); police.uk open data carry only the month.",
     "temporal.temporal_profile"),
    ("Partner records",
     "Council ASB cases by category beside police ASB; deliberate fires by ward with the exact "
     "test of their change; A&E assault attendances by location type and whether reported to "
     "the police (Cardiff Model).",
     "partner_sources.asb_by_source, deliberate_fires, ae_assaults"),
    ("Disclosure control",
     "Person counts below the partnership's suppression threshold are withheld ([c]), with "
     "complementary cells so that none can be worked out from the total (ONS Statistical "
     "Disclosure Control guidance); a profile of fewer people than the threshold is not "
     "published.",
     "privacy.disclosure.suppress_counts"),
    ("Map classes",
     "Choropleth maps use quintiles: breaks at the 20th, 40th, 60th and 80th percentiles of "
     "the mapped values, repeated breaks merged.",
     "assessment.figures.quantile_classes"),
)


def _importance_text() -> str:
    weights = ", ".join(f"{name} {w:g}" for name, w in
                        sorted(HARM_WEIGHTS.items(), key=lambda kv: (-kv[1], kv[0])))
    return (
        "The executive summary tells the change in total recorded crime; the recent direction "
        f"(the last {RECENT_MONTHS} months against the same months a year earlier) when the "
        "total shows no significant change or when the recent direction is significant and "
        "differs from the total's; every priority theme's statistically significant change, "
        "with its most important part moving the same way told in the same sentence; then "
        f"the {OTHER_CHANGES} most important other changes (at most "
        f"{MAX_WARD_FINDINGS} about wards, one per ward) and {CONTEXT_FINDINGS} context "
        "findings. A ward's change is reported only when it is significant once the changes of "
        "all the wards are tested together (Benjamini-Hochberg). Importance "
        "I = w × (1 + log10(1 + |change|)) × (1 + min(|% change|, 100) / 25) × s × m, where w "
        f"is the harm weight (total crime {TOTAL_WEIGHT:g}; by category: {weights}; a theme "
        f"takes its most harmful category's weight), s = {NOT_SIGNIFICANT_FACTOR:g} when the "
        f"change is not statistically significant (else 1) and m = {SMALL_NUMBER_FACTOR:g} "
        "for small numbers (else 1). Weights follow the order of the ONS Crime Severity Score "
        "and serve only to order findings.")


def methods_chapter(evidence: Evidence) -> Section:
    """The methods appendix."""
    sources = sorted({s for result in evidence.results() for s in result.citation.sources})
    return Section(
        id="appendix_methods", title="Appendix B: Methods and sources", level=1,
        children=(
            Section(id="statistics", title="Statistics", level=2, children=(
                Table(id="methods", caption="Statistics used in this assessment",
                      columns=(Column("statistic", "Statistic"),
                               Column("method", "Method and formula"),
                               Column("analysis", "Computed by")),
                      rows=[{"statistic": s, "method": m, "analysis": a}
                            for s, m, a in METHODS],
                      source="cspkit documentation (docs/assessment.md)"),
            )),
            Section(id="finding_order", title="How findings are chosen", level=2,
                    children=(Paragraph(_importance_text()),)),
            Section(id="sources", title="Data sources", level=2, children=(
                Table(id="data_sources", caption="Data behind the figures",
                      columns=(Column("source", "Source"),),
                      rows=[{"source": s} for s in sources],
                      source="analysis citations",
                      notes=("Contains public sector information licensed under the Open "
                             "Government Licence v3.0.",)),
            )),
        ),
    )
