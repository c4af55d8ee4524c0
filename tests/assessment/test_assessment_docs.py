"""docs/assessment.md states the weights and rules the code uses."""

from __future__ import annotations

from pathlib import Path

from cspkit.assessment import findings
from cspkit.assessment.chapters.summary import (
    CONTEXT_FINDINGS,
    MAX_WARD_FINDINGS,
    OTHER_CHANGES,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "assessment.md"


def test_every_harm_weight_is_documented_with_its_value():
    documented = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1].replace(".", "").isdigit():
            documented[cells[0]] = float(cells[1])
    weights = {**findings.HARM_WEIGHTS, "Total recorded crime": findings.TOTAL_WEIGHT}
    assert documented == weights


def test_the_importance_factors_and_summary_size_are_documented():
    text = DOC.read_text(encoding="utf-8")
    assert f"s = {findings.NOT_SIGNIFICANT_FACTOR:g} when" in text
    assert f"m = {findings.SMALL_NUMBER_FACTOR:g} for small numbers" in text
    words = ["zero", "one", "two", "three"]
    assert f"then the {OTHER_CHANGES} most important other changes" in text
    assert f"{words[MAX_WARD_FINDINGS]} ward findings in all" in text
    assert f"the {words[CONTEXT_FINDINGS]} most important context findings" in text


def test_the_fixed_csv_columns_are_documented():
    text = DOC.read_text(encoding="utf-8")
    assert "`crime_type, current, previous, change, pct_change, p_value`" in text
    assert "`ward_code, ward_name, count, rate_per_1000, rank, previous_rank`" in text
