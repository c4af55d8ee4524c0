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

from cspkit.synth import generate_borough
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from cspkit.warehouse.schema import TABLES

SRC = Path(__file__).resolve().parents[2] / "src"
ENV = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}

# Connect (which undoes an interrupted load), write every table sorted as text, list the
# tables left, then load the lookups again and write every table once more.
SNAPSHOT = """
import json, sys
from pathlib import Path
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from cspkit.warehouse.schema import TABLES

url, out, reference = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
con = connect(url)

def write(folder):
    folder.mkdir(parents=True)
    for name, table in TABLES.items():
        columns = [c for c in table.column_names if c != "loaded_at"]
        frame = con.table(name).to_pandas()[columns].sort_values(columns, ignore_index=True)
        frame = frame.astype(object).where(frame.notna(), "<NA>").astype(str)
        frame.to_parquet(folder / f"{name}.parquet")

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


def _csp(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "cspkit.cli", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr


def _load_killed_at_pause(paths: list[Path], warehouse: str, cwd: Path) -> None:
    """Start `csp load`, wait until it pauses inside its load, and SIGKILL its process
    group (the JVM of local Spark with it)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspkit.cli", "load", *map(str, paths), "--warehouse",
         warehouse], cwd=cwd, env={**ENV, "CSP_TEST_PAUSE_AT": "placed"},
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
