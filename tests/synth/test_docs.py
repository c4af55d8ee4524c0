"""docs/demo-borough.md describes what the generator really writes and plants."""

from __future__ import annotations

import re
from pathlib import Path

from cspkit.synth import BoroughManifest

DOC = Path(__file__).resolve().parents[2] / "docs" / "demo-borough.md"


def test_doc_names_every_file_the_generator_writes(borough: BoroughManifest) -> None:
    text = DOC.read_text("utf-8")
    for path in borough.files:
        pattern = re.sub(r"\d{4}-\d{2}", "YYYY-MM", path.as_posix())
        assert f"`{pattern}`" in text, pattern


def test_doc_gives_the_default_seed_counts_of_every_planted_trend(
    borough: BoroughManifest,
) -> None:
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in DOC.read_text("utf-8").splitlines()
        if line.startswith("| `")
    }
    for trend in borough.planted:
        assert f"{trend.previous_count} → {trend.current_count}" in rows[trend.key]
    rising = borough.trend("rising_ward")
    assert rising.area_name in rows["rising_ward"]
