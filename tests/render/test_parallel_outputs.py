"""Writing the formats in parallel processes gives the same files as writing them in turn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cspkit.assessment.document import Chart, Map
from cspkit.render import FORMATS, _cores, write_outputs
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


def same_files(written: Path, expected: Path) -> list[Path]:
    """Assert two output folders hold the same files, byte for byte; their relative paths."""
    files = sorted(p.relative_to(expected) for p in expected.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(written) for p in written.rglob("*") if p.is_file())
    for rel in files:
        assert (written / rel).read_bytes() == (expected / rel).read_bytes(), rel
    return files


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
    serial = same_files(tmp_path / "parallel", tmp_path / "serial")
    if "csv" in formats:
        assert Path("data/manifest.json") in serial


AHEAD = """
import os, sys
from cspkit.render import OutputWriters
from cspkit.render.charts import engine_started
from tests.render.render_sample import sample_document
with OutputWriters(sys.argv[2].split(","), ahead=True) as writers:
    document = sample_document()  # made while the writers start their chart engine
    timed = writers.write(document, sys.argv[1])
print(sorted(timed), engine_started())
"""


@pytest.mark.parametrize("formats", [["html", "xlsx", "csv"], ["html"], ["pdf"]])
def test_writers_started_ahead_give_the_same_files_as_writing_in_turn(tmp_path: Path,
                                                                      formats: list[str]):
    result = subprocess.run([sys.executable, "-c", AHEAD, str(tmp_path / "ahead"),
                             ",".join(formats)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    # The parent never ran the chart engine: the workers drew the charts (with two or
    # more cores; on one, everything is written here).
    assert result.stdout.strip() == f"{sorted(formats)} {_cores() < 2}"
    write_outputs(sample_document(), tmp_path / "serial", formats)
    files = same_files(tmp_path / "ahead", tmp_path / "serial")
    assert {Path(FORMATS[name][0]) for name in formats if name != "csv"} <= set(files)
    assert (Path("data/manifest.json") in files) == ("csv" in formats)


PARTS = """
import os, sys
import cspkit.render
import cspkit.render.drawings
from cspkit.render.charts import chart_svg, engine_started
from cspkit.render.maps import map_svg
from tests.render.render_sample import sample_document

def note(figure):
    # Which process draws which figure, one line per drawing.
    with open(sys.argv[2], "a") as notes:
        notes.write(f"{os.getpid()} {figure.id}\\n")

def chart_noted(chart):  # handed to the workers by name, so defined here
    note(chart)
    return chart_svg(chart)

def map_noted(figure, **options):
    note(figure)
    return map_svg(figure, **options)

cspkit.render.chart_svg = chart_noted
cspkit.render.drawings.map_svg = map_noted
with cspkit.render.OutputWriters(["html", "csv"]) as writers:
    writers.write(sample_document(), sys.argv[1])
print(os.getpid(), engine_started())
"""


@pytest.mark.skipif(_cores() < 2, reason="the formats are written in turn on one core")
def test_html_with_csv_has_its_charts_drawn_by_the_workers_and_its_maps_here(tmp_path: Path):
    notes = tmp_path / "drawn.txt"
    result = subprocess.run([sys.executable, "-c", PARTS, str(tmp_path / "parts"), str(notes)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    parent, started = result.stdout.split()
    assert started == "False"
    document = sample_document()
    drawn = [line.split() for line in notes.read_text().splitlines()]
    # Each figure drawn once: every chart by a worker, one at a time, every map here.
    assert sorted(figure for _, figure in drawn) == sorted(f.id for f in document.figures())
    by_process = {figure: process for process, figure in drawn}
    charts = [f.id for f in document.figures() if isinstance(f, Chart)]
    maps = [f.id for f in document.figures() if isinstance(f, Map)]
    assert charts and maps
    assert all(by_process[chart] != parent for chart in charts)
    assert all(by_process[map_id] == parent for map_id in maps)
    write_outputs(document, tmp_path / "serial", ["html"])
    assert (tmp_path / "parts" / "assessment.html").read_bytes() == (
        tmp_path / "serial" / "assessment.html").read_bytes()
    assert (tmp_path / "parts" / "data" / "manifest.json").is_file()


TURNS = """
import sys, time
import cspkit.render
from cspkit.render.charts import start_engine

def start_noted():
    # In a worker: when its chart engine started and was ready.
    began = time.monotonic()
    start_engine()
    with open(sys.argv[2], "a") as notes:
        notes.write(f"{began} {time.monotonic()}\\n")

cspkit.render.start_engine = start_noted
with cspkit.render.OutputWriters(["html", "csv", "xlsx"], ahead=True):
    time.sleep(0.1)  # the analysis would run here
"""


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    events = sorted([(begin, 1) for begin, _ in spans] + [(end, -1) for _, end in spans])
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


@pytest.mark.skipif(_cores() < 2, reason="the formats are written in turn on one core")
def test_writers_started_ahead_start_their_engines_leaving_a_core_free(tmp_path: Path):
    notes = tmp_path / "started.txt"
    subprocess.run([sys.executable, "-c", TURNS, str(tmp_path / "out"), str(notes)],
                   cwd=REPO, capture_output=True, text=True, check=True)
    spans = [tuple(map(float, line.split())) for line in notes.read_text().splitlines()]
    # Every worker started its engine, no more than one fewer at once than there are cores.
    assert len(spans) >= 2
    assert _most_at_once(spans) <= max(1, _cores() - 1)
