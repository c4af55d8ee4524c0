"""``write_priorities``: the warehouse, the configuration, the scoring scheme and (when there
is one) the survey's concern table in; the "Setting priorities" document in every format,
``priorities.csv`` and ``priorities_plan.json`` out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cspkit import __version__
from cspkit.analysis.priorities import load_scheme, priority_scores, weight_sensitivity
from cspkit.assessment.build import input_files, period_text, period_year
from cspkit.assessment.config import load_config
from cspkit.assessment.document import Document, Metadata
from cspkit.assessment.evidence import Progress, gather
from cspkit.assessment.priorities import PriorityResult, plan_themes, priorities_chapter
from cspkit.assessment.priority_evidence import (
    candidate_measures,
    read_survey_concern,
    severity_weights,
)
from cspkit.render.csv_bundle import write_csv_bundle
from cspkit.render.excel import write_xlsx
from cspkit.render.html import write_html
from cspkit.render.pdf import write_pdf
from cspkit.render.word import write_docx
from cspkit.warehouse import connect

PRIORITIES_CSV = "priorities.csv"
PLAN_FILE = "priorities_plan.json"
WRITERS = {"html": write_html, "docx": write_docx, "pdf": write_pdf}


@dataclass
class PrioritiesRun:
    """What :func:`write_priorities` wrote."""

    document: Document
    result: PriorityResult
    written: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> list[str]:
        """Lines for the command line."""
        proposed = self.result.proposed()
        lines = [f"{self.document.title}: {len(self.result.table())} candidates scored"]
        lines += [f"  proposed: {name}" for name in proposed["name"]]
        lines += [f"  {name}: {path}" for name, path in self.written.items()]
        return lines


def build_priorities(con, config, *, survey: Path | None = None, scheme: Path | None = None,
                     progress: Progress = lambda _: None) -> tuple[Document, PriorityResult]:
    """Gather the evidence, score the candidates and write the chapter as a Document."""
    plan = load_scheme(scheme)
    severity_file = (Path(scheme).parent / plan.severity_file
                     if scheme is not None and plan.severity_file else None)
    severity = severity_weights(severity_file)
    concern = read_survey_concern(survey) if survey is not None else None
    evidence = gather(con, config, progress=progress)
    measures = candidate_measures(con, evidence, survey=concern, severity=severity,
                                  progress=progress)
    progress("scoring")
    scores = priority_scores(measures, plan)
    result = PriorityResult(scores=scores, sensitivity=weight_sensitivity(scores),
                            severity=severity, survey_used=concern is not None)
    document = Document(
        title=f"Setting priorities {period_year(evidence.period)}",
        partnership=config.name, period_text=period_text(evidence.period),
        subtitle=" and ".join(evidence.area_names),
        sections=(priorities_chapter(result),),
        metadata=Metadata(
            period=f"{evidence.period.start}:{evidence.period.end}",
            comparison_period=f"{evidence.comparison.start}:{evidence.comparison.end}",
            inputs=input_files(evidence.results(), evidence.ledger),
            config={"partnership": config.model_dump(mode="json"),
                    "scheme": plan.model_dump(mode="json")},
            software_version=__version__))
    return document, result


def write_priorities(config_path: str | Path, *, warehouse: str | Path, out_dir: str | Path,
                     survey: str | Path | None = None, scheme: str | Path | None = None,
                     formats: tuple[str, ...] = ("html", "docx", "pdf"),
                     progress: Progress = lambda _: None) -> PrioritiesRun:
    """Score the candidate priorities and write ``priorities.html``/``.docx``/``.pdf``,
    ``tables.xlsx``, ``data/`` (the chapter's tables as CSV with ``manifest.json``),
    ``priorities.csv`` (every candidate's measures, scores and sensitivity) and
    ``priorities_plan.json`` (the robust top priorities as proposed plan themes).

    Raises
    ------
    CspError
        A configuration, scheme, survey, warehouse or analysis problem, naming what to fix.
    """
    config = load_config(config_path)
    con = connect(warehouse, create=False)
    try:
        document, result = build_priorities(
            con, config, survey=Path(survey) if survey else None,
            scheme=Path(scheme) if scheme else None, progress=progress)
    finally:
        con.disconnect()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = PrioritiesRun(document=document, result=result)
    for name in formats:
        run.written[name] = WRITERS[name](document, out / f"priorities.{name}")
    run.written["xlsx"] = write_xlsx(document, out / "tables.xlsx")
    run.written["data"] = write_csv_bundle(document, out / "data")
    csv_path = out / PRIORITIES_CSV
    result.table().to_csv(csv_path, index=False)
    run.written[PRIORITIES_CSV] = csv_path
    plan_path = out / PLAN_FILE
    plan_path.write_text(json.dumps({
        "partnership": config.name,
        "period": document.metadata.period,
        "scheme": result.scores.scheme.name,
        "top": result.sensitivity.top,
        "robust_share": result.sensitivity.robust_share,
        "themes": plan_themes(result),
        "weight_dependent": [str(n) for n in result.weight_dependent()["name"]],
    }, indent=2) + "\n", encoding="utf-8")
    run.written[PLAN_FILE] = plan_path
    return run
