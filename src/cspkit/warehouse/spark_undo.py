"""A load on Spark interrupted by the death of its process, undone by the next process.

:class:`cspkit.warehouse.spark.SparkTransaction` undoes a load that fails with an exception.
A process killed mid-load (SIGKILL, the out-of-memory killer, a lost machine) cannot, so a
load on Spark leaves what the next process needs to undo it:

``csp_load_in_progress``
    A marker: an empty table whose properties hold the load's first load id, and the host,
    process id and start time of the process loading. It is written before the load
    changes anything and dropped when the load has committed (the commit point) or been
    undone: a marker left in the warehouse is a load that did not finish. The rows the load
    appended carry load ids from its first load id up; ``csp_undo_<table>`` holds each
    table it rewrote as it was.
A lock, for local Spark (``spark://local[N]``, ``sc://local[N]``)
    ``flock`` on ``csp-load-<database>.lock`` in the warehouse folder, held from before the
    marker is written until after the kept tables are dropped. The operating system
    releases it when the process ends, however it ends.

How a live load is told from a dead one, so that no process ever undoes a load still running:

* Local Spark: whoever takes the lock knows no load is running; a process that cannot take
  it leaves the warehouse alone. Undoing is done holding the lock, so two processes never
  undo at once, and a second load stops with a message rather than mix with a running one.
* Elsewhere (a Connect server, a cluster, ``spark-submit``) the warehouse folder is not on
  this machine. A marker written on this host by a process id that no longer runs is a dead
  load, undone at once; a marker from another host (its process may be running) is never
  undone automatically: the notice names the host, and any ``csp`` command run there undoes
  it. A new load refuses to start while a marker is left.

A host that is lost for good (a VM deleted, a laptop reimaged) would leave its load there
for ever, so :func:`undo_lost_load` (``csp undo-interrupted-load --host HOST``) undoes it
when the user says whose load it is: the host named must be the marker's. It still never
undoes a load known to run: on local Spark the lock decides as above, elsewhere a marker from
this host whose process still runs is refused. Otherwise it restores exactly as the
automatic path does and records nothing else. Only the user can know that another host is
gone, which is why this is a command and never automatic.

Undoing (:func:`restore`) may itself be interrupted: each step leaves a state the next
attempt recognises, and the marker goes last.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ibis.backends import BaseBackend

from cspkit.errors import CspError

MARKER = "csp_load_in_progress"
UNDO_COMMAND = "csp undo-interrupted-load"
UNDO = "csp_undo_"
PREVIOUS = "csp_prev_"
STAGES = ("csp_placed_",)


@dataclass(frozen=True)
class LocalFolders:
    """Where a local Spark warehouse keeps its lock and its database's table folders."""

    lock: Path
    database: Path


@dataclass(frozen=True)
class Marker:
    """The row of ``csp_load_in_progress``: which load, run by which process."""

    first_load_id: int
    host: str
    pid: int
    started_at: str  # UTC, as written

    def describe(self) -> str:
        return (f"load by process {self.pid} on {self.host} (started {self.started_at} UTC, "
                f"load ids from {self.first_load_id})")

    def advice(self, warehouse: str = "URL") -> str:
        """What the user can do about this load left unfinished: ``warehouse`` is the
        ``--warehouse`` to show in the command that undoes it if its host is lost."""
        if self.host == socket.gethostname():
            return (f"If process {self.pid} has ended, run any csp command here to restore "
                    "the warehouse as it was before it")
        return (f"If that process has ended, run any csp command on {self.host} to restore "
                f"the warehouse as it was before it; if {self.host} is lost for good, run "
                f"{self.undo_command(warehouse)} here")

    def undo_command(self, warehouse: str = "URL") -> str:
        """The command that undoes this load once its host is lost for good."""
        return f"{UNDO_COMMAND} --host {shlex.quote(self.host)} --warehouse {warehouse}"

    def dead(self) -> bool:
        """Whether the loading process is known to have ended: it ran on this host and its
        process id no longer runs. (A reused process id reads as running: the safe side.)"""
        if self.host != socket.gethostname() or os.name != "posix":
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


_FOLDERS: dict[int, LocalFolders] = {}
_SHOWN: dict[int, str] = {}


def register_local(con: BaseBackend, folders: LocalFolders) -> None:
    """Note that ``con`` is a local Spark warehouse whose folders are on this machine."""
    _FOLDERS[id(con)] = folders


def register_url(con: BaseBackend, url: str) -> None:
    """Note the URL ``con`` was opened with, to show in the commands that messages suggest."""
    _SHOWN[id(con)] = shown_url(url)


def shown_url(url: str) -> str:
    """A warehouse URL as a message shows it: a Connect token masked, quoted for the shell.

    >>> shown_url("sc://example.org:15002/;token=abc;use_ssl=true")
    "'sc://example.org:15002/;token=***;use_ssl=true'"
    >>> shown_url("spark")
    'spark'
    """
    return shlex.quote(re.sub(r"(token=)[^;&?]*", r"\1***", url))


def _shown(con: BaseBackend) -> str:
    return _SHOWN.get(id(con), "URL")


class _Lock:
    """An exclusive ``flock`` on a file, taken without waiting."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = None

    def take(self) -> bool:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a+")  # noqa: SIM115 (held open for the whole load)
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            self.file = None
            return False
        return True

    def release(self) -> None:
        if self.file is not None:
            self.file.close()  # closing the file releases the lock
            self.file = None


def _lock_for(con: BaseBackend) -> _Lock | None:
    folders = _FOLDERS.get(id(con))
    if folders is None or os.name != "posix":
        return None
    return _Lock(folders.lock)


@contextlib.contextmanager
def _held(lock: _Lock | None) -> Iterator[bool]:
    """Whether the lock was taken (always ``True`` without one); released on leaving."""
    if lock is None:
        yield True
        return
    try:
        yield lock.take()
    finally:
        lock.release()


def read_marker(con: BaseBackend) -> Marker | None:
    if MARKER not in con.list_tables():
        return None
    found = {row[0]: row[1] for row in
             con.raw_sql(f"SHOW TBLPROPERTIES {MARKER}").collect()}
    return Marker(int(found["csp.first_load_id"]), found["csp.host"], int(found["csp.pid"]),
                  found["csp.started_at"])


def write_marker(con: BaseBackend, fmt: str, marker: Marker) -> None:
    """Write the marker: an empty table whose properties say which load, run by which
    process (a change to the metastore only: no Spark job, no data file)."""
    free(con, MARKER)
    con.raw_sql(
        f"CREATE TABLE {MARKER} (first_load_id BIGINT) USING {fmt} TBLPROPERTIES ("
        f"'csp.first_load_id' = '{marker.first_load_id}', 'csp.host' = '{marker.host}', "
        f"'csp.pid' = '{marker.pid}', 'csp.started_at' = '{marker.started_at}')")


def _leftovers(tables: list[str]) -> list[str]:
    prefixes = (UNDO, PREVIOUS, *STAGES)
    return sorted(t for t in tables if t == MARKER or t.startswith(prefixes))


def recover_interrupted_load(con: BaseBackend, fmt: str) -> str | None:
    """Undo a load whose process died, if one is left and it is known to be dead.

    Returns the one line to print: what was restored, or why a left load was not undone;
    ``None`` when there was nothing to do (the usual case: one ``SHOW TABLES``).
    """
    if not _leftovers(con.list_tables()):
        return None
    lock = _lock_for(con)
    with _held(lock) as taken:
        if not taken:
            return None  # a load (or its undoing) is running in another process
        return _settle(con, fmt, locked=lock is not None)


def _settle(con: BaseBackend, fmt: str, *, locked: bool) -> str | None:
    """With the lock held (or none to hold): undo a dead load, or finish a committed one."""
    marker = read_marker(con)
    tables = con.list_tables()
    if marker is None:
        kept = [t for t in tables if t.startswith(UNDO)]
        if not kept or not locked:
            # Without a lock a live load's kept tables cannot be told from a finished one's;
            # the next load drops them before it starts.
            return None
        _drop_leftovers(con, tables, (UNDO, PREVIOUS, *STAGES))
        return (f"Spark warehouse: dropped {len(kept)} table(s) kept by a load that had "
                "committed before its process ended (" + ", ".join(sorted(kept)) + ").")
    if not locked and not marker.dead():
        return (f"Spark warehouse: {marker.describe()} has not finished. "
                f"{marker.advice(_shown(con))}.")
    return _restored(con, fmt, marker)


def _restored(con: BaseBackend, fmt: str, marker: Marker) -> str:
    """Restore the warehouse as it was before the marker's load; the line saying so."""
    restored, removed = restore(con, fmt, marker.first_load_id)
    what = ", ".join(restored) if restored else "no table rewritten"
    return (f"Spark warehouse restored to its state before the interrupted "
            f"{marker.describe()}: put back {what}; removed {removed:,} row(s) it had added.")


def undo_lost_load(con: BaseBackend, fmt: str, host: str) -> str:
    """Undo the load left unfinished by ``host``, which the user says is lost for good.

    The automatic path (:func:`recover_interrupted_load`) never undoes a load from another
    host, since its process may be running there. Here the user names the host, and the load
    is undone (exactly as :func:`restore` does it) unless it is known to be running. A
    :class:`CspError`, with nothing changed, when no load is left, when ``host`` is not the
    marker's, when the marker is from this host and its process still runs, or when (local
    Spark) a load holds the lock. Returns the line saying what was put back and removed.
    """
    lock = _lock_for(con)
    with _held(lock) as taken:
        if not taken:
            raise CspError(f"a load is running in this Spark warehouse (its process holds "
                           f"{lock.path}): a running load is never undone; nothing was changed",
                           hint="Wait for it to finish; if it is killed, the next csp command "
                           "undoes it")
        marker = read_marker(con)
        if marker is None:
            raise CspError(f"no unfinished load is left in this Spark warehouse (it has no "
                           f"{MARKER} table), so there is nothing to undo",
                           hint="Loads can start as usual")
        if marker.host != host:
            raise CspError(f"the load left unfinished in this Spark warehouse is not from "
                           f"{host}: it is the {marker.describe()}; nothing was changed",
                           hint=f"If {marker.host} is lost for good, run the command again "
                           f"with --host {marker.host}; if not, run any csp command there")
        if lock is None and marker.host == socket.gethostname() and not marker.dead():
            raise CspError(f"the {marker.describe()} was started on this host and process "
                           f"{marker.pid} still runs: a running load is never undone; nothing "
                           "was changed",
                           hint=f"Wait for process {marker.pid} to finish, or stop it; the "
                           "next csp command then undoes its load")
        return _restored(con, fmt, marker)


def start(con: BaseBackend, fmt: str, first_load_id: int) -> _Lock | None:
    """Before a load changes anything: take the lock and write the marker.

    Another load running is a :class:`CspError`. So is a dead load left behind (undone here
    if it is known to be dead): connecting undoes one before the load reads the ledger, so
    one found now appeared after that read, and the load must start again.
    """
    lock = _lock_for(con)
    if lock is not None and not lock.take():
        raise CspError(f"another process is loading into this Spark warehouse "
                       f"(it holds {lock.path})",
                       hint="Wait for that load to finish, then load again")
    try:
        tables = con.list_tables()
        if MARKER in tables:
            notice = _settle(con, fmt, locked=lock is not None)
            if MARKER in con.list_tables():
                marker = read_marker(con)
                raise CspError(f"a load left in this Spark warehouse has not finished: the "
                               f"{marker.describe()}",
                               hint=f"{marker.advice(_shown(con))}; then load again")
            raise CspError(notice or "a load left in this Spark warehouse was undone",
                           hint="Run the load again")
        # Tables kept by a load that committed before its process ended: were they left,
        # undoing this load would put them back too.
        _drop_leftovers(con, tables, (UNDO, PREVIOUS, *STAGES))
        write_marker(con, fmt, Marker(first_load_id, socket.gethostname(), os.getpid(),
                                      f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}"))
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return lock


def committed(con: BaseBackend, kept: list[str], lock: _Lock | None) -> None:
    """The load is whole: drop the marker (the commit point), then the kept tables."""
    try:
        con.raw_sql(f"DROP TABLE IF EXISTS {MARKER}")
        for table in kept:
            con.raw_sql(f"DROP TABLE IF EXISTS {table}")
    finally:
        if lock is not None:
            lock.release()


def undone(con: BaseBackend, fmt: str, first_load_id: int, lock: _Lock | None) -> None:
    """The load failed in this process: restore the warehouse, then drop the marker."""
    try:
        restore(con, fmt, first_load_id)
    finally:
        if lock is not None:
            lock.release()


def restore(con: BaseBackend, fmt: str, first_load_id: int) -> tuple[list[str], int]:
    """Put the warehouse back as it was before the load whose first load id is given.

    1. Each ``csp_undo_<t>`` (``t`` before its first rewrite) is renamed back over ``t``.
    2. A ``csp_prev_<t>`` left by an interrupted step is renamed back if ``t`` is missing,
       else dropped (``t`` was already written from it).
    3. Rows with a load id from ``first_load_id`` up are removed from every table: the
       appended ones, and any appended before a table's first rewrite (its kept copy holds
       them).
    4. Staging tables are dropped, and last the marker.

    Returns the tables put back and the number of rows removed.
    """
    from cspkit.warehouse.schema import TABLES

    tables = set(con.list_tables())
    restored = []
    for undo in sorted(t for t in tables if t.startswith(UNDO)):
        table = undo.removeprefix(UNDO)
        for gone in (f"{PREVIOUS}{table}", table):
            con.raw_sql(f"DROP TABLE IF EXISTS {gone}")
            tables.discard(gone)
        rename(con, undo, table)
        tables.add(table)
        restored.append(table)
    for prev in sorted(t for t in tables if t.startswith(PREVIOUS)):
        table = prev.removeprefix(PREVIOUS)
        if table in tables:
            con.raw_sql(f"DROP TABLE {prev}")
        else:
            rename(con, prev, table)
            tables.add(table)
    removed = 0
    for name in TABLES:
        if name not in tables or "load_id" not in con.table(name).columns:
            continue
        t = con.table(name)
        added = int(t.filter(t.load_id >= first_load_id).count().execute())
        if not added:
            continue
        removed += added
        stage = f"{PREVIOUS}{name}"
        rename(con, name, stage)
        free(con, name)
        con.raw_sql(f"CREATE TABLE {name} USING {fmt} AS SELECT * FROM {stage} "
                    f"WHERE load_id IS NULL OR load_id < {first_load_id}")
        con.raw_sql(f"DROP TABLE {stage}")
    _drop_leftovers(con, con.list_tables(), STAGES)
    con.raw_sql(f"DROP TABLE IF EXISTS {MARKER}")
    return restored, removed


def _drop_leftovers(con: BaseBackend, tables: list[str], prefixes: tuple[str, ...]) -> None:
    for table in tables:
        if table.startswith(prefixes):
            con.raw_sql(f"DROP TABLE IF EXISTS {table}")


def rename(con: BaseBackend, old: str, new: str) -> None:
    """``ALTER TABLE old RENAME TO new``, onto a name whose stray folder is removed first."""
    free(con, new)
    con.raw_sql(f"ALTER TABLE {old} RENAME TO {new}")


def free(con: BaseBackend, table: str) -> None:
    """Remove the folder a killed ``CREATE TABLE ... AS SELECT`` left under a name no table
    has (Spark refuses to create or rename a table onto it). Only for local Spark, whose
    table folders are on this machine."""
    folders = _FOLDERS.get(id(con))
    if folders is None:
        return
    folder = folders.database / table
    if folder.is_dir() and table not in con.list_tables():
        shutil.rmtree(folder)

