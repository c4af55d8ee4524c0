"""No `csp` command ends in a traceback (issue 10 A3).

Each error is provoked by a real bad input: a corrupt warehouse file, a DuckDB database that
is not a warehouse, a warehouse whose ``incident`` table lost a column (as one made by
another program or version would).
"""

from __future__ import annotations

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.cli.errors import unexpected_error_line
from cspkit.warehouse import connect

TRACEBACK = "Traceback (most recent call last)"


@pytest.fixture
def logs(tmp_path, monkeypatch):
    folder = tmp_path / "logs"
    monkeypatch.setenv("CSP_LOG_DIR", str(folder))
    return folder


@pytest.fixture
def drifted_warehouse(tmp_path):
    """A warehouse with one area, whose incident table has no source column."""
    path = tmp_path / "drifted.duckdb"
    connect(path).disconnect()
    with duckdb.connect(str(path)) as con:
        con.execute("insert into area (lsoa_code, lsoa_name, ward_code, ward_name, lad_code, "
                    "lad_name, vintage, load_id) values ('E01000001', 'Testborough 001A', "
                    "'E05000001', 'North', 'E06000001', 'Testborough', 'WD25', 1)")
        con.execute("alter table incident drop column source")
    return path


@pytest.fixture
def config(tmp_path):
    result = CliRunner().invoke(app, ["init", "--out", str(tmp_path / "csp.toml"), "--name",
                                      "Test CSP", "--areas", "E06000001", "--period",
                                      "2025-01:2025-12"])
    assert result.exit_code == 0, result.output
    return tmp_path / "csp.toml"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_an_unexpected_error_is_one_line_with_the_traceback_in_a_log(
        drifted_warehouse, config, logs, tmp_path):
    result = run("assess", "--config", str(config), "--out", str(tmp_path / "out"),
                 "--warehouse", str(drifted_warehouse))

    assert result.exit_code == 1
    assert TRACEBACK not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("error: csp assess failed unexpectedly")
    assert "column source" in line
    assert f"warehouse {drifted_warehouse}" in line
    assert "build it again with `csp load`" in line
    assert "csp --debug" in line
    (log,) = logs.glob("csp-error-*.log")
    assert str(log) in line
    text = log.read_text(encoding="utf-8")
    assert text.startswith("csp assess failed at ")
    assert TRACEBACK in text
    assert "IbisTypeError" in text and "source" in text


def test_debug_shows_the_traceback_instead_of_writing_a_log(
        drifted_warehouse, config, logs, tmp_path):
    result = run("--debug", "assess", "--config", str(config), "--out", str(tmp_path / "out"),
                 "--warehouse", str(drifted_warehouse))

    assert result.exit_code == 1
    assert TRACEBACK in result.stderr
    assert "IbisTypeError" in result.stderr
    assert not logs.exists()


def test_warehouse_files_cspkit_cannot_use_are_one_line_domain_errors(tmp_path, logs):
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"not a database, just bytes\x00\x01" * 200)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()

    results = [run("status", "--warehouse", str(path)) for path in (corrupt, other)]

    assert [r.exit_code for r in results] == [1, 1]
    assert [len(r.stderr.strip().splitlines()) for r in results] == [1, 1]
    assert results[0].stderr.startswith(f"error: cannot open warehouse duckdb://{corrupt}")
    assert results[1].stderr.strip() == (
        f"error: duckdb://{other} is not a cspkit warehouse (it has no load_ledger table). "
        "Pass the --warehouse file `csp load` wrote, or load data into a new one with "
        "`csp load PATH... --warehouse FILE`")
    assert not logs.exists()


def test_a_table_ibis_does_not_find_is_named_with_what_to_do():
    from ibis.common.exceptions import TableNotFound

    # As another backend raises it: its text is only the name, with no database error behind
    line = unexpected_error_line(TableNotFound("ward_history"), "csp status", [], None)

    assert "failed unexpectedly (table ward_history): TableNotFound: ward_history. " in line
    assert "The warehouse lacks a table or column cspkit needs" in line


def test_the_command_named_is_the_nested_one_that_ran():
    group = typer.main.get_command(app)
    context = typer.Context(group)

    names = group.command_names(context, ["--debug", "tracker", "import", "plan.docx",
                                          "--as", "admin"])

    assert names == ["tracker", "import"]
