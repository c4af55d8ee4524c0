"""Data quality: how complete the fields that matter are, per source and month, and how many
rows were rejected at load.

A field is *complete* on a row when it holds a usable value (the rule of each field is in
:data:`FIELDS` and ``docs/data-quality.md``). Completeness of a field for a source and month is

.. math:: c = 100 \\times \\frac{\\text{rows with the field complete}}{\\text{rows}}

over the rows of that source and month in scope: every row, or, for a partnership's areas,
the rows placed in those areas plus the rows that could not be placed at all (from the same
police force, for police data), since a row without a place may belong to the partnership.

police.uk files are all or nothing: one unreadable value refuses the whole file, so no
police.uk row is ever rejected. Partner exports reject unreadable rows one by one; the load
records them in the ``load_rejection`` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.scope import area_lsoas
from cspkit.sources.completeness import FIELDS, fields_of


@dataclass(frozen=True, eq=False)
class DataQuality:
    """Completeness and rejected rows, per source and month.

    Attributes
    ----------
    completeness
        ``source``, ``month``, ``field``, ``rows``, ``complete``, ``share`` (percent): one row
        per source, month and field with at least one row to measure.
    rejected
        ``source``, ``month`` (None: the rows' date could not be read), ``rows``.
    """

    completeness: pd.DataFrame
    rejected: pd.DataFrame


def _in_list(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _scope_sql(area_codes: Sequence[str] | None, months: Sequence[str] | None) -> str:
    """WHERE conditions on an incident (alias ``i``) for the areas and months."""
    conditions = ["1 = 1"]
    if area_codes is not None:
        # The areas' LSOAs as a subquery over the lookup (the LSOAs area_lsoas finds): an IN
        # list inside OR is tested value by value on every row (about six times the CPU in
        # DuckDB for a partnership's 124 LSOAs), and a short query is quicker to compile.
        listed = _in_list(area_codes) or "NULL"
        codes = (f"SELECT lsoa_code FROM area WHERE lad_code IN ({listed}) "
                 f"OR ward_code IN ({listed}) OR lsoa_code IN ({listed})")
        conditions.append(
            f"(i.lsoa_code IN ({codes}) OR (i.lsoa_code IS NULL AND (i.police_force IS NULL "
            f"OR i.police_force IN (SELECT DISTINCT police_force FROM incident "
            f"WHERE lsoa_code IN ({codes})))))")
    if months is not None:
        conditions.append(f"i.month IN ({_in_list(months) or 'NULL'})")
    return " AND ".join(conditions)


def _counts(con: BaseBackend, table: str, where: str) -> pd.DataFrame:
    """Rows and complete rows of every field of ``table``, by source and month (wide)."""
    fields = [f for f in FIELDS.values() if f.table == table]
    sums = ", ".join(f"SUM(CASE WHEN {f.condition} THEN 1 ELSE 0 END) AS {f.key}"
                     for f in fields)
    if table == "incident":
        # A partner row whose date had no time of day says so in incident_detail.
        sql = (f"SELECT r.source, r.month, COUNT(*) AS n_rows, {sums} FROM incident r "
               "LEFT JOIN (SELECT DISTINCT incident_id, source FROM incident_detail "
               "WHERE name = 'time_known' AND value = 'false') t "
               "ON t.incident_id = r.incident_id AND t.source = r.source "
               f"WHERE r.incident_id IN (SELECT i.incident_id FROM incident i WHERE {where}) "
               "GROUP BY r.source, r.month")
    else:
        # A person counts in the month of the incident they were involved in.
        sql = (f"SELECT r.source, i.month, COUNT(*) AS n_rows, {sums} "
               "FROM person_involvement r JOIN incident i "
               f"ON i.incident_id = r.incident_id AND i.source = r.source WHERE {where} "
               "GROUP BY r.source, i.month")
    wide = con.sql(sql).to_pandas()
    long = wide.melt(id_vars=["source", "month", "n_rows"],
                     value_vars=[f.key for f in fields], var_name="field",
                     value_name="complete")
    return long.rename(columns={"n_rows": "rows"})


def completeness(con: BaseBackend, *, areas: str | Sequence[str] | None = None,
                 months: Sequence[str] | None = None) -> pd.DataFrame:
    """Completeness of each measured field, per source and month.

    Parameters
    ----------
    con
        Warehouse backend.
    areas
        Local authority, ward or LSOA codes: count the rows placed there plus those that
        could not be placed (from the same force, for police data). ``None``: every row.
    months
        Only these months (YYYY-MM). ``None``: every month loaded.

    Returns
    -------
    pandas.DataFrame
        ``source``, ``month``, ``field``, ``rows``, ``complete`` and ``share`` (percent),
        sorted by source, month and field order of :data:`FIELDS`.

    Examples
    --------
    >>> import os, tempfile
    >>> from cspkit.warehouse import connect
    >>> con = connect(os.path.join(tempfile.mkdtemp(), "w.duckdb"))
    >>> completeness(con).columns.tolist()
    ['source', 'month', 'field', 'rows', 'complete', 'share']
    """
    # The codes checked (an unknown code is an error) and as the lookup holds them.
    area_codes = area_lsoas(con, areas)[0] if areas is not None else None
    where = _scope_sql(area_codes, months)
    frame = pd.concat([_counts(con, table, where)
                       for table in ("incident", "person_involvement")], ignore_index=True)
    columns = ["source", "month", "field", "rows", "complete", "share"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame[[f in fields_of(s) for s, f in zip(frame["source"], frame["field"],
                                                     strict=True)]]
    frame = frame.assign(rows=frame["rows"].astype("int64"),
                         complete=frame["complete"].fillna(0).astype("int64"))
    frame["share"] = 100.0 * frame["complete"] / frame["rows"]
    order = {key: i for i, key in enumerate(FIELDS)}
    frame = frame.assign(order=frame["field"].map(order)).sort_values(
        ["source", "month", "order"])
    return frame[columns].reset_index(drop=True)


def rejected_rows(con: BaseBackend, *, months: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows rejected at load by the loads still in use, per source and month.

    Returns
    -------
    pandas.DataFrame
        ``source``, ``month`` (None where the rows' date could not be read), ``rows``.
    """
    columns = ["source", "month", "rows"]
    if "load_rejection" not in con.list_tables():
        return pd.DataFrame(columns=columns)
    where = f" AND (r.month IS NULL OR r.month IN ({_in_list(months) or 'NULL'}))" \
        if months is not None else ""
    frame = con.sql(
        "SELECT r.source, r.month, SUM(r.rows) AS n FROM load_rejection r "
        "JOIN load_ledger l ON l.load_id = r.load_id "
        f"WHERE l.status IN ('loaded', 'partly_replaced'){where} GROUP BY r.source, r.month"
    ).to_pandas()
    frame = frame.rename(columns={"n": "rows"}).assign(rows=lambda t: t["rows"].astype("int64"))
    frame = frame.sort_values(["source", "month"], na_position="first")[columns].reset_index(
        drop=True)
    # None, not NaN, for a month not known (pandas would store missing text as NaN).
    frame["month"] = pd.Series([m if isinstance(m, str) else None for m in frame["month"]],
                               dtype=object)
    return frame


def data_quality(con: BaseBackend, *, areas: str | Sequence[str] | None = None,
                 months: Sequence[str] | None = None) -> DataQuality:
    """Completeness (:func:`completeness`) and rejected rows (:func:`rejected_rows`)."""
    return DataQuality(completeness=completeness(con, areas=areas, months=months),
                       rejected=rejected_rows(con, months=months))


def recent_table(quality: DataQuality, *, months: int = 6) -> pd.DataFrame:
    """The last ``months`` months of every measure as display text, for ``csp status``.

    Returns
    -------
    pandas.DataFrame
        ``source``, ``measure`` (a field's label, or "Rows rejected at load"), then one
        column per month: completeness as ``97.5%``, rejected rows as a count; ``–`` where
        the source has no rows that month.

    Examples
    --------
    >>> c = pd.DataFrame({"source": ["fire"], "month": ["2025-01"], "field": ["date_time"],
    ...                   "rows": [8], "complete": [6], "share": [75.0]})
    >>> r = pd.DataFrame({"source": ["fire"], "month": ["2025-01"], "rows": [2]})
    >>> recent_table(DataQuality(c, r)).values.tolist()
    [['fire', 'Date and time', '75.0%'], ['fire', 'Rows rejected at load', '2']]
    """
    c, r = quality.completeness, quality.rejected
    shown = sorted({*c["month"], *r["month"].dropna()})[-months:]
    lines = []
    for source in sorted({*c["source"], *r["source"]}):
        mine = c[c["source"] == source]
        for key in fields_of(source):
            values = dict(zip(mine.loc[mine["field"] == key, "month"],
                              mine.loc[mine["field"] == key, "share"], strict=True))
            if values:
                lines.append([source, FIELDS[key].label,
                              *(f"{values[m]:.1f}%" if m in values else "–" for m in shown)])
        rejected = r[r["source"] == source]
        if not rejected.empty:
            counts = dict(zip(rejected["month"], rejected["rows"], strict=True))
            lines.append([source, "Rows rejected at load",
                          *(f"{counts.get(m, 0):,}" for m in shown)])
    return pd.DataFrame(lines, columns=["source", "measure", *shown])
