"""Selecting partner incidents and the people involved in them, for person-level analyses.

A theme is selected the way the assessment selects it: incident sources, categories and
flags (``domestic``, ``alcohol``, ``hate``: incidents whose flag is true). People come from
``person_involvement``, already pseudonymised by the data owners.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cspkit.errors import CspError

if TYPE_CHECKING:  # only for annotations: the configuration reads this module's names
    import ibis
    import pandas as pd
    from ibis.backends import BaseBackend

    from cspkit.analysis.scope import Scope

POLICE_EXTRACT = "police_crime_extract"
COUNCIL_ASB = "council_asb"
FIRE = "fire"
AE_ASSAULT = "ae_assault"
YOS_FTE = "yos_fte"
PARTNER_SOURCES = (POLICE_EXTRACT, COUNCIL_ASB, FIRE, AE_ASSAULT, YOS_FTE)
"""The partner sources the built-in mappings load (``incident.source``)."""
SOURCE_NAMES = {
    POLICE_EXTRACT: "police recorded crime extract with victims and offenders "
                    "(incident.source = police_crime_extract)",
    COUNCIL_ASB: "council ASB case export (incident.source = council_asb)",
    FIRE: "fire and rescue service incidents (incident.source = fire)",
    AE_ASSAULT: "A&E assault attendances, Cardiff Model (incident.source = ae_assault)",
    YOS_FTE: "Youth Offending Service first-time entrants (incident.source = yos_fte)",
    "police_asb": "data.police.uk anti-social behaviour (incident.source = police_asb)",
    "police_crime": "data.police.uk street-level crime (incident.source = police_crime)",
}
FLAGS = ("domestic", "alcohol", "hate")
NOT_RECORDED = "Not recorded"


def source_names(sources: Sequence[str]) -> list[str]:
    return [SOURCE_NAMES.get(s, f"incident.source = {s}") for s in sources]


def describe_filters(categories: Sequence[str] | None, flags: Sequence[str]) -> list[str]:
    out = [] if categories is None else [f"category in {sorted(categories)}"]
    return out + [f"flag_{f} is true" for f in flags]


def require_sources(scope: Scope, months: Sequence[str], sources: Sequence[str]) -> None:
    """Fail unless every source has rows for every month (a partner export not loaded)."""
    for source in sources:
        scope.require_months(months, source=source)


def theme_incidents(
    con: BaseBackend,
    scope: Scope,
    months: Sequence[str],
    *,
    sources: Sequence[str],
    categories: Sequence[str] | None = None,
    flags: Sequence[str] = (),
    include_unplaced: bool = False,
) -> ibis.Table:
    """Incidents of ``sources`` in the months, placed in the scope's LSOAs.

    ``include_unplaced`` also keeps rows with no LSOA (an A&E department's attendances with
    no usable location still belong to its area).
    """
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise CspError(f"unknown flag(s) {unknown}", hint=f"Use {', '.join(FLAGS)}")
    t = con.table("incident")
    where = t.lsoa_code.isin(scope.lsoa_codes)
    if include_unplaced:
        where = where | t.lsoa_code.isnull()
    expr = t.filter(t.source.isin(list(sources)), t.month.isin(list(months)), where)
    if categories is not None:
        expr = expr.filter(expr.category.isin(list(categories)))
    for flag in flags:
        expr = expr.filter(expr[f"flag_{flag}"].fill_null(False))
    return expr


def involvements(con: BaseBackend, incidents: ibis.Table, role: str) -> pd.DataFrame:
    """People of ``role`` in the incidents, one row per person and incident.

    Columns: ``incident_id, category, month, lsoa_code, ward_code, person_key, age, sex,
    ethnicity, home_lsoa_code, load_id`` (the person row's load) and ``incident_load_id``.
    """
    p = con.table("person_involvement")
    people = p.filter(p.role == role)
    chosen = incidents.select("incident_id", "source", "category", "month", "lsoa_code",
                              "ward_code", incident_load_id="load_id")
    joined = chosen.join(people, [chosen.incident_id == people.incident_id,
                                  chosen.source == people.source])
    out = joined.select(chosen.incident_id, chosen.category, chosen.month, chosen.lsoa_code,
                        chosen.ward_code, people.person_key, people.age, people.sex,
                        people.ethnicity, people.home_lsoa_code, people.load_id,
                        chosen.incident_load_id).to_pandas()
    return out.sort_values(["incident_id", "person_key"]).reset_index(drop=True)
