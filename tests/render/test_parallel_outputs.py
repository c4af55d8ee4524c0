"""Writing the formats in parallel processes gives the same files as writing them in turn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cspkit.render import _cores, write_outputs
from tests.render.render_sample import sample_document

REPO = Path(__file__).resolve().parents[2]

PARALLEL = """
import sys
from cspkit.render import write_outputs_timed
from cspkit.render.charts import engine_started
from tests.render.render_sample import sample_document
assert not engine_started()
timed = write_outputs_timed(sample_document(), sys.argv[1], sys.argv[2].split(","))
print(sorted(timed), engine_started())
"""


@pytest.mark.parametrize("formats", [
    ["pdf", "html", "csv", "docx"],
    ["html", "docx", "pdf", "xlsx", "csv"],
    ["docx"],
    ["docx", "csv"],
    ["pdf", "html"],
    ["html", "csv"],
    ["pdf", "xlsx"],
])
def test_parallel_writing_gives_the_same_files_as_writing_in_turn(tmp_path: Path,
                                                                   formats: list[str]):
    result = subprocess.run([sys.executable, "-c", PARALLEL, str(tmp_path / "parallel"),
                             ",".join(formats)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    # The parent never ran the chart engine: the children did the drawing.
    assert result.stdout.strip() == f"{sorted(formats)} False"
    write_outputs(sample_document(), tmp_path / "serial", formats)
    serial = sorted(p.relative_to(tmp_path / "serial")
                    for p in (tmp_path / "serial").rglob("*") if p.is_file())
    assert serial == sorted(p.relative_to(tmp_path / "parallel")
                            for p in (tmp_path / "parallel").rglob("*") if p.is_file())
    if "csv" in formats:
        assert Path("data/manifest.json") in serial
    for rel in serial:
        assert (tmp_path / "parallel" / rel).read_bytes() == (tmp_path / "serial" / rel
                                                              ).read_bytes(), rel


AHEAD = """
import os, sys
from cspkit.render import OutputWriters
from cspkit.render.charts import engine_started
from tests.render.render_sample import sample_document
with OutputWriters(["html", "xlsx", "csv"]) as writers:
    document = sample_document()  # made while the writers start their chart engine
    timed = writers.write(document, sys.argv[1])
print(sorted(timed), engine_started())
"""


def test_writers_started_ahead_give_the_same_files_as_writing_in_turn(tmp_path: Path):
    result = subprocess.run([sys.executable, "-c", AHEAD, str(tmp_path / "ahead")],
                            cwd=REPO, capture_output=True, text=True, check=True)
    # The parent never ran the chart engine: a worker drew the HTML.
    assert result.stdout.strip() == "['csv', 'html', 'xlsx'] False"
    write_outputs(sample_document(), tmp_path / "serial", ["html", "xlsx", "csv"])
    files = sorted(p.relative_to(tmp_path / "serial")
                   for p in (tmp_path / "serial").rglob("*") if p.is_file())
    assert {Path("assessment.html"), Path("tables.xlsx"), Path("data/manifest.json")} <= set(
        files)
    assert files == sorted(p.relative_to(tmp_path / "ahead")
                           for p in (tmp_path / "ahead").rglob("*") if p.is_file())
    for rel in files:
        assert (tmp_path / "ahead" / rel).read_bytes() == (tmp_path / "serial" / rel
                                                           ).read_bytes(), rel


PARTS = """
import os, sys
import cspkit.render
from cspkit.render.charts import engine_started
from cspkit.render.drawings import draw
from tests.render.render_sample import sample_document

def draw_noted(figures, **options):
    # In a worker: note the figures this call draws, one line per call.
    with open(sys.argv[2], "a") as notes:
        notes.write(" ".join(figure.id for figure in figures) + "\\n")
    return draw(figures, **options)

cspkit.render.draw = draw_noted
with cspkit.render.OutputWriters(["html", "csv"]) as writers:
    writers.write(sample_document(), sys.argv[1])
print(engine_started())
"""


@pytest.mark.skipif(_cores() < 2, reason="the formats are written in turn on one core")
def test_html_alone_has_its_figures_drawn_in_parts_by_the_workers(tmp_path: Path):
    notes = tmp_path / "drawn.txt"
    result = subprocess.run([sys.executable, "-c", PARTS, str(tmp_path / "parts"), str(notes)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    document = sample_document()
    parts = [line.split() for line in notes.read_text().splitlines()]
    # One part per worker (two on a machine with two or more cores), each figure in one.
    assert len(parts) == 2
    assert sorted(sum(parts, [])) == sorted(figure.id for figure in document.figures())
    assert all(parts)
    write_outputs(document, tmp_path / "serial", ["html"])
    assert (tmp_path / "parts" / "assessment.html").read_bytes() == (
        tmp_path / "serial" / "assessment.html").read_bytes()
