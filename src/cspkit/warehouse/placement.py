"""Place incidents and outcomes in LSOA 2021, ward and local authority.

Police files before mid-2023 use 2011 LSOA codes. A code is harmonised to 2021 with the ONS
LSOA 2011 → 2021 lookup: unchanged and merged LSOAs map to one 2021 LSOA; for a split (or
complex) LSOA the row's coordinates choose among the 2021 LSOAs it became, using the loaded
boundaries (the polygon containing the point, else the nearest); without boundaries the
2021 LSOA with most residents is the best fit. Ward and LAD then come from ``area``.
A row with no LSOA code but with coordinates (a partner's fire incident) is placed in the
loaded LSOA 2021 polygon that contains the point (``coordinates_polygon``). A partner row
whose postcode no loaded lookup knew keeps that postcode (``unplaced_postcode``) until a
postcode lookup that knows it is loaded: then it gets the postcode's LSOA and the postcode is
deleted.

Placement never depends on load order: rows are (re)placed whenever reference data changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from ibis.backends import BaseBackend

PLACED_TABLES = ("incident", "outcome")

# Why an incident has no LSOA, in the words a load report and `csp status` use.
UNPLACED_REASONS = {
    "no_postcode_lookup": "a postcode, but no postcode lookup is loaded (load the ONS "
    "postcode lookup: `csp fetch reference postcode-lsoa21`, then `csp load` it)",
    "postcode_not_in_lookup": "a postcode the loaded postcode lookup does not hold",
    "no_area_lookup": "an LSOA code, but no LSOA lookup is loaded",
    "lsoa_not_in_lookup": "an LSOA code in no loaded lookup",
    "no_boundaries": "coordinates, but no LSOA boundaries are loaded",
    "coordinates_outside": "coordinates outside every loaded LSOA boundary",
    "no_location": "no location given",
}


@dataclass(frozen=True)
class PlacementReport:
    """What (re)placing rows did: rows placed, every row's assignment, and the partner
    incidents a newly loaded postcode lookup placed."""

    rows_placed: int
    by_assignment: dict[str, int]
    placed_by_postcode: int = 0


class CodeMap:
    """The warehouse's reference data, in memory, for placing new rows before they are written."""

    def __init__(self, con: BaseBackend) -> None:
        _build_code_map(con)
        self.direct = con.sql("SELECT code, lsoa21_code, how FROM csp_code_map "
                              "WHERE how <> 'ambiguous'").to_pyarrow()
        self.ambiguous_codes = con.sql("SELECT code FROM csp_code_map "
                                       "WHERE how = 'ambiguous'").to_pyarrow()["code"]
        self.area = con.sql("SELECT lsoa_code, ward_code, lad_code FROM area").to_pyarrow()
        con.raw_sql("DROP TABLE IF EXISTS csp_code_map")
        self.con = con
        self._polygons: LsoaPolygons | None = None


    @property
    def polygons(self) -> LsoaPolygons:
        """The loaded LSOA 2021 polygons, read only when a row needs them."""
        if self._polygons is None:
            self._polygons = LsoaPolygons(self.con)
        return self._polygons

    def place(self, rows: pa.Table) -> pa.Table:
        """Fill the placement columns of new incident or outcome rows.

        A hash lookup of each published code (row order kept, no join and re-sort); only the
        rows it leaves unplaced (split 2011 LSOAs, coordinates without a code, unknown codes)
        are looked at one by one.
        """
        published = rows["lsoa_code_published"]
        found = pc.index_in(published, value_set=self.direct["code"])
        code = pc.take(self.direct["lsoa21_code"], found)
        how = pc.take(self.direct["how"], found)
        unplaced = pc.is_null(how)
        if pc.any(unplaced).as_py():
            mask = unplaced.combine_chunks()
            pending = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
            sub_code, sub_how = self._place_pending(rows, pending)
            # The rows placed one by one go back in their places (the mask's order).
            code = pc.replace_with_mask(code.combine_chunks(), mask, sub_code)
            how = pc.replace_with_mask(how.combine_chunks(), mask, sub_how)
        in_area = pc.index_in(code, value_set=self.area["lsoa_code"])
        out = rows
        for name, values in (("lsoa_code", code),
                             ("lsoa_assignment", how),
                             ("ward_code", pc.take(self.area["ward_code"], in_area)),
                             ("lad_code", pc.take(self.area["lad_code"], in_area))):
            out = out.set_column(out.schema.get_field_index(name), name, values)
        return out

    def _place_pending(self, rows: pa.Table, pending: np.ndarray
                       ) -> tuple[pa.Array, pa.Array]:
        """(2021 code, how) for the rows at ``pending`` (indices), which the direct lookup
        left unplaced."""
        subset = rows.select(["lsoa_code_published", "longitude", "latitude"]).take(pending)
        published = subset["lsoa_code_published"].to_numpy(zero_copy_only=False).astype(object)
        lon = subset["longitude"].to_numpy(zero_copy_only=False).astype(float)
        lat = subset["latitude"].to_numpy(zero_copy_only=False).astype(float)
        sub_code = np.full(len(pending), None, dtype=object)
        sub_how = np.full(len(pending), None, dtype=object)
        if len(self.ambiguous_codes):
            split = pc.fill_null(pc.is_in(subset["lsoa_code_published"],
                                          value_set=self.ambiguous_codes),
                                 False).to_numpy(zero_copy_only=False)
            if split.any():
                points = pd.DataFrame({"code": published[split], "longitude": lon[split],
                                       "latitude": lat[split]})
                # Only the split LSOAs these rows name are read.
                ambiguous = _split_children(self.con, sorted(set(points["code"])))
                chosen = pd.concat([
                    _choose(group, ambiguous[ambiguous["code"] == c])
                    for c, group in points.groupby("code", sort=True)
                ]).sort_index()
                sub_code[split] = chosen["lsoa21_code"].to_numpy()
                sub_how[split] = chosen["how"].to_numpy()
        no_code = pd.isna(published)
        by_point = pd.isna(sub_how) & no_code & ~np.isnan(lon) & ~np.isnan(lat)
        if by_point.any():
            located = self.polygons.locate(lon[by_point], lat[by_point])
            sub_code[by_point] = located
            sub_how[by_point] = np.where(pd.isna(located), None, "coordinates_polygon")
        still = pd.isna(sub_how)
        sub_how[still & no_code] = "no_lsoa"
        sub_how[still & ~no_code] = "unknown_lsoa"
        return pa.array(sub_code, pa.string()), pa.array(sub_how, pa.string())


def place_rows(con: BaseBackend, *, everything: bool) -> PlacementReport:
    """Fill lsoa_code, lsoa_assignment, ward_code and lad_code of rows in the warehouse.

    ``everything`` re-places every row (after reference data changed); otherwise only rows
    not placed yet.
    """
    if con.name == "pyspark":
        from cspkit.warehouse.spark_placement import place_rows_spark

        return place_rows_spark(con, everything=everything)
    _build_code_map(con)
    by_postcode = _place_by_postcode(con)
    placed = 0
    for table in PLACED_TABLES:
        if everything:
            con.raw_sql(f"UPDATE {table} SET lsoa_code = NULL, lsoa_assignment = NULL, "
                        "ward_code = NULL, lad_code = NULL")
        pending = int(con.sql(f"SELECT count(*) AS n FROM {table} "
                              "WHERE lsoa_assignment IS NULL").execute()["n"].iloc[0])
        if not pending:
            continue
        placed += pending
        _place_split_codes(con, table)
        con.raw_sql(f"""
            UPDATE {table} SET lsoa_code = m.lsoa21_code, lsoa_assignment = m.how
            FROM csp_code_map m
            WHERE {table}.lsoa_assignment IS NULL AND {table}.lsoa_code_published = m.code
              AND m.how <> 'ambiguous'""")
        _place_by_coordinates(con, table)
        con.raw_sql(f"""
            UPDATE {table} SET lsoa_assignment = CASE
                WHEN lsoa_code_published IS NULL THEN 'no_lsoa' ELSE 'unknown_lsoa' END
            WHERE lsoa_assignment IS NULL""")
        con.raw_sql(f"""
            UPDATE {table} SET ward_code = a.ward_code, lad_code = a.lad_code
            FROM area a
            WHERE {table}.lsoa_code = a.lsoa_code AND {table}.ward_code IS NULL""")
    con.raw_sql("DROP TABLE IF EXISTS csp_code_map")
    con.raw_sql("DROP TABLE IF EXISTS csp_split_choice")
    con.raw_sql("DROP TABLE IF EXISTS csp_point_choice")
    forget_placed_postcodes(con)
    return PlacementReport(rows_placed=placed, by_assignment=assignment_counts(con),
                           placed_by_postcode=by_postcode)


def _place_by_postcode(con: BaseBackend) -> int:
    """Give incidents whose held postcode the loaded lookup knows that postcode's LSOA, and
    mark them for placing again. Returns how many."""
    found = """
        SELECT u.incident_id, u.load_id, min(p.lsoa_code) AS lsoa_code
        FROM unplaced_postcode u JOIN postcode p ON p.postcode = u.postcode
        WHERE p.lsoa_code IS NOT NULL GROUP BY 1, 2"""
    n = int(con.sql(f"SELECT count(*) AS n FROM ({found}) f").execute()["n"].iloc[0])
    if n:
        con.raw_sql(f"""
            UPDATE incident SET lsoa_code_published = f.lsoa_code, lsoa_code = NULL,
                   lsoa_assignment = NULL, ward_code = NULL, lad_code = NULL
            FROM ({found}) f
            WHERE incident.incident_id = f.incident_id AND incident.load_id = f.load_id""")
    return n


def forget_placed_postcodes(con: BaseBackend) -> None:
    """Delete the held postcode of every incident that now has an LSOA (from the postcode,
    or placed by its coordinates): the LSOA is kept, the postcode is no longer needed."""
    from cspkit.warehouse import delete_rows

    delete_rows(con, "unplaced_postcode", """EXISTS (
            SELECT 1 FROM incident i
            WHERE i.incident_id = unplaced_postcode.incident_id
              AND i.load_id = unplaced_postcode.load_id
              AND (i.lsoa_code IS NOT NULL OR i.lsoa_code_published IS NOT NULL))""")


def unplaced_reasons(con: BaseBackend, load_ids: Sequence[int] | None = None
                     ) -> dict[str, int]:
    """Incidents with no LSOA, by why (keys of :data:`UNPLACED_REASONS`).

    ``load_ids`` limits the count to the incidents those loads brought in.
    """
    if load_ids is not None and not load_ids:
        return {}

    tables = set(con.list_tables())

    def holds(table: str, where: str = "") -> bool:
        return table in tables and bool(int(con.sql(
            f"SELECT count(*) AS n FROM {table}{where}").execute()["n"].iloc[0]))

    postcode = "postcode_not_in_lookup" if holds("postcode") else "no_postcode_lookup"
    lsoa = "lsoa_not_in_lookup" if holds("area") else "no_area_lookup"
    points = ("coordinates_outside" if holds("boundary", " WHERE level = 'lsoa21'")
              else "no_boundaries")
    held = ("(SELECT DISTINCT incident_id, load_id FROM unplaced_postcode)"
            if "unplaced_postcode" in tables else
            "(SELECT incident_id, load_id FROM incident WHERE 1 = 0)")
    only = (f" AND i.load_id IN ({', '.join(str(int(i)) for i in load_ids)})"
            if load_ids is not None else "")
    rows = con.sql(f"""
        SELECT CASE
            WHEN i.lsoa_code_published IS NOT NULL THEN '{lsoa}'
            WHEN h.incident_id IS NOT NULL THEN '{postcode}'
            WHEN i.longitude IS NOT NULL AND i.latitude IS NOT NULL THEN '{points}'
            ELSE 'no_location' END AS why, count(*) AS n
        FROM incident i
        LEFT JOIN {held} h ON h.incident_id = i.incident_id AND h.load_id = i.load_id
        WHERE i.lsoa_code IS NULL{only}
        GROUP BY 1 ORDER BY 1""").execute()
    return {str(r.why): int(r.n) for r in rows.itertuples()}


def assignment_counts(con: BaseBackend) -> dict[str, int]:
    """Rows per table and assignment, e.g. ``{"incident:lsoa11_split_polygon": 3168}``."""
    counts = {}
    for table in PLACED_TABLES:
        for row in con.sql(f"SELECT lsoa_assignment AS how, count(*) AS n FROM {table} "
                           "GROUP BY 1 ORDER BY 1").execute().itertuples():
            counts[f"{table}:{row.how}"] = int(row.n)
    return counts

def _build_code_map(con: BaseBackend) -> None:
    """A table code → (2021 code, how) for every code that maps to exactly one 2021 LSOA."""
    con.raw_sql("DROP TABLE IF EXISTS csp_code_map")
    # Spark has temporary views only (the map is read twice there, never updated).
    kind = "OR REPLACE TEMPORARY VIEW" if con.name == "pyspark" else "TEMPORARY TABLE"
    con.raw_sql(f"""
        CREATE {kind} csp_code_map AS
        WITH codes21 AS (
            SELECT lsoa_code AS code FROM area
            UNION SELECT lsoa21_code FROM lsoa_change
        ),
        changes AS (
            SELECT lsoa11_code AS code,
                   count(DISTINCT lsoa21_code) AS n21,
                   min(lsoa21_code) AS lsoa21_code,
                   min(change_code) AS change_code
            FROM lsoa_change
            WHERE lsoa11_code NOT IN (SELECT code FROM codes21)
            GROUP BY lsoa11_code
        )
        SELECT code, code AS lsoa21_code, 'published_2021' AS how FROM codes21
        UNION ALL
        SELECT code, lsoa21_code,
               CASE WHEN n21 > 1 THEN 'ambiguous'
                    WHEN change_code = 'M' THEN 'lsoa11_merged'
                    ELSE 'lsoa11_unchanged' END
        FROM changes""")


def _place_split_codes(con: BaseBackend, table: str) -> None:
    """Choose a 2021 LSOA for rows whose 2011 LSOA split: by polygon, else by population."""
    rows = con.sql(f"""
        SELECT DISTINCT t.lsoa_code_published AS code, t.longitude, t.latitude
        FROM {table} t JOIN csp_code_map m
          ON t.lsoa_code_published = m.code AND m.how = 'ambiguous'
        WHERE t.lsoa_assignment IS NULL""").execute()
    if rows.empty:
        return
    children = _split_children(con)
    choices = []
    for code, group in rows.groupby("code", sort=True):
        options = children[children["code"] == code]
        choices.append(_choose(group, options))
    chosen = pd.concat(choices, ignore_index=True)
    con.create_table("csp_split_choice", chosen, overwrite=True)
    con.raw_sql(f"""
        UPDATE {table} SET lsoa_code = c.lsoa21_code, lsoa_assignment = c.how
        FROM csp_split_choice c
        WHERE {table}.lsoa_assignment IS NULL AND {table}.lsoa_code_published = c.code
          AND {table}.longitude IS NOT DISTINCT FROM c.longitude
          AND {table}.latitude IS NOT DISTINCT FROM c.latitude""")


class LsoaPolygons:
    """The loaded LSOA 2021 boundaries in an STRtree, for placing points."""

    def __init__(self, con: BaseBackend) -> None:
        rows = con.sql("SELECT code, min(geometry_wkt) AS wkt FROM boundary "
                       "WHERE level = 'lsoa21' GROUP BY code ORDER BY code").execute()
        self.codes = rows["code"].to_numpy(dtype=object)
        self.tree = shapely.STRtree(shapely.from_wkt(rows["wkt"].to_numpy()))

    def locate(self, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
        """The LSOA whose polygon holds each point (the first by code on a shared edge),
        ``None`` outside every polygon."""
        found = np.full(len(longitude), None, dtype=object)
        if not len(self.codes):
            return found
        points, polygons = self.tree.query(shapely.points(longitude, latitude),
                                           predicate="intersects")
        # Reversed, so the lowest code wins where a point lies on a boundary.
        found[points[::-1]] = self.codes[polygons[::-1]]
        return found


def _place_by_coordinates(con: BaseBackend, table: str) -> None:
    """Place rows with no LSOA code but with coordinates in the polygon holding them."""
    points = con.sql(f"""
        SELECT DISTINCT longitude, latitude FROM {table}
        WHERE lsoa_assignment IS NULL AND lsoa_code_published IS NULL
          AND longitude IS NOT NULL AND latitude IS NOT NULL""").execute()
    if points.empty:
        return
    points["lsoa21_code"] = LsoaPolygons(con).locate(points["longitude"].to_numpy(float),
                                                     points["latitude"].to_numpy(float))
    points = points.dropna(subset=["lsoa21_code"])
    if points.empty:
        return
    con.create_table("csp_point_choice", points, overwrite=True)
    con.raw_sql(f"""
        UPDATE {table} SET lsoa_code = c.lsoa21_code, lsoa_assignment = 'coordinates_polygon'
        FROM csp_point_choice c
        WHERE {table}.lsoa_assignment IS NULL AND {table}.lsoa_code_published IS NULL
          AND {table}.longitude = c.longitude AND {table}.latitude = c.latitude""")


def _split_children(con: BaseBackend, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """The 2021 LSOAs each ambiguous (split or complex) 2011 LSOA became: of every one in
    ``csp_code_map``, or of ``codes`` (2011 codes known to be ambiguous)."""
    among = ("SELECT code FROM csp_code_map WHERE how = 'ambiguous'" if codes is None
             else ", ".join("'" + c.replace("'", "''") + "'" for c in codes))
    return con.sql(f"""
        SELECT c.lsoa11_code AS code, c.lsoa21_code, c.change_code,
               b.geometry_wkt, p.residents
        FROM lsoa_change c
        LEFT JOIN (SELECT code, min(geometry_wkt) AS geometry_wkt FROM boundary
                   WHERE level = 'lsoa21' GROUP BY code) b ON b.code = c.lsoa21_code
        LEFT JOIN (SELECT lsoa_code, sum(count) AS residents FROM population
                   WHERE geography = 'lsoa21' AND age_min = 0 AND age_max >= 120
                   GROUP BY lsoa_code) p ON p.lsoa_code = c.lsoa21_code
        WHERE c.lsoa11_code IN ({among})
        ORDER BY c.lsoa11_code, c.lsoa21_code""").execute()

def _choose(points: pd.DataFrame, options: pd.DataFrame) -> pd.DataFrame:
    kind = "complex" if (options["change_code"] == "X").any() else "split"
    out = points[["code", "longitude", "latitude"]].copy()
    has_polygons = options["geometry_wkt"].notna().all()
    if has_polygons and points["longitude"].notna().all():
        polygons = shapely.from_wkt(options["geometry_wkt"].to_numpy())
        xs = points["longitude"].to_numpy(dtype=float)
        ys = points["latitude"].to_numpy(dtype=float)
        pts = shapely.points(xs, ys)
        # Distance 0 means inside; otherwise the nearest polygon (generalised boundaries
        # leave some points just outside every part).
        distances = np.column_stack([shapely.distance(pts, poly) for poly in polygons])
        out["lsoa21_code"] = options["lsoa21_code"].to_numpy()[distances.argmin(axis=1)]
        out["how"] = f"lsoa11_{kind}_polygon"
    else:
        ranked = options.assign(residents=options["residents"].fillna(-1)).sort_values(
            ["residents", "lsoa21_code"], ascending=[False, True])
        out["lsoa21_code"] = ranked["lsoa21_code"].iloc[0]
        out["how"] = f"lsoa11_{kind}_best_fit"
    return out
