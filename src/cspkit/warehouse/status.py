"""What the warehouse holds: coverage by source, force, month and local authority.

Used by ``csp status``; every figure is a plain count over the canonical tables. Police
sources are shown by force; partner sources (council ASB, fire, A&E, ...) have no force and
are shown by local authority only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.periods import StrategicPeriod
from cspkit.warehouse.placement import unplaced_reasons


@dataclass(frozen=True)
class Coverage:
    source: str
    area: str
    area_name: str | None
    first_month: str
    last_month: str
    months: int
    missing_months: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class WarehouseStatus:
    loads: int
    files_by_kind: dict[str, int]
    force_months: pd.DataFrame  # police_force, month, street, asb, outcomes, stop_search
    coverage_by_force: tuple[Coverage, ...]
    coverage_by_lad: tuple[Coverage, ...]
    placement: dict[str, int]  # assignment → incident rows
    unplaced: dict[str, int]  # why incidents have no LSOA → incidents (placement.UNPLACED_REASONS)
    postcodes_held: int  # partner postcodes held until a postcode lookup places them
    rows_without_lsoa: int
    rows_outside_known_areas: int
    rows_reassigned: int
    reference: dict[str, str]

    def to_json(self) -> dict:
        data = asdict(self)
        data["force_months"] = self.force_months.to_dict(orient="records")
        return data


@dataclass(frozen=True)
class PlacementTotals:
    """Incident rows of the whole warehouse by how they were placed.

    Attributes
    ----------
    placement
        ``lsoa_assignment`` → incident rows (``"not placed"`` for a row with none).
    rows_without_lsoa
        Rows whose LSOA could not be found (assignment ``no_lsoa``).
    rows_outside_known_areas
        Rows in no local authority of the loaded area lookup (no ``lad_code``).
    rows_reassigned
        Rows placed through the LSOA 2011 → 2021 lookup (assignments ``lsoa11_…``).
    """

    placement: dict[str, int]
    rows_without_lsoa: int
    rows_outside_known_areas: int
    rows_reassigned: int


def placement_totals(con: BaseBackend) -> PlacementTotals:
    """Count the incident rows by placement, in one query over the whole warehouse."""
    rows = con.sql("SELECT lsoa_assignment AS how, count(*) AS n, "
                   "count(CASE WHEN lad_code IS NULL THEN 1 END) AS outside FROM incident "
                   "GROUP BY 1 ORDER BY 1").to_pandas()
    counts = dict(zip(rows["how"].fillna("not placed"), rows["n"].astype(int), strict=True))
    return PlacementTotals(
        placement=counts,
        rows_without_lsoa=counts.get("no_lsoa", 0),
        rows_outside_known_areas=int(rows["outside"].sum()),
        rows_reassigned=sum(n for how, n in counts.items() if how.startswith("lsoa11_")),
    )


@dataclass(frozen=True)
class AuthorityCount:
    """Incidents placed in one local authority (``lad_code`` None: an LSOA that is in no
    loaded area lookup)."""

    lad_code: str | None
    lad_name: str | None
    incidents: int


def placed_by_authority(con: BaseBackend, load_ids: Sequence[int] | None = None
                        ) -> tuple[AuthorityCount, ...]:
    """Incidents placed in an LSOA, by local authority, most first.

    ``load_ids`` limits the count to the incidents those loads brought in.
    """
    if load_ids is not None and not load_ids:
        return ()
    only = (f" AND i.load_id IN ({', '.join(str(int(i)) for i in load_ids)})"
            if load_ids is not None else "")
    rows = con.sql(f"""
        SELECT i.lad_code, a.lad_name, count(*) AS n FROM incident i
        LEFT JOIN (SELECT lad_code, min(lad_name) AS lad_name FROM area GROUP BY 1) a
          ON a.lad_code = i.lad_code
        WHERE i.lsoa_code IS NOT NULL{only}
        GROUP BY 1, 2 ORDER BY 3 DESC, 1""").to_pandas()
    return tuple(AuthorityCount(r.lad_code if isinstance(r.lad_code, str) else None,
                                r.lad_name if isinstance(r.lad_name, str) else None, int(r.n))
                 for r in rows.itertuples())


def _coverage(frame: pd.DataFrame, key: str, name: str | None) -> tuple[Coverage, ...]:
    out = []
    for (source, area), group in frame.groupby(["source", key], sort=True, dropna=False):
        months = sorted(group["month"])
        present = set(months)
        span = StrategicPeriod(months[0], months[-1]).months
        missing = tuple(m for m in span if m not in present)
        out.append(Coverage(
            source=source, area=area if isinstance(area, str) else "(not placed)",
            area_name=(group[name].iloc[0] if name and isinstance(group[name].iloc[0], str)
                       else None),
            first_month=months[0], last_month=months[-1], months=len(present),
            missing_months=missing, rows=int(group["rows"].sum()),
        ))
    return tuple(out)


def warehouse_status(con: BaseBackend) -> WarehouseStatus:
    ledger = con.table("load_ledger").to_pandas()
    live = ledger[ledger["status"] == "loaded"]
    by_month = con.sql("""
        SELECT police_force, month, source, count(*) AS rows FROM incident
        WHERE police_force IS NOT NULL GROUP BY 1, 2, 3
        UNION ALL SELECT police_force, month, 'police_outcome', count(*) FROM outcome
        GROUP BY 1, 2, 3
        UNION ALL SELECT police_force, month, 'police_stop_search', count(*) FROM stop_search
        GROUP BY 1, 2, 3""").to_pandas()
    force_months = (by_month.pivot_table(index=["police_force", "month"], columns="source",
                                         values="rows", aggfunc="sum", fill_value=0)
                    .reset_index() if not by_month.empty else pd.DataFrame())
    if not force_months.empty:
        force_months.columns.name = None
        crime = force_months.get("police_crime", 0)
        asb = force_months.get("police_asb", 0)
        force_months = pd.DataFrame({
            "police_force": force_months["police_force"], "month": force_months["month"],
            "street": crime + asb, "asb": asb,
            "outcomes": force_months.get("police_outcome", 0),
            "stop_search": force_months.get("police_stop_search", 0),
        }).sort_values(["police_force", "month"], ignore_index=True)
    by_lad = con.sql("""
        SELECT i.source, i.lad_code, a.lad_name, i.month, count(*) AS rows
        FROM incident i
        LEFT JOIN (SELECT DISTINCT lad_code, lad_name FROM area) a ON a.lad_code = i.lad_code
        GROUP BY 1, 2, 3, 4""").to_pandas()
    totals = placement_totals(con)
    return WarehouseStatus(
        loads=len(live),
        files_by_kind={k: int(v) for k, v in live.groupby("kind").size().items()},
        force_months=force_months,
        coverage_by_force=_coverage(by_month, "police_force", None) if not by_month.empty else (),
        coverage_by_lad=_coverage(by_lad, "lad_code", "lad_name") if not by_lad.empty else (),
        placement=totals.placement,
        unplaced=unplaced_reasons(con),
        postcodes_held=(int(con.sql("SELECT count(*) AS n FROM unplaced_postcode")
                            .to_pandas()["n"].iloc[0])
                        if "unplaced_postcode" in con.list_tables() else 0),
        rows_without_lsoa=totals.rows_without_lsoa,
        rows_outside_known_areas=totals.rows_outside_known_areas,
        rows_reassigned=totals.rows_reassigned,
        reference=_reference(con, live),
    )


def _reference(con: BaseBackend, live: pd.DataFrame) -> dict[str, str]:
    out = {}
    area = con.sql("SELECT vintage, count(*) AS n, count(DISTINCT lad_code) AS lads "
                   "FROM area GROUP BY 1").to_pandas()
    for row in area.itertuples():
        out[f"area lookup ({row.vintage})"] = f"{row.n:,} LSOAs in {row.lads:,} authorities"
    dep = con.sql("SELECT edition, count(DISTINCT lsoa_code) AS n, count(DISTINCT domain) AS d "
                  "FROM deprivation GROUP BY 1 ORDER BY 1").to_pandas()
    for row in dep.itertuples():
        out[f"deprivation {row.edition}"] = f"{row.n:,} LSOAs, {row.d} domains or indicators"
    pop = con.sql("SELECT source, year, geography, count(DISTINCT lsoa_code) AS n "
                  "FROM population GROUP BY 1, 2, 3 ORDER BY 1, 2").to_pandas()
    for row in pop.itertuples():
        out[f"population {row.source} {row.year}"] = f"{row.n:,} LSOAs ({row.geography})"
    postcodes = con.sql("SELECT count(*) AS n, count(DISTINCT lad_code) AS lads "
                        "FROM postcode").to_pandas() if "postcode" in con.list_tables() else None
    if postcodes is not None and int(postcodes["n"].iloc[0]):
        out["postcode lookup"] = (f"{int(postcodes['n'].iloc[0]):,} postcodes in "
                                  f"{int(postcodes['lads'].iloc[0]):,} authorities")
    bnd = con.sql("SELECT level, count(*) AS n FROM boundary GROUP BY 1 ORDER BY 1").to_pandas()
    for row in bnd.itertuples():
        out[f"boundaries {row.level}"] = f"{row.n:,} polygons"
    change = live[live["dataset"] == "lsoa_change"]
    if not change.empty:
        out["LSOA 2011→2021 lookup"] = f"{int(change['rows'].sum()):,} rows"
    peers = con.sql("SELECT area_level, count(DISTINCT area_code) AS n, min(month) AS a, "
                    "max(month) AS b FROM area_crime_count GROUP BY 1").to_pandas()
    for row in peers.itertuples():
        out[f"published counts by {row.area_level}"] = f"{row.n:,} areas, {row.a}…{row.b}"
    return out
