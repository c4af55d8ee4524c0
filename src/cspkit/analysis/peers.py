"""Peer comparison: crime per 1,000 residents for the partnership and other local authorities.

A comparator says exactly what it covers. The force comparator pools the authorities of the
partnership's force; the England comparator pools every English authority whose force
published every month of the period, and exists only when the loaded data reach beyond one
force and cover at least half of England's authorities (the all-forces published counts do;
one force's street files do not). Its gaps are named: forces with no data, forces with
months missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.scope import CRIME, SOURCE_CENSUS, SOURCE_CRIME, SOURCE_LOOKUP, Citation, Scope
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.errors import CspError
from cspkit.sources.names import FORCE_NAMES

SOURCE_SUMMARY = "published counts by local authority × month × crime type (area_crime_count)"
SOURCE_INVENTORY = "inventory of the force-month files behind the published counts"
NON_TERRITORIAL = frozenset({"btp"})
"""Forces policing no local authority (British Transport Police): never an authority's force."""
WELSH_FORCES = frozenset({"dyfed-powys", "gwent", "north-wales", "south-wales"})
ENGLISH_FORCES = tuple(sorted(set(FORCE_NAMES) - NON_TERRITORIAL - WELSH_FORCES
                              - {"northern-ireland"}))
"""police.uk identifiers of the 39 territorial forces of England (City of London included)."""
STRAY_SHARE = 0.05
"""A force's rows describe an authority when its rate from them is at least this share of the
rate of the force's busiest authority. police.uk snaps a few rows across a force border: on
the 2025 all-forces counts such strays give under 1 crime per 1,000 residents (under 1% of
their force's busiest authority), while the lowest real authority rate is above 30 (over a
fifth of its force's busiest)."""
MIN_ENGLAND_SHARE = 0.5
"""The England comparator needs complete data for at least this share of England's local
authorities (and more than one force)."""


@dataclass(frozen=True)
class EnglandComparator:
    """What "England" means in a peer comparison: the authorities pooled, and what is not.

    Attributes
    ----------
    rate
        Crimes per 1,000 residents pooled over ``authorities``.
    authorities
        English authorities with complete data, pooled and ranked.
    english_authorities
        English local authorities in the loaded area lookup.
    forces_without_data
        English forces with no data for any month of the period (police.uk identifiers).
    forces_incomplete
        ``(force, months missing)`` for English forces with some months missing.
    """

    rate: float
    authorities: int
    english_authorities: int
    forces_without_data: tuple[str, ...]
    forces_incomplete: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, eq=False)
class PeerComparison:
    """The partnership's crime rate against other local authorities.

    Attributes
    ----------
    table
        One row per local authority with data: ``lad_code``, ``lad_name``,
        ``police_force`` (the territorial force recording most of its crime), ``residents``
        (Census 2021), ``count``, ``rate_per_1000``, ``source`` (``incident`` or
        ``area_crime_count``), ``months_missing`` (months of the period whose data are
        absent for that force, comma-separated), ``complete``, ``is_partnership``,
        ``in_force`` (same force as the partnership), ``rank_in_force`` and
        ``rank_in_england`` (1 = highest rate, among complete authorities; NaN for
        incomplete ones, and for every row when there is no England comparator). Sorted by
        rate, highest first. Authorities known only from rows strayed across a force border
        are left out.
    partnership, police_force
        The partnership's local authority code and its force.
    partnership_rate, force_rate
        Rates per 1,000 residents; the force rate pools the force's complete authorities.
    force_authorities
        The force's complete authorities, pooled in ``force_rate``.
    england
        The England comparator, or None when the loaded data cannot stand for England.
    english_authorities_covered, english_authorities
        English authorities with complete data, and in the loaded lookup (the coverage
        behind ``england``, given also when there is none).
    forces_with_data
        Forces with at least one authority in the table.
    n_incomplete
        Authorities left out of ranks and pooled rates because months are missing.
    citation
        Period, areas, sources, load ids.
    """

    table: pd.DataFrame
    partnership: str
    police_force: str
    partnership_rate: float
    force_rate: float
    force_authorities: int
    england: EnglandComparator | None
    english_authorities_covered: int
    english_authorities: int
    forces_with_data: tuple[str, ...]
    n_incomplete: int
    citation: Citation


def peer_comparison(con: BaseBackend, scope: Scope) -> PeerComparison:
    """Rate of recorded crime per 1,000 residents for a local authority and its peers.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The partnership (a single local authority) and the strategic period
        (:func:`~cspkit.analysis.scope.resolve_scope`).

    Returns
    -------
    PeerComparison

    Raises
    ------
    CspError
        When the scope is not a single local authority, or no counts cover it.

    Notes
    -----
    Counts exclude anti-social behaviour. An authority's counts come from ``incident`` rows
    when its force's street files are loaded, else from the published ``area_crime_count``
    table. Each authority is assigned the territorial force with the most of its recorded
    crime (never British Transport Police) and counts only that force's rows; an authority
    whose rate from that force is below :data:`STRAY_SHARE` of the force's busiest
    authority holds only rows police.uk placed across the force's border, and is left out. A
    month is missing for a force when no rows are loaded for it, or when
    ``source_inventory`` marks its file other than ``ok``; an authority with any missing
    month is flagged incomplete, shown, and left out of ranks and pooled rates. Rate
    :math:`1000\\, y / n` with Census 2021 residents. The England comparator pools the
    complete English authorities when they number at least :data:`MIN_ENGLAND_SHARE` of the
    English authorities in the lookup and belong to more than one force.
    """
    period, area = scope.period, scope.codes[0]
    if len(scope.codes) > 1 or set(scope.lsoas["lad_code"]) != {area}:
        raise CspError("peer comparison needs a partnership of a single local authority")
    months = list(period.months)
    lads = lad_residents(con)
    if area not in set(lads["lad_code"]):
        raise CspError(
            f"{area!r} is not a local authority in the loaded area lookup",
            hint="Give the partnership's local authority code (e.g. E06000004)",
        )
    inc = _incident_counts(con, months)
    acc = _published_counts(con, months)
    both = pd.concat([inc[["lad_code", "police_force", "count"]],
                      acc[["lad_code", "police_force", "count"]]])
    both = both[~both["police_force"].isin(NON_TERRITORIAL)]
    main = (
        both.sort_values(["lad_code", "count", "police_force"], ascending=[True, False, True])
        .drop_duplicates("lad_code")[["lad_code", "police_force"]]
    )
    chosen_inc = main.merge(inc, on=["lad_code", "police_force"]).assign(source="incident")
    chosen_acc = main.merge(acc, on=["lad_code", "police_force"])
    chosen_acc = chosen_acc[~chosen_acc["lad_code"].isin(chosen_inc["lad_code"])].assign(
        source="area_crime_count"
    )
    cols = ["lad_code", "police_force", "count", "source"]
    t = pd.concat([chosen_inc[cols], chosen_acc[cols]], ignore_index=True)
    t = t.merge(lads[["lad_code", "lad_name", "residents"]], on="lad_code")
    t["count"] = t["count"].astype("int64")
    t["rate_per_1000"] = np.where(
        t["residents"] > 0, 1000.0 * t["count"] / t["residents"].clip(lower=1), np.nan
    )
    t = _without_strays(t)
    if area not in set(t["lad_code"]):
        raise CspError(
            f"no crime counts for {area} in {period.label}",
            hint="Load the force's police.uk street files or a published counts table",
        )
    loaded = _loaded(con, months)
    missing = _missing_months(con, months, loaded)
    t["months_missing"] = [
        ", ".join(missing.get((src, force), months))
        for src, force in zip(t["source"], t["police_force"], strict=True)
    ]
    t["complete"] = t["months_missing"] == ""
    force = str(t.loc[t["lad_code"] == area, "police_force"].iloc[0])
    t["is_partnership"] = t["lad_code"] == area
    t["in_force"] = t["police_force"] == force
    english = t["lad_code"].str.startswith("E") & t["complete"]
    in_force = t["in_force"] & t["complete"]
    n_english = int(lads["lad_code"].str.startswith("E").sum())
    england = _england(t, english, n_english)
    t["rank_in_force"] = t["rate_per_1000"].where(in_force).rank(
        ascending=False, method="min").astype("Int64")
    t["rank_in_england"] = t["rate_per_1000"].where(
        english & (england is not None)).rank(ascending=False, method="min").astype("Int64")
    t = t.sort_values(["rate_per_1000", "lad_code"], ascending=[False, True])
    t = t[["lad_code", "lad_name", "police_force", "residents", "count", "rate_per_1000",
           "source", "months_missing", "complete", "is_partnership", "in_force",
           "rank_in_force", "rank_in_england"]].reset_index(drop=True)
    load_ids = _load_ids(loaded)
    return PeerComparison(
        table=t,
        partnership=area,
        police_force=force,
        partnership_rate=float(t.loc[t["is_partnership"], "rate_per_1000"].iloc[0]),
        force_rate=_pooled_rate(t[t["in_force"] & t["complete"]]),
        force_authorities=int((t["in_force"] & t["complete"]).sum()),
        england=england,
        english_authorities_covered=int(english.sum()),
        english_authorities=n_english,
        forces_with_data=tuple(sorted(set(t["police_force"]))),
        n_incomplete=int((~t["complete"]).sum()),
        citation=Citation(
            period=period, comparison=None, areas=(area,),
            area_names=(str(t.loc[t["is_partnership"], "lad_name"].iloc[0]),),
            sources=(SOURCE_CRIME, SOURCE_SUMMARY, SOURCE_INVENTORY, SOURCE_CENSUS,
                     SOURCE_LOOKUP),
            filters=("crime only (no anti-social behaviour)",), load_ids=load_ids,
        ),
    )


def _without_strays(t: pd.DataFrame) -> pd.DataFrame:
    """Authorities whose rate from their force is at least :data:`STRAY_SHARE` of the rate
    of that force's busiest authority (an authority without residents is kept)."""
    busiest = (t.sort_values(["count", "lad_code"], ascending=[False, True])
               .drop_duplicates("police_force").set_index("police_force")["rate_per_1000"])
    stray = t["rate_per_1000"] < STRAY_SHARE * t["police_force"].map(busiest).astype(float)
    return t[~stray].reset_index(drop=True)


def _england(t: pd.DataFrame, english: pd.Series, n_english: int) -> EnglandComparator | None:
    """The England comparator from the complete English authorities (``english``), if they
    can stand for England; its gaps are the English forces with no authority in ``t``, or
    with months missing."""
    complete = t[english]
    if complete["police_force"].nunique() < 2 or len(complete) < MIN_ENGLAND_SHARE * n_english:
        return None
    gaps = t[t["lad_code"].str.startswith("E") & ~t["complete"]]
    incomplete = tuple(
        (str(force), tuple(sorted({m for text in rows for m in text.split(", ")})))
        for force, rows in gaps.groupby("police_force")["months_missing"]
    )
    return EnglandComparator(
        rate=_pooled_rate(complete),
        authorities=len(complete),
        english_authorities=n_english,
        forces_without_data=tuple(f for f in ENGLISH_FORCES if f not in set(t["police_force"])),
        forces_incomplete=incomplete,
    )


def _pooled_rate(rows: pd.DataFrame) -> float:
    people = rows["residents"].sum()
    return float(1000.0 * rows["count"].sum() / people) if people else float("nan")


def lad_residents(con: BaseBackend) -> pd.DataFrame:
    """Census 2021 residents of every local authority in the loaded lookup: ``lad_code``,
    ``lad_name``, ``lsoas`` (LSOAs in the lookup) and ``residents`` (0 when none loaded)."""
    area = con.table("area")
    pop = con.table("population")
    census = pop.filter(
        pop.geography == "lsoa21", pop.source == "census2021", pop.sex == "persons",
        pop.age_min == 0, pop.age_max >= 90,
    ).group_by("lsoa_code").aggregate(residents=lambda t: t["count"].max())
    lsoas = area.select("lsoa_code", "lad_code", "lad_name").distinct()
    joined = lsoas.left_join(census, lsoas.lsoa_code == census.lsoa_code)
    out = joined.group_by(["lad_code", "lad_name"]).aggregate(
        lsoas=joined.lsoa_code.nunique(), residents=joined.residents.sum()
    ).to_pandas()
    out["residents"] = out["residents"].fillna(0).astype("int64")
    return out.drop_duplicates("lad_code")


def _incident_counts(con: BaseBackend, months: list[str]) -> pd.DataFrame:
    t = con.table("incident")
    rows = t.filter(t.source == CRIME, t.month.isin(months), t.lad_code.notnull())
    out = rows.group_by(["lad_code", "police_force"]).aggregate(
        count=rows.count(), lsoas_with_crime=rows.lsoa_code.nunique()
    ).to_pandas()
    return out.astype({"count": "int64"})


def _published_counts(con: BaseBackend, months: list[str]) -> pd.DataFrame:
    t = con.table("area_crime_count")
    rows = t.filter(
        t.area_level == "lad", t.month.isin(months), t.crime_type != ASB_CATEGORY,
        t.area_code.notnull(),
    )
    out = rows.group_by(["area_code", "police_force"]).aggregate(
        count=rows["count"].sum()
    ).to_pandas()
    return out.rename(columns={"area_code": "lad_code"}).astype({"count": "int64"})


def _loaded(con: BaseBackend, months: list[str]) -> dict[str, pd.DataFrame]:
    """Each source table's distinct (force, month, load) rows in ``months`` (with ``source``
    of ``incident``, ``area_level`` of ``area_crime_count``): one query per table, which both
    the months missing and the loads cited are read from."""
    out = {}
    for name, kind in (("incident", "source"), ("area_crime_count", "area_level")):
        t = con.table(name)
        out[name] = (t.filter(t.month.isin(months))
                     .select(kind, "police_force", "month", "load_id").distinct().to_pandas())
    return out


def _missing_months(con: BaseBackend, months: list[str], loaded: dict[str, pd.DataFrame]
                    ) -> dict[tuple[str, str], list[str]]:
    """(source, force) → months of the period with no data, or a file not ``ok``."""
    inv = con.table("source_inventory")
    inc, acc = loaded["incident"], loaded["area_crime_count"]
    present = {
        "incident": inc.loc[inc["source"] == CRIME, ["police_force", "month"]],
        "area_crime_count": acc.loc[acc["area_level"] == "lad", ["police_force", "month"]],
    }
    bad = inv.filter(inv.month.isin(months), inv.status != "ok").select(
        "police_force", "month").distinct().to_pandas()
    bad_months = bad.groupby("police_force")["month"].agg(set).to_dict()
    out = {}
    for source, rows in present.items():
        for force, got in rows.groupby("police_force")["month"]:
            have = set(got) - (bad_months.get(force, set()) if source != "incident" else set())
            out[source, force] = [m for m in months if m not in have]
    return out


def _load_ids(loaded: dict[str, pd.DataFrame]) -> tuple[int, ...]:
    ids: set[int] = set()
    for rows in loaded.values():
        ids |= set(rows["load_id"].dropna().astype(int))
    return tuple(sorted(ids))
