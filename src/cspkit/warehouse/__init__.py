"""The warehouse: canonical tables behind an Ibis backend (a DuckDB file by default).

>>> import tempfile, os
>>> con = connect(os.path.join(tempfile.mkdtemp(), "w.duckdb"))
>>> sorted(con.list_tables())[:3]
['area', 'area_crime_count', 'area_measure']
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import ibis
from ibis.backends import BaseBackend

from cspkit.defaults import DEFAULT_WAREHOUSE
from cspkit.errors import CspError
from cspkit.warehouse import spark
from cspkit.warehouse.schema import TABLES
from cspkit.warehouse.spark import is_spark_url


def resolve_url(target: str | Path | None = None) -> str:
    """Turn a path or URL into an Ibis connection URL (a bare path means a DuckDB file).

    >>> resolve_url("spark://local[2]")
    'spark://local[2]'
    """
    target = str(target or DEFAULT_WAREHOUSE)
    if "://" in target or is_spark_url(target):
        return target
    return f"duckdb://{Path(target).expanduser().resolve()}"


def connect(url: str | Path | None = None, *, create: bool = True,
            read_only: bool = False) -> BaseBackend:
    """Open the warehouse and make sure every canonical table exists.

    Parameters
    ----------
    url
        A DuckDB file path (default ``./csp.duckdb``), a Spark URL (``spark://local[2]``,
        ``spark://HOST:7077``, ``sc://HOST:15002``: see :mod:`cspkit.warehouse.spark`) or
        any Ibis URL (``duckdb:///path``, ``postgres://user@host/db``).
    create
        Create missing tables (and the file). With ``False`` a missing DuckDB file, or a
        database that holds no cspkit warehouse, is an error.
    read_only
        Open a DuckDB file read-only (implies ``create=False``): any number of processes
        may then read it at once, though none while another process has it open for
        writing. Other backends serve many clients anyway and ignore it.
    """
    create = create and not read_only
    resolved = resolve_url(url)
    if resolved.startswith("duckdb://") and not create:
        path = Path(resolved.removeprefix("duckdb://"))
        if not path.exists():
            raise CspError(
                f"no warehouse at {path}",
                hint="Load data first with `csp load PATH...` or pass --warehouse FILE",
            )
    if resolved.startswith("duckdb://"):
        Path(resolved.removeprefix("duckdb://")).parent.mkdir(parents=True, exist_ok=True)
    options = {"read_only": True} if read_only and resolved.startswith("duckdb://") else {}
    try:
        con = (spark.connect_spark(resolved) if is_spark_url(resolved)
               else ibis.connect(resolved, **options))
    except CspError:
        raise
    except Exception as exc:  # the driver's message says what is wrong with the URL
        raise CspError(f"cannot open warehouse {resolved}: {exc}") from exc
    if create:
        ensure_schema(con)
    elif "load_ledger" not in con.list_tables():
        con.disconnect()
        raise CspError(
            f"{resolved} is not a cspkit warehouse (it has no load_ledger table)",
            hint="Pass the --warehouse file `csp load` wrote, or load data into a new one "
            "with `csp load PATH... --warehouse FILE`",
        )
    return con


def ensure_schema(con: BaseBackend) -> None:
    """Create any canonical table that does not exist yet (existing ones are left alone)."""
    existing = set(con.list_tables())
    options = {"format": spark.table_format(con)} if spark.is_spark(con) else {}
    for table in TABLES.values():
        if table.name not in existing:
            con.create_table(table.name, schema=table.schema, **options)


@contextlib.contextmanager
def transaction(con: BaseBackend) -> Iterator[BaseBackend]:
    """Run a block atomically: on any exception the warehouse is left as it was.

    Spark has no transactions: there :class:`cspkit.warehouse.spark.SparkTransaction`
    undoes the block's appends and rewrites instead.
    """
    if spark.is_spark(con):
        tx = spark.begin(con, next_load_id(con))
        try:
            yield con
        except BaseException:
            tx.rollback()
            raise
        else:
            tx.commit()
        finally:
            spark.end(con)
        return
    con.raw_sql("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.raw_sql("ROLLBACK")
        raise
    else:
        con.raw_sql("COMMIT")


def release_memtable(con: BaseBackend, table: ibis.Table) -> None:
    """Free the rows of an in-memory table once a statement has used them.

    Ibis registers an in-memory table with DuckDB on first use and drops it only when Python
    exits, so every inserted batch would stay in memory for the whole process: a long load
    would grow without bound. DuckDB's ``unregister`` releases it; other backends are left
    alone.
    """
    raw = getattr(con, "con", None)
    if con.name == "duckdb" and hasattr(raw, "unregister"):
        raw.unregister(table.get_name())


def next_load_id(con: BaseBackend) -> int:
    """The id the next load_ledger row should take."""
    current = con.table("load_ledger").load_id.max().execute()
    return 1 if current is None or current != current else int(current) + 1


def delete_rows(con: BaseBackend, table: str, where: str) -> None:
    """``DELETE FROM table WHERE where`` (a SQL condition), on any warehouse backend."""
    if spark.is_spark(con):
        spark.delete_where(con, table, where)
    else:
        con.raw_sql(f"DELETE FROM {table} WHERE {where}")


def update_rows(con: BaseBackend, table: str, values: dict[str, str], where: str) -> None:
    """``UPDATE table SET column = expression, ... WHERE where`` on any warehouse backend
    (expressions over the row's own columns)."""
    if spark.is_spark(con):
        spark.update_where(con, table, values, where)
    else:
        sets = ", ".join(f"{c} = {v}" for c, v in values.items())
        con.raw_sql(f"UPDATE {table} SET {sets} WHERE {where}")
