"""Every `csp` command lives in :mod:`cspkit.cli`, and every one answers a bad input with a
one-line error (never a traceback): each is run here on a real bad input."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from cspkit.cli import app

SRC = Path(__file__).resolve().parents[2] / "src" / "cspkit"
LOAD_TRAILER = "Nothing was loaded; the warehouse is unchanged."


def command_paths(group: TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of ``group`` and of its sub-groups, as the words that run it."""
    paths = []
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


# For each command, arguments with one thing wrong; {tmp} is a fresh folder holding "a-file".
BAD_INPUTS: dict[tuple[str, ...], list[str]] = {
    ("load",): ["{tmp}/missing/street.csv", "--warehouse", "{tmp}/none.duckdb"],
    ("status",): ["--warehouse", "{tmp}/none.duckdb"],
    ("undo-interrupted-load",): ["--host", "lost-vm.example", "--warehouse",
                                 "{tmp}/none.duckdb"],
    ("demo",): ["--out", "{tmp}/a-file"],
    ("synth",): ["{tmp}/borough", "--last-month", "2025-14"],
    ("init",): ["--name", "A", "--areas", "E06000004", "--period", "2025-01",
                "--out", "{tmp}/c.toml"],
    ("assess",): ["--config", "{tmp}/missing/csp.toml", "--out", "{tmp}/o"],
    ("scan",): ["--config", "{tmp}/missing/csp.toml", "--out", "{tmp}/o"],
    ("profile",): ["--config", "{tmp}/missing/csp.toml", "--out", "{tmp}/o",
                   "--topic", "Shoplifting", "--area", "Town"],
    ("priorities",): ["--config", "{tmp}/missing/csp.toml", "--out", "{tmp}/o"],
    ("survey",): ["{tmp}/missing/export.csv", "--mapping", "{tmp}/missing/map.toml",
                  "--config", "{tmp}/missing/csp.toml"],
    ("national", "synth"): ["{tmp}/archive", "--shared", "{tmp}/missing"],
    ("national", "load"): ["{tmp}/missing", "--warehouse", "{tmp}/w.duckdb"],
    ("national", "rank"): ["--period-end", "2025-12", "--warehouse", "{tmp}/none.duckdb"],
    ("fetch", "police"): ["--force", "alpha", "--months", "2024-13", "--out", "{tmp}"],
    ("fetch", "reference"): ["no-such-set", "--out", "{tmp}"],
    ("serve",): ["--database", "postgres://csp:hunter2@db/tracker"],
    ("pseudonymise",): ["{tmp}/missing/export.csv"],
    ("load-partner",): ["{tmp}/missing/export.csv"],
    ("tracker", "import"): ["{tmp}/missing/plan.docx", "--as", "admin", "--date", "31/3"],
    ("tracker", "publish"): ["{tmp}/a-file", "--as", "admin"],
    ("tracker", "measures"): ["--warehouse", "{tmp}/none.duckdb"],
    ("tracker", "quality"): ["--warehouse", "{tmp}/none.duckdb"],
    ("tracker", "report"): ["--out", "{tmp}/r.pdf", "--meeting", "March"],
}
TAKES_NO_INPUT = {("fetch", "list")}


def test_every_command_has_a_bad_input_here():
    commands = set(command_paths(typer.main.get_command(app)))
    assert commands - TAKES_NO_INPUT == set(BAD_INPUTS)


@pytest.mark.parametrize("words", sorted(BAD_INPUTS), ids=" ".join)
def test_a_bad_input_is_one_line_naming_what_is_wrong(words, tmp_path, monkeypatch):
    logs = tmp_path / "logs"
    monkeypatch.setenv("CSP_LOG_DIR", str(logs))
    (tmp_path / "a-file").write_text("a file where a folder is wanted", encoding="utf-8")
    args = [arg.format(tmp=tmp_path) for arg in BAD_INPUTS[words]]

    result = CliRunner().invoke(app, [*words, *args])

    lines = [line for line in result.stderr.splitlines() if line != LOAD_TRAILER]
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    assert not logs.exists(), f"a bad input was reported as an unexpected error: {lines}"
    assert "hunter2" not in result.output


@pytest.mark.parametrize("args", [["assess", "--out", "o"], ["no-such-command"],
                                  ["status", "--json", "extra"]], ids=" ".join)
def test_a_usage_error_is_one_line_too(args):
    result = CliRunner().invoke(app, args)

    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
    assert "--help`)" in result.stderr


def test_version_prints_the_installed_version_and_needs_no_command():
    from importlib.metadata import version

    result = CliRunner().invoke(app, ["--version"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"cspkit {version('cspkit')}"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_library_packages_never_import_the_command_line():
    offenders = {}
    for path in SRC.rglob("*.py"):
        if path.is_relative_to(SRC / "cli"):
            continue
        found = {name for name in imported_modules(path)
                 if name == "cspkit.cli" or name.startswith("cspkit.cli.")
                 or name.split(".")[0] == "typer"}
        if found:
            offenders[str(path.relative_to(SRC))] = sorted(found)
    assert offenders == {}


def test_the_scan_sees_an_import_of_the_command_line(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from cspkit.cli.errors import errors\n", encoding="utf-8")
    assert "cspkit.cli.errors" in imported_modules(module)
