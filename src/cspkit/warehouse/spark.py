"""The warehouse on Apache Spark, through Ibis's PySpark backend.

Warehouse URLs (``--warehouse``):

``spark://local[N]`` (or ``spark://local``, ``spark://local[*]``)
    Spark inside this process with N worker threads (a laptop, CI).
``spark://HOST:7077``
    A Spark standalone cluster's master (``SparkSession.builder.master``).
``sc://HOST:15002`` (a Spark Connect URL, ``;token=...`` parameters included)
    A Spark Connect server: Databricks, Dataproc, or ``start-connect-server.sh``
    (``SparkSession.builder.remote``). ``sc://local[N]`` starts a local Connect server.
``spark`` (alone)
    The session ``spark-submit`` (or a notebook) already made: the master, the
    configuration and the catalog are the job's (``SparkSession.builder.getOrCreate``).

Options follow ``?``, joined by ``&``: ``format=parquet`` (the format of the tables
written: ``parquet``, or ``delta`` where the catalogue wants Delta, as Unity Catalog
does), ``warehouse=DIR`` (``spark.sql.warehouse.dir``: where
tables' files live; default ``./csp-spark`` for local Spark), ``database=NAME`` (the schema
holding the tables, created if missing; default ``csp``), ``metastore=DIR`` (the Derby
metastore of a local session; default ``DIR/metastore_db`` inside the warehouse folder), and
any Spark setting as ``conf.KEY=VALUE``. A local or ``spark://`` session keeps its table
catalog in a Hive metastore, so the tables are still there for the next command; a Connect
server or a ``spark-submit`` job uses the catalog it was started with.

Spark tables take no transaction, ``UPDATE`` or ``DELETE``. A load on Spark is made atomic
by :class:`SparkTransaction`: a table that has to change other than by appending is
rewritten (``CREATE TABLE ... AS SELECT`` from the old table, renamed aside, then swapped
in), and on failure every renamed table comes back and every appended row (a load id the
load gave out) is removed. A load whose process was killed is undone the same way by the next
process that connects (:mod:`cspkit.warehouse.spark_undo`).
"""

from __future__ import annotations

import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

from ibis.backends import BaseBackend

from cspkit.errors import CspError
from cspkit.warehouse import spark_undo

SCHEMES = ("spark://", "sc://")
DEFAULT_DIR = "csp-spark"
DEFAULT_DATABASE = "csp"
TABLE_FORMAT = "parquet"
_LOCAL = re.compile(r"^local(\[(\d+|\*)\])?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OPTIONS = {"warehouse", "database", "metastore", "format"}
FORMATS = ("parquet", "delta", "iceberg", "orc")
_FORMAT_OF: dict[int, str] = {}
# Rows go to Spark as Arrow: without it pyspark converts pandas' missing strings (NaN under
# pandas 3) into the text 'NaN' instead of NULL.
ARROW = {"spark.sql.execution.arrow.pyspark.enabled": "true"}


@dataclass(frozen=True)
class SparkTarget:
    """A parsed Spark warehouse URL.

    >>> t = parse_spark_url("spark://local[2]?warehouse=/data/w&conf.spark.executor.memory=2g")
    >>> t.master, t.remote, t.warehouse, t.database, t.conf
    ('local[2]', None, '/data/w', 'csp', {'spark.executor.memory': '2g'})
    >>> parse_spark_url("sc://example.org:15002/;token=abc").remote
    'sc://example.org:15002/;token=abc'
    >>> parse_spark_url("sc://local").remote
    'local'
    """

    url: str
    master: str | None = None
    remote: str | None = None
    warehouse: str | None = None
    database: str = DEFAULT_DATABASE
    metastore: str | None = None
    conf: dict[str, str] = field(default_factory=dict)
    format: str = TABLE_FORMAT

    @property
    def local(self) -> bool:
        """Spark (or its Connect server) runs inside this machine's process tree."""
        spec = self.master or self.remote or ""
        return bool(_LOCAL.match(spec))


def is_spark_url(url: str) -> bool:
    """Whether a warehouse URL names Spark."""
    return url == "spark" or url.startswith("spark?") or url.startswith(SCHEMES)


def parse_spark_url(url: str) -> SparkTarget:
    """Read a Spark warehouse URL (see the module docs); a bad one is a :class:`CspError`."""
    base, _, query = url.partition("?")
    options: dict[str, str] = {}
    conf: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        if key.startswith("conf.") and len(key) > 5:
            conf[key[5:]] = value
        elif key in _OPTIONS:
            options[key] = value
        else:
            raise CspError(f"unknown Spark warehouse option {key!r} in {url}",
                           hint="Use warehouse=DIR, database=NAME, metastore=DIR, "
                           "format=parquet|delta or conf.SPARK_KEY=VALUE")
    database = options.get("database", DEFAULT_DATABASE)
    if not _NAME.match(database):
        raise CspError(f"database={database!r} is not a Spark database name",
                       hint="Use letters, digits and underscores, e.g. database=csp")
    table_format = options.get("format", TABLE_FORMAT)
    if table_format not in FORMATS:
        raise CspError(f"format={table_format!r} is not a table format cspkit writes",
                       hint=f"Use one of {', '.join(FORMATS)} (delta on Databricks)")
    master = remote = None
    if base == "spark":
        pass  # the session spark-submit made
    elif base.startswith("sc://"):
        rest = base.removeprefix("sc://")
        remote = rest if _LOCAL.match(rest) else base
        if not rest:
            raise CspError(f"{url} names no Spark Connect server",
                           hint="Write sc://HOST:15002, or sc://local[2] for a local one")
    else:
        rest = base.removeprefix("spark://")
        if not rest:
            raise CspError(f"{url} names no Spark master",
                           hint="Write spark://local[2] or spark://HOST:7077")
        master = rest if _LOCAL.match(rest) else base
    return SparkTarget(url, master, remote, options.get("warehouse"), database,
                       options.get("metastore"), conf, table_format)


def _session_conf(target: SparkTarget) -> dict[str, str]:
    """Static settings for a session this process starts (local, standalone master, or a
    local Connect server)."""
    conf = {"spark.sql.session.timeZone": "UTC", "spark.ui.showConsoleProgress": "false",
            **ARROW}
    warehouse = target.warehouse or (DEFAULT_DIR if target.local else None)
    if warehouse is not None:
        if "://" not in warehouse:
            warehouse = str(Path(warehouse).expanduser().resolve())
            Path(warehouse).mkdir(parents=True, exist_ok=True)
        conf["spark.sql.warehouse.dir"] = warehouse
        conf["spark.sql.catalogImplementation"] = "hive"
        metastore = target.metastore or (
            str(Path(warehouse) / "metastore_db") if "://" not in warehouse else None)
        if metastore is not None:
            conf["spark.hadoop.javax.jdo.option.ConnectionURL"] = (
                f"jdbc:derby:;databaseName={metastore};create=true")
            # Derby's own log beside its database, not in whatever folder csp ran from.
            conf["spark.driver.extraJavaOptions"] = (
                f"-Dderby.stream.error.file={Path(metastore).parent / 'derby.log'}")
    conf.update(target.conf)
    return conf


def spark_session(target: SparkTarget):
    """The SparkSession a target names, made with the public builder."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CspError("the Spark warehouse needs pyspark",
                       hint="pip install 'cspkit[spark]' (and Java 17 for local Spark)") from None
    builder = SparkSession.builder.appName("cspkit")
    if target.remote is not None:
        if not target.local:
            # A remote server's static settings are its own; only session settings apply.
            for key, value in target.conf.items():
                builder = builder.config(key, value)
            return builder.remote(target.remote).getOrCreate()
        builder = builder.remote(target.remote)
    elif target.master is not None:
        builder = builder.master(target.master)
    else:
        session = builder.getOrCreate()  # spark-submit's session, configured by the job
        for key, value in ARROW.items():
            session.conf.set(key, value)
        return session
    for key, value in _session_conf(target).items():
        builder = builder.config(key, value)
    if target.remote is None:
        return builder.getOrCreate()
    with warnings.catch_warnings():
        # The local Connect server starts with these settings; pyspark then also tries to
        # set them on the client session, where the static ones cannot change, and warns.
        warnings.filterwarnings("ignore", message="Failed to set spark", category=UserWarning)
        return builder.getOrCreate()


def connect_spark(url: str, *, recover: bool = True) -> BaseBackend:
    """An Ibis PySpark backend on the session a Spark URL names, using its database.

    A load left unfinished by a process known to have ended is undone first
    (:func:`cspkit.warehouse.spark_undo.recover_interrupted_load`), unless ``recover`` is
    false (``csp undo-interrupted-load``, which undoes one itself).
    """
    import ibis

    target = parse_spark_url(url)
    try:
        session = spark_session(target)
    except CspError:
        raise
    except Exception as exc:  # Spark's own message says what failed (Java, host, port)
        raise CspError(f"cannot start Spark for {url}: {str(exc).splitlines()[0]}",
                       hint="Check the master or Connect URL, and that Java 17 is "
                       "installed for local Spark") from exc
    session.sql(f"CREATE DATABASE IF NOT EXISTS {target.database}")
    session.catalog.setCurrentDatabase(target.database)
    con = ibis.pyspark.connect(session)
    _FORMAT_OF[id(con)] = target.format
    folders = _local_folders(target, session)
    if folders is not None:
        spark_undo.register_local(con, folders)
    spark_undo.register_url(con, url)
    if not recover:
        return con
    notice = spark_undo.recover_interrupted_load(con, target.format)
    if notice:
        print(notice, file=sys.stderr, flush=True)
    return con


def _local_folders(target: SparkTarget, session) -> spark_undo.LocalFolders | None:
    """The lock file and the database's folder of a local Spark warehouse (a folder on this
    machine), or ``None`` elsewhere."""
    if not target.local:
        return None
    location = urlparse(session.catalog.getDatabase(target.database).locationUri)
    if location.scheme not in ("", "file"):
        return None
    database = Path(location.path)
    return spark_undo.LocalFolders(
        lock=database.parent / f"csp-load-{target.database}.lock", database=database)


def table_format(con: BaseBackend) -> str:
    """The format new tables of a Spark warehouse are written in (its URL's ``format=``)."""
    return _FORMAT_OF.get(id(con), TABLE_FORMAT)


def is_spark(con: BaseBackend) -> bool:
    """Whether a backend is Spark (Ibis's PySpark backend)."""
    return con.name == "pyspark"


# --- Atomic loads -----------------------------------------------------------------------

_ACTIVE: dict[int, SparkTransaction] = {}


class SparkTransaction:
    """A load on Spark that either happens whole or leaves the warehouse as it was.

    Appends need nothing: on failure, every row carrying a load id given out during the
    transaction is removed. A table changed any other way is rewritten by
    :meth:`rewrite`; its first rewrite renames the old table aside (``csp_undo_<table>``),
    which a rollback renames back and a commit drops. A marker table and, on local Spark, a
    lock let the next process undo a load whose process was killed
    (:mod:`cspkit.warehouse.spark_undo`).
    """

    def __init__(self, con: BaseBackend, first_load_id: int) -> None:
        self.con = con
        self.first_load_id = first_load_id
        self.saved: dict[str, str] = {}
        self.lock = spark_undo.start(con, table_format(con), first_load_id)

    def rewrite(self, table: str, select: str) -> None:
        """Replace ``table`` by ``select``, a query reading ``{source}`` (the old rows)."""
        if table not in self.saved:
            undo = f"{spark_undo.UNDO}{table}"
            self.con.raw_sql(f"DROP TABLE IF EXISTS {undo}")
            spark_undo.rename(self.con, table, undo)
            self.saved[table] = undo
            source = undo
        else:
            source = f"{spark_undo.PREVIOUS}{table}"
            self.con.raw_sql(f"DROP TABLE IF EXISTS {source}")
            spark_undo.rename(self.con, table, source)
        spark_undo.free(self.con, table)
        self.con.raw_sql(f"CREATE TABLE {table} USING {table_format(self.con)} AS "
                         + select.format(source=source))
        if source != self.saved[table]:
            self.con.raw_sql(f"DROP TABLE {source}")

    def commit(self) -> None:
        spark_undo.committed(self.con, list(self.saved.values()), self.lock)

    def rollback(self) -> None:
        spark_undo.undone(self.con, table_format(self.con), self.first_load_id, self.lock)


def begin(con: BaseBackend, first_load_id: int) -> SparkTransaction:
    tx = SparkTransaction(con, first_load_id)
    _ACTIVE[id(con)] = tx
    return tx


def end(con: BaseBackend) -> None:
    _ACTIVE.pop(id(con), None)


def active(con: BaseBackend) -> SparkTransaction:
    """The transaction a change on Spark belongs to (one is needed to rewrite a table)."""
    tx = _ACTIVE.get(id(con))
    if tx is None:
        raise CspError("a Spark table can only be changed inside a warehouse transaction")
    return tx


def delete_where(con: BaseBackend, table: str, where: str) -> None:
    """``DELETE FROM table WHERE where`` on Spark: the table rewritten without those rows."""
    columns = ", ".join(f"`{c}`" for c in con.table(table).columns)
    where_src = where.replace(f"{table}.", "{source}.")
    active(con).rewrite(table, f"SELECT {columns} FROM {{source}} "
                               f"WHERE NOT coalesce(({where_src}), false)")


def update_where(con: BaseBackend, table: str, values: dict[str, str], where: str) -> None:
    """``UPDATE table SET col = expr ... WHERE where`` on Spark (SQL expressions over the
    row's own columns), the table rewritten."""
    cols = []
    for c in con.table(table).columns:
        if c in values:
            cols.append(f"CASE WHEN coalesce(({where}), false) THEN {values[c]} "
                        f"ELSE `{c}` END AS `{c}`")
        else:
            cols.append(f"`{c}`")
    active(con).rewrite(table, f"SELECT {', '.join(cols)} FROM {{source}}")
