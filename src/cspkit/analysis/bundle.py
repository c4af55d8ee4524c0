"""Every analysis of a strategic assessment in one call, for the document builder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ibis.backends import BaseBackend

from cspkit.analysis.change import (
    DEFAULT_SMALL_NUMBER,
    PeriodComparison,
    compare_periods,
    recent_change,
)
from cspkit.analysis.concentration import Concentration, concentration
from cspkit.analysis.deprivation import DeprivationProfile, deprivation_profile
from cspkit.analysis.hotspots import HotSpots, hotspots
from cspkit.analysis.outcomes import OutcomeProfile, outcome_profile
from cspkit.analysis.peers import PeerComparison, peer_comparison
from cspkit.analysis.periods import ComparisonRule, StrategicPeriod
from cspkit.analysis.places import PlaceRanking, lsoa_ranking, ward_ranking
from cspkit.analysis.scope import as_codes
from cspkit.analysis.themes import Themes
from cspkit.analysis.trends import MonthlySeries, monthly_series
from cspkit.analysis.vulnerability import VulnerableLocalities, vulnerable_localities


@dataclass(frozen=True, eq=False)
class AssessmentAnalyses:
    """The results a Partnership Strategic Assessment is built from.

    ``peers`` is ``None`` unless ``areas`` is a single local authority.
    """

    period: StrategicPeriod
    comparison: StrategicPeriod
    change: PeriodComparison
    recent_change: PeriodComparison
    trends: MonthlySeries
    wards: PlaceRanking
    lsoas: PlaceRanking
    concentration: Concentration
    deprivation: DeprivationProfile
    hotspots: HotSpots
    vulnerability: VulnerableLocalities
    outcomes: OutcomeProfile
    peers: PeerComparison | None


def run_all(
    con: BaseBackend,
    *,
    areas: str | Sequence[str],
    period: StrategicPeriod,
    compare: ComparisonRule = "previous",
    themes: Themes | None = None,
    small_number: int = DEFAULT_SMALL_NUMBER,
    recent_months: int = 6,
    top_n: int = 10,
    permutations: int = 0,
    seed: int = 20250101,
) -> AssessmentAnalyses:
    """Run every analysis for the areas and period with one set of parameters.

    Parameters
    ----------
    con
        Warehouse backend.
    areas
        Local authority, ward or LSOA 2021 codes; peers need a single local authority.
    period, compare
        The strategic period and the comparison rule.
    themes
        Theme name → crime types, used by change, trends and outcomes.
    small_number
        Small-number threshold for change tables.
    recent_months
        Length of the "recent trend" comparison ending with the period.
    top_n
        Top wards and LSOAs; the deprivation comparison uses ``min(top_n, 5)``.
    permutations, seed
        Hot spot inference: 0 (analytic p-values), or permutations and their seed.

    Returns
    -------
    AssessmentAnalyses
    """
    comparison = period.previous(compare)
    codes = as_codes(areas)
    first = min(comparison.start, period.start)
    trend_span = StrategicPeriod(first, period.end)
    if codes[0].startswith(("E06", "E07", "E08", "E09", "W06")) and len(codes) == 1:
        peers = peer_comparison(con, area=codes[0], period=period)
    else:
        peers = None
    return AssessmentAnalyses(
        period=period,
        comparison=comparison,
        change=compare_periods(con, areas=codes, period=period, compare=compare,
                               themes=themes, small_number=small_number),
        recent_change=recent_change(con, areas=codes, end=period.end, months=recent_months,
                                    themes=themes, small_number=small_number),
        trends=monthly_series(con, areas=codes, period=trend_span, themes=themes),
        wards=ward_ranking(con, areas=codes, period=period, compare=compare, top_n=top_n),
        lsoas=lsoa_ranking(con, areas=codes, period=period, compare=compare, top_n=top_n),
        concentration=concentration(con, areas=codes, period=period),
        deprivation=deprivation_profile(con, areas=codes, period=period, top_n=min(top_n, 5)),
        hotspots=hotspots(con, areas=codes, period=period, compare=compare,
                          permutations=permutations, seed=seed),
        vulnerability=vulnerable_localities(con, areas=codes, period=period),
        outcomes=outcome_profile(con, areas=codes, period=period, themes=themes),
        peers=peers,
    )
