"""``build_assessment``: the warehouse and a partnership configuration in, one Document out."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from ibis.backends import BaseBackend

from cspkit import __version__
from cspkit.analysis.periods import StrategicPeriod
from cspkit.assessment.chapters.deprivation import deprivation_chapter
from cspkit.assessment.chapters.methods import methods_chapter
from cspkit.assessment.chapters.overview import group_weights, overview_chapter
from cspkit.assessment.chapters.peers import peers_chapter
from cspkit.assessment.chapters.plan_review import plan_review_chapter
from cspkit.assessment.chapters.quality import quality_chapter
from cspkit.assessment.chapters.recommendations import (
    DATA_REQUIREMENTS_TABLE,
    recommendations_chapter,
)
from cspkit.assessment.chapters.summary import summary_chapter
from cspkit.assessment.chapters.theme import theme_chapter
from cspkit.assessment.citing import cite_data
from cspkit.assessment.config import PartnershipConfig
from cspkit.assessment.document import (
    Document,
    InputFile,
    Metadata,
    Section,
    Table,
)
from cspkit.assessment.drafts import decided, draft_recommendations
from cspkit.assessment.evidence import Evidence, Progress, gather
from cspkit.assessment.gaps import data_requirements
from cspkit.assessment.plan_review import PlanReview


def period_text(period: StrategicPeriod) -> str:
    """A period as readers say it.

    >>> period_text(StrategicPeriod("2024-10", "2025-09"))
    '1 October 2024 to 30 September 2025'
    """
    start_year, start_month = (int(x) for x in period.start.split("-"))
    end_year, end_month = (int(x) for x in period.end.split("-"))
    last_day = calendar.monthrange(end_year, end_month)[1]
    return (f"1 {calendar.month_name[start_month]} {start_year} to "
            f"{last_day} {calendar.month_name[end_month]} {end_year}")


def period_year(period: StrategicPeriod) -> str:
    """The year in the title: "2025", or "2024/25" for a period across two years.

    >>> period_year(StrategicPeriod("2025-01", "2025-12")), period_year(
    ...     StrategicPeriod("2024-10", "2025-09"))
    ('2025', '2024/25')
    """
    start, end = period.start[:4], period.end[:4]
    return end if start == end else f"{start}/{end[2:]}"


def input_files(results: Iterable[Any], ledger: pd.DataFrame) -> tuple[InputFile, ...]:
    """The loaded files behind analysis results (each with a ``citation``), from the
    ``load_ledger`` table, for a document's manifest."""
    used = {i for result in results for i in result.citation.load_ids}
    rows = ledger[ledger["load_id"].isin(used)].sort_values(["kind", "file_name", "load_id"])
    return tuple(InputFile(source=str(r.kind), file_name=str(r.file_name), sha256=str(r.sha256))
                 for r in rows.itertuples(index=False))


def partnership_document(config: PartnershipConfig, *, title: str, subtitle: str,
                         period: StrategicPeriod, comparison: StrategicPeriod,
                         sections: Iterable[Section], results: Iterable[Any],
                         ledger: pd.DataFrame, when: str | None = None,
                         settings: dict[str, Any] | None = None,
                         area_names: Iterable[str] = ()) -> Document:
    """A Document of the partnership with its metadata: the periods, the loaded files behind
    ``results`` (:func:`input_files`), the configuration and the software version.

    Parameters
    ----------
    config
        The partnership configuration (its name heads the document; it is recorded whole).
    title, subtitle
        The document's title and subtitle.
    period, comparison
        The period the document covers and the period it is compared with.
    sections
        The document's sections.
    results
        The analysis results cited (each with a ``citation``).
    ledger
        The warehouse's ``load_ledger`` table.
    when
        The period as the cover says it (default :func:`period_text` of ``period``).
    settings
        More settings to record with the configuration (e.g. a profile's topic and areas).
    area_names
        The names of the areas the document covers, as the manifest records them.
    """
    return Document(
        title=title,
        partnership=config.name,
        period_text=when or period_text(period),
        subtitle=subtitle,
        sections=tuple(sections),
        metadata=Metadata(
            period=f"{period.start}:{period.end}",
            comparison_period=f"{comparison.start}:{comparison.end}",
            inputs=input_files(results, ledger),
            config={**config.model_dump(mode="json"), **(settings or {})},
            software_version=__version__,
            area_names=tuple(area_names),
        ),
    )


def _intro(evidence: Evidence) -> str:
    config = evidence.config
    themes = ", ".join(t.name for t in config.themes)
    return (
        f"This Partnership Strategic Assessment, prepared for {config.name}, analyses "
        f"police-recorded crime and anti-social behaviour in "
        f"{' and '.join(evidence.area_names)} for the strategic period "
        f"{period_text(evidence.period)}, against {period_text(evidence.comparison)}. "
        f"It follows the partnership's priority themes ({themes}) through the victim, "
        "offender and location profiles, and names the data still needed where police open "
        "data cannot answer.")


def document_from_evidence(evidence: Evidence, *, analyst_text: str = "",
                           residents: Sequence[Section] = (),
                           plan_review: PlanReview | None = None) -> Document:
    """Write the Document from gathered evidence (no warehouse access); ``residents`` are
    the chapters on what residents said (the survey), placed after the evidence chapters;
    with ``plan_review``, a chapter on last year's plan before the recommendations."""
    config = evidence.config
    weights = group_weights(evidence)
    chapters: list[Section] = [overview_chapter(evidence)]
    chapters += [theme_chapter(evidence, item, weights) for item in evidence.themes]
    chapters += [deprivation_chapter(evidence), peers_chapter(evidence)]
    if plan_review is not None:
        chapters.append(plan_review_chapter(plan_review))
    register = data_requirements(evidence)
    drafts = decided(draft_recommendations(evidence, register), config.draft_recommendations)
    recommendations = recommendations_chapter(config, register, drafts)
    table = next((b for b in _blocks(recommendations)
                  if isinstance(b, Table) and b.id == DATA_REQUIREMENTS_TABLE), None)
    summary = summary_chapter(intro=_intro(evidence), analyst_text=analyst_text,
                              chapters=chapters, themes=config.themes, register=table)
    sections = cite_data([summary, *chapters, *residents, recommendations,
                          quality_chapter(evidence), methods_chapter(evidence)], evidence)
    return partnership_document(
        config, title=f"Partnership Strategic Assessment {period_year(evidence.period)}",
        subtitle=" and ".join(evidence.area_names), period=evidence.period,
        comparison=evidence.comparison, sections=sections, results=evidence.results(),
        ledger=evidence.ledger, area_names=evidence.area_names)


def _blocks(section: Section):
    for child in section.children:
        if isinstance(child, Section):
            yield from _blocks(child)
        else:
            yield child


def build_assessment(con: BaseBackend, config: PartnershipConfig, *, analyst_text: str = "",
                     progress: Progress = lambda _: None,
                     residents: Sequence[Section] = (),
                     plan_review: PlanReview | None = None) -> Document:
    """Build the Partnership Strategic Assessment for a configuration.

    Parameters
    ----------
    con
        Warehouse backend holding the police data, lookups, population, deprivation and
        boundaries.
    config
        The partnership configuration.
    analyst_text
        The analyst's own words (Markdown) for the executive summary
        (:func:`cspkit.assessment.config.analyst_summary`).
    progress
        Called with a short description before each analysis step.
    residents
        The chapter(s) on what residents said (:func:`cspkit.survey.report.survey_chapter`).
    plan_review
        Last year's plan as the tracker holds it (:mod:`cspkit.assessment.plan_review`),
        read by the caller: the assessment then reports on it in a chapter of its own.

    Returns
    -------
    Document

    Raises
    ------
    CspError
        When a core analysis cannot run (unknown area, months of either period not loaded).
    """
    evidence = gather(con, config, progress=progress)
    progress("writing the document")
    return document_from_evidence(evidence, analyst_text=analyst_text, residents=residents,
                                  plan_review=plan_review)
