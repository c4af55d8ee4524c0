"""Strategic assessment analyses: warehouse tables in, typed results out. No formatting.

Each analysis is a function taking an Ibis backend (DuckDB by default, Spark for large
estates) and a :class:`Scope` (the areas and periods, resolved once by :func:`resolve_scope`)
and returning a frozen dataclass with a tidy ``table`` and a :class:`Citation`. Methods,
formulas and sources: ``docs/methods.md``.
"""

from cspkit.analysis.change import (
    PeriodComparison,
    compare_periods,
    exact_poisson_test,
    recent_change,
)
from cspkit.analysis.concentration import Concentration, concentration, gini
from cspkit.analysis.deprivation import DeprivationProfile, deprivation_profile
from cspkit.analysis.detection import DetectionStudy, detection_study
from cspkit.analysis.exceedance import (
    Exceedance,
    exact_exceedance,
    month_exceedance,
    quarter_change,
)
from cspkit.analysis.hotspots import HotSpots, benjamini_hochberg, gi_star, hotspots
from cspkit.analysis.outcomes import OutcomeProfile, outcome_profile
from cspkit.analysis.peers import PeerComparison, peer_comparison
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.places import (
    PlaceRanking,
    empirical_bayes_rates,
    lsoa_ranking,
    ward_ranking,
)
from cspkit.analysis.scan import Scan, scan
from cspkit.analysis.scope import Citation, Scope, resolve_scope
from cspkit.analysis.themes import POLICE_UK_CRIME_TYPES
from cspkit.analysis.trends import MonthlySeries, monthly_series
from cspkit.analysis.vulnerability import VulnerableLocalities, vli_scores, vulnerable_localities

__all__ = [
    "Citation",
    "Concentration",
    "DeprivationProfile",
    "DetectionStudy",
    "Exceedance",
    "HotSpots",
    "MonthlySeries",
    "OutcomeProfile",
    "POLICE_UK_CRIME_TYPES",
    "PeerComparison",
    "PeriodComparison",
    "PlaceRanking",
    "Scan",
    "Scope",
    "StrategicPeriod",
    "VulnerableLocalities",
    "benjamini_hochberg",
    "compare_periods",
    "concentration",
    "deprivation_profile",
    "detection_study",
    "empirical_bayes_rates",
    "exact_exceedance",
    "exact_poisson_test",
    "gi_star",
    "gini",
    "hotspots",
    "lsoa_ranking",
    "month_exceedance",
    "monthly_series",
    "outcome_profile",
    "peer_comparison",
    "quarter_change",
    "recent_change",
    "resolve_scope",
    "scan",
    "vli_scores",
    "vulnerable_localities",
    "ward_ranking",
]
