"""The survey's and the priorities' chapters inside `csp assess` ([survey] and [priorities] in
the configuration): the same numbers as `csp survey` and `csp priorities` give on their own,
nothing new without the keys, and a missing file named with its key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cspkit.analysis.priorities import default_scheme_text
from cspkit.assessment.priorities_run import PLAN_FILE, PRIORITIES_CSV
from cspkit.cli import app
from cspkit.synth.survey import write_survey
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

SURVEY_TABLES = ("survey_results", "survey_concern", "survey_groups", "survey_themes",
                 "survey_weighting")
PRIORITY_TABLES = ("priority_matrix", "priority_criteria")
CONCERN_ONLY = """
[priorities]
scheme = "scheme.toml"
concern = "survey/data/survey_concern.csv"
"""


def _invoke(*args: str) -> None:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def setting(borough, partner_warehouse, tmp_path_factory):
    """The borough's warehouse with its synthetic survey's population by sex, the survey's
    files, a scheme with capacity entries, and two configurations: with and without the
    keys (CSV output only, to keep the test quick)."""
    root = tmp_path_factory.mktemp("consultation")
    warehouse = root / "kv.duckdb"
    shutil.copy(partner_warehouse, warehouse)
    # The survey writer reads the borough's population and lookups; it writes beside them.
    source = root / "borough"
    source.mkdir()
    for name in ("population", "lookups"):
        (source / name).symlink_to(borough.manifest.out_dir / name)
    files = write_survey(source, town_centre=borough.manifest.town_centre_ward.code, seed=2026)
    con = connect(warehouse, create=False)
    load_paths(con, [files.population])
    con.disconnect()
    scheme = root / "scheme.toml"
    scheme.write_text(default_scheme_text() + '\n[capacity]\n"theme:anti_social_behaviour" = 2\n',
                      encoding="utf-8")
    plain = borough.config_path.read_text(encoding="utf-8")
    plain = plain.replace('formats = ["html", "docx", "pdf", "xlsx", "csv"]',
                          'formats = ["csv"]')
    assert 'formats = ["csv"]' in plain
    without = root / "plain.toml"
    without.write_text(plain, encoding="utf-8")
    keyed = root / "csp.toml"
    keyed.write_text(plain + f'''
[survey]
export = "{files.export.relative_to(root)}"
mapping = "{files.mapping.relative_to(root)}"
coding = "{files.coding.relative_to(root)}"

[priorities]
scheme = "scheme.toml"
''', encoding="utf-8")
    return root, warehouse, files, keyed, without, scheme


@pytest.fixture(scope="module")
def outputs(setting):
    """`csp assess` with and without the keys, and `csp survey` and `csp priorities` on
    their own."""
    root, warehouse, files, keyed, without, scheme = setting
    _invoke("assess", "--config", keyed, "--out", root / "assessment", "--warehouse",
            warehouse)
    _invoke("assess", "--config", without, "--out", root / "plain", "--warehouse",
            warehouse)
    _invoke("survey", files.export, "--mapping", files.mapping, "--coding", files.coding,
            "--config", keyed, "--out", root / "survey", "--warehouse", warehouse)
    _invoke("priorities", "--config", keyed, "--out", root / "priorities", "--warehouse",
            warehouse, "--survey", root / "survey" / "data" / "survey_concern.csv",
            "--scheme", scheme)
    # Priorities alone, residents' concern from the table the survey command wrote.
    concern_only = root / "concern.toml"
    concern_only.write_text(without.read_text(encoding="utf-8") + CONCERN_ONLY,
                            encoding="utf-8")
    _invoke("assess", "--config", concern_only, "--out", root / "concern", "--warehouse",
            warehouse)
    return root


def test_the_assessment_holds_both_chapters(outputs):
    manifest = json.loads((outputs / "assessment" / "data" / "manifest.json")
                          .read_text(encoding="utf-8"))
    sections = {t["id"]: t["section"] for t in manifest["tables"]}
    for table in SURVEY_TABLES:
        assert sections[table] == "survey"
    for table in PRIORITY_TABLES:
        assert sections[table] == "priorities"
    # The manifest records the scheme the candidates were scored by, capacity included.
    assert manifest["config"]["priority_scheme"]["capacity"] == {"theme:anti_social_behaviour": 2.0}
    assert manifest["config"]["priorities"]["scheme"] == "scheme.toml"


def test_priorities_equal_the_standalone_command(outputs):
    ours = outputs / "assessment" / "data"
    alone = outputs / "priorities"
    assert (ours / PRIORITIES_CSV).read_bytes() == (alone / PRIORITIES_CSV).read_bytes()
    assert (ours / PLAN_FILE).read_bytes() == (alone / PLAN_FILE).read_bytes()
    table = pd.read_csv(ours / PRIORITIES_CSV).set_index("key")
    # Residents' concern reached the candidates, and the scheme's capacity entry its theme.
    assert table["public_concern"].notna().sum() >= 3
    assert table.loc["theme:anti_social_behaviour", "capacity"] == 2
    matrix = (ours / "priority_matrix.csv").read_bytes()
    assert matrix == (alone / "data" / "priority_matrix.csv").read_bytes()


def test_priorities_take_the_concern_file_without_a_survey(outputs):
    ours = outputs / "concern" / "data"
    alone = outputs / "priorities"
    assert (ours / PRIORITIES_CSV).read_bytes() == (alone / PRIORITIES_CSV).read_bytes()
    assert not list(ours.glob("survey_*.csv"))


def test_survey_tables_equal_the_standalone_command(outputs):
    for table in SURVEY_TABLES:
        ours = (outputs / "assessment" / "data" / f"{table}.csv").read_bytes()
        assert ours == (outputs / "survey" / "data" / f"{table}.csv").read_bytes(), table


def test_without_the_keys_nothing_changes(outputs):
    plain = outputs / "plain" / "data"
    assert not (plain / PRIORITIES_CSV).exists() and not (plain / PLAN_FILE).exists()
    tables = {p.name for p in plain.glob("*.csv")}
    keyed = {p.name for p in (outputs / "assessment" / "data").glob("*.csv")}
    added = {f"{t}.csv" for t in (*SURVEY_TABLES, *PRIORITY_TABLES)} | {PRIORITIES_CSV}
    assert tables == keyed - added
    # Every other table holds the same figures.
    for name in sorted(tables):
        assert (plain / name).read_bytes() == (outputs / "assessment" / "data" / name
                                               ).read_bytes(), name
    manifest = json.loads((plain / "manifest.json").read_text(encoding="utf-8"))
    assert "priority_scheme" not in manifest["config"]
    assert manifest["config"]["survey"] is None and manifest["config"]["priorities"] is None


@pytest.mark.parametrize(("table", "key"), [("survey", "export"), ("survey", "mapping"),
                                            ("priorities", "scheme")])
def test_a_missing_file_names_its_key_and_the_file(setting, tmp_path, table, key):
    root, warehouse, *_ = setting
    text = (root / "csp.toml").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines()
                if ln.startswith(f"{key} = ") and text.index(ln) > text.index(f"[{table}]"))
    config = root / f"bad-{table}-{key}.toml"
    config.write_text(text.replace(line, f'{key} = "no-such-file.csv"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", "--config", str(config), "--out",
                                      str(tmp_path / "out"), "--warehouse", str(warehouse)])
    assert result.exit_code == 1
    assert f"{table}.{key}: no file at" in result.output
    assert str(Path(root / "no-such-file.csv")) in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_a_concern_file_beside_a_survey_is_refused(borough):
    from cspkit.assessment.config import ConfigError, parse_config

    text = borough.config_path.read_text(encoding="utf-8") + (
        '\n[survey]\nexport = "e.csv"\nmapping = "m.toml"\n'
        '\n[priorities]\nconcern = "survey_concern.csv"\n')
    with pytest.raises(ConfigError, match="priorities.concern: with a \\[survey\\] table"):
        parse_config(text)
