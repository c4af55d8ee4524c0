"""`csp demo` end to end, as the README's first command runs it: a fresh process, offline."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import duckdb
import pytest

from cspkit.assessment.config import load_config


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One run of ``csp demo`` in a fresh process, shared by this module's tests."""
    out = tmp_path_factory.mktemp("demo") / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSP_"))}
    result = subprocess.run(
        [sys.executable, "-m", "cspkit.cli", "demo", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return out, result


def test_csp_demo_builds_the_assessment_and_a_seeded_tracker(demo):
    out, result = demo
    assert "Sign in as:" in result.stdout and "lead.police" in result.stdout

    for name in ("assessment.html", "assessment.docx", "assessment.pdf", "tables.xlsx",
                 "data/manifest.json", "data/performance_by_crime_type.csv",
                 "data/ward_ranking.csv"):
        assert (out / "assessment" / name).stat().st_size > 0, name
    for name in ("bulletin/bulletin.html", "bulletin/bulletin.docx", "bulletin/scan.csv",
                 "bulletin/data/manifest.json", "profile/profile.html", "profile/profile.docx",
                 "profile/measures.json", "profile/data/manifest.json"):
        assert (out / name).stat().st_size > 0, name
    # The bulletin flags the borough's planted shoplifting rise, which the profile follows
    # into the town centre.
    scan = (out / "bulletin" / "scan.csv").read_text(encoding="utf-8")
    assert any(line.split(",")[2] == "Shoplifting" and line.endswith(",True")
               for line in scan.splitlines())
    assert "Problem profile: Shoplifting in Kestrel Central" in (
        out / "profile" / "profile.html").read_text(encoding="utf-8")
    assert "bulletin and profile" in result.stdout
    # The assessment holds the residents' survey, weighted, and the priority matrix scored
    # with the residents' concerns; their tables sit with the assessment's.
    html = (out / "assessment" / "assessment.html").read_text(encoding="utf-8")
    assert "What residents told us" in html and "Setting priorities" in html
    data = out / "assessment" / "data"
    for name in ("survey_concern.csv", "survey_results.csv", "survey_weighting.csv",
                 "priority_matrix.csv", "priorities.csv", "priorities_plan.json"):
        assert (data / name).stat().st_size > 0, name
    concern = (data / "survey_concern.csv").read_text(encoding="utf-8")
    assert concern.splitlines()[0] == "category,estimate,lower,upper,respondents"
    assert "\nAnti-social behaviour," in concern
    table = {line.split(",")[0]: line for line in
             (data / "priorities.csv").read_text(encoding="utf-8").splitlines()}
    assert "theme:anti_social_behaviour" in table
    assert not (out / "survey").exists() and not (out / "priorities").exists()
    assert len(load_config(out / "csp.toml").targets) == 3
    assert "Target to reduce burglary by 5%: <strong>met</strong>" in (
        out / "assessment" / "assessment.html").read_text(encoding="utf-8")

    with duckdb.connect(str(out / "kestrel-vale.duckdb"), read_only=True) as con:
        sources = dict(con.sql("SELECT source, count(*) FROM incident GROUP BY 1").fetchall())
        people = con.sql("SELECT count(*) FROM person_involvement").fetchone()[0]
    assert {"police_crime", "police_asb", "council_asb", "fire", "ae_assault"} <= set(sources)
    assert people > 0

    with sqlite3.connect(out / "tracker.sqlite3") as db:
        roles = dict(db.execute("SELECT role, count(*) FROM tracker_person GROUP BY 1"))
        actions = db.execute("SELECT count(*) FROM tracker_action").fetchone()[0]
    assert set(roles) == {"administrator", "lead", "member"} and actions > 0


def test_csp_demo_closes_the_cycle(demo):
    """The assessment and the scan published into the plan, its measures and completeness
    figures computed from the warehouse, the progress report carrying them, and next year's
    assessment reporting on the plan."""
    out, result = demo
    manifest = json.loads((out / "assessment" / "data" / "manifest.json").read_text("utf-8"))
    wanted = {r["key"]: r["text"] for r in manifest["recommendations"] if r.get("key")}
    flagged = sum(line.endswith(",True") for line in
                  (out / "bulletin" / "scan.csv").read_text("utf-8").splitlines())
    with sqlite3.connect(out / "tracker.sqlite3") as db:
        plan_id, plan_title, warehouse = db.execute(
            "SELECT id, title, warehouse FROM tracker_plan ORDER BY period_start DESC"
        ).fetchone()
        published = dict(db.execute("SELECT key, text FROM tracker_recommendation "
                                    "WHERE plan_id = ? AND key != '' AND key NOT LIKE "
                                    "'priority:%'", (plan_id,)))
        proposed = {key: agreed for key, agreed in db.execute(
            "SELECT key, agreed FROM tracker_recommendation WHERE plan_id = ? AND key LIKE "
            "'priority:%'", (plan_id,))}
        issues = db.execute("SELECT count(*) FROM tracker_emergingissue WHERE plan_id = ?",
                            (plan_id,)).fetchone()[0]
        measured = {ref for (ref,) in db.execute(
            "SELECT DISTINCT d.reference FROM tracker_qualityreading q JOIN "
            "tracker_datarequirement d ON q.data_requirement_id = d.id WHERE d.plan_id = ?",
            (plan_id,))}
    # Every keyed recommendation of the assessment is in the plan's register, as written.
    assert wanted and published == wanted
    # The priorities' proposed themes are proposals in the same register, not yet agreed.
    themes = json.loads((out / "assessment" / "data" / "priorities_plan.json")
                        .read_text("utf-8"))
    assert proposed == {f"priority:{t['key']}": 0 for t in themes["themes"]} != {}
    assert flagged > 0 and issues == flagged
    assert {"D1", "D2"} <= measured
    assert Path(warehouse) == (out / "kestrel-vale.duckdb").resolve()

    # The progress report carries the measure of theme 1 as counted from the warehouse
    # here with plain SQL: the borough's anti-social behaviour in the assessment's year.
    config = tomllib.loads((out / "csp.toml").read_text("utf-8"))
    start, end = config["strategic_period"].split(":")
    with duckdb.connect(str(out / "kestrel-vale.duckdb"), read_only=True) as con:
        asb = con.execute(
            "SELECT count(*) FROM incident WHERE category = 'Anti-social behaviour' AND "
            "lad_code = ? AND month BETWEEN ? AND ?",
            [config["areas"][0], start, end]).fetchone()[0]
    for kind in ("docx", "pdf", "html"):
        assert (out / "tracker" / f"progress-report.{kind}").stat().st_size > 0, kind
    report = (out / "tracker" / "progress-report.html").read_text("utf-8")
    assert re.search(rf"Anti-social behaviour in Kestrel Vale (rose|fell) by [0-9.]+% "
                     rf"\([0-9,]+ → {asb:,}\)", report), asb
    # The data requirements' completeness measures are computed, to the last month loaded.
    assert "not measured yet" not in report
    assert len(re.findall(rf"Measure: [^<]*: [0-9.]+% of records in {end} \(target", report)
               ) == 2

    # Next year's assessment (HTML only) names the tracker and reports on the plan.
    next_config = tomllib.loads((out / "csp-next.toml").read_text("utf-8"))
    assert next_config["tracker_database"] == "tracker.sqlite3"
    assert next_config["formats"] == ["html"]
    assert "survey" not in next_config and "priorities" not in next_config
    chapter = (out / "assessment-next" / "assessment.html").read_text("utf-8")
    assert "Last year&#39;s plan" in chapter or "Last year's plan" in chapter
    assert f"This chapter reports on {plan_title}" in chapter
    assert "assessment-next" in result.stdout and "progress-report.pdf" in result.stdout
