"""Peer comparison: crime per 1,000 residents for the partnership and other local authorities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import CRIME, SOURCE_CENSUS, SOURCE_CRIME, SOURCE_LOOKUP, Citation
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.errors import CspError

SOURCE_SUMMARY = "published counts by local authority × month × crime type (area_crime_count)"
SOURCE_INVENTORY = "inventory of the force-month files behind the published counts"
MIN_COVERAGE = 0.5
"""A force's incident rows describe a local authority when they fall in this share of its
LSOAs; fewer are strays across a border (police.uk snaps some points into a neighbour)."""


@dataclass(frozen=True, eq=False)
class PeerComparison:
    """The partnership's crime rate against other local authorities.

    Attributes
    ----------
    table
        One row per local authority with data: ``lad_code``, ``lad_name``,
        ``police_force`` (the force recording most of its crime), ``residents`` (Census
        2021), ``count``, ``rate_per_1000``, ``source`` (``incident`` or
        ``area_crime_count``), ``months_missing`` (months of the period whose data are
        absent for that force, comma-separated), ``complete``, ``is_partnership``,
        ``in_force`` (same force as the partnership), ``rank_in_force`` and
        ``rank_in_england`` (1 = highest rate, among complete English authorities; NaN for
        incomplete ones). Sorted by rate, highest first.
    partnership, police_force
        The partnership's local authority code and its force.
    partnership_rate, force_rate, england_rate
        Rates per 1,000 residents; force and England pool the complete authorities.
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
    england_rate: float
    n_incomplete: int
    citation: Citation


def peer_comparison(
    con: BaseBackend, *, area: str, period: StrategicPeriod
) -> PeerComparison:
    """Rate of recorded crime per 1,000 residents for a local authority and its peers.

    Parameters
    ----------
    con
        Warehouse backend.
    area
        The partnership's local authority code.
    period
        Strategic period.

    Returns
    -------
    PeerComparison

    Raises
    ------
    CspError
        When ``area`` is not a loaded local authority, or no counts cover it.

    Notes
    -----
    Counts exclude anti-social behaviour. An authority's counts come from ``incident``
    rows when its force's street files are loaded (its rows cover at least half its
    LSOAs), else from the published ``area_crime_count`` table. Each authority is assigned
    the force with the most of its recorded crime, and counts only that force's rows (so
    stray rows placed across a force border do not make a peer). A month is missing for a
    force when no rows are loaded for it, or when ``source_inventory`` marks its file other
    than ``ok``; an authority with any missing month is flagged incomplete, shown, and left
    out of ranks and pooled rates. Rate :math:`1000\\, y / n` with Census 2021 residents.
    """
    months = list(period.months)
    lads = _lad_residents(con)
    if area not in set(lads["lad_code"]):
        raise CspError(
            f"{area!r} is not a local authority in the loaded area lookup",
            hint="Give the partnership's local authority code (e.g. E06000004)",
        )
    inc = _incident_counts(con, months).merge(
        lads[["lad_code", "lsoas"]], on="lad_code", how="left"
    )
    inc["coverage"] = inc["lsoas_with_crime"] / inc["lsoas"]
    inc = inc[inc["coverage"] >= MIN_COVERAGE]
    acc = _published_counts(con, months)
    both = pd.concat([inc[["lad_code", "police_force", "count"]],
                      acc[["lad_code", "police_force", "count"]]])
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
    if area not in set(t["lad_code"]):
        raise CspError(
            f"no crime counts for {area} in {period.label}",
            hint="Load the force's police.uk street files or a published counts table",
        )
    t = t.merge(lads[["lad_code", "lad_name", "residents"]], on="lad_code")
    missing = _missing_months(con, months)
    t["months_missing"] = [
        ", ".join(missing.get((src, force), months))
        for src, force in zip(t["source"], t["police_force"], strict=True)
    ]
    t["complete"] = t["months_missing"] == ""
    t["count"] = t["count"].astype("int64")
    t["rate_per_1000"] = np.where(
        t["residents"] > 0, 1000.0 * t["count"] / t["residents"].clip(lower=1), np.nan
    )
    force = str(t.loc[t["lad_code"] == area, "police_force"].iloc[0])
    t["is_partnership"] = t["lad_code"] == area
    t["in_force"] = t["police_force"] == force
    england = t["lad_code"].str.startswith("E") & t["complete"]
    in_force = t["in_force"] & t["complete"]
    t["rank_in_force"] = t["rate_per_1000"].where(in_force).rank(
        ascending=False, method="min").astype("Int64")
    t["rank_in_england"] = t["rate_per_1000"].where(england).rank(
        ascending=False, method="min").astype("Int64")
    t = t.sort_values(["rate_per_1000", "lad_code"], ascending=[False, True])
    t = t[["lad_code", "lad_name", "police_force", "residents", "count", "rate_per_1000",
           "source", "months_missing", "complete", "is_partnership", "in_force",
           "rank_in_force", "rank_in_england"]].reset_index(drop=True)
    load_ids = _load_ids(con, months)
    return PeerComparison(
        table=t,
        partnership=area,
        police_force=force,
        partnership_rate=float(t.loc[t["is_partnership"], "rate_per_1000"].iloc[0]),
        force_rate=_pooled_rate(t[t["in_force"] & t["complete"]]),
        england_rate=_pooled_rate(t[t["lad_code"].str.startswith("E") & t["complete"]]),
        n_incomplete=int((~t["complete"]).sum()),
        citation=Citation(
            period=period, comparison=None, areas=(area,),
            area_names=(str(t.loc[t["is_partnership"], "lad_name"].iloc[0]),),
            sources=(SOURCE_CRIME, SOURCE_SUMMARY, SOURCE_INVENTORY, SOURCE_CENSUS,
                     SOURCE_LOOKUP),
            filters=("crime only (no anti-social behaviour)",), load_ids=load_ids,
        ),
    )


def _pooled_rate(rows: pd.DataFrame) -> float:
    people = rows["residents"].sum()
    return float(1000.0 * rows["count"].sum() / people) if people else float("nan")


def _lad_residents(con: BaseBackend) -> pd.DataFrame:
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


def _missing_months(con: BaseBackend, months: list[str]) -> dict[tuple[str, str], list[str]]:
    """(source, force) → months of the period with no data, or a file not ``ok``."""
    inc = con.table("incident")
    acc = con.table("area_crime_count")
    inv = con.table("source_inventory")
    present = {
        "incident": inc.filter(inc.source == CRIME, inc.month.isin(months))
        .select("police_force", "month").distinct().to_pandas(),
        "area_crime_count": acc.filter(acc.area_level == "lad", acc.month.isin(months))
        .select("police_force", "month").distinct().to_pandas(),
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


def _load_ids(con: BaseBackend, months: list[str]) -> tuple[int, ...]:
    ids: set[int] = set()
    for name in ("incident", "area_crime_count"):
        t = con.table(name)
        ids |= set(t.filter(t.month.isin(months)).select("load_id").distinct().to_pandas()
                   ["load_id"].dropna().astype(int))
    return tuple(sorted(ids))
