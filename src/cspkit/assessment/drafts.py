"""Draft recommendations the assessment proposes from its own findings.

Four rules, each firing only on evidence the document states (a draft always cites at least
one finding, built by the same functions as the chapters' findings, so its sentence and
figures are those of the chapter):

``rise``
    A high-harm crime type (harm weight of at least :data:`HIGH_HARM`, see
    :data:`~cspkit.assessment.findings.HARM_WEIGHTS`) of a theme rose, and the rise is
    statistically significant (exact Poisson test, ``p < alpha``).
``hotspot``
    A theme has persistent hot spots: LSOAs that are statistically significant Gi* hot spots
    in both the strategic and the comparison period (Benjamini–Hochberg q-value below the
    false discovery rate in each).
``ward``
    A ward climbed into the :data:`TOP_WARDS` wards with the most of a theme (or of all
    recorded crime), and its rise is statistically significant once all the wards are
    tested together (q-value below ``alpha``). One draft per ward cites every such climb.
``gap``
    A data need leaves a people profile of a theme undrawn (the victims, callers or
    offenders), so the data requirements register's entry is asked for.

Each draft has a stable ``key`` (``rise:violence:robbery``, ``hotspot:asb``,
``ward:E05001234``, ``gap:police_crime_extract``), the same next year when the
evidence says the same thing; the partnership keeps, rewords or drops it by that key
(:func:`decided`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cspkit.analysis.hotspots import HotSpots
from cspkit.analysis.places import PlaceRanking
from cspkit.assessment.chapters.parts import change_of
from cspkit.assessment.chapters.recommendations import DATA_REQUIREMENTS_TABLE
from cspkit.assessment.config import DraftDecision
from cspkit.assessment.document import Finding, Recommendation
from cspkit.assessment.evidence import Evidence, ThemeEvidence
from cspkit.assessment.findings import (
    HARM_WEIGHTS,
    TOTAL_WEIGHT,
    change_finding,
    harm_weight,
    ward_findings,
)
from cspkit.assessment.gaps import PARTNER, DataRequirement
from cspkit.assessment.wording import count_text, names_text, slug

HIGH_HARM = 1.75
"""Crime types weighted at least this (violence, robbery, weapons, burglary) are high harm."""

TOP_WARDS = 5
"""A ward that climbs into this many wards with the most is proposed for attention."""

ROLE_WORDS = {"victim": "victims", "caller": "callers",
              "offender": "offenders", "suspect": "suspects"}
"""Who a people profile describes, for the sentences of the ``gap`` rule."""


@dataclass(frozen=True)
class Draft:
    """One draft recommendation with the findings it rests on.

    Attributes
    ----------
    key
        Stable name (see the module docstring).
    text
        The proposed wording.
    theme
        The name of the theme it serves ("" for the whole partnership).
    findings
        The findings behind it (at least one).
    """

    key: str
    text: str
    theme: str
    findings: tuple[Finding, ...]

    def __post_init__(self) -> None:
        if not self.findings:
            raise ValueError(f"draft {self.key!r} cites no finding")


def rise_drafts(evidence: Evidence, item: ThemeEvidence) -> list[Draft]:
    """A draft for each high-harm crime type of the theme that rose significantly."""
    theme = item.theme
    out = []
    for category in item.crime_categories:
        weight = HARM_WEIGHTS.get(category, 1.0)
        change = change_of(evidence.change, "crime_type", category)
        if weight < HIGH_HARM or change.direction != "rise":
            continue
        finding = change_finding(change, weight=weight, source_table=f"{theme.id}_performance")
        out.append(Draft(
            key=f"rise:{theme.id}:{slug(category)}",
            text=(f"Commission a problem profile of {category.lower()} to explain its "
                  "statistically significant rise, and agree the partnership's response "
                  f"under {theme.name}."),
            theme=theme.name, findings=(finding,)))
    return out


def hotspot_draft(hotspots: HotSpots, *, key: str, what: str, theme: str,
                  source_table: str) -> Draft | None:
    """A draft when some LSOAs are hot spots in both periods."""
    t = hotspots.table
    persistent = t[t["hot"] & t["persistent_hot"]]
    if persistent.empty:
        return None
    wards = list(dict.fromkeys(persistent["ward_name"].tolist()))
    n = len(persistent)
    lsoas = f"{count_text(n)} LSOA{'s' if n != 1 else ''}"
    finding = Finding(
        sentence=(f"{lsoas} in {names_text(wards)} {'were' if n != 1 else 'was'} "
                  f"statistically significant hot spot{'s' if n != 1 else ''} of {what} in "
                  "both the strategic and the comparison period (Getis-Ord Gi*, false "
                  f"discovery rate {hotspots.fdr:.0%})."),
        importance=round(1.0 + 0.2 * n, 4), kind="hot-spot",
        figures={"persistent": n, "lsoa_codes": ";".join(persistent["lsoa_code"]),
                 "lsoas": len(t)},
        source_table=source_table)
    return Draft(
        key=key,
        text=(f"Agree a problem-solving plan with named partners for the persistent hot "
              f"spots of {what} in {names_text(wards)}."),
        theme=theme, findings=(finding,))


def ward_climbs(ranking: PlaceRanking, *, prefix: str, what: str, weight: float,
                table_id: str, alpha: float, small_number: int) -> list[Finding]:
    """The chapter's findings on wards that climbed into the top :data:`TOP_WARDS` with a
    rise that is significant across all the wards (q-value below ``alpha``)."""
    findings = ward_findings(ranking, what=what, weight=weight, source_table=table_id,
                             changes_table=f"{prefix}_ward_changes", alpha=alpha,
                             small_number=small_number)
    return [f for f in findings
            if f.kind == "rise" and "q_value" in f.figures
            and int(f.figures["rank"]) <= TOP_WARDS < int(f.figures["previous_rank"])]


def ward_drafts(climbs: Sequence[tuple[str, str, Finding]], names: dict[str, str]
                ) -> list[Draft]:
    """One draft per ward that climbed, citing every climb: ``climbs`` holds (what was
    counted, theme name or "", finding), ``names`` the ward names by code."""
    by_ward: dict[str, list[tuple[str, str, Finding]]] = {}
    for climb in climbs:
        by_ward.setdefault(str(climb[2].figures["ward_code"]), []).append(climb)
    out = []
    for code, found in by_ward.items():
        whats = names_text(list(dict.fromkeys(what for what, _, _ in found)))
        themes = {theme for _, theme, _ in found}
        out.append(Draft(
            key=f"ward:{code}",
            text=(f"Review the partnership's response in {names[code]}, which climbed into "
                  f"the {TOP_WARDS} wards with the most {whats}."),
            theme=themes.pop() if len(themes) == 1 else "",
            findings=tuple(finding for _, _, finding in found)))
    return out


def gap_drafts(register: Sequence[DataRequirement]) -> list[Draft]:
    """A draft for each register entry that leaves a people profile undrawn."""
    out = []
    for entry in register:
        _, section = entry.first
        if section == PARTNER:
            continue
        who = ROLE_WORDS.get(section, section)
        theme = entry.themes[0]
        finding = Finding(
            sentence=(f"The {theme} chapter cannot profile {who} without partner data "
                      f"(data requirement {entry.reference}: {entry.missing[:1].lower()}"
                      f"{entry.missing[1:]})."),
            importance=0.5, kind="note",
            figures={"reference": entry.reference, "missing_months": len(entry.missing_months),
                     "months": entry.months},
            source_table=DATA_REQUIREMENTS_TABLE)
        owner = entry.need.owner
        out.append(Draft(
            key=f"gap:{entry.need.id}",
            text=(f"Agree with the {owner.lower() if owner != 'Police' else 'police'} a "
                  f"regular supply of the {entry.need.would_fill[:1].lower()}"
                  f"{entry.need.would_fill[1:]}, so that the next assessment can profile "
                  f"{who}."),
            theme="" if len(entry.themes) > 1 else theme, findings=(finding,)))
    return out


def draft_recommendations(evidence: Evidence,
                          register: Sequence[DataRequirement]) -> tuple[Draft, ...]:
    """Every draft the evidence supports: each theme's rises and hot spots, then the wards
    that climbed (one draft per ward, citing every count it climbed in), then the data
    gaps."""
    alpha = evidence.change.alpha
    small = evidence.change.small_number
    climbs = [("recorded crime", "", f) for f in ward_climbs(
        evidence.wards, prefix="all_crime", what="recorded crime", weight=TOTAL_WEIGHT,
        table_id="ward_ranking", alpha=alpha, small_number=small)]
    out: list[Draft] = []
    for item in evidence.themes:
        theme = item.theme
        out += rise_drafts(evidence, item)
        if isinstance(item.wards, PlaceRanking):
            what = theme.name.lower()
            climbs += [(what, theme.name, f) for f in ward_climbs(
                item.wards, prefix=theme.id, what=what, weight=harm_weight(theme.categories),
                table_id=f"{theme.id}_wards", alpha=alpha, small_number=small)]
        if isinstance(item.hotspots, HotSpots):
            draft = hotspot_draft(item.hotspots, key=f"hotspot:{theme.id}",
                                  what=theme.name.lower(), theme=theme.name,
                                  source_table=f"{theme.id}_hotspots")
            if draft is not None:
                out.append(draft)
    names = dict(zip(evidence.wards.table["code"], evidence.wards.table["name"], strict=True))
    out += ward_drafts(climbs, names)
    out += gap_drafts(register)
    return tuple(out)


def decided(drafts: Sequence[Draft], decisions: Sequence[DraftDecision]
            ) -> list[Recommendation]:
    """The drafts as the document shows them: agreed (in the partnership's wording when it
    gave one) or still proposed; dropped drafts are left out.

    Examples
    --------
    >>> f = Finding("Robbery rose by 43% (223 → 319), a statistically significant "
    ...             "increase.", 16.3, "rise")
    >>> drafts = [Draft("rise:v:robbery", "Profile robbery.", "Violence", (f,)),
    ...           Draft("hotspot:v", "Plan for hot spots.", "Violence", (f,))]
    >>> [(r.key, r.agreed, r.text) for r in decided(drafts, [
    ...     DraftDecision(key="rise:v:robbery", decision="agree", text="Profile robbery now.")])]
    [('rise:v:robbery', True, 'Profile robbery now.'), ('hotspot:v', False, 'Plan for hot spots.')]
    """
    by_key = {d.key: d for d in decisions}
    out = []
    for draft in drafts:
        decision = by_key.get(draft.key)
        if decision is not None and decision.decision == "drop":
            continue
        agreed = decision is not None
        out.append(Recommendation(
            text=(decision.text or draft.text) if decision else draft.text,
            theme=draft.theme or None, key=draft.key, agreed=agreed, findings=draft.findings))
    return out


def undecided_keys(drafts: Sequence[Draft], decisions: Sequence[DraftDecision]) -> list[str]:
    """Keys the configuration decides that no draft of this assessment carries."""
    keys = {d.key for d in drafts}
    return [d.key for d in decisions if d.key not in keys]
