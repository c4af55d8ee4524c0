"""Findings: worded honestly, figures equal to the published CSV, planted trends found."""

from __future__ import annotations

import csv
import re

import pytest

from cspkit.assessment.chapters.summary import analyst_paragraphs, is_context
from cspkit.assessment.document import Finding
from cspkit.assessment.findings import importance
from cspkit.assessment.wording import NOT_SIGNIFICANT, Change

DIRECTION_WORDS = re.compile(r"\b(rose|fell|rise|fall|increase|decrease|increased|decreased)\b")


def _summary_findings(document) -> list[Finding]:
    summary = next(s for s in document.sections if s.id == "executive_summary")
    return [b for b in summary.children if isinstance(b, Finding)]


def _csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _numbers(sentence: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?![\d.]*%)", sentence)
            if "." not in n]


# ----------------------------------------------------------------------------- wording


def test_a_significant_change_is_called_a_rise_with_its_figures():
    sentence = Change("Shoplifting", 2252, 1760, 8e-15).sentence()
    assert sentence == ("Shoplifting rose by 28% (1,760 → 2,252), a statistically significant "
                        "increase.")


def test_a_non_significant_change_is_never_called_a_rise_or_a_fall():
    for current, previous in ((125, 120), (115, 120), (38, 22)):
        change = Change("Robbery", current, previous, 0.2)
        sentence = change.sentence()
        assert not DIRECTION_WORDS.search(sentence), sentence
        assert NOT_SIGNIFICANT in sentence
        assert change.direction == "no-significant-change"


def test_small_numbers_carry_a_caution_and_no_percentage_from_zero():
    assert "treat the percentage with caution" in Change("Arson", 9, 3, 0.15).sentence()
    assert Change("Arson", 30, 0, 1e-9, small_number=10).sentence() == (
        "Arson rose from 0 to 30, a statistically significant increase; small numbers, so "
        "treat the percentage with caution.")


def test_an_unchanged_count_says_so():
    assert Change("Drugs", 50, 50, 1.0).sentence() == "Drugs was unchanged at 50."


def test_importance_puts_significant_changes_before_larger_non_significant_ones():
    significant = Change("Burglary", 760, 894, 0.001)
    not_significant = Change("Burglary", 1000, 1150, 0.2)
    assert importance(significant, 1.75) > importance(not_significant, 1.75)


def test_analyst_markdown_becomes_paragraphs():
    text = "# Context\nThe year saw *change*.\n\n- one\n- two\n\nLast line\nwraps."
    assert [p.text for p in analyst_paragraphs(text)] == [
        "**Context**", "The year saw *change*.", "• one", "• two", "Last line wraps."]


# ----------------------------------------------------------------------------- document


def test_no_finding_calls_a_non_significant_change_a_rise_or_fall(document):
    checked = 0
    for finding in document.findings():
        p = finding.figures.get("p_value")
        if p is None or p < 0.05:
            continue
        checked += 1
        assert finding.kind in ("no-significant-change", "target"), finding.sentence
        assert NOT_SIGNIFICANT in finding.sentence, finding.sentence
        claim = finding.sentence.split("**")[-1] if finding.kind == "target" else \
            finding.sentence
        assert not DIRECTION_WORDS.search(claim), finding.sentence
    assert checked >= 5


def test_executive_summary_leads_with_total_crime_then_the_most_important(document):
    findings = _summary_findings(document)
    assert findings[0].sentence.startswith("Total recorded crime ")
    assert findings[0].kind == "rise"  # significant: the recent direction need not follow
    assert findings[1].source_table != "recent_year_on_year"
    changes, context = findings[1:-2], findings[-2:]
    assert all(is_context(f) for f in context) and not any(is_context(f) for f in changes)
    for part in (changes, context):
        scores = [f.importance for f in part]
        assert scores == sorted(scores, reverse=True)
    wards = [f.figures["ward_code"] for f in findings if "ward_code" in f.figures]
    assert len(wards) == len(set(wards)) <= 2


def test_summary_figures_equal_the_published_csv_values(document, assessed):
    data = assessed.written["csv"]
    checked = 0
    for finding in _summary_findings(document):
        if finding.source_table is None or "current" not in finding.figures:
            continue
        rows = _csv(data / f"{finding.source_table}.csv")
        key, value = (("ward_code", finding.figures["ward_code"])
                      if "ward_code" in finding.figures
                      else (next(iter(rows[0])), finding.figures["group"]))
        row = next(r for r in rows if r[key] == value)
        current = int(row.get("current", row.get("count")))
        assert finding.figures["current"] == current
        assert f"→ {current:,})" in finding.sentence
        previous = row.get("previous", row.get("previous_count"))
        if previous is not None:  # ward_ranking.csv publishes ranks, not previous counts
            assert finding.figures["previous"] == int(previous)
            assert f"({int(previous):,} → {current:,})" in finding.sentence
        if "pct_change" in row and row["pct_change"]:
            shown = re.search(r"(\d+(?:\.\d)?)% \(", finding.sentence).group(1)
            assert float(shown) == pytest.approx(abs(float(row["pct_change"])), abs=0.5)
        if "p_value" in row:
            assert float(row["p_value"]) == pytest.approx(finding.figures["p_value"])
        if "rank" in finding.figures and "previous_rank" in row:
            assert (int(row["rank"]), int(row["previous_rank"])) == (
                finding.figures["rank"], finding.figures["previous_rank"])
        checked += 1
    assert checked >= 5


# ----------------------------------------------------------------------------- planted


def _finding_about(document, group: str, source_table: str) -> Finding:
    return next(f for f in document.findings()
                if f.source_table == source_table and f.figures.get("group") == group)


@pytest.mark.parametrize("key,kind", [("shoplifting_rise", "rise"), ("burglary_fall", "fall"),
                                      ("small_number_rise", "no-significant-change")])
def test_planted_borough_trends_appear_as_findings(document, borough, key, kind):
    planted = borough.manifest.trend(key)
    finding = _finding_about(document, planted.crime_type, "performance_by_crime_type")
    assert (finding.figures["previous"], finding.figures["current"]) == (
        planted.previous_count, planted.current_count)
    assert finding.kind == kind


def test_planted_large_changes_lead_the_executive_summary(document, borough):
    summary = " ".join(f.sentence for f in _summary_findings(document))
    for key in ("shoplifting_rise", "burglary_fall"):
        planted = borough.manifest.trend(key)
        assert f"{planted.previous_count:,} → {planted.current_count:,}" in summary


def test_planted_rising_ward_is_reported_with_its_rank_movement(document, borough):
    planted = borough.manifest.trend("rising_ward")
    finding = next(f for f in _summary_findings(document)
                   if f.figures.get("ward_code") == planted.area_code)
    assert finding.source_table == "all_crime_ward_changes"
    assert finding.figures["q_value"] < 0.05
    assert (finding.figures["previous_rank"], finding.figures["rank"]) == (
        planted.previous_rank, planted.current_rank)
    assert (finding.figures["previous"], finding.figures["current"]) == (
        planted.previous_count, planted.current_count)
    assert planted.area_name in finding.sentence and finding.kind == "rise"


def test_context_findings_figures_equal_the_published_csv_values(document, assessed):
    data = assessed.written["csv"]
    findings = [f for f in document.findings() if f.source_table and (
        f.kind == "hot-spot" or "rate_per_1000" in f.figures or "share_of_crime" in f.figures)]
    kinds = set()
    for finding in findings:
        rows = _csv(data / f"{finding.source_table}.csv")
        if finding.kind == "hot-spot":
            hot = [r for r in rows if r["status"] != "Not significant"]
            assert len(hot) == finding.figures["hot_spots"]
            assert finding.sentence.startswith(f"{len(hot)} of ")
            persistent = sum(r["status"] == "Persistent hot spot" for r in rows)
            assert f"{persistent} were also hot spots" in finding.sentence
        elif "share_of_crime" in finding.figures:
            first = next(r for r in rows if r["imd_decile"] == "1")
            assert float(first["share_of_crime"]) == pytest.approx(
                finding.figures["share_of_crime"])
            assert f"{float(first['rate_per_1000']):.1f} crimes per 1,000" in finding.sentence
        else:
            me = next(r for r in rows if r["lad_name"] == "Kestrel Vale")
            assert float(me["rate_per_1000"]) == pytest.approx(finding.figures["rate_per_1000"])
            assert f"{float(me['rate_per_1000']):.1f} crimes per 1,000" in finding.sentence
        kinds.add(finding.source_table.split("_")[-1])
    assert {"hotspots", "decile", "rates"} <= kinds
