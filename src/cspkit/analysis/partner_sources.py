"""Analyses of partner sources: ASB by source, deliberate fires, A&E assaults, first-time
entrants.

- ASB reported to the police (data.police.uk) and to the council (a case export) side by
  side: the two overlap and neither is complete, so they are shown apart, never summed.
- Deliberate fires: fire incidents whose ``motive`` detail starts with "deliberate".
- A&E assaults (Cardiff Model): method, location type, time of day, and the share not
  reported to the police (of attendances where the answer was recorded).
- First-time entrants: from the Youth Offending Service's list of first formal outcomes
  when it is loaded; otherwise young people (10–17) whose first appearance as an offender
  in the loaded police crime extract falls in the period — a proxy for the Youth Justice
  Board's measure (first caution or conviction) that counts first recorded offending and
  is only as good as the extract's history (see ``history_months``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.change import exact_poisson_test
from cspkit.analysis.involvement import (
    AE_ASSAULT,
    COUNCIL_ASB,
    FIRE,
    NOT_RECORDED,
    POLICE_EXTRACT,
    YOS_FTE,
    require_sources,
    source_names,
    theme_incidents,
)
from cspkit.analysis.periods import month_index
from cspkit.analysis.scope import ASB, SOURCE_LOOKUP, Citation, Scope
from cspkit.analysis.temporal import TemporalProfile, profile_timing, timing
from cspkit.errors import CspError
from cspkit.sources.partner.mapping import FALSE_VALUES, TRUE_VALUES


def _shares(counts: pd.Series, name: str) -> pd.DataFrame:
    table = counts.rename_axis(name).reset_index(name="count")
    table["count"] = table["count"].astype("int64")
    total = table["count"].sum()
    table["share"] = table["count"] / total if total else np.nan
    return table


def _details(con: BaseBackend, incident_ids: Sequence[str], name: str) -> pd.Series:
    """Value of one incident_detail per incident id (``None`` where blank or absent)."""
    d = con.table("incident_detail")
    rows = d.filter(d.name == name).select("incident_id", "value").to_pandas()
    return pd.Series(list(incident_ids), dtype=object).map(
        rows.drop_duplicates("incident_id").set_index("incident_id")["value"])


@dataclass(frozen=True, eq=False)
class AsbBySource:
    """ASB reported to the police and to the council, side by side.

    Attributes
    ----------
    table
        ``source`` (police_asb, council_asb), ``category``, ``count``, ``share`` (of that
        source's total).
    totals
        Incidents per source.
    citation
        Period, areas, sources, load ids.
    """

    table: pd.DataFrame
    totals: dict[str, int]
    citation: Citation


def asb_by_source(con: BaseBackend, scope: Scope) -> AsbBySource:
    """ASB by source (police, council) and category in the scope's areas and period."""
    period = scope.period
    sources = [ASB, COUNCIL_ASB]
    require_sources(scope, period.months, sources)
    rows = theme_incidents(con, scope, period.months, sources=sources).group_by(
        ["source", "category", "load_id"]).aggregate(count=lambda t: t.count()).to_pandas()
    table = rows.groupby(["source", "category"], as_index=False)["count"].sum()
    table["count"] = table["count"].astype("int64")
    totals = {s: int(table.loc[table["source"] == s, "count"].sum()) for s in sources}
    table["share"] = table["count"] / table["source"].map(totals)
    table = table.sort_values(["source", "count", "category"],
                              ascending=[False, False, True]).reset_index(drop=True)
    return AsbBySource(table=table, totals=totals, citation=scope.cite(
        period, None, sources=[*source_names(sources), SOURCE_LOOKUP],
        load_ids=[*rows["load_id"], *scope.lsoas["load_id"]]))


@dataclass(frozen=True, eq=False)
class DeliberateFires:
    """Deliberate fires, and how they compare with the comparison period.

    Attributes
    ----------
    table
        ``category`` (incident type), ``subcategory`` (property type), ``deliberate``,
        ``all_fires``.
    by_ward
        ``ward_code``, ``ward_name``, ``deliberate``, ``share``.
    deliberate, all_fires, motive_not_recorded
        Counts in the period.
    previous, p_value
        Deliberate fires in the comparison period and the exact Poisson test of the change
        (``None`` when no comparison was asked for).
    citation
        Period, comparison, areas, sources, load ids.
    """

    table: pd.DataFrame
    by_ward: pd.DataFrame
    deliberate: int
    all_fires: int
    motive_not_recorded: int
    previous: int | None
    p_value: float | None
    citation: Citation


def _fires(con: BaseBackend, scope, months: Sequence[str]) -> pd.DataFrame:
    rows = theme_incidents(con, scope, months, sources=[FIRE]).select(
        "incident_id", "category", "subcategory", "ward_code", "load_id").to_pandas()
    motive = _details(con, rows["incident_id"], "motive")
    rows["deliberate"] = motive.fillna("").str.casefold().str.startswith("deliberate").to_numpy()
    rows["motive_recorded"] = motive.notna().to_numpy()
    return rows


def deliberate_fires(con: BaseBackend, scope: Scope) -> DeliberateFires:
    """Deliberate fires by type, property and ward, with the change on the scope's comparison
    period (none when the scope has none)."""
    period, before = scope.period, scope.comparison
    require_sources(scope, period.months, [FIRE])
    rows = _fires(con, scope, period.months)
    table = rows.groupby(["category", "subcategory"], dropna=False).agg(
        deliberate=("deliberate", "sum"), all_fires=("incident_id", "size")).reset_index()
    table[["deliberate", "all_fires"]] = table[["deliberate", "all_fires"]].astype("int64")
    table = table.sort_values(["deliberate", "category"], ascending=[False, True])
    wards = scope.lsoas.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
    per_ward = rows[rows["deliberate"]].groupby("ward_code").size().reindex(
        wards.index, fill_value=0)
    by_ward = pd.DataFrame({"ward_code": wards.index, "ward_name": wards.to_numpy(),
                            "deliberate": per_ward.to_numpy().astype("int64")})
    total = int(rows["deliberate"].sum())
    by_ward["share"] = by_ward["deliberate"] / total if total else np.nan
    by_ward = by_ward.sort_values(["deliberate", "ward_code"], ascending=[False, True])
    previous = p_value = None
    if before is not None:
        require_sources(scope, before.months, [FIRE])
        previous = int(_fires(con, scope, before.months)["deliberate"].sum())
        p_value = exact_poisson_test(total, previous)
    return DeliberateFires(
        table=table.reset_index(drop=True), by_ward=by_ward.reset_index(drop=True),
        deliberate=total, all_fires=len(rows),
        motive_not_recorded=int((~rows["motive_recorded"]).sum()), previous=previous,
        p_value=p_value, citation=scope.cite(
            period, before, sources=[*source_names([FIRE]), SOURCE_LOOKUP],
            filters=["incident_detail motive starts with 'deliberate'"],
            load_ids=[*rows["load_id"], *scope.lsoas["load_id"]]))


@dataclass(frozen=True, eq=False)
class AeAssaults:
    """Assault attendances at A&E (Cardiff Model).

    Attributes
    ----------
    by_method, by_location_type
        ``method`` / ``location_type``, ``count``, ``share`` ("Not recorded" included).
    reported
        ``reported_to_police`` (Yes, No, Not recorded), ``count``, ``share``.
    share_not_reported
        No / (Yes + No): of attendances where the question was answered.
    temporal
        Hour × weekday profile (:class:`~cspkit.analysis.temporal.TemporalProfile`).
    attendances, unplaced
        Attendances counted, and how many had no usable location (included).
    citation
        Period, areas, sources, load ids.
    """

    by_method: pd.DataFrame
    by_location_type: pd.DataFrame
    reported: pd.DataFrame
    share_not_reported: float
    temporal: TemporalProfile
    attendances: int
    unplaced: int
    citation: Citation


def _yes_no(value: str | None) -> str:
    if value is None or pd.isna(value):
        return NOT_RECORDED
    lowered = value.casefold()
    if lowered in TRUE_VALUES:
        return "Yes"
    return "No" if lowered in FALSE_VALUES else NOT_RECORDED


def ae_assaults(con: BaseBackend, scope: Scope) -> AeAssaults:
    """A&E assault attendances: method, location type, timing, reporting to the police.

    Attendances with no usable location are included: the department serves the areas.
    """
    period = scope.period
    require_sources(scope, period.months, [AE_ASSAULT])
    incidents = theme_incidents(con, scope, period.months, sources=[AE_ASSAULT],
                                include_unplaced=True)
    rows = incidents.select("incident_id", "category", "lsoa_code", "load_id").to_pandas()
    ids = rows["incident_id"]
    location_type = _details(con, ids, "location_type").fillna(NOT_RECORDED)
    reported = _details(con, ids, "reported_to_police").map(_yes_no)
    counts = reported.value_counts()
    answered = counts.get("Yes", 0) + counts.get("No", 0)
    reported_table = _shares(counts.reindex(["Yes", "No", NOT_RECORDED], fill_value=0),
                             "reported_to_police")
    citation = scope.cite(period, None, sources=[*source_names([AE_ASSAULT]), SOURCE_LOOKUP],
                          filters=["attendances with no usable location included"],
                          load_ids=[*rows["load_id"], *scope.lsoas["load_id"]])
    return AeAssaults(
        by_method=_shares(rows["category"].fillna(NOT_RECORDED).value_counts(), "method"),
        by_location_type=_shares(location_type.value_counts(), "location_type"),
        reported=reported_table,
        share_not_reported=counts.get("No", 0) / answered if answered else float("nan"),
        temporal=profile_timing(timing(con, incidents), citation, [AE_ASSAULT]),
        attendances=len(rows), unplaced=int(rows["lsoa_code"].isna().sum()),
        citation=citation)


@dataclass(frozen=True, eq=False)
class FirstTimeEntrants:
    """Young people entering the youth justice system, this period and the last.

    Attributes
    ----------
    table
        Two rows, ``period`` (label) and ``first_time_entrants``: the comparison period,
        then the strategic period.
    by_sex
        ``sex``, ``count``, ``share`` in the strategic period.
    current, previous, change, p_value
        The counts, the relative change (NaN from zero) and the exact Poisson test.
    method
        ``yos`` (the YOS list of first formal outcomes, counted by home LSOA) or
        ``police_extract_proxy`` (first appearance as an offender aged 10–17 in the police
        extract, counted where the offence happened).
    history_months
        For the proxy: months of extract loaded before the comparison period began (an
        offender's earlier offending before the extract starts is unseen, so few months
        overstate "first"). ``None`` for the YOS measure.
    citation
        Period, comparison, areas, sources, load ids.
    """

    table: pd.DataFrame
    by_sex: pd.DataFrame
    current: int
    previous: int
    change: float
    p_value: float
    method: str
    history_months: int | None
    citation: Citation


def _first_appearances(con: BaseBackend, source: str) -> pd.DataFrame:
    """Each keyed offender of ``source`` at their first incident (any area, any age)."""
    p = con.table("person_involvement")
    offenders = p.filter(p.role == "offender", p.source == source, p.person_key.notnull())
    i = con.table("incident")
    joined = offenders.join(i, offenders.incident_id == i.incident_id).select(
        offenders.person_key, offenders.age, offenders.sex, i.month, i.lsoa_code,
        i.incident_id, offenders.load_id).to_pandas()
    return joined.sort_values(["month", "incident_id"]).drop_duplicates("person_key")


def first_time_entrants(con: BaseBackend, scope: Scope, *,
                        method: str = "auto") -> FirstTimeEntrants:
    """First-time entrants to the youth justice system, with the change on the comparison.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas, the strategic period and its comparison
        (:func:`~cspkit.analysis.scope.resolve_scope`).
    method
        ``yos``: the Youth Offending Service's list (mapping ``yos_first_time_entrants``),
        young people by home LSOA, each counted at their first outcome. ``police_extract``:
        offenders whose first incident in the loaded police extract (any area, any age)
        falls in the period, in the areas, at age 10 to 17. ``auto`` (default): ``yos`` when
        it covers both periods, else the police extract.
    """
    period, before = scope.period, scope.comparison
    months = [*before.months, *period.months]
    if method == "auto":
        method = "yos" if set(months) <= scope.months_loaded(YOS_FTE) else "police_extract"
    if method not in ("yos", "police_extract"):
        raise CspError(f"unknown first-time entrant method {method!r}",
                       hint="Use auto, yos or police_extract")
    source = YOS_FTE if method == "yos" else POLICE_EXTRACT
    require_sources(scope, months, [source])
    first = _first_appearances(con, source)
    young = first[first["lsoa_code"].isin(scope.lsoa_codes)]
    if method == "police_extract":
        young = young[young["age"].between(10, 17)]
    current = young[young["month"].isin(period.months)]
    previous = young[young["month"].isin(before.months)]
    history = None
    if method == "police_extract":
        loaded = sorted(scope.months_loaded(POLICE_EXTRACT))
        history = max(month_index(before.start) - month_index(loaded[0]), 0)
    n_now, n_before = len(current), len(previous)
    return FirstTimeEntrants(
        table=pd.DataFrame({"period": [before.label, period.label],
                            "first_time_entrants": [n_before, n_now]}),
        by_sex=_shares(current["sex"].fillna(NOT_RECORDED).value_counts(), "sex"),
        current=n_now, previous=n_before,
        change=(n_now - n_before) / n_before if n_before else float("nan"),
        p_value=exact_poisson_test(n_now, n_before),
        method="yos" if method == "yos" else "police_extract_proxy",
        history_months=history,
        citation=scope.cite(
            period, before, sources=[*source_names([source]), SOURCE_LOOKUP],
            filters=(["first formal outcome, by home LSOA"] if method == "yos" else
                     ["offenders aged 10-17 at their first appearance in the extract"]),
            load_ids=[*young["load_id"], *scope.lsoas["load_id"]]))
