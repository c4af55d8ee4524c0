"""`csp demo` end to end, as the README's first command runs it: a fresh process, offline."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb

from cspkit.assessment.config import load_config


def test_csp_demo_builds_the_assessment_and_a_seeded_tracker(tmp_path: Path):
    out = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSP_"))}
    result = subprocess.run(
        [sys.executable, "-m", "cspkit.cli", "demo", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
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
    # The residents' survey, weighted and reported; its concern table feeds the priorities.
    for name in ("survey.html", "data/survey_concern.csv",
                 "data/survey_results.csv", "data/survey_weighting.csv"):
        assert (out / "survey" / name).stat().st_size > 0, name
    concern = (out / "survey" / "data" / "survey_concern.csv").read_text(encoding="utf-8")
    assert concern.splitlines()[0] == "category,estimate,lower,upper,respondents"
    assert "\nAnti-social behaviour," in concern
    # The demo runs the priority matrix.
    for name in ("priorities.html", "priorities.docx", "priorities.csv",
                 "priorities_plan.json", "data/priority_matrix.csv"):
        assert (out / "priorities" / name).stat().st_size > 0, name
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
