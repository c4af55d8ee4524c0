"""A `csp load` killed mid-way (SIGKILL: nothing of the process runs after it) leaves the
warehouse as it was before that load, for the next command: on DuckDB through its own
transaction, on Spark through the marker and kept tables the next connect restores from.

Each command runs in its own process, as a user's would; the killed one is paused first at a
known point inside the load (``CSP_TEST_PAUSE_AT=placed``: after the lookups' rows are
appended and the stored incidents placed again, which on Spark rewrites them with
``csp_undo_`` copies kept), then killed with its whole process group (the JVM included).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from cspkit.errors import CspError
from cspkit.synth import generate_borough
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from cspkit.warehouse.schema import TABLES

from ..analysis.test_engines import spark_session  # noqa: F401 (a fixture)
from .spark_db import new_spark_database

SRC = Path(__file__).resolve().parents[2] / "src"
ENV = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}

# Write every table of the warehouse `con` sorted as text (the script defines `con`).
WRITE = """
def write(folder):
    from cspkit.warehouse.schema import TABLES

    folder.mkdir(parents=True)
    for name, table in TABLES.items():
        columns = [c for c in table.column_names if c != "loaded_at"]
        frame = con.table(name).to_pandas()[columns].sort_values(columns, ignore_index=True)
        frame = frame.astype(object).where(frame.notna(), "<NA>").astype(str)
        frame.to_parquet(folder / f"{name}.parquet")
"""

# Connect (which undoes an interrupted load), write every table sorted as text, list the
# tables left, then load the lookups again and write every table once more.
SNAPSHOT = WRITE + """
import json, sys
from pathlib import Path
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

url, out, reference = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
con = connect(url)
write(out / "restored")
(out / "tables.json").write_text(json.dumps(sorted(con.list_tables())))
load_paths(con, reference)
write(out / "reloaded")
"""


@pytest.fixture(scope="module")
def borough(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("borough")
    generate_borough(out, seed=7, first_month="2025-01", last_month="2025-01")
    return out


def _reference(borough: Path) -> list[Path]:
    return [borough / "lookups", borough / "population", borough / "imd"]


def _as_text(con) -> dict[str, pd.DataFrame]:
    out = {}
    for name, table in TABLES.items():
        columns = [c for c in table.column_names if c != "loaded_at"]
        frame = con.table(name).to_pandas()[columns].sort_values(columns, ignore_index=True)
        out[name] = frame.astype(object).where(frame.notna(), "<NA>").astype(str)
    return out


@pytest.fixture(scope="module")
def expected(borough, tmp_path_factory) -> dict[str, dict[str, pd.DataFrame]]:
    """Every table on DuckDB before the lookups' load (police data only), and after it."""
    con = connect(tmp_path_factory.mktemp("expected") / "w.duckdb")
    load_paths(con, [borough / "police-uk"])
    before = _as_text(con)
    load_paths(con, _reference(borough))
    after = _as_text(con)
    con.disconnect()
    return {"before": before, "after": after}


def _csp(*args: str, cwd: Path, env: dict[str, str] = ENV) -> None:
    done = subprocess.run([sys.executable, "-m", "cspkit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr


def _load_killed_at_pause(paths: list[Path], warehouse: str, cwd: Path,
                          env: dict[str, str] = ENV) -> None:
    """Start `csp load`, wait until it pauses inside its load, and SIGKILL its process
    group (the JVM of local Spark with it)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspkit.cli", "load", *map(str, paths), "--warehouse",
         warehouse], cwd=cwd, env={**env, "CSP_TEST_PAUSE_AT": "placed"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    timer = threading.Timer(900, os.killpg, (proc.pid, signal.SIGKILL))
    timer.start()
    said = []
    try:
        for line in proc.stderr:
            said.append(line)
            if line.startswith("csp: paused at placed"):
                break
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        timer.cancel()
        proc.stderr.close()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert said and said[-1].startswith("csp: paused"), "".join(said[-30:])


SPARK_OPTIONS = "&conf.spark.sql.shuffle.partitions=1&conf.spark.ui.enabled=false"


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_killed_load_leaves_the_warehouse_as_it_was_for_the_next_command(
        engine, borough, expected, tmp_path):
    if engine == "spark":
        pytest.importorskip("pyspark")
        folder = tmp_path / "spark-warehouse"
        warehouse = f"spark://local[1]?warehouse={folder}{SPARK_OPTIONS}"
    else:
        warehouse = str(tmp_path / "w.duckdb")
    _csp("load", str(borough / "police-uk"), "--warehouse", warehouse, cwd=tmp_path)
    _load_killed_at_pause(_reference(borough), warehouse, cwd=tmp_path)
    if engine == "spark":
        # Killed with the load half done: rows appended, incidents rewritten, the old ones
        # kept aside, and the marker saying so.
        left = {p.name for p in (folder / "csp.db").iterdir()}
        assert {"csp_undo_incident", "csp_load_in_progress"} <= left

    out = tmp_path / "snapshot"
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT, warehouse, str(out),
         json.dumps([str(p) for p in _reference(borough)])],
        cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    restored = [line for line in done.stderr.splitlines() if "restored" in line]
    if engine == "spark":
        assert len(restored) == 1, done.stderr
        assert restored[0].startswith("Spark warehouse restored to its state before the "
                                      "interrupted load by process ")
        assert "put back incident" in restored[0]
    else:
        assert restored == []  # DuckDB's own transaction never committed: nothing to say
    tables = json.loads((out / "tables.json").read_text())
    assert sorted(tables) == sorted(TABLES)  # no kept copy, stage or marker left
    for state, folder_name in (("before", "restored"), ("after", "reloaded")):
        for name in TABLES:
            got = pd.read_parquet(out / folder_name / f"{name}.parquet")
            pd.testing.assert_frame_equal(expected[state][name], got, obj=f"{state} {name}")
    assert len(expected["before"]["incident"]) > 0
    assert len(expected["before"]["area"]) == 0 < len(expected["after"]["area"])


# ---- Telling a live load from a dead one (in this process's Spark) -----------------------

HOLD_LOCK = """
import fcntl, sys, time
lock = open(sys.argv[1], "a+")
fcntl.flock(lock, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(900)
"""


@pytest.fixture
def half_loaded(spark_session, borough, request):  # noqa: F811
    """A Spark warehouse holding the police data, and a load of the lookups stopped half
    way without committing or rolling back (as a killed process leaves it): every table as
    it was before, and the connection."""
    import ibis

    from cspkit.warehouse import next_load_id
    from cspkit.warehouse import spark as spark_warehouse
    from cspkit.warehouse.placement import place_rows

    session, name, con = new_spark_database(spark_session, request)
    load_paths(con, [borough / "police-uk"])
    before = _as_text(con)
    tx = spark_warehouse.begin(con, next_load_id(con))
    # Rows appended (before the table's first rewrite, so its kept copy holds them too),
    # then the incidents rewritten, the old ones kept as csp_undo_incident.
    incident = con.table("incident")
    con.insert("incident", incident.limit(5).mutate(
        load_id=ibis.literal(tx.first_load_id, "int64")))
    place_rows(con, everything=True)
    spark_warehouse.end(con)
    if tx.lock is not None:
        tx.lock.release()  # the loading process is gone: its lock with it
    assert "csp_undo_incident" in con.list_tables()
    yield con, session, name, before
    session.sql(f"DROP DATABASE IF EXISTS {name} CASCADE")


def _mark(con, *, pid: int, host: str) -> None:
    """Say who ran the load left in the warehouse."""
    from cspkit.warehouse.spark_undo import MARKER, Marker, read_marker, write_marker

    marker = read_marker(con)
    con.raw_sql(f"DROP TABLE {MARKER}")
    write_marker(con, "parquet", Marker(marker.first_load_id, host, pid, marker.started_at))


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.spark
def test_a_load_whose_lock_is_held_is_never_undone_until_its_process_ends(half_loaded,
                                                                          tmp_path):
    import socket

    from cspkit.warehouse.spark_undo import (
        LocalFolders,
        recover_interrupted_load,
        register_local,
    )

    con, session, name, before = half_loaded
    location = Path(session.catalog.getDatabase(name).locationUri.removeprefix("file:"))
    folders = LocalFolders(lock=tmp_path / f"csp-load-{name}.lock", database=location)
    register_local(con, folders)
    # The marker even names a process that has ended: the lock, held, decides.
    _mark(con, pid=_dead_pid(), host=socket.gethostname())
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folders.lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert recover_interrupted_load(con, "parquet") is None
        assert "csp_undo_incident" in con.list_tables()
        # As a process killed while writing the new incident table leaves it: no table by
        # that name, but its half-written folder, onto which Spark will not rename a table.
        con.raw_sql("DROP TABLE incident")
        (location / "incident").mkdir()
        (location / "incident" / "part-00000-killed.parquet").write_bytes(b"PAR1")
    finally:
        holder.kill()
        holder.wait()
    said = recover_interrupted_load(con, "parquet")
    assert said.startswith("Spark warehouse restored to its state before the interrupted")
    assert "put back incident" in said
    after = _as_text(con)
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)
    assert not [t for t in con.list_tables() if t.startswith("csp_")]  # kept, marker


@pytest.mark.spark
def test_without_a_lock_only_a_load_known_dead_on_this_host_is_undone(half_loaded, borough):
    import socket

    from cspkit.warehouse.spark_undo import recover_interrupted_load

    con, _, _, before = half_loaded
    here = socket.gethostname()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(900)"])
    try:
        _mark(con, pid=alive.pid, host=here)
        said = recover_interrupted_load(con, "parquet")
        assert said.startswith("Spark warehouse: load by process ") and "has not finished" in said
        _mark(con, pid=_dead_pid(), host="another-host.example")
        said = recover_interrupted_load(con, "parquet")
        assert "run any csp command on another-host.example" in said
        assert "csp_undo_incident" in con.list_tables()
        with pytest.raises(CspError, match="has not finished"):
            load_paths(con, _reference(borough))
    finally:
        alive.kill()
        alive.wait()
    _mark(con, pid=_dead_pid(), host=here)
    said = recover_interrupted_load(con, "parquet")
    assert said.startswith("Spark warehouse restored to its state before the interrupted")
    after = _as_text(con)
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)
    assert not [t for t in con.list_tables() if t.startswith("csp_")]  # kept, marker


# ---- A load from a host that is lost for good: `csp undo-interrupted-load` ----------------

# After the kill, in one process (one JVM): say the load ran on this host in a process that
# still runs, then on a lost host; run the commands a user would, in order; write every table
# and the marker before and after the refused undo, and after the undo, then load again.
AFTER_KILL = WRITE + """
import json, os, socket, sys
from pathlib import Path
from typer.testing import CliRunner
from cspkit.cli import app
from cspkit.warehouse.load import load_paths
from cspkit.warehouse.spark import connect_spark
from cspkit.warehouse.spark_undo import MARKER, Marker, read_marker, write_marker

out, reference, lost = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
con = connect_spark("spark", recover=False)  # the killed load left as it is
said = {}

def mark(host, pid):
    marker = read_marker(con)
    con.raw_sql(f"DROP TABLE {MARKER}")
    write_marker(con, "parquet", Marker(marker.first_load_id, host, pid, marker.started_at))

def csp(name, *args):
    done = CliRunner().invoke(app, [*args, "--warehouse", "spark"])
    said[name] = {"code": done.exit_code, "stdout": done.stdout, "stderr": done.stderr}

def write_all(folder):
    write(folder)
    marker = read_marker(con)
    (folder / "left.json").write_text(json.dumps(
        {"tables": sorted(con.list_tables()), "marker": marker and marker.__dict__}))

mark(socket.gethostname(), os.getpid())
csp("running here", "undo-interrupted-load", "--host", socket.gethostname())
mark(lost, 4242)
csp("status", "status")
csp("load", "load", *reference)
write_all(out / "left")
csp("wrong host", "undo-interrupted-load", "--host", "another-host.example")
write_all(out / "refused")
csp("undo", "undo-interrupted-load", "--host", lost)
write_all(out / "restored")
csp("nothing left", "undo-interrupted-load", "--host", lost)
load_paths(con, reference)
write(out / "reloaded")
(out / "said.json").write_text(json.dumps(said))
"""


def _submitted(folder: Path) -> dict[str, str]:
    """The environment of a `spark-submit` job (the ``spark`` warehouse URL): local Spark
    configured by the job, so cspkit takes no lock and, as on a cluster, never undoes a load
    from another host by itself. Its catalog persists in ``folder``."""
    conf = {"spark.sql.warehouse.dir": folder, "spark.sql.catalogImplementation": "hive",
            "spark.hadoop.javax.jdo.option.ConnectionURL":
                f"jdbc:derby:;databaseName={folder}/metastore_db;create=true",
            "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={folder}/derby.log",
            "spark.sql.shuffle.partitions": "1", "spark.ui.enabled": "false",
            "spark.sql.session.timeZone": "UTC"}
    args = " ".join(f"--conf {key}={value}" for key, value in conf.items())
    return {**ENV, "PYSPARK_SUBMIT_ARGS": f"--master local[1] {args} pyspark-shell"}


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}


@pytest.mark.spark
def test_a_load_from_a_lost_host_is_undone_when_the_user_names_that_host(borough, expected,
                                                                        tmp_path):
    import socket

    pytest.importorskip("pyspark")
    env = _submitted(tmp_path / "spark-warehouse")
    _csp("load", str(borough / "police-uk"), "--warehouse", "spark", cwd=tmp_path, env=env)
    _load_killed_at_pause(_reference(borough), "spark", cwd=tmp_path, env=env)
    out, lost = tmp_path / "after", "lost-vm.example"
    done = subprocess.run(
        [sys.executable, "-c", AFTER_KILL, str(out),
         json.dumps([str(p) for p in _reference(borough)]), lost],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    said = json.loads((out / "said.json").read_text())
    here = socket.gethostname()

    # The load's process still runs on this host: never undone.
    assert said["running here"]["code"] == 1
    running = " ".join(said["running here"]["stderr"].split())
    assert f"on {here} (started" in running and "was started on this host" in running
    assert "still runs: a running load is never undone; nothing was changed" in running
    # From another host, the automatic path leaves it: status shows it and the command...
    command = f"csp undo-interrupted-load --host {lost} --warehouse spark"
    assert said["status"]["code"] == 0, said["status"]
    status = " ".join(said["status"]["stdout"].split())
    assert f"Unfinished load: load by process 4242 on {lost}" in status
    assert command in status
    # ...and a new load refuses to start, saying what to do.
    assert said["load"]["code"] == 1
    load_error = " ".join(said["load"]["stderr"].split())
    assert "has not finished" in load_error and command in load_error, load_error
    # The wrong host named: refused, naming the marker's host, and nothing changed.
    wrong = " ".join(said["wrong host"]["stderr"].split())
    assert said["wrong host"]["code"] == 1
    assert f"is not from another-host.example: it is the load by process 4242 on {lost}" \
        in wrong and f"with --host {lost}" in wrong, wrong
    left = json.loads((out / "left" / "left.json").read_text())
    assert left == json.loads((out / "refused" / "left.json").read_text())
    assert left["marker"]["host"] == lost and "csp_undo_incident" in left["tables"]
    for name, frame in _tables(out / "left").items():
        pd.testing.assert_frame_equal(frame, _tables(out / "refused")[name], obj=name)
    # The right host: the warehouse as it was before the load, and a load works again.
    assert said["undo"]["code"] == 0, said["undo"]
    undo = " ".join(said["undo"]["stdout"].split())
    assert undo.startswith(f"Spark warehouse restored to its state before the interrupted "
                           f"load by process 4242 on {lost}"), undo
    added = {name: len(_tables(out / "left")[name]) - len(expected["before"][name])
             for name in TABLES if "load_id" in TABLES[name].column_names}
    kept = [t.removeprefix("csp_undo_") for t in left["tables"] if t.startswith("csp_undo_")]
    assert f"put back {', '.join(kept)}; removed {sum(added.values()):,} row(s)" in undo, \
        (undo, added)
    assert sum(added.values()) > 0
    restored = json.loads((out / "restored" / "left.json").read_text())
    assert restored == {"tables": sorted(TABLES), "marker": None}
    for state, folder in (("before", "restored"), ("after", "reloaded")):
        for name, frame in _tables(out / folder).items():
            pd.testing.assert_frame_equal(expected[state][name], frame, obj=f"{state} {name}")
    assert said["nothing left"]["code"] == 1
    assert "no unfinished load is left" in said["nothing left"]["stderr"]


@pytest.mark.spark
def test_a_load_holding_the_lock_is_never_undone_by_name(half_loaded, tmp_path):
    from cspkit.warehouse.spark_undo import LocalFolders, register_local, undo_lost_load

    con, session, name, _ = half_loaded
    location = Path(session.catalog.getDatabase(name).locationUri.removeprefix("file:"))
    folders = LocalFolders(lock=tmp_path / f"csp-load-{name}.lock", database=location)
    register_local(con, folders)
    _mark(con, pid=_dead_pid(), host="lost-vm.example")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folders.lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(CspError, match=f"its process holds {folders.lock}"):
            undo_lost_load(con, "parquet", "lost-vm.example")
        assert {"csp_undo_incident", "csp_load_in_progress"} <= set(con.list_tables())
    finally:
        holder.kill()
        holder.wait()


def test_a_duckdb_warehouse_has_no_unfinished_load_to_undo(tmp_path):
    from typer.testing import CliRunner

    from cspkit.cli import app

    done = CliRunner().invoke(app, ["undo-interrupted-load", "--host", "lost-vm.example",
                                    "--warehouse", str(tmp_path / "w.duckdb")])
    assert done.exit_code == 1
    said = " ".join(done.stderr.split())
    assert f"{tmp_path / 'w.duckdb'} is a DuckDB warehouse" in said
    assert "nothing to undo" in said
    assert not (tmp_path / "w.duckdb").exists()
