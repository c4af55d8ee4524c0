"""``assess``: configuration file and warehouse in, every output format written."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cspkit.assessment.advice import analyst_advice
from cspkit.assessment.build import document_from_evidence
from cspkit.assessment.config import PartnershipConfig, analyst_summary, load_config
from cspkit.assessment.document import Document
from cspkit.assessment.evidence import gather, step_count
from cspkit.assessment.plan_review import PlanReview
from cspkit.assessment.priorities_run import consultation, write_priority_files
from cspkit.render import FORMATS, OutputWriters
from cspkit.warehouse import connect

StepProgress = Callable[[str, int, int], None]
"""Called with (what is happening, steps done, steps in all)."""


@dataclass
class AssessmentRun:
    """What :func:`assess` wrote.

    Attributes
    ----------
    document
        The assessment.
    out_dir
        The output folder.
    written
        Format → the file or folder written.
    seconds
        Stage → wall-clock seconds (``analyse`` and one entry per format).
    advice
        What the analyst could add to the configuration or the warehouse
        (:func:`cspkit.assessment.advice.analyst_advice`); never part of the document.
    """

    document: Document
    out_dir: Path
    written: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    advice: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Lines describing what was written, for the command line."""
        doc = self.document
        lines = [f"{doc.title}: {doc.partnership}, {doc.period_text}",
                 f"  {len(doc.all_sections())} sections, {len(doc.tables())} tables, "
                 f"{len(doc.figures())} figures, {len(doc.data_gaps())} data gaps"]
        for name, path in self.written.items():
            lines.append(f"  {name}: {path}")
        lines.append("  time: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items()))
        if self.advice:
            lines.append("To cover more next time:")
            lines += [f"  - {line}" for line in self.advice]
        return lines


def assess(config_path: str | Path, *, warehouse: str | Path, out_dir: str | Path,
           progress: StepProgress | None = None,
           plan_review: PlanReview | None = None,
           config: PartnershipConfig | None = None,
           read_only: bool = False) -> AssessmentRun:
    """Build the assessment described by a configuration file and write every format it asks
    for (``assessment.html``, ``.docx``, ``.pdf``, ``tables.xlsx``, ``data/*.csv`` with
    ``data/manifest.json``). With ``[survey]`` the assessment holds the survey's chapter
    (its tables as ``data/survey_*.csv``); with ``[priorities]`` the "Setting priorities"
    chapter, and ``data/priorities.csv`` and ``data/priorities_plan.json`` are written.

    Parameters
    ----------
    config_path
        The partnership configuration (TOML).
    warehouse
        The warehouse DuckDB file or Ibis URL.
    out_dir
        Folder for the outputs (created if missing).
    progress
        Called with (step, done, total) as the build goes.
    plan_review
        Last year's plan, read from the tracker by the caller: adds the chapter on it.
    config
        The configuration itself, when the caller has derived it from the file at
        ``config_path`` (``csp assess --all``); files it names stay relative to that file.
    read_only
        Open the warehouse read-only, so that several assessments can read it at once.

    Raises
    ------
    CspError
        A configuration, warehouse or analysis problem, naming what to fix.
    """
    if config is None:
        config = load_config(config_path)
    formats = [f for f in FORMATS if f in config.formats]
    total = step_count(config) + 2  # the analyses, building the document, writing the formats
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress is not None:
            progress(what, min(done, total - 1), total)
        done += 1

    # The writers start (and start their chart engine) while the analysis runs.
    with OutputWriters(formats, ahead=True) as writers:
        return _analyse_and_write(config, config_path, warehouse=warehouse, out_dir=out_dir,
                                  read_only=read_only, plan_review=plan_review,
                                  progress=progress, step=step, total=total, formats=formats,
                                  writers=writers)


def _analyse_and_write(config: PartnershipConfig, config_path: str | Path, *,
                       warehouse: str | Path, out_dir: str | Path, read_only: bool,
                       plan_review: PlanReview | None, progress: StepProgress | None,
                       step: Callable[[str], None], total: int, formats: list[str],
                       writers: OutputWriters) -> AssessmentRun:
    con = connect(warehouse, create=False, read_only=read_only)
    try:
        start = time.perf_counter()
        evidence = gather(con, config, progress=step)
        residents = consultation(con, evidence, Path(config_path).parent, progress=step)
    finally:
        con.disconnect()
    step("writing the document")
    document = document_from_evidence(evidence,
                                      analyst_text=analyst_summary(config, config_path),
                                      residents=residents.chapters, plan_review=plan_review)
    recorded = {"warehouse": str(warehouse)}
    if residents.priorities is not None:
        recorded["config"] = {**document.metadata.config, "priority_scheme":
                              residents.priorities.scores.scheme.model_dump(mode="json")}
    document = replace(document, metadata=replace(document.metadata, **recorded))
    run = AssessmentRun(document=document, out_dir=Path(out_dir),
                        advice=analyst_advice(config, document,
                                              config_name=Path(config_path).name))
    run.seconds["analyse"] = time.perf_counter() - start
    if progress is not None:
        progress(f"writing {', '.join(formats)}", total - 1, total)
    start = time.perf_counter()
    written = writers.write(document, out_dir, pdf_engine=config.pdf_engine)
    for name, (path, seconds) in written.items():
        run.written[name] = path
        run.seconds[name] = seconds
    if residents.priorities is not None:
        run.written.update(write_priority_files(
            residents.priorities, Path(out_dir) / "data", partnership=config.name,
            period=document.metadata.period))
    run.seconds["writing (wall)"] = time.perf_counter() - start
    if progress is not None:
        progress("done", total, total)
    return run
