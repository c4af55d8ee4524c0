"""`csp profile` end to end: every output written once (the one PDF of these tests), and bad
topics or areas refused in one line with nothing written."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cspkit.cli import app
from tests.conftest import TOWN_CENTRE


def run_profile(borough, warehouse, out, *args):
    return CliRunner().invoke(app, ["profile", "--config", str(borough.config_path),
                                    "--warehouse", str(warehouse), "--out", str(out), *args])


@pytest.fixture(scope="module")
def profiled(borough, partner_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("profile")
    result = run_profile(borough, partner_warehouse, out, "--topic", "Shoplifting",
                         "--area", TOWN_CENTRE, "--period", "2025-01:2025-12")
    assert result.exit_code == 0, result.output
    return out, result.output


def test_profile_writes_every_format_the_manifest_and_the_measures(profiled):
    out, output = profiled
    for name in ("profile.html", "profile.docx", "profile.pdf", "measures.json",
                 "data/manifest.json", "data/profile_size.csv", "data/profile_measures.csv"):
        assert (out / name).stat().st_size > 0, name
    assert f"Problem profile: Shoplifting in {TOWN_CENTRE}" in output
    manifest = json.loads((out / "data/manifest.json").read_text(encoding="utf-8"))
    assert (manifest["period"], manifest["comparison_period"]) == ("2025-01:2025-12",
                                                                 "2024-01:2024-12")
    files = {i["file_name"] for i in manifest["inputs"]}
    assert any(f.endswith("-street.csv") for f in files)
    assert "police_crime_extract_2025.csv" in files
    assert manifest["config"]["profile"]["topic"] == "Shoplifting"
    measures = json.loads((out / "measures.json").read_text(encoding="utf-8"))
    size = next(t for t in manifest["tables"] if t["id"] == "profile_size")
    assert size["analysis"] == "problem.problem_size"
    count = next(m for m in measures if m["key"] == "count")
    assert str(count["baseline"]["value"]) == (out / "data/profile_size.csv").read_text(
        encoding="utf-8").splitlines()[1].split(",")[1]
    html = (out / "profile.html").read_text(encoding="utf-8")
    headings = ["Scanning: the size of the problem", "Analysis: the problem analysis triangle",
                "Response: options from the evidence", "Assessment: the measures to track"]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("args", "message"), [
    (["--topic", "Shopliftin", "--area", TOWN_CENTRE],
     "error: unknown topic 'Shopliftin'; close matches: Shoplifting"),
    (["--topic", "Shoplifting", "--area", "Kestrel Centre"],
     "error: unknown area 'Kestrel Centre': no ward or LSOA of Kestrel Vale"),
    (["--topic", "Shoplifting", "--area", TOWN_CENTRE, "--period", "2023-01:2023-12"],
     "no police_crime data loaded for 12 month(s) of the comparison period 2022-01 to 2022-12"),
])
def test_a_bad_topic_area_or_period_is_one_line_and_writes_nothing(borough, partner_warehouse,
                                                                   tmp_path, args, message):
    out = tmp_path / "out"
    result = run_profile(borough, partner_warehouse, out, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
