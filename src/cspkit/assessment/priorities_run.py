"""``write_priorities``: the warehouse, the configuration, the scoring scheme and (when there
is one) the survey's concern table in; the "Setting priorities" document in every format,
``priorities.csv`` and ``priorities_plan.json`` out. :func:`consultation`: the same chapter,
and the survey's, inside the assessment (``[survey]`` and ``[priorities]`` of the
configuration), from the assessment's evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from ibis.backends import BaseBackend

from cspkit import __version__
from cspkit.analysis.priorities import (
    PriorityScheme,
    load_scheme,
    priority_scores,
    weight_sensitivity,
)
from cspkit.assessment.build import input_files, period_text, period_year
from cspkit.assessment.config import load_config
from cspkit.assessment.document import Document, Metadata, Section
from cspkit.assessment.evidence import Evidence, Progress, gather
from cspkit.assessment.priorities import PriorityResult, plan_themes, priorities_chapter
from cspkit.assessment.priority_evidence import (
    SeverityWeights,
    candidate_measures,
    concern_table,
    read_survey_concern,
    severity_weights,
)
from cspkit.render.csv_bundle import write_csv_bundle
from cspkit.render.excel import write_xlsx
from cspkit.render.html import write_html
from cspkit.render.pdf import write_pdf
from cspkit.render.word import write_docx
from cspkit.survey.analysis import SurveyAnalysis
from cspkit.survey.report import survey_chapter
from cspkit.survey.run import configured_survey
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


def scheme_and_severity(scheme: Path | None) -> tuple[PriorityScheme, SeverityWeights]:
    """The scoring scheme at ``scheme`` (the default shipped when None) and the severity
    weights it names (``severity_file``, relative to the scheme; the file shipped when it
    names none)."""
    plan = load_scheme(scheme)
    severity_file = (scheme.parent / plan.severity_file
                     if scheme is not None and plan.severity_file else None)
    return plan, severity_weights(severity_file)


def score_priorities(con: BaseBackend, evidence: Evidence, plan: PriorityScheme,
                     severity: SeverityWeights, *, concern: pd.DataFrame | None,
                     progress: Progress = lambda _: None) -> PriorityResult:
    """Every candidate of the evidence measured, scored by the scheme and put through the
    weights' sensitivity check; ``concern`` is the survey's public-concern table (None: not
    measured)."""
    measures = candidate_measures(con, evidence, survey=concern, severity=severity,
                                  progress=progress)
    progress("scoring")
    scores = priority_scores(measures, plan)
    return PriorityResult(scores=scores, sensitivity=weight_sensitivity(scores),
                          severity=severity, survey_used=concern is not None)


def build_priorities(con, config, *, survey: Path | None = None, scheme: Path | None = None,
                     progress: Progress = lambda _: None) -> tuple[Document, PriorityResult]:
    """Gather the evidence, score the candidates and write the chapter as a Document."""
    plan, severity = scheme_and_severity(scheme)
    concern = read_survey_concern(survey) if survey is not None else None
    evidence = gather(con, config, progress=progress)
    result = score_priorities(con, evidence, plan, severity, concern=concern,
                              progress=progress)
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


@dataclass(frozen=True)
class Consultation:
    """The assessment's chapters on what residents said and on setting priorities, as its
    configuration asks (``[survey]``, ``[priorities]``).

    Attributes
    ----------
    chapters
        "What residents told us" (with ``[survey]``), then "Setting priorities" (with
        ``[priorities]``).
    survey
        The analysed survey, or None.
    priorities
        The scored candidates, or None.
    """

    chapters: tuple[Section, ...] = ()
    survey: SurveyAnalysis | None = None
    priorities: PriorityResult | None = None


def consultation(con: BaseBackend, evidence: Evidence, base: Path, *,
                 progress: Progress = lambda _: None) -> Consultation:
    """The survey and the priorities the evidence's configuration names, from the same
    evidence (its scope is not resolved again); paths are relative to ``base``, the
    configuration's folder. Residents' concern comes from the survey when there is one, else
    from ``priorities.concern``.

    Raises
    ------
    CspError
        A survey, scheme or concern file that cannot be used, naming the file.
    """
    config = evidence.config
    survey = None
    if config.survey is not None:
        progress("residents' survey")
        survey = configured_survey(con, config, base, scope=evidence.scope)
    chapters = [survey_chapter(survey)] if survey is not None else []
    setting = config.priorities
    result = None
    if setting is not None:
        plan, severity = scheme_and_severity(base / setting.scheme if setting.scheme else None)
        if survey is not None:
            concern = concern_table(survey.concern) if survey.concern is not None else None
        else:
            concern = read_survey_concern(base / setting.concern) if setting.concern else None
        result = score_priorities(con, evidence, plan, severity, concern=concern,
                                  progress=progress)
        chapters.append(priorities_chapter(result))
    return Consultation(chapters=tuple(chapters), survey=survey, priorities=result)


def write_priority_files(result: PriorityResult, directory: str | Path, *, partnership: str,
                         period: str) -> dict[str, Path]:
    """Write ``priorities.csv`` (every candidate's measures, scores and sensitivity) and
    ``priorities_plan.json`` (the robust top priorities as proposed plan themes) into
    ``directory``; returns name → path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path = directory / PRIORITIES_CSV
    result.table().to_csv(csv_path, index=False)
    plan_path = directory / PLAN_FILE
    plan_path.write_text(json.dumps({
        "partnership": partnership,
        "period": period,
        "scheme": result.scores.scheme.name,
        "top": result.sensitivity.top,
        "robust_share": result.sensitivity.robust_share,
        "themes": plan_themes(result),
        "weight_dependent": [str(n) for n in result.weight_dependent()["name"]],
    }, indent=2) + "\n", encoding="utf-8")
    return {PRIORITIES_CSV: csv_path, PLAN_FILE: plan_path}


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
    run.written.update(write_priority_files(result, out, partnership=config.name,
                                            period=document.metadata.period))
    return run
