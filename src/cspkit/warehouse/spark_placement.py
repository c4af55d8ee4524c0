"""Placing rows already in a Spark warehouse (Spark tables take no ``UPDATE``).

The same placement as :func:`cspkit.warehouse.placement.place_rows` (it is
:meth:`CodeMap.place`, the code that places every new row on any backend), applied to the
stored rows batch by batch and written to a new table that replaces the old one inside the
load's :class:`cspkit.warehouse.spark.SparkTransaction`. Nothing is read or written when the
tables are empty, as they are when reference data is loaded before police data.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends import BaseBackend

from cspkit.warehouse import spark
from cspkit.warehouse.placement import (
    PLACED_TABLES,
    CodeMap,
    PlacementReport,
    assignment_counts,
    forget_placed_postcodes,
)

BATCH_ROWS = 500_000


def _postcode_places(con: BaseBackend) -> pa.Table:
    """(incident_id, load_id, lsoa_code) of partner rows a loaded postcode lookup now places."""
    return con.sql("""
        SELECT u.incident_id, u.load_id, min(p.lsoa_code) AS lsoa_code
        FROM unplaced_postcode u JOIN postcode p ON p.postcode = u.postcode
        WHERE p.lsoa_code IS NOT NULL GROUP BY 1, 2""").to_pyarrow()


def _with_postcodes(batch: pa.Table, found: pa.Table) -> tuple[pa.Table, pa.Array]:
    """The batch with the postcode's LSOA as published code where one was found, and the
    mask of those rows (to be placed again)."""
    keys = pc.binary_join_element_wise(
        pc.cast(batch["incident_id"], pa.string()), pc.cast(batch["load_id"], pa.string()), "/")
    wanted = pc.binary_join_element_wise(
        pc.cast(found["incident_id"], pa.string()), pc.cast(found["load_id"], pa.string()), "/")
    at = pc.index_in(keys, value_set=wanted)
    hit = pc.is_valid(at)
    published = pc.if_else(hit, pc.take(found["lsoa_code"], at), batch["lsoa_code_published"])
    index = batch.schema.get_field_index("lsoa_code_published")
    return batch.set_column(index, "lsoa_code_published", published), hit


def place_rows_spark(con: BaseBackend, *, everything: bool) -> PlacementReport:
    """:func:`cspkit.warehouse.placement.place_rows` for Spark."""
    tx = spark.active(con)
    found = _postcode_places(con)
    code_map: CodeMap | None = None
    placed = 0
    for table in PLACED_TABLES:
        t = con.table(table)
        pending = t if everything else t.filter(t.lsoa_assignment.isnull())
        if table == "incident" and found.num_rows:
            pending = t
        if not int(pending.count().execute()):
            continue
        code_map = code_map or CodeMap(con)
        stage = f"csp_placed_{table}"
        con.raw_sql(f"DROP TABLE IF EXISTS {stage}")
        con.create_table(stage, schema=t.schema(), format=spark.table_format(con))
        for batch in t.to_pyarrow_batches(chunk_size=BATCH_ROWS):
            rows = pa.Table.from_batches([batch])
            redo = pa.array([True] * rows.num_rows) if everything else pc.is_null(
                rows["lsoa_assignment"])
            if table == "incident" and found.num_rows:
                rows, hit = _with_postcodes(rows, found)
                redo = pc.or_(redo, hit)
            placed += int(pc.sum(redo).as_py() or 0)
            again = code_map.place(rows)
            for name in ("lsoa_code", "lsoa_assignment", "ward_code", "lad_code"):
                index = rows.schema.get_field_index(name)
                rows = rows.set_column(index, name, pc.if_else(redo, again[name], rows[name]))
            memtable = ibis.memtable(rows.cast(t.schema().to_pyarrow()))
            con.insert(stage, memtable)
        tx.rewrite(table, f"SELECT * FROM {stage}")
        con.raw_sql(f"DROP TABLE {stage}")
    if found.num_rows:
        forget_placed_postcodes(con)
    return PlacementReport(rows_placed=placed, by_assignment=assignment_counts(con),
                           placed_by_postcode=found.num_rows)
