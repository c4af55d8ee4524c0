"""`csp` starts fast: importing the command line and asking for its help loads none of the
heavy libraries (each command imports what it uses when it runs).

Checked in a fresh interpreter, since this test session has long imported them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = ("pandas", "ibis", "duckdb", "scipy", "esda", "libpysal", "sklearn", "pyarrow",
         "altair", "docx", "weasyprint", "django")

# Runs in the fresh interpreter: after each step, the heavy top-level packages loaded so far.
PROBE = """
import json, sys
HEAVY = set(sys.argv[1].split(","))
steps = json.loads(sys.argv[2])

def heavy():
    return sorted({m.split(".")[0] for m in sys.modules} & HEAVY)

import cspkit.cli
loaded = {"import cspkit.cli": heavy()}
from typer.testing import CliRunner
runner = CliRunner()
for words in steps:
    result = runner.invoke(cspkit.cli.app, words)
    assert result.exit_code == 0, (words, result.output)
    loaded["csp " + " ".join(words)] = heavy()
print(json.dumps(loaded))
"""


def loaded_after(steps: list[list[str]], cwd: Path) -> dict[str, list[str]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(HEAVY), json.dumps(steps)],
                          capture_output=True, text=True, env=env, cwd=cwd, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def help_steps() -> list[list[str]]:
    """`csp --help` and the --help of every group and command."""
    from typer.core import TyperGroup
    from typer.main import get_command

    from cspkit.cli import app

    steps = [["--help"]]

    def walk(group: TyperGroup, prefix: list[str]) -> None:
        for name, command in group.commands.items():
            steps.append([*prefix, name, "--help"])
            if isinstance(command, TyperGroup):
                walk(command, [*prefix, name])

    walk(get_command(app), [])
    return steps


def test_help_lists_every_command_and_group():
    steps = help_steps()
    assert ["fetch", "police", "--help"] in steps and ["tracker", "import", "--help"] in steps
    assert ["status", "--help"] in steps and len(steps) > 25


@pytest.mark.parametrize("step", ["import cspkit.cli", "csp --help"])
def test_import_and_help_load_no_heavy_library(tmp_path, step):
    loaded = loaded_after([["--help"]], tmp_path)
    assert loaded[step] == [], f"`{step}` imported {loaded[step]}"


def test_no_command_help_loads_a_heavy_library(tmp_path):
    loaded = loaded_after(help_steps(), tmp_path)
    first = next(((step, heavy) for step, heavy in loaded.items() if heavy), None)
    assert first is None, f"`{first[0]}` imported {first[1]}"


def test_small_commands_load_no_heavy_library(tmp_path):
    init = ["init", "--name", "A CSP", "--areas", "E06000004", "--period", "2025-01:2025-12",
            "--out", str(tmp_path / "csp.toml")]
    loaded = loaded_after([init, ["fetch", "list"]], tmp_path)
    assert (tmp_path / "csp.toml").exists()
    assert loaded["csp " + " ".join(init)] == []
    assert loaded["csp fetch list"] == []


def test_status_loads_only_the_warehouse_libraries(tmp_path):
    from cspkit.warehouse import connect

    connect(tmp_path / "w.duckdb").disconnect()
    status = ["status", "--warehouse", str(tmp_path / "w.duckdb")]
    loaded = loaded_after([status], tmp_path)
    assert set(loaded["csp " + " ".join(status)]) <= {"pandas", "ibis", "duckdb", "pyarrow"}
