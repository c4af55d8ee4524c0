"""``csp assess --all`` and ``--batch``: every partnership of the fictional force area (three
authorities) assessed two at a time, checked against single assessments, plain SQL over the
generator's raw files, an interrupted run and a failing partnership."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cspkit.analysis.periods import StrategicPeriod
from cspkit.assessment.batch import (
    STAMP_FILE,
    SUMMARY_FILE,
    is_complete,
    partnerships_from_template,
    read_batch_file,
    warehouse_partnerships,
)
from cspkit.cli import app
from cspkit.errors import CspError
from cspkit.national.load import read_partnerships
from cspkit.warehouse import connect
from tests.conftest import DEMO_PERIOD, Borough

KESTREL_VALE = "E06900001"
NAME = "Kestrel Vale Community Safety Partnership"


def csv_config(borough: Borough, path: Path, *, area: str = KESTREL_VALE,
               name: str = NAME, period: str = DEMO_PERIOD) -> Path:
    """The borough's configuration writing only the CSV tables, for another area or period
    (edited as text, as a user would)."""
    text = borough.config_path.read_text(encoding="utf-8")
    for old, new in ((f'areas = ["{KESTREL_VALE}"]', f'areas = ["{area}"]'),
                     (f'name = "{NAME}"', f'name = "{name}"'),
                     (f'strategic_period = "{DEMO_PERIOD}"', f'strategic_period = "{period}"'),
                     ('formats = ["html", "docx", "pdf", "xlsx", "csv"]', 'formats = ["csv"]')):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def run_csp(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def summary(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / SUMMARY_FILE, keep_default_na=False).set_index("folder")


@pytest.fixture(scope="module")
def warehouse(borough: Borough, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the borough's warehouse, which only this module's processes open."""
    path = tmp_path_factory.mktemp("batch_warehouse") / "kv.duckdb"
    shutil.copy(borough.warehouse, path)
    return path


@pytest.fixture(scope="module")
def lads_with_police_rows(raw) -> dict[str, str]:
    """LAD code → name of every authority whose LSOAs hold a 2025 street record, by plain
    SQL over the generator's files."""
    return dict(raw.execute(f"""
        SELECT DISTINCT l.LAD25CD, l.LAD25NM
        FROM street s JOIN lookup l ON s."LSOA code" = l.LSOA21CD
        WHERE s.Month BETWEEN '{DEMO_PERIOD[:7]}' AND '{DEMO_PERIOD[-7:]}'""").fetchall())


@pytest.fixture(scope="module")
def every_partnership(borough: Borough, warehouse: Path,
                      tmp_path_factory: pytest.TempPathFactory):
    """``csp assess --all`` over the force area, two at a time: (result, output folder)."""
    root = tmp_path_factory.mktemp("batch_all")
    template = csv_config(borough, root / "template.toml")
    out = root / "out"
    result = run_csp("assess", "--all", "--config", template, "--warehouse", warehouse,
                     "--out", out, "--jobs", "2")
    return result, out


def test_every_authority_with_police_data_gets_a_complete_folder(every_partnership,
                                                                 lads_with_police_rows):
    result, out = every_partnership

    assert result.exit_code == 0, result.output
    assert len(lads_with_police_rows) == 3
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == sorted(lads_with_police_rows)
    table = summary(out)
    assert set(table["status"]) == {"done"} and set(table.index) == set(folders)
    for code, name in lads_with_police_rows.items():
        stamp = json.loads((out / code / STAMP_FILE).read_text(encoding="utf-8"))
        manifest = json.loads((out / code / "data" / "manifest.json").read_text("utf-8"))
        assert stamp["areas"] == [code]
        assert manifest["partnership"] == stamp["partnership"] == (
            f"{name} Community Safety Partnership")
    assert "3 done, 0 skipped" in result.output


def test_each_authoritys_counts_equal_plain_sql_over_the_raw_files(every_partnership, raw,
                                                                   lads_with_police_rows):
    _, out = every_partnership
    for code in lads_with_police_rows:
        table = pd.read_csv(out / code / "data" / "performance_by_crime_type.csv")
        expected = dict(raw.execute(f"""
            SELECT s."Crime type", count(*) FROM street s
            JOIN lookup l ON s."LSOA code" = l.LSOA21CD
            WHERE l.LAD25CD = '{code}' AND s.Month BETWEEN '2025-01' AND '2025-12'
            GROUP BY 1""").fetchall())

        assert dict(zip(table["crime_type"], table["current"], strict=True)) == {
            crime_type: expected[crime_type] for crime_type in table["crime_type"]}


def test_a_partnership_in_the_batch_equals_its_single_assessment(every_partnership, borough,
                                                                 warehouse, tmp_path):
    _, out = every_partnership
    config = csv_config(borough, tmp_path / "fenmoor.toml", area="E06900002",
                        name="Fenmoor Community Safety Partnership")

    single = run_csp("assess", "--config", config, "--warehouse", warehouse,
                     "--out", tmp_path / "single")

    assert single.exit_code == 0, single.output
    tables = sorted(p.name for p in (tmp_path / "single" / "data").glob("*.csv"))
    assert len(tables) > 20
    assert tables == sorted(p.name for p in (out / "E06900002" / "data").glob("*.csv"))
    for name in tables:
        assert ((out / "E06900002" / "data" / name).read_bytes()
                == (tmp_path / "single" / "data" / name).read_bytes()), name


def test_a_rerun_skips_complete_folders_and_redoes_a_half_written_one(every_partnership,
                                                                      borough, warehouse,
                                                                      tmp_path):
    _, done = every_partnership
    out = tmp_path / "out"
    shutil.copytree(done, out)
    half = out / "E06900003"
    (half / STAMP_FILE).unlink()  # as a run interrupted before the folder was finished
    (half / "data" / "performance_summary.csv").unlink()
    (half / "left-over.txt").write_text("from the interrupted run", encoding="utf-8")
    complete = out / "E06900002"
    before = {p: p.stat().st_mtime_ns for p in complete.rglob("*")}
    template = csv_config(borough, tmp_path / "template.toml")

    result = run_csp("assess", "--all", "--config", template, "--warehouse", warehouse,
                     "--out", out, "--jobs", "2")

    assert result.exit_code == 0, result.output
    assert {p: p.stat().st_mtime_ns for p in complete.rglob("*")} == before
    assert (half / STAMP_FILE).is_file() and (half / "data" / "performance_summary.csv"
                                              ).is_file()
    assert not (half / "left-over.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in done.iterdir())
    assert summary(out)["status"].to_dict() == {
        "E06900001": "skipped", "E06900002": "skipped", "E06900003": "done"}


def test_a_changed_configuration_makes_a_complete_folder_stale(every_partnership):
    _, out = every_partnership
    stamp = json.loads((out / KESTREL_VALE / STAMP_FILE).read_text(encoding="utf-8"))
    expected = {k: stamp[k] for k in ("config_sha256", "warehouse_state", "software_version")}

    assert is_complete(out / KESTREL_VALE, expected)
    assert not is_complete(out / KESTREL_VALE, {**expected, "config_sha256": "0" * 64})
    assert not is_complete(out / KESTREL_VALE, {**expected, "warehouse_state": "0" * 64})
    assert not is_complete(out / "E09999999", expected)


def test_a_failing_partnership_is_reported_and_the_others_still_succeed(borough, warehouse,
                                                                        tmp_path):
    csv_config(borough, tmp_path / "brackenholt.toml", area="E06900003",
               name="Brackenholt Community Safety Partnership")
    csv_config(borough, tmp_path / "too_early.toml", period="2019-01:2019-12")
    batch = tmp_path / "batch.txt"
    batch.write_text("# two partnerships\nbrackenholt.toml\n\ntoo_early.toml\n",
                     encoding="utf-8")
    out = tmp_path / "out"

    result = run_csp("assess", "--batch", batch, "--warehouse", warehouse, "--out", out,
                     "--jobs", "2")

    assert result.exit_code == 1, result.output
    table = summary(out)
    assert table.loc["brackenholt", "status"] == "done"
    assert table.loc["too_early", "status"] == "failed"
    reason = table.loc["too_early", "reason"]
    assert "2019-01" in reason and "\n" not in reason
    assert is_complete_folder(out / "brackenholt")
    assert sorted(p.name for p in out.iterdir()) == ["batch.csv", "brackenholt"]
    assert "1 done, 0 skipped (already complete), 1 failed" in result.output


def is_complete_folder(folder: Path) -> bool:
    return (folder / STAMP_FILE).is_file() and (folder / "data" / "manifest.json").is_file()


@pytest.mark.parametrize(("lines", "message"), [
    ("a.toml\nmissing.toml\n", "batch.txt:2: "),
    ("a.toml\n# comment\nsub/a.toml\n", "batch.txt:3: sub/a.toml would write to folder a/, "
                                        "as line 1 does"),
    ("# nothing\n\n", "lists no configuration file"),
])
def test_a_bad_batch_file_line_is_named(borough, tmp_path, lines, message):
    csv_config(borough, tmp_path / "a.toml")
    (tmp_path / "sub").mkdir()
    csv_config(borough, tmp_path / "sub" / "a.toml")
    batch = tmp_path / "batch.txt"
    batch.write_text(lines, encoding="utf-8")

    with pytest.raises(CspError) as error:
        read_batch_file(batch)
    assert message in str(error.value)
    result = run_csp("assess", "--batch", batch, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr.replace("\n", "")


def test_a_bad_configuration_in_a_batch_names_the_batch_line_and_the_key(borough, tmp_path):
    csv_config(borough, tmp_path / "a.toml", period="2025-13:2026-01")
    batch = tmp_path / "batch.txt"
    batch.write_text("a.toml\n", encoding="utf-8")

    with pytest.raises(CspError) as error:
        read_batch_file(batch)

    assert str(error.value).startswith(f"{batch}:1: {tmp_path / 'a.toml'}:")
    assert "strategic_period" in str(error.value)


def test_grouped_authorities_are_one_partnership(warehouse):
    con = connect(warehouse, read_only=True)
    period = StrategicPeriod(*DEMO_PERIOD.split(":"))
    try:
        found = warehouse_partnerships(
            con, period, {"E06900003": "Fen and Bracken CSP", "E06900002": "Fen and Bracken CSP"})
        with pytest.raises(CspError, match="E06999999"):
            warehouse_partnerships(con, period, {"E06999999": "Nowhere"})
    finally:
        con.disconnect()

    assert found.found == [
        ("E06900001", NAME, ("E06900001",)),
        ("E06900002+E06900003", "Fen and Bracken CSP", ("E06900002", "E06900003"))]
    assert found.left_out == []


@pytest.mark.real_data
def test_cleveland_files_give_its_four_authorities_not_the_neighbours_they_spill_into(
        real_warehouse, raw_cleveland_spill):
    con = connect(real_warehouse, read_only=True)
    try:
        held = warehouse_partnerships(con, StrategicPeriod("2025-01", "2025-12"))
    finally:
        con.disconnect()

    assert [folder for folder, _, _ in held.found] == [
        "E06000001", "E06000002", "E06000003", "E06000004"]
    assert raw_cleveland_spill and held.left_out == raw_cleveland_spill


@pytest.mark.parametrize("args", [
    ["--out", "o", "--all"],
    ["--out", "o", "--batch", "b.txt", "--config", "c.toml"],
    ["--out", "o", "--config", "c.toml", "--jobs", "2"],
    ["--out", "o", "--batch", "b.txt", "--partnerships", "p.csv"],
])
def test_options_that_do_not_go_together_are_a_usage_error(args):
    result = run_csp("assess", *args)

    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")


def test_a_template_naming_a_tracker_is_refused_for_all(borough, warehouse, tmp_path):
    template = csv_config(borough, tmp_path / "template.toml")
    template.write_text(template.read_text(encoding="utf-8").replace(
        'tracker_database = ""', 'tracker_database = "tracker.sqlite3"'), encoding="utf-8")

    result = run_csp("assess", "--all", "--config", template, "--warehouse", warehouse,
                     "--out", tmp_path / "out")

    assert result.exit_code == 1
    assert "tracker_database" in result.stderr and str(template) in result.stderr


def test_a_template_naming_a_survey_is_refused_for_all(borough, warehouse, tmp_path):
    template = csv_config(borough, tmp_path / "template.toml")
    (tmp_path / "survey.csv").write_text("id\n1\n", encoding="utf-8")
    (tmp_path / "survey.toml").write_text("", encoding="utf-8")
    template.write_text(template.read_text(encoding="utf-8") + '\n[survey]\n'
                        'export = "survey.csv"\nmapping = "survey.toml"\n', encoding="utf-8")

    result = run_csp("assess", "--all", "--config", template, "--warehouse", warehouse,
                     "--out", tmp_path / "out")

    assert result.exit_code == 1
    assert "survey" in result.stderr and str(template) in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.fixture(scope="module")
def raw_cleveland_spill(shared_data: Path) -> list[str]:
    """Authorities where the real 2025 Cleveland street files put a record in under half the
    LSOAs, by plain SQL over the files and the ONS lookup."""
    import duckdb

    street = shared_data / "police-uk" / "cleveland" / "street" / "2025-*-street.csv.gz"
    lookup = shared_data / "lookups" / "LSOA21_WD25_LAD25_EW_LU_v2.csv.gz"
    db = duckdb.connect()
    rows = db.execute(f"""
        WITH lookup AS (SELECT * FROM read_csv('{lookup}', header=true, all_varchar=true)),
        recorded AS (SELECT DISTINCT "LSOA code" AS lsoa
                     FROM read_csv('{street}', header=true, all_varchar=true))
        SELECT l.LAD25NM FROM lookup l LEFT JOIN recorded r ON r.lsoa = l.LSOA21CD
        GROUP BY l.LAD25NM
        HAVING count(r.lsoa) > 0 AND count(r.lsoa) < 0.5 * count(*)
        ORDER BY 1""").fetchall()
    db.close()
    return [name for (name,) in rows]


def test_a_grouped_partnership_gets_the_templates_configuration_with_its_name_and_areas(
        borough, warehouse, tmp_path):
    template = csv_config(borough, tmp_path / "template.toml")
    grouping = tmp_path / "partnerships.csv"
    grouping.write_text("lad_code,partnership\nE06900002,Fen and Bracken CSP\n"
                        "E06900003,Fen and Bracken CSP\n", encoding="utf-8")

    partnerships, left_out = partnerships_from_template(
        template, warehouse=warehouse, grouping=read_partnerships(grouping))

    assert left_out == []
    assert [(p.folder, p.config.name, p.config.areas) for p in partnerships] == [
        ("E06900001", NAME, ["E06900001"]),
        ("E06900002+E06900003", "Fen and Bracken CSP", ["E06900002", "E06900003"])]
    for partnership in partnerships:
        assert partnership.config.themes == borough.config.themes
        assert partnership.config.formats == ["csv"]
        assert partnership.config_path == template


def test_a_read_only_warehouse_admits_other_readers_and_refuses_writes(warehouse):
    import subprocess
    import sys

    con = connect(warehouse, read_only=True)
    try:
        other = subprocess.run(
            [sys.executable, "-c", "import sys, duckdb; print(duckdb.connect(sys.argv[1], "
             "read_only=True).sql('SELECT count(*) FROM area').fetchone()[0])",
             str(warehouse)], capture_output=True, text=True, check=False)
        with pytest.raises(Exception, match="read-only"):
            con.raw_sql("CREATE TABLE scratch (i INTEGER)")
        rows = con.table("area").count().execute()
    finally:
        con.disconnect()

    assert other.returncode == 0, other.stderr
    assert int(other.stdout) == rows > 0


def test_ctrl_c_leaves_whole_folders_and_a_summary_and_the_rerun_finishes(borough, warehouse,
                                                                          tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    template = csv_config(borough, tmp_path / "template.toml")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cspkit.cli", "assess", "--all", "--config",
               str(template), "--warehouse", str(warehouse), "--out", str(out), "--jobs", "1"]
    batch = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    while not list(out.glob(f"*/{STAMP_FILE}")) and batch.poll() is None:
        time.sleep(0.2)
    os.killpg(batch.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the whole process group
    batch.communicate(timeout=600)

    assert batch.returncode != 0
    first = summary(out)
    assert first.loc[KESTREL_VALE, "status"] == "done"
    assert set(first.loc[first["status"] != "done", "reason"]) <= {"interrupted"}
    assert not list(out.glob(".*")), "no temporary folder is left behind"
    assert not (out / "batch-logs").exists(), "an interruption is no unexpected error"
    finished = [p.parent for p in out.glob(f"*/{STAMP_FILE}")]
    assert len(finished) < 3 and all(is_complete_folder(f) for f in finished)
    before = {p: p.stat().st_mtime_ns for f in finished for p in f.rglob("*")}

    rerun = run_csp(*command[3:])

    assert rerun.exit_code == 0, rerun.output
    assert {p: p.stat().st_mtime_ns for f in finished for p in f.rglob("*")} == before
    statuses = summary(out)["status"].to_dict()
    assert statuses == {p.name: "skipped" if p in finished else "done"
                        for p in sorted(out.iterdir()) if p.is_dir()}
    assert len(statuses) == 3
