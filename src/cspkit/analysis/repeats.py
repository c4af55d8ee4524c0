"""Repeat victimisation, repeat offending, repeat callers and repeat locations.

Definitions follow Farrell and Pease and the Crime Survey for England and Wales:

- **incidence**: incidents per 1,000 residents, :math:`1000\\, I / P`;
- **prevalence**: distinct victims (offenders) per 1,000 residents, :math:`1000\\, V / P`;
- **concentration**: incidents per victim, :math:`I / V` (= incidence / prevalence);
- a **repeat** victim (offender, caller, location) has two or more incidents in the period;
- the **share of incidents involving repeats** is the incidents of repeat units over all.

Each role the data carry (``victim``, ``caller``, ``suspect``, ``offender``) is a unit of
its own, counted over the incidents of that role's people.
Here :math:`I` counts person-incidents: each (incident, person key) once. Involvements
with no person key cannot be matched across incidents and are left out (counted in
``without_key``). A location is the LSOA with the location text (case and spaces
normalised); incidents with neither are left out.

References
----------
Farrell, G. and Pease, K. (1993) *Once Bitten, Twice Bitten: Repeat Victimisation and its
Implications for Crime Prevention*, Home Office Crime Prevention Unit Paper 46. Trickett,
A., Osborn, D., Seymour, J. and Pease, K. (1992) "What is different about high crime
areas?", *British Journal of Criminology* 32(1), 81–89.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.involvement import (
    POLICE_EXTRACT,
    describe_filters,
    involvements,
    require_sources,
    source_names,
    theme_incidents,
)
from cspkit.analysis.scope import SOURCE_CENSUS, SOURCE_LOOKUP, Citation, Scope, residents

ROLES = ("victim", "offender")
LOCATION = "location"


@dataclass(frozen=True, eq=False)
class Repeats:
    """Repeats among the people of each role and the locations of a theme.

    Attributes
    ----------
    table
        One row per unit (each role asked for, then ``location``): ``units`` (distinct),
        ``incidents`` (unit-incidents), ``repeat_units``, ``repeat_share`` (of units),
        ``incidents_to_repeats``, ``repeat_incident_share``, ``incidence_per_1000``,
        ``prevalence_per_1000`` (NaN for locations), ``concentration``, ``without_key``.
    by_category
        One row per unit and category: ``unit``, ``category``, ``units``, ``incidents``,
        ``repeat_units``, ``repeat_rate`` (repeat units / units, repeats counted within the
        category), ``concentration``.
    residents
        Residents of the areas (Census 2021), the rates' denominator.
    citation
        Period, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    by_category: pd.DataFrame
    residents: int
    citation: Citation


def repeat_measures(pairs: pd.DataFrame, population: int) -> dict[str, float]:
    """Repeat measures of (``unit_id``, ``incident_id``) pairs, one row per pair.

    Examples
    --------
    >>> pairs = pd.DataFrame({"unit_id": ["a", "a", "a", "b", "c", "c"],
    ...                       "incident_id": [1, 2, 3, 4, 5, 6]})
    >>> m = repeat_measures(pairs, 1000)
    >>> m["units"], m["incidents"], m["repeat_units"], m["incidents_to_repeats"]
    (3, 6, 2, 5)
    >>> m["concentration"], m["incidence_per_1000"], m["prevalence_per_1000"]
    (2.0, 6.0, 3.0)
    """
    per_unit = pairs.groupby("unit_id")["incident_id"].nunique()
    units, incidents = int(per_unit.size), int(per_unit.sum())
    repeat = per_unit[per_unit >= 2]
    rate = (lambda x: 1000 * x / population) if population else (lambda x: np.nan)
    return {
        "units": units,
        "incidents": incidents,
        "repeat_units": int(repeat.size),
        "repeat_share": repeat.size / units if units else np.nan,
        "incidents_to_repeats": int(repeat.sum()),
        "repeat_incident_share": repeat.sum() / incidents if incidents else np.nan,
        "incidence_per_1000": rate(incidents),
        "prevalence_per_1000": rate(units),
        "concentration": incidents / units if units else np.nan,
    }


def repeats(
    con: BaseBackend,
    scope: Scope,
    *,
    sources: Sequence[str] = (POLICE_EXTRACT,),
    categories: Sequence[str] | None = None,
    flags: Sequence[str] = (),
    roles: Sequence[str] = ROLES,
) -> Repeats:
    """Repeat victims, offenders (or callers, suspects) and locations of a theme in a period.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas and the strategic period (:func:`~cspkit.analysis.scope.resolve_scope`).
    sources
        Partner sources (default the police crime extract).
    categories, flags
        The theme's categories (default all) and flags that must be true.
    roles
        The ``person_involvement`` roles to count repeats of (default victims and
        offenders; ``caller`` for the people who report anti-social behaviour).

    Returns
    -------
    Repeats
    """
    period = scope.period
    require_sources(scope, period.months, sources)
    population = int(residents(con, scope)["residents"].sum())
    incidents = theme_incidents(con, scope, period.months, sources=sources,
                                categories=categories, flags=flags)
    places = incidents.select("incident_id", "category", "lsoa_code", "location",
                              "load_id").to_pandas()
    pairs: dict[str, pd.DataFrame] = {}
    without: dict[str, int] = {}
    load_ids = [*places["load_id"]]
    for role in roles:
        rows = involvements(con, incidents, role)
        load_ids += [*rows["load_id"]]
        without[role] = int(rows["person_key"].isna().sum())
        pairs[role] = (rows.dropna(subset=["person_key"])
                       .rename(columns={"person_key": "unit_id"})
                       [["unit_id", "incident_id", "category"]].drop_duplicates())
    text = places["location"].fillna("").str.casefold().str.split().str.join(" ")
    located = places["lsoa_code"].notna() & (text != "")
    without[LOCATION] = int((~located).sum())
    pairs[LOCATION] = pd.DataFrame({
        "unit_id": (places["lsoa_code"] + "|" + text)[located],
        "incident_id": places["incident_id"][located],
        "category": places["category"][located]})
    units = [*roles, LOCATION]
    table = pd.DataFrame([{"unit": unit, **repeat_measures(pairs[unit], population),
                           "without_key": without[unit]} for unit in units])
    table.loc[table["unit"] == LOCATION, "prevalence_per_1000"] = np.nan
    by_category = []
    for unit in units:
        for category, group in pairs[unit].groupby("category", sort=True):
            m = repeat_measures(group, population)
            by_category.append({"unit": unit, "category": category, "units": m["units"],
                                "incidents": m["incidents"], "repeat_units": m["repeat_units"],
                                "repeat_rate": m["repeat_share"],
                                "concentration": m["concentration"]})
    return Repeats(
        table=table,
        by_category=pd.DataFrame(by_category, columns=[
            "unit", "category", "units", "incidents", "repeat_units", "repeat_rate",
            "concentration"]),
        residents=population,
        citation=scope.cite(period, None,
                            sources=[*source_names(sources), SOURCE_CENSUS, SOURCE_LOOKUP],
                            filters=describe_filters(categories, flags),
                            load_ids=[*load_ids, *scope.lsoas["load_id"]]))
