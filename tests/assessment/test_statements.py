"""Every sentence is true of the table it cites, and the summary tells what a board must hear.

The checks here are functions of a Document so that they run on the fictional borough and on
the real Stockton assessment (tests/assessment/test_real_stockton.py) alike:

- :func:`statement_problems`: each count, share, percentage, "most" and "highest" a finding
  states agrees with the row(s) of the table it cites (``source_table``);
- :func:`untold_significant_rows`: every statistically significant row of a change table is
  told by a sentence;
- :func:`summary_problems`: every priority theme with a significant change reaches the
  executive summary, a theme and one of its crime types moving the same way are not two
  headlines, and the recent direction is told when the total shows no significant change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

import pandas as pd
import pytest

from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.assessment.chapters.summary import top_findings
from cspkit.assessment.config import Theme
from cspkit.assessment.document import Document, Finding, Paragraph, Section, Table
from cspkit.assessment.wording import count_text, percent_text

ALPHA = 0.05
PAIR = re.compile(r"\((\d[\d,]*) → (\d[\d,]*)\)")
PERCENT_PAIR = re.compile(r"(\d+(?:\.\d)?)% \((\d[\d,]*) → (\d[\d,]*)\)")
MOST_OF_THEM = re.compile(r"most of them(?: \((\d+)\))? in (.+?)\.$")
EACH_IN = re.compile(r"(\d+) each in (.+?), more than in any other ward")
ONE_IN = re.compile(r", (\d+) in (.+?), more than in any other ward")
MOST_CLAIMS = (MOST_OF_THEM, EACH_IN, ONE_IN)
# a figure and the table columns that may hold it
COLUMNS = {"current": ("current", "count"), "previous": ("previous", "previous_count"),
           "count": ("count",), "change": ("change",), "pct_change": ("pct_change",),
           "p_value": ("p_value",), "q_value": ("q_value",), "rank": ("rank",),
           "previous_rank": ("previous_rank",), "share": ("share",)}


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def summary_findings(document: Document) -> list[Finding]:
    summary = next(s for s in document.sections if s.id == "executive_summary")
    return [b for b in summary.children if isinstance(b, Finding)]


def _tables(document: Document) -> dict[str, pd.DataFrame]:
    return {t.id: t.frame() for t in document.tables()}


def _row(table: Table, frame: pd.DataFrame, figures, key: str = "group") -> pd.Series | None:
    """The table row a finding's figures are about: by ward, LSOA or group (first column)."""
    if "ward_code" in figures and "ward_code" in frame:
        rows = frame[frame["ward_code"] == figures["ward_code"]]
    elif key in figures:
        rows = frame[frame[table.columns[0].key] == figures[key]]
    else:
        return None
    assert len(rows) == 1, f"{table.id}: {len(rows)} rows for {dict(figures)}"
    return rows.iloc[0]


def _check_row(finding: Finding, row: pd.Series, prefix: str = "") -> Iterator[str]:
    for figure, columns in COLUMNS.items():
        value = finding.figures.get(prefix + figure)
        column = next((c for c in columns if c in row.index), None)
        if value is None or column is None or row[column] is None:
            continue
        if value != pytest.approx(row[column], rel=1e-9):
            yield (f"{finding.source_table}: {prefix}{figure} = {value} but the table has "
                   f"{row[column]} — {finding.sentence}")


def statement_problems(document: Document) -> tuple[list[str], int]:
    """Disagreements between the findings' sentences, their figures and the tables they
    cite; and how many findings were checked against a table row or count."""
    tables = {t.id: t for t in document.tables()}
    problems: list[str] = []
    checked = 0
    for finding in document.findings():
        text, figures = finding.sentence, finding.figures
        # every "(a → b)" is a stated pair of figures, every "x% (a → b)" is its percentage
        pairs = {(figures.get("previous"), figures.get("current")),
                 (figures.get("part_previous"), figures.get("part_current"))}
        for a, b in PAIR.findall(text):
            if (_int(a), _int(b)) not in pairs:
                problems.append(f"({a} → {b}) is not among the figures: {text}")
        for pct, a, b in PERCENT_PAIR.findall(text):
            if _int(a) and pct != percent_text(100 * (_int(b) - _int(a)) / _int(a)).rstrip("%"):
                problems.append(f"{pct}% is not the change from {a} to {b}: {text}")
        if finding.source_table is None:
            continue
        table = tables[finding.source_table]
        frame = table.frame()
        row = _row(table, frame, figures)
        if row is not None:
            checked += 1
            problems += _check_row(finding, row)
            if "share" in figures and f"{percent_text(100 * figures['share'])} of the" not in text:
                problems.append(f"the share is not stated as in the table: {text}")
            if finding.kind == "highest" and "ward_code" in figures:
                problems += _highest_problems(finding, frame)
        if "part" in figures:
            part = _row(table, frame, figures, key="part")
            problems += _check_row(finding, part, prefix="part_")
        if "most_count" in figures or any(p.search(text) for p in MOST_CLAIMS):
            checked += 1
            problems += _most_problems(finding, frame)
        if "hot_spots" in figures:
            checked += 1
            hot = int((frame["status"] != "Not significant").sum())
            if hot != figures["hot_spots"] or not text.startswith(f"{hot} of "):
                problems.append(f"{hot} hot spots in the table: {text}")
    return problems, checked


def _highest_problems(finding: Finding, frame: pd.DataFrame) -> list[str]:
    leaders = frame[frame["rank"] == frame["rank"].min()]
    wards = re.match(r"(.+?) had the most .+ of the (\d+) wards: ([\d,]+)", finding.sentence)
    if wards is None:
        return [f"no 'had the most … of the N wards: count': {finding.sentence}"]
    named, n, count = wards.groups()
    problems = []
    if int(n) != len(frame):
        problems.append(f"the table has {len(frame)} wards: {finding.sentence}")
    if _int(count) != int(leaders["count"].iloc[0]):
        problems.append(f"the most is {leaders['count'].iloc[0]}: {finding.sentence}")
    if any(name not in named for name in leaders["ward_name"]):
        problems.append(f"the most is in {list(leaders['ward_name'])}: {finding.sentence}")
    return problems


def _most_problems(finding: Finding, frame: pd.DataFrame) -> list[str]:
    """A "most of them in X" claim against the count of the table's rows by ward."""
    text, figures = finding.sentence, finding.figures
    by_ward = Counter(frame["ward_name"])
    top = max(by_ward.values())
    leaders = sorted(w for w, n in by_ward.items() if n == top)
    problems = []
    if (figures.get("most_count"), figures.get("most_wards", "").split("|")) != (top, leaders):
        problems.append(f"the table has {top} in {leaders}, the figures say otherwise: {text}")
    if (m := MOST_OF_THEM.search(text)) and not (
            _int(m.group(1) or str(top)) == top and 2 * top > len(frame)
            and leaders == [m.group(2)]):
        problems.append(f"'most of them' but {top} of {len(frame)} in {leaders}: {text}")
    if (m := EACH_IN.search(text)) and not (
            _int(m.group(1)) == top and len(leaders) > 1
            and all(w in m.group(2) for w in leaders)):
        problems.append(f"'each in' but {top} in {leaders}: {text}")
    if (m := ONE_IN.search(text)) and not (
            _int(m.group(1)) == top and leaders == [m.group(2)]):
        problems.append(f"'more than in any other' but {top} in {leaders}: {text}")
    if not any(p.search(text) for p in MOST_CLAIMS):
        problems.append(f"the sentence names no ward with the most: {text}")
    return problems


def _texts(document: Document) -> list[str]:
    return [b.sentence if isinstance(b, Finding) else b.text for _, b in document.walk()
            if isinstance(b, Finding | Paragraph)]


def change_tables(document: Document) -> list[Table]:
    """Tables of counts in two periods with the exact test of their change."""
    out = []
    for table in document.tables():
        keys = {c.key for c in table.columns}
        if "p_value" in keys and ({"current", "previous"} <= keys
                                  or {"count", "previous_count"} <= keys):
            out.append(table)
    return out


def untold_significant_rows(document: Document) -> list[str]:
    """Significant rows of change tables that no sentence tells (with its label and both
    counts): q < 0.05 where the table adjusts for testing many rows, else p < 0.05."""
    texts = [t.lower() for t in _texts(document)]
    untold = []
    for table in change_tables(document):
        frame = table.frame()
        current = "current" if "current" in frame else "count"
        previous = "previous" if "previous" in frame else "previous_count"
        label = "ward_name" if "ward_name" in frame else table.columns[0].key
        test = "q_value" if "q_value" in frame else "p_value"
        for row in frame[frame[test] < ALPHA].itertuples(index=False):
            pair = f"({count_text(getattr(row, previous))} → {count_text(getattr(row, current))})"
            name = str(getattr(row, label)).lower()
            if not any(pair in t and name in t for t in texts):
                untold.append(f"{table.id}: {name} {pair}")
    return untold


def summary_problems(document: Document, themes: Sequence[Theme]) -> list[str]:
    """What the executive summary fails to tell, read from the performance tables."""
    tables = _tables(document)
    headline = tables["performance_summary"].set_index("group")
    told = [set(PAIR.findall(f.sentence)) for f in summary_findings(document)]

    def pair(row: pd.Series) -> tuple[str, str]:
        return count_text(row["previous"]), count_text(row["current"])

    def telling(row: pd.Series) -> list[int]:
        return [i for i, pairs in enumerate(told) if pair(row) in pairs]

    problems = []
    for theme in themes:
        crime = [c for c in theme.categories if c != ASB_CATEGORY]
        groups = ([theme.name] if crime else []) + (
            [ASB_CATEGORY] if ASB_CATEGORY in theme.categories else [])
        for group in groups:
            row = headline.loc[group]
            if row["p_value"] < ALPHA and not telling(row):
                problems.append(f"priority theme {group} {pair(row)} is not in the summary")
        if len(crime) < 2 or headline.loc[theme.name, "p_value"] >= ALPHA:
            continue
        parent = headline.loc[theme.name]
        parts = tables[f"{theme.id}_performance"].set_index("group").loc[crime]
        for name, part in parts.iterrows():
            same_way = part["p_value"] < ALPHA and (part["change"] > 0) == (parent["change"] > 0)
            if same_way and set(telling(part)) - set(telling(parent)):
                problems.append(f"{name} is told apart from its theme {theme.name}")
    total = headline.loc["Total recorded crime"]
    if total["p_value"] >= ALPHA:
        recent = tables["recent_year_on_year"].set_index("group").loc["Total recorded crime"]
        if not telling(recent):
            problems.append(f"total crime is not significant and the recent direction "
                            f"{pair(recent)} is not in the summary")
    return problems


def register_problems(document: Document) -> list[str]:
    """The summary's sentence on data requirements against the register it cites."""
    summary = next(s for s in document.sections if s.id == "executive_summary")
    sentence = next(b.text for b in summary.children
                    if isinstance(b, Paragraph) and "data requirements register" in b.text)
    register = _tables(document)["data_requirements"]
    problems = []
    if f"lists {len(register)} data requirement" not in sentence:
        problems.append(f"the register has {len(register)} rows: {sentence}")
    owners = {o.strip() for cell in register["owner"] for o in re.split(r",| and ", cell)}
    named = re.search(r"\((.+)\)\.$", sentence).group(1)
    problems += [f"{o} is not named: {sentence}" for o in owners
                 if o and not o.startswith("The partners") and o not in named]
    return problems


def ward_change_findings(document: Document) -> list[Finding]:
    return [f for f in document.findings() if "ward_code" in f.figures and "current" in f.figures]


# ----------------------------------------------------------------------------- the demo


def test_every_stated_figure_share_and_most_agrees_with_the_table_it_cites(document):
    problems, checked = statement_problems(document)
    assert problems == []
    assert checked >= 40


def test_every_summary_finding_with_figures_is_checked_against_its_table(document):
    tables = {t.id: t for t in document.tables()}
    for finding in summary_findings(document):
        if {"current", "count", "most_count", "hot_spots"} & set(finding.figures):
            table = tables[finding.source_table]
            assert _row(table, table.frame(), finding.figures) is not None or (
                {"most_count", "hot_spots"} & set(finding.figures)), finding.sentence


def test_every_significant_change_in_a_table_is_told_by_a_sentence(document):
    assert len(change_tables(document)) >= 8
    assert untold_significant_rows(document) == []


def test_the_summary_tells_every_significant_priority_theme_once(document, borough):
    assert summary_problems(document, borough.config.themes) == []


def test_the_data_requirements_sentence_counts_the_register(document):
    assert register_problems(document) == []


def test_recent_tables_name_the_months_they_compare(document):
    labels = {t.id: [c.label for c in t.columns[1:3]] for t in document.tables()}
    assert labels["recent_change"] == ["Jul–Dec 2025", "Jan–Jun 2025"]
    assert labels["recent_year_on_year"] == ["Jul–Dec 2025", "Jul–Dec 2024"]


def test_ward_findings_feature_only_changes_significant_across_all_wards(document):
    findings = ward_change_findings(document)
    assert findings
    for finding in findings:
        assert finding.figures["q_value"] < ALPHA, finding.sentence
        assert finding.figures["p_value"] <= finding.figures["q_value"]
        assert finding.kind in ("rise", "fall") and finding.source_table.endswith(
            "_ward_changes"), finding.sentence


def test_a_ward_with_a_small_p_value_alone_is_not_featured(document):
    """A ward whose own test gives p < 0.05 but whose change is not significant once every
    ward is tested is not a finding: the Benjamini-Hochberg control is what decides."""
    featured = {(f.source_table.removesuffix("_ward_changes"), f.figures["ward_code"])
                for f in ward_change_findings(document)}
    from scipy.stats import binomtest, false_discovery_control

    borderline = 0
    for table in document.tables():
        if not table.id.endswith("_wards") and table.id != "ward_ranking":
            continue
        frame = table.frame()
        if "previous_count" not in frame:
            continue
        prefix = table.id.removesuffix("_wards")
        p = [binomtest(int(c), int(c + q), 0.5).pvalue if c + q else 1.0
             for c, q in zip(frame["count"], frame["previous_count"], strict=True)]
        q_values = false_discovery_control(p, method="bh")
        for code, p_value, q_value in zip(frame["ward_code"], p, q_values, strict=True):
            assert ((prefix, code) in featured) == (q_value < ALPHA), (table.id, code)
            borderline += p_value < ALPHA <= q_value
    assert borderline >= 1  # the demo has wards that a test per ward alone would feature


# ----------------------------------------------------------------------------- the rules


def _finding(sentence: str, importance: float, kind: str, table: str, **figures) -> Finding:
    return Finding(sentence=sentence, importance=importance, kind=kind, figures=figures,
                   source_table=table)


def _change(group: str, previous: int, current: int, p: float, table: str,
            importance: float, **extra) -> Finding:
    kind = "no-significant-change" if p >= ALPHA else ("rise" if current > previous else "fall")
    return _finding(f"{group} ({previous:,} → {current:,}).", importance, kind, table,
                    group=group, previous=previous, current=current, p_value=p, **extra)


def test_summary_rules_on_hand_made_findings():
    """Total not significant: the recent direction follows it; each significant priority theme
    is told even when other changes are more important; a theme and its part moving the same
    way are one sentence; the opposite part is a story of its own."""
    themes = [Theme(id="acq", name="Acquisitive", categories=["Vehicle crime", "Shoplifting",
                                                              "Burglary"]),
              Theme(id="asb", name="ASB", categories=[ASB_CATEGORY])]
    findings = [
        _change("Total recorded crime", 21082, 20739, 0.094, "performance_summary", 2.3),
        _change("Total recorded crime", 10412, 11031, 0.0001, "recent_year_on_year", 0.5),
        _change("Acquisitive", 6406, 5940, 0.0001, "acq_performance", 8.3),
        _change("Vehicle crime", 1295, 1014, 0.0001, "acq_performance", 8.1),
        _change("Burglary", 1060, 900, 0.001, "acq_performance", 7.0),
        _change("Shoplifting", 2000, 2300, 0.0001, "acq_performance", 7.5),
        _change(ASB_CATEGORY, 4551, 5075, 0.0001, "performance_summary", 0.1),
        *[_change(f"Crime in ward {i}", 100, 200, 0.0001, "wards", 50.0 - i,
                  ward_code=f"W{i}") for i in range(5)],
        *[_change(f"Robbery {i}", 200, 300, 0.0001, "types", 20.0 - i) for i in range(5)],
    ]
    chosen = top_findings([Section(id="all", title="All", level=1, children=tuple(findings))],
                          themes, others=3)
    told = [f.figures["group"] for f in chosen]
    assert told[:2] == ["Total recorded crime", "Total recorded crime"]
    assert chosen[1].source_table == "recent_year_on_year"
    assert ASB_CATEGORY in told and "Acquisitive" in told
    assert "Vehicle crime" not in told and "Burglary" not in told  # one story with their theme
    acquisitive = next(f for f in chosen if f.figures["group"] == "Acquisitive")
    assert "; within it, vehicle crime (1,295 → 1,014)" in acquisitive.sentence
    assert acquisitive.figures["part"] == "Vehicle crime"
    assert told.count("Crime in ward 0") + told.count("Crime in ward 1") == 2
    assert "Crime in ward 2" not in told  # two ward findings at most
    assert "Robbery 0" in told  # the third other change
    assert "Shoplifting" not in told  # opposite to its theme: a story of its own, but not in
    # the three most important others


@pytest.mark.parametrize(("total", "recent", "told"), [
    ((1000, 1100, 0.01), (600, 500, 0.001), True),   # rose over the year, falling lately
    ((1000, 1100, 0.01), (500, 600, 0.001), False),  # the same direction: nothing new
    ((1000, 1100, 0.01), (500, 520, 0.5), False),    # no significant recent change
    ((1000, 1010, 0.8), (500, 520, 0.5), True),      # no significant total: always told
])
def test_the_recent_direction_follows_the_total_when_it_adds_to_it(total, recent, told):
    findings = (_change("Total recorded crime", *total, "performance_summary", 2.0),
                _change("Total recorded crime", *recent, "recent_year_on_year", 0.5))
    chosen = top_findings([Section(id="all", title="All", level=1, children=findings)])
    assert [f.source_table for f in chosen] == (
        ["performance_summary", "recent_year_on_year"] if told else ["performance_summary"])


def test_without_the_same_months_a_year_earlier_the_recent_direction_is_not_available(
        borough, tmp_path):
    """July-December 2023 against January-June 2023: the demo holds no 2022, so the recent
    direction cannot be computed; the overview and Appendix A say so, the rest is built."""
    import shutil

    from cspkit.assessment.build import build_assessment
    from cspkit.assessment.document import Callout
    from cspkit.warehouse import connect

    warehouse = tmp_path / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    config = borough.config.model_copy(update={"strategic_period": "2023-07:2023-12",
                                               "targets": []})
    con = connect(warehouse, create=False)
    document = build_assessment(con, config)
    con.disconnect()
    titles = {b.title for _, b in document.walk() if isinstance(b, Callout)}
    assert "Not available: recent direction" in titles
    appendix = next(s for s in document.all_sections() if s.id == "analyses_not_available")
    assert "Not available: recent direction" in {b.title for b in appendix.children}
    assert "recent_year_on_year" not in {t.id for t in document.tables()}
    assert summary_findings(document)[0].figures["group"] == "Total recorded crime"
