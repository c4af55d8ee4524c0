"""The next assessment reports on last year's plan (issue 12 §5).

The chapter is checked on hand-made data, then end to end: the tracker demo seeded into a
real SQLite file with its measures computed from the fictional borough's warehouse,
``csp assess`` run as a separate process with ``tracker_database`` in its configuration, and
the chapter's rows compared with the tracker database read directly with ``sqlite3``.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date

import pytest
from docx import Document as Docx

from cspkit.assessment.chapters.plan_review import plan_review_chapter
from cspkit.assessment.config import ConfigError, parse_config
from cspkit.assessment.document import Paragraph, Table
from cspkit.assessment.plan_review import (
    OpenEntry,
    PlanReview,
    ReviewedMeasure,
    ReviewedRecommendation,
)
from tests.assessment.test_advice import TOOL_TALK

REVIEW = PlanReview(
    plan_title="Community Safety Plan 2025–26",
    period_start=date(2025, 4, 1),
    period_end=date(2026, 3, 31),
    read_on=date(2026, 2, 1),
    recommendations=(
        ReviewedRecommendation("R1", "Map shop theft", "Complete", "Profile written.",
                               date(2025, 9, 1)),
        ReviewedRecommendation("R2", "Survey residents", "Not started"),
    ),
    measures=(
        ReviewedMeasure("1.1", "Burglary", "reduce by 5%", "on course", "Green", 760, 894,
                        0.0012, "2025-01 to 2025-12", "2024-01 to 2024-12", "2025-12"),
        ReviewedMeasure("Theme 2", "Fires", "reduce", "no data",
                        missing="the fire and rescue service's incidents data are not "
                        "loaded for 2024-01 to 2024-03"),
        ReviewedMeasure("2.1", "Drugs", "increase", ""),
    ),
    open_entries=(OpenEntry("Recommendation", "R2", "Survey residents", "Not started"),
                  OpenEntry("Data requirement", "D1", "Victim ethnicity", "Amber")),
)


def rows(table: Table) -> list[list[str]]:
    return [[getattr(c, "text", c) for c in row] for row in table.rows]


def test_the_chapter_lists_recommendations_measures_and_open_entries() -> None:
    chapter = plan_review_chapter(REVIEW)
    assert chapter.title == "Last year's plan"
    tables = {b.id: b for b in chapter.children if isinstance(b, Table)}
    assert rows(tables["plan_review_recommendations"]) == [
        ["R1", "Map shop theft", "Complete", "1 September 2025: Profile written."],
        ["R2", "Survey residents", "Not started", "No update"],
    ]
    measures = rows(tables["plan_review_measures"])
    assert measures[0] == [
        "1.1", "Burglary", "Reduce by 5%",
        "Burglary fell by 15% (894 → 760) against 2024-01 to 2024-12, a statistically "
        "significant decrease.", "On course", "Green"]
    assert measures[1][3] == ("No figure: the fire and rescue service's incidents data are "
                              "not loaded for 2024-01 to 2024-03.")
    assert measures[1][4:] == ["No figures", "Theme"]
    assert measures[2][3:5] == ["Not computed yet.", "Not computed yet"]
    assert rows(tables["plan_review_open_entries"])[1] == [
        "Data requirement", "D1", "Victim ethnicity", "Amber"]
    assert all(t.data_source == "the partnership's plan tracker, as at 1 February 2026"
               for t in tables.values())
    texts = [b.text for b in chapter.children if isinstance(b, Paragraph)]
    texts += [cell for t in tables.values() for row in rows(t) for cell in row]
    assert not [t for t in texts if TOOL_TALK.search(t)]


def test_an_empty_plan_says_so_in_words() -> None:
    chapter = plan_review_chapter(PlanReview("Plan", date(2025, 4, 1), date(2026, 3, 31),
                                             date(2026, 2, 1)))
    words = " ".join(b.text for b in chapter.children if isinstance(b, Paragraph))
    assert "holds no recommendations" in words and "Every entry" in words
    assert not [b for b in chapter.children if isinstance(b, Table)]


MINIMAL = """name = "X"
areas = ["E06000004"]
strategic_period = "2025-01:2025-12"
{extra}
[[themes]]
id = "all"
name = "All"
categories = ["Burglary"]
"""


def test_the_tracker_database_setting_refuses_a_password() -> None:
    config = parse_config(MINIMAL.format(extra='tracker_database = "tracker.sqlite3"'))
    assert config.tracker_database == "tracker.sqlite3"
    with pytest.raises(ConfigError, match="tracker_database.*password"):
        parse_config(MINIMAL.format(extra='tracker_database = "postgres://a:secret@h/db"'))


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=900)


def test_csp_assess_reports_on_the_plan_in_the_tracker_database(borough, tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSP_", "DJANGO_"))}
    env |= {"CSP_DATA_DIR": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}
    tracker = tmp_path / "tracker.sqlite3"
    seeded = run(["-c", "from cspkit.demo.tracker import seed_demo; "
                  f"seed_demo(database_url={str(tracker)!r}, "
                  f"warehouse={str(borough.warehouse)!r})"], env)
    assert seeded.returncode == 0, seeded.stderr
    again = run(["-m", "cspkit.cli", "tracker", "measures", "--json"],
                env | {"CSP_DATABASE_URL": str(tracker)})
    assert again.returncode == 0, again.stderr
    printed = {row["reference"]: row for row in json.loads(again.stdout)}

    text = borough.config_path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^formats = .*$", 'formats = ["docx"]', text)
    config = tmp_path / "csp.toml"
    config.write_text(text.replace('tracker_database = ""', 'tracker_database = "tracker.sqlite3"'),
                      encoding="utf-8")
    out = tmp_path / "out"
    assessed = run(["-m", "cspkit.cli", "assess", "--config", str(config), "--out", str(out),
                    "--warehouse", str(borough.warehouse)], env)
    assert assessed.returncode == 0, assessed.stderr
    assert "last year's plan: Community Safety Plan" in assessed.stdout

    db = sqlite3.connect(tracker)
    plan_id, title = db.execute(
        "SELECT id, title FROM tracker_plan WHERE period_start <= date('now') "
        "ORDER BY period_start DESC LIMIT 1").fetchone()
    docx = Docx(out / "assessment.docx")
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("Last year's plan") for h in headings)
    assert any(title in p.text for p in docx.paragraphs)

    def table(first_header: str, second_header: str) -> list[list[str]]:
        found = next(t for t in docx.tables if [c.text for c in t.rows[0].cells][:2]
                     == [first_header, second_header])
        return [[c.text for c in row.cells] for row in found.rows[1:]]

    words = {"not_started": "Not started", "green": "Green", "amber": "Amber", "red": "Red",
             "complete": "Complete", "withdrawn": "Withdrawn"}
    recommendations = db.execute(
        "SELECT reference, text, status FROM tracker_recommendation WHERE plan_id = ? "
        "ORDER BY id", (plan_id,)).fetchall()
    shown = table("Ref", "Recommendation")
    assert [(r[0], r[1], r[2]) for r in shown] == [
        (ref, text, words[status]) for ref, text, status in recommendations]

    stored = db.execute("""
        SELECT coalesce(a.number, 0), m.label, r."current", r.baseline, r.course
        FROM tracker_measure m JOIN tracker_measureresult r ON r.measure_id = m.id
        LEFT JOIN tracker_action a ON a.id = m.action_id
        LEFT JOIN tracker_theme t ON t.id = coalesce(m.theme_id, a.theme_id)
        WHERE t.plan_id = ? ORDER BY t.number, coalesce(a.number, 0)""", (plan_id,)).fetchall()
    measures = table("Ref", "Measure")
    assert [m[1] for m in measures] == [s[1] for s in stored] and len(stored) == 4
    for row, (_, _, current, baseline, course) in zip(measures, stored, strict=True):
        assert printed[row[0]]["current"] == current and printed[row[0]]["status"] == course
        if current is not None:
            assert f"({baseline:,} → {current:,})" in row[3]
        assert row[4] == {"on course": "On course", "not on course": "Not on course",
                          "too early to say": "Too early to say", "no data": "No figures"
                          }[course]

    open_entries = db.execute("""
        SELECT 'Recommendation', reference, status FROM tracker_recommendation
        WHERE plan_id = ? AND status NOT IN ('complete', 'withdrawn')
        UNION ALL
        SELECT 'Data requirement', reference, status FROM tracker_datarequirement
        WHERE plan_id = ? AND status NOT IN ('complete', 'withdrawn')""",
                              (plan_id, plan_id)).fetchall()
    assert [(r[0], r[1], r[3]) for r in table("Register", "Ref")] == [
        (register, ref, words[status]) for register, ref, status in open_entries]
    db.close()


def test_a_tracker_database_that_is_not_there_is_a_one_line_error(borough, tmp_path) -> None:
    from typer.testing import CliRunner

    from cspkit.cli import app

    config = tmp_path / "csp.toml"
    text = borough.config_path.read_text(encoding="utf-8")
    config.write_text(text.replace('tracker_database = ""', 'tracker_database = "missing.sqlite3"'),
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", "--config", str(config), "--out",
                                      str(tmp_path / "out"), "--warehouse",
                                      str(borough.warehouse)])
    assert result.exit_code == 1
    assert "no tracker database at this path" in result.output
    assert str(tmp_path / "missing.sqlite3") in result.output
    assert not (tmp_path / "out").exists()
