"""Evidence: every analysis result the document is written from, gathered in one pass.

Core analyses (change, trend, ward ranking) must succeed: without them there is no
assessment, so their errors reach the user. Optional ones (peers, vulnerable localities, hot
spots, deprivation, …) may lack reference data; their error becomes an :class:`Unavailable`
that the chapter explains, instead of stopping the whole build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.change import PeriodComparison, compare_periods, recent_change
from cspkit.analysis.concentration import Concentration, concentration
from cspkit.analysis.deprivation import DeprivationProfile, deprivation_profile
from cspkit.analysis.hotspots import HotSpots, hotspots
from cspkit.analysis.involvement import AE_ASSAULT, COUNCIL_ASB, FIRE, FLAGS, PARTNER_SOURCES
from cspkit.analysis.outcomes import OutcomeProfile, outcome_profile
from cspkit.analysis.partner_sources import (
    AeAssaults,
    AsbBySource,
    DeliberateFires,
    ae_assaults,
    asb_by_source,
    deliberate_fires,
)
from cspkit.analysis.peers import PeerComparison, peer_comparison
from cspkit.analysis.people import PeopleProfile, people_profile
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.places import PlaceRanking, ward_ranking
from cspkit.analysis.quality import DataQuality, data_quality
from cspkit.analysis.repeats import Repeats, repeats
from cspkit.analysis.scope import ASB, CRIME, Scope, resolve_scope
from cspkit.analysis.temporal import TemporalProfile, temporal_profile
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.analysis.trends import MonthlySeries, monthly_series
from cspkit.analysis.vulnerability import VulnerableLocalities, vulnerable_localities
from cspkit.assessment.config import PartnershipConfig, Theme
from cspkit.assessment.coverage import DataCoverage, data_coverage
from cspkit.assessment.locations import TopLocations, top_locations
from cspkit.errors import CspError
from cspkit.warehouse.status import PlacementTotals, placement_totals

Progress = Callable[[str], None]
T = TypeVar("T")

ROLES = ("victim", "caller", "suspect", "offender")
"""The ``person_involvement`` roles, in the order a chapter shows their profiles."""
PERMUTATIONS = 0
"""Hot spot p-values from the normal approximation to Gi*: the same set on every run (with
999 permutations and the false discovery rate over 124 LSOAs it moved with the seed)."""
SEED = 20250101
TOP_N = 10
RECENT_MONTHS = 6


@dataclass(frozen=True)
class Unavailable:
    """An analysis that could not run, and why (the error's message)."""

    analysis: str
    reason: str


@dataclass(frozen=True, eq=False)
class ThemeEvidence:
    """The results one theme chapter is written from (None: not asked for in the config)."""

    theme: Theme
    crime_categories: tuple[str, ...]
    includes_asb: bool
    wards: PlaceRanking | Unavailable | None
    hotspots: HotSpots | Unavailable | None
    locations: TopLocations | None
    concentration: Concentration | Unavailable | None
    deprivation: DeprivationProfile | Unavailable | None
    people: dict[str, PeopleProfile | Unavailable]
    repeats: Repeats | Unavailable | None = None
    timing: TemporalProfile | Unavailable | None = None
    rises_by_ward: dict[str, PlaceRanking | Unavailable] = field(default_factory=dict)
    """Crime type → its ward ranking, for the theme's crime types that rose significantly
    (a theme of several crime types, with places analysed)."""


@dataclass(frozen=True, eq=False)
class PartnerEvidence:
    """Partner-source analyses, each None when its source has no rows in the period."""

    asb_by_source: AsbBySource | Unavailable | None = None
    fires: DeliberateFires | Unavailable | None = None
    ae_assaults: AeAssaults | Unavailable | None = None


@dataclass(frozen=True)
class PartnerCoverage:
    """Which months of the strategic period the warehouse holds partner data for.

    Attributes
    ----------
    months
        The strategic period's months.
    sources
        Partner source → the period's months it has incidents in (any area).
    flags
        Flag (``domestic``, ``alcohol``, ``hate``) → the period's months with incidents on
        which it is recorded (true or false).
    """

    months: tuple[str, ...]
    sources: dict[str, tuple[str, ...]]
    flags: dict[str, tuple[str, ...]]

    def missing(self, source: str) -> tuple[str, ...]:
        """Months of the period ``source`` has no incidents for."""
        return tuple(m for m in self.months if m not in self.sources.get(source, ()))

    def flag_missing(self, flag: str) -> tuple[str, ...]:
        """Months of the period with no incident recording ``flag``."""
        return tuple(m for m in self.months if m not in self.flags.get(flag, ()))


def partner_coverage(con: BaseBackend, scope: Scope) -> PartnerCoverage:
    """The months of the strategic period each partner source and flag has data for (the
    rule the analyses apply: a source is there when it has rows in every month)."""
    period = scope.period
    incident = scope.table(con, "incident")
    in_period = incident.filter(incident.month.isin(list(period.months)))
    # One query: per month, how many incidents record each flag (count() skips nulls).
    recorded = in_period.group_by("month").aggregate(
        **{flag: in_period[f"flag_{flag}"].count() for flag in FLAGS}).to_pandas()
    flags = {flag: tuple(sorted(recorded.loc[recorded[flag] > 0, "month"])) for flag in FLAGS}
    return PartnerCoverage(
        months=tuple(period.months),
        sources={source: tuple(m for m in period.months if m in scope.months_loaded(source))
                 for source in PARTNER_SOURCES},
        flags=flags)


@dataclass(frozen=True, eq=False)
class Evidence:
    """Everything the document is built from."""

    config: PartnershipConfig
    scope: Scope
    period: StrategicPeriod
    comparison: StrategicPeriod
    area_names: tuple[str, ...]
    change: PeriodComparison
    recent: PeriodComparison | Unavailable
    recent_year_earlier: PeriodComparison | Unavailable
    trends: MonthlySeries
    wards: PlaceRanking
    concentration: Concentration | Unavailable
    deprivation: DeprivationProfile | Unavailable
    hotspots: HotSpots | Unavailable
    vulnerability: VulnerableLocalities | Unavailable
    outcomes: OutcomeProfile | Unavailable
    peers: PeerComparison | Unavailable | None
    themes: tuple[ThemeEvidence, ...]
    coverage: DataCoverage
    placement: PlacementTotals
    ward_boundaries: dict[str, str]
    lsoa_boundaries: dict[str, str]
    ledger: pd.DataFrame
    partner: PartnerEvidence
    partner_coverage: PartnerCoverage
    quality: DataQuality

    def results(self) -> list[Any]:
        """Every analysis result that ran (for citations and the inputs list)."""
        found: list[Any] = [self.change, self.recent, self.recent_year_earlier, self.trends,
                            self.wards, self.concentration, self.deprivation, self.hotspots,
                            self.vulnerability, self.outcomes, self.peers]
        for theme in self.themes:
            found += [theme.wards, theme.hotspots, theme.locations, theme.concentration,
                      theme.deprivation, theme.repeats, theme.timing,
                      *theme.people.values(), *theme.rises_by_ward.values()]
        found += [self.partner.asb_by_source, self.partner.fires, self.partner.ae_assaults]
        return [r for r in found if r is not None and not isinstance(r, Unavailable)]


def theme_map(config: PartnershipConfig) -> dict[str, tuple[str, ...]]:
    """Theme name → its crime categories, for the themes that cover crime."""
    out = {}
    for theme in config.themes:
        crime = tuple(c for c in theme.categories if c != ASB_CATEGORY)
        if crime:
            out[theme.name] = crime
    return out


def optional(name: str, run: Callable[[], T]) -> T | Unavailable:
    """Run an optional analysis; a user-facing error becomes :class:`Unavailable`."""
    try:
        return run()
    except CspError as exc:
        return Unavailable(name, str(exc))


def _boundaries(con: BaseBackend, scope: Scope, level: str, codes: list[str]
                ) -> dict[str, str]:
    b = scope.table(con, "boundary")
    rows = (b.filter(b.level == level, b.code.isin(codes))
            .select("code", "geometry_wkt", "load_id").to_pandas()
            .sort_values(["code", "load_id"]).drop_duplicates("code", keep="last"))
    return dict(zip(rows["code"], rows["geometry_wkt"], strict=True))


def _linked(con: BaseBackend, scope: Scope) -> pd.DataFrame:
    """Each role of ``person_involvement`` with the source, category and flags of the
    incidents in the period and areas it is linked to (distinct rows; one query per scope,
    which every theme's :func:`_people` selects from)."""

    def read() -> pd.DataFrame:
        incident = scope.table(con, "incident")
        mine = incident.filter(incident.month.isin(list(scope.period.months)),
                               scope.in_areas(con, incident.lsoa_code))
        flags = [f"flag_{f}" for f in FLAGS]
        person = scope.table(con, "person_involvement")
        linked = person.join(mine.select("incident_id", "category", *flags,
                                         incident_source=mine.source), "incident_id")
        return linked.select("role", "incident_source", "category", *flags).distinct(
            ).to_pandas()

    return scope.reuse(con, ("linked", tuple(scope.period.months),
                             tuple(scope.lsoa_codes)), read)


def _people(con: BaseBackend, scope: Scope, theme: Theme
            ) -> tuple[dict[str, PeopleProfile | Unavailable], Repeats | Unavailable | None,
                       TemporalProfile | Unavailable | None]:
    """The theme's people by role, their repeats, and when its partner-recorded incidents
    happen.

    A role is profiled when ``person_involvement`` links people of that role (victim,
    caller, suspect, offender) to incidents of the theme's categories (or flags) in the
    period and areas; the profile reads the sources those incidents came from. Each role
    keeps its own name: the people who report anti-social behaviour are its callers.
    """
    if not (theme.categories or theme.flags):
        return {}, None, None
    links = _linked(con, scope)
    # An ASB-only theme takes every council ASB case, whatever the council's own category
    # (noise, youth disorder, …).
    asb_only = bool(theme.categories) and set(theme.categories) == {ASB_CATEGORY}
    if asb_only:
        mine = links["category"].isin([ASB_CATEGORY]) | (links["incident_source"] == COUNCIL_ASB)
    elif theme.categories:
        mine = links["category"].isin(list(theme.categories))
    else:  # a flag not recorded (null) does not select the incident
        mine = links[[f"flag_{f}" for f in theme.flags]].fillna(False).astype(bool).any(axis=1)
    found = links.loc[mine, ["role", "incident_source"]].drop_duplicates()
    if asb_only:
        selection: dict[str, Any] = {"categories": None, "flags": ()}
    else:
        selection = {"categories": list(theme.categories) or None,
                     "flags": () if theme.categories else list(theme.flags)}
    profiles: dict[str, PeopleProfile | Unavailable] = {}
    for role in ROLES:
        sources = tuple(sorted(found.loc[found["role"] == role, "incident_source"]))
        if sources:
            profiles[role] = optional("people", lambda role=role, sources=sources:
                                      people_profile(con, scope, role=role, sources=sources,
                                                     **selection))
    if not profiles:
        return profiles, None, None
    sources = tuple(sorted(set(found["incident_source"])))
    return (profiles,
            optional("repeats", lambda: repeats(con, scope, sources=sources,
                                                roles=tuple(profiles), **selection)),
            optional("timing", lambda: temporal_profile(con, scope, sources=sources,
                                                        **selection)))


def significant_rises(comparison: PeriodComparison, categories: tuple[str, ...]
                      ) -> tuple[str, ...]:
    """The crime types among ``categories`` that rose significantly between the periods."""
    t = comparison.table
    rows = t[(t["kind"] == "crime_type") & t["group"].isin(list(categories))
             & t["significant"] & (t["current"] > t["previous"])]
    return tuple(rows["group"])


def _theme_evidence(con: BaseBackend, scope: Scope, theme: Theme,
                    change: PeriodComparison) -> ThemeEvidence:
    """The place analyses of one theme: its crime types, or anti-social behaviour when the
    theme is ASB alone (a theme mixing both is analysed on its crime types); and, for each
    of its crime types that rose significantly, the wards it rose in."""
    crime = tuple(c for c in theme.categories if c != ASB_CATEGORY)
    asb = ASB_CATEGORY in theme.categories
    asked = set(theme.analyses)
    selection: dict[str, Any] = (
        {"categories": crime} if crime else {"source": ASB} if asb else {})

    def place(name: str, run: Callable[..., T], **options: Any) -> T | Unavailable | None:
        if name not in asked or not selection:
            return None
        return optional(name, lambda: run(con, scope, **selection, **options))

    people, repeated, timing = _people(con, scope, theme)
    sources = [CRIME] * bool(crime) + [ASB] * asb
    locations = None
    if ("places" in asked or "hotspots" in asked) and sources:
        categories = (list(crime) + [ASB_CATEGORY] * asb) if crime else None
        locations = top_locations(con, scope, sources=sources, categories=categories,
                                  top_n=TOP_N)
    rising = significant_rises(change, crime) if len(crime) > 1 and "places" in asked else ()
    rises_by_ward: dict[str, PlaceRanking | Unavailable] = {
        t: optional("places", lambda t=t: ward_ranking(con, scope, categories=[t],
                                                       top_n=TOP_N))
        for t in rising}
    return ThemeEvidence(
        theme=theme, crime_categories=crime, includes_asb=asb,
        wards=place("places", ward_ranking, top_n=TOP_N),
        hotspots=place("hotspots", hotspots, permutations=PERMUTATIONS, seed=SEED),
        locations=locations,
        concentration=place("concentration", concentration),
        deprivation=place("deprivation", deprivation_profile),
        people=people,
        repeats=repeated,
        timing=timing,
        rises_by_ward=rises_by_ward,
    )


def _partner(con: BaseBackend, scope: Scope) -> PartnerEvidence:
    """Council ASB, fire and A&E analyses for the sources with rows in the period."""
    present = {s for s in (COUNCIL_ASB, FIRE, AE_ASSAULT)
               if scope.months_loaded(s) & set(scope.period.months)}
    return PartnerEvidence(
        asb_by_source=optional("ASB by source", lambda: asb_by_source(con, scope))
        if COUNCIL_ASB in present else None,
        fires=optional("deliberate fires", lambda: deliberate_fires(con, scope))
        if FIRE in present else None,
        ae_assaults=optional("A&E assaults", lambda: ae_assaults(con, scope))
        if AE_ASSAULT in present else None,
    )


def step_count(config: PartnershipConfig) -> int:
    """How many progress messages :func:`gather` sends for this configuration."""
    return 7 + bool(config.peers) + len(config.themes)


def gather(con: BaseBackend, config: PartnershipConfig, *,
           progress: Progress = lambda _: None) -> Evidence:
    """Run every analysis the configuration asks for.

    Parameters
    ----------
    con
        Warehouse backend.
    config
        The partnership configuration.
    progress
        Called with a short description before each step.

    Raises
    ------
    CspError
        When a core analysis cannot run (unknown area, months not loaded, …).
    """
    themes = theme_map(config)
    small = config.small_number_threshold
    progress("comparing periods")
    scope = resolve_scope(con, areas=config.areas, period=config.period(),
                          compare=config.compare)
    change = compare_periods(con, scope, themes=themes, small_number=small)
    # Only the two compared periods are required: the recent window and the months between
    # the periods (a short period compared a year earlier) may reach months not loaded.
    recent = optional("recent trend", lambda: recent_change(
        con, scope, months=RECENT_MONTHS, themes=themes, small_number=small))
    recent_year_earlier = optional("recent direction", lambda: recent_change(
        con, scope, months=RECENT_MONTHS, compare="year-earlier", themes=themes,
        small_number=small))
    trends = monthly_series(con, scope, themes=themes)
    progress("ranking wards")
    wards = ward_ranking(con, scope, top_n=TOP_N)
    conc = optional("concentration", lambda: concentration(con, scope))
    progress("deprivation and vulnerable localities")
    dep = optional("deprivation", lambda: deprivation_profile(con, scope))
    vli = optional("vulnerability", lambda: vulnerable_localities(con, scope))
    progress("hot spots")
    hot = optional("hotspots", lambda: hotspots(con, scope, permutations=PERMUTATIONS,
                                                seed=SEED))
    progress("outcomes")
    outcomes = optional("outcomes", lambda: outcome_profile(con, scope, themes=themes))
    peers: PeerComparison | Unavailable | None = None
    if config.peers:
        progress("peers")
        peers = optional("peers", lambda: peer_comparison(con, scope))
    theme_evidence = []
    for theme in config.themes:
        progress(f"theme: {theme.name}")
        theme_evidence.append(_theme_evidence(con, scope, theme, change))
    progress("partner data")
    partner = _partner(con, scope)
    progress("data coverage")
    ledger = scope.table(con, "load_ledger").to_pandas()
    return Evidence(
        config=config, scope=scope, period=scope.period, comparison=scope.comparison,
        area_names=scope.names,
        change=change, recent=recent, recent_year_earlier=recent_year_earlier, trends=trends,
        wards=wards, concentration=conc,
        deprivation=dep, hotspots=hot, vulnerability=vli, outcomes=outcomes, peers=peers,
        themes=tuple(theme_evidence),
        coverage=data_coverage(con, scope),
        placement=placement_totals(con),
        ward_boundaries=_boundaries(con, scope, "ward", sorted(set(scope.lsoas["ward_code"]))),
        lsoa_boundaries=_boundaries(con, scope, "lsoa21", scope.lsoa_codes),
        ledger=ledger,
        partner=partner,
        partner_coverage=partner_coverage(con, scope),
        quality=data_quality(con, areas=list(scope.codes),
                             months=[*scope.comparison.months, *scope.period.months]),
    )
