"""The "Setting priorities" chapter: the priority matrix as a table and a chart, the robust
top priorities, and the reasoning in words; and the rows of ``priorities.csv`` and the plan's
proposed themes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from cspkit.analysis.priorities import CRITERIA, PriorityScores, WeightSensitivity
from cspkit.assessment.document import Block, Column, Finding, Paragraph, Section, Table
from cspkit.assessment.figures import bar_chart
from cspkit.assessment.priority_evidence import SeverityWeights
from cspkit.assessment.wording import count_text, names_text, share_text

MATRIX_TABLE = "priority_matrix"
CRITERIA_TABLE = "priority_criteria"
CHART_ROWS = 15

CRITERION_WORDS: dict[str, str] = {
    "severity": "Severity per offence",
    "volume": "Volume in the strategic period",
    "trend": "Change on the comparison period, when statistically significant",
    "concentration": "Share in the top 10% of neighbourhoods",
    "vulnerability": "Share in vulnerable localities",
    "repeat_victims": "Share of victims who were victims again",
    "public_concern": "Share of residents naming it a concern",
    "capacity": "The partnership's organisational position",
}
GROUP_WORDS = {"harm": "Harm", "likelihood": "Likelihood", "position": "Organisational position"}


@dataclass(frozen=True, eq=False)
class PriorityResult:
    """Scores, their sensitivity and what they were scored from, for the chapter."""

    scores: PriorityScores
    sensitivity: WeightSensitivity
    severity: SeverityWeights
    survey_used: bool

    def table(self) -> pd.DataFrame:
        """Every candidate's measures, scores, rank and sensitivity (``priorities.csv``)."""
        extra = self.sensitivity.table.drop(columns=["rank"])
        return self.scores.table.merge(extra, on="key", how="left")

    def proposed(self) -> pd.DataFrame:
        """The robust candidates within the top ranks, best first."""
        t = self.table()
        return t[t["robust"] & (t["rank"] <= self.sensitivity.top)].reset_index(drop=True)

    def weight_dependent(self) -> pd.DataFrame:
        """Candidates in the top ranks with the agreed weights, or in at least a fifth of
        the draws, that are not robust."""
        t = self.table()
        top = t["rank"].fillna(len(t) + 1) <= self.sensitivity.top
        return t[~t["robust"] & (top | (t["share_top"] >= 0.2))].reset_index(drop=True)


def plan_themes(result: PriorityResult) -> list[dict[str, Any]]:
    """The proposed priorities as plan themes, with their evidence (``priorities_plan.json``)."""
    out = []
    for row in result.proposed().itertuples(index=False):
        out.append({
            "key": row.key, "name": row.name, "kind": row.kind,
            "categories": [c for c in row.categories.split("; ") if c],
            "rank": int(row.rank), "score": round(float(row.score), 2),
            "share_in_top": round(float(row.share_top), 3),
            "evidence": [e for e in row.evidence.split("; ") if e],
        })
    return out


def _criteria_table(result: PriorityResult) -> Table:
    scheme = result.scores.scheme
    rows = []
    for criterion, group in CRITERIA.items():
        weight = scheme.weights.get(criterion, 0.0)
        state = ("not measured" if criterion in result.scores.not_measured
                 else "not used" if weight == 0 else "measured")
        rows.append({"group": GROUP_WORDS[group], "criterion": CRITERION_WORDS[criterion],
                     "weight": weight, "state": state})
    return Table(id=CRITERIA_TABLE, caption="Criteria and their weights within each part",
                 columns=(Column("group", "Part"), Column("criterion", "Criterion"),
                          Column("weight", "Weight", "decimal2"), Column("state", "Used")),
                 rows=pd.DataFrame(rows), source="priorities.priority_scores",
                 notes=("A part's score is the weighted mean of its criteria's scores (1 to 5) "
                        "over the criteria measured for the candidate; the priority score is "
                        "harm × likelihood × organisational position (1 to 125).",))


def _matrix_table(result: PriorityResult) -> Table:
    t = result.table()
    top = result.sensitivity.top
    rows = t.assign(robust_text=[("Yes" if r else "No") if s else "Not scored"
                                 for r, s in zip(t["robust"], t["scored"], strict=True)])
    return Table(
        id=MATRIX_TABLE, caption="The priority matrix: every candidate, highest score first",
        columns=(Column("rank", "Rank", "integer"), Column("name", "Candidate"),
                 Column("kind", "Drawn from"), Column("harm", "Harm", "decimal1"),
                 Column("likelihood", "Likelihood", "decimal1"),
                 Column("position", "Position", "decimal1"),
                 Column("score", "Score", "decimal1"),
                 Column("share_top", f"In top {top} (share of draws)", "percent"),
                 Column("robust_text", "Robust")),
        rows=rows, source="priorities.priority_scores",
        notes=(f"Each part is scored 1 to 5; the score is their product. The last two columns "
               f"come from {count_text(result.sensitivity.draws)} redraws of the weights "
               f"(each within ±{share_text(result.sensitivity.weight_range)} of its agreed "
               f"value): a candidate is robust when it stays in the top {top} in at least "
               f"{share_text(result.sensitivity.robust_share)} of them.",))


def _chart(result: PriorityResult) -> Block:
    t = result.table()
    shown = t[t["scored"]].head(CHART_ROWS)
    values = [{"candidate": str(r.name), "score": round(float(r.score), 1)}
              for r in shown.itertuples(index=False)]
    first = values[0] if values else {"candidate": "", "score": 0.0}
    return bar_chart(
        id="priority_chart", title=f"Priority score, the {len(values)} highest candidates",
        values=values, category="candidate", value="score", category_title="Candidate",
        value_title="Priority score (1 to 125)", sort=[v["candidate"] for v in values],
        alt_text=(f"Bar chart of priority scores for {len(values)} candidates; "
                  f"{first['candidate']} scores highest at {first['score']}."),
        source="priorities.priority_scores", table_id=MATRIX_TABLE)


def _method_words(result: PriorityResult) -> list[Block]:
    t = result.table()
    kinds = t["kind"].value_counts()
    drawn = names_text([f"{count_text(n)} {kind}{'s' if n != 1 else ''}"
                        for kind, n in kinds.items()])
    blocks: list[Block] = [Paragraph(
        f"Candidate priorities come from the assessment"
        f"{' and from residents' if result.survey_used else ''}: {drawn}. Each "
        "is scored on harm (severity per offence and volume), likelihood (a statistically "
        "significant change, concentration in a few neighbourhoods, incidents in vulnerable "
        "localities and repeat victims where person-level data exist) and the partnership's "
        "organisational position (residents' concern and the partnership's capacity), and the "
        "three scores are multiplied, as in the Management of Risk in Law Enforcement "
        "(MoRiLE) matrix.")]
    severity = result.severity
    if severity.basis == "css":
        source = severity.source
        blocks.append(Paragraph(
            "Severity is the Crime Severity Score weight of each crime type "
            f"({source.get('publisher', '')}, {source.get('title', '')}"
            f"{', ' + source['edition'] if source.get('edition') else ''}); a theme takes "
            "the mean of its crime types' weights, weighted by their counts."))
    else:
        blocks.append(Paragraph(
            "Severity is the partnership's harm rank of each crime type, which follows the "
            "order of the ONS Crime Severity Score (violence, robbery and weapons highest; "
            "thefts lowest), because published severity weights were not available for every "
            "crime type; a theme takes the mean of its crime types' ranks, weighted by their "
            "counts."))
    if not result.survey_used:
        blocks.append(Paragraph(
            "Residents' concern is not measured: no residents' survey was available, so the "
            "organisational position rests on the partnership's capacity alone where it was "
            "entered."))
    if "capacity" in result.scores.not_measured:
        blocks.append(Paragraph(
            "The partnership's capacity was not entered for any candidate; that criterion "
            "does not change the order."))
    unscored = t[~t["scored"]]
    if len(unscored):
        blocks.append(Paragraph(
            f"{names_text(list(unscored['name']))} could not be scored: the data hold no "
            "measure of their harm or likelihood."))
    return blocks


def _conclusion(result: PriorityResult) -> list[Block]:
    top = result.sensitivity.top
    proposed = result.proposed()
    depends = result.weight_dependent()
    blocks: list[Block] = []
    if len(proposed):
        names = names_text(list(proposed["name"]))
        blocks.append(Finding(
            sentence=(f"{names} {'stay' if len(proposed) > 1 else 'stays'} in the top {top} "
                      "whatever reasonable weights are used, and "
                      f"{'are' if len(proposed) > 1 else 'is'} proposed as "
                      f"{'priorities' if len(proposed) > 1 else 'a priority'} for the plan."),
            importance=3.0, kind="note",
            figures={"proposed": len(proposed), "top": top}, source_table=MATRIX_TABLE))
    else:
        blocks.append(Finding(
            sentence=(f"No candidate stays in the top {top} under every reasonable weighting: "
                      "the choice of priorities rests on the weights the partnership agrees."),
            importance=3.0, kind="note", figures={"top": top}, source_table=MATRIX_TABLE))
    if len(depends):
        parts = [f"{r.name} ({share_text(r.share_top)} of draws)"
                 for r in depends.itertuples(index=False)]
        blocks.append(Paragraph(
            f"The remaining places depend on the weights: {names_text(parts)} "
            f"{'move' if len(parts) > 1 else 'moves'} in and out of the top {top} as the "
            "weights change. The partnership should choose among them on judgement, "
            "recording why."))
    return blocks


def _evidence_section(result: PriorityResult) -> Section:
    proposed = result.proposed()
    children: list[Block] = [
        Paragraph(f"{row.name}: {row.evidence}." if row.evidence else f"{row.name}.")
        for row in proposed.itertuples(index=False)]
    if not children:
        children = [Paragraph("No candidate was robust enough to propose without the "
                              "partnership's judgement; the matrix above gives the evidence.")]
    return Section(id="priority_evidence", title="The evidence for the proposed priorities",
                   level=2, children=tuple(children))


def priorities_chapter(result: PriorityResult) -> Section:
    """The "Setting priorities" chapter."""
    children: list[Block] = [*_conclusion(result), *_method_words(result),
                             _matrix_table(result), _chart(result), _criteria_table(result),
                             _evidence_section(result)]
    return Section(id="priorities", title="Setting priorities", level=1,
                   children=tuple(children))
