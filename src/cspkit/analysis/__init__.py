"""Strategic assessment analyses: warehouse tables in, typed results out. No formatting.

Each analysis is a function taking an Ibis backend (DuckDB by default, Spark for large
estates) and a :class:`Scope` (the areas and periods, resolved once by :func:`resolve_scope`)
and returning a frozen dataclass with a tidy ``table`` and a :class:`Citation`. Methods,
formulas and sources: ``docs/methods.md``.

The package re-exports each analysis's public names, imported from its module on first use
(PEP 562): importing one analysis, the configuration or the ``csp`` command does not load
every analysis, and with them SciPy, esda, libpysal and scikit-learn.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_EXPORTS: dict[str, tuple[str, ...]] = {
    "change": ("PeriodComparison", "compare_periods", "exact_poisson_test", "recent_change"),
    "concentration": ("Concentration", "concentration", "gini"),
    "deprivation": ("DeprivationProfile", "deprivation_profile"),
    "detection": ("DetectionStudy", "detection_study"),
    "exceedance": ("Exceedance", "exact_exceedance", "month_exceedance", "quarter_change"),
    "hotspots": ("HotSpots", "benjamini_hochberg", "gi_star", "hotspots"),
    "outcomes": ("OutcomeProfile", "outcome_profile"),
    "peers": ("PeerComparison", "peer_comparison"),
    "periods": ("StrategicPeriod",),
    "places": ("PlaceRanking", "empirical_bayes_rates", "lsoa_ranking", "ward_ranking"),
    "scan": ("Scan", "scan"),
    "scope": ("Citation", "Scope", "resolve_scope"),
    "themes": ("POLICE_UK_CRIME_TYPES",),
    "trends": ("MonthlySeries", "monthly_series"),
    "vulnerability": ("VulnerableLocalities", "vli_scores", "vulnerable_localities"),
}
"""The public names, by the module (of this package) that defines them."""

_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """This package's module object.

    Importing a submodule binds it as an attribute of its package. Where a function has its
    module's name (``concentration``, ``hotspots``, ``scan``), the package's attribute stays
    the function, as when this file imported every analysis.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _MODULE_OF.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
