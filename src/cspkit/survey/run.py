"""From a survey export and its mapping to the analysed survey, with the warehouse's areas
and population."""

from __future__ import annotations

from pathlib import Path

from ibis.backends import BaseBackend

from cspkit.analysis.scope import Scope, resolve_scope
from cspkit.assessment.config import PartnershipConfig
from cspkit.assessment.document import Section
from cspkit.sources.partner.loading import postcode_lookup
from cspkit.survey.analysis import SurveyAnalysis, analyse_survey
from cspkit.survey.coding import read_coding_frame
from cspkit.survey.mapping import load_survey_mapping
from cspkit.survey.report import survey_chapter
from cspkit.survey.responses import read_responses
from cspkit.survey.weighting import population_margins, rake_weights

DEFAULT_CAP = 5.0
"""Weights are trimmed at five times the mean weight (a common rule; see docs/survey.md)."""


def survey_scope(con: BaseBackend, config: PartnershipConfig) -> Scope:
    """The partnership's areas resolved to LSOAs and wards, over its strategic period (no
    month is checked: a survey reads no incidents)."""
    return resolve_scope(con, areas=config.areas, period=config.period(), compare=None,
                         source=None)


def analyse_export(con: BaseBackend, export: str | Path, mapping: str | Path, *,
                   scope: Scope, threshold: int = 5, cap: float = DEFAULT_CAP,
                   previous: tuple[str | Path, str | Path] | None = None,
                   coding: str | Path | None = None) -> SurveyAnalysis:
    """Read, weight and analyse a survey export.

    Parameters
    ----------
    con
        The warehouse (area lookup, postcode lookup, population by sex and age).
    export, mapping
        The survey export and its mapping file.
    scope
        The partnership's areas (:func:`survey_scope`): respondents elsewhere are not
        analysed.
    threshold
        The suppression threshold.
    cap
        Weight trimming, as a multiple of the mean weight (0: none).
    previous
        The previous survey's export and mapping, for changes.
    coding
        The analyst's coding frame of the open answers.

    Raises
    ------
    CspError
        On any problem with the files or the warehouse; nothing is written then.
    """
    wards = scope.lsoas[["lsoa_code", "ward_code", "ward_name"]]

    def analyse(export_path: str | Path, mapping_path: str | Path,
                earlier: SurveyAnalysis | None, coding_path: str | Path | None
                ) -> SurveyAnalysis:
        survey_mapping = load_survey_mapping(mapping_path)
        postcodes = (postcode_lookup(con) if survey_mapping.respondent.postcode is not None
                     else None)
        responses = read_responses(export_path, survey_mapping, wards=wards,
                                   postcodes=postcodes)
        margins = population_margins(con, scope.lsoas, survey_mapping.respondent.age_bands)
        weights = rake_weights(responses.respondents, margins, cap=cap)
        frame = (read_coding_frame(coding_path, responses.free_text)
                 if coding_path is not None else None)
        return analyse_survey(responses, weights, threshold=threshold, previous=earlier,
                              coding=frame)

    earlier = analyse(*previous, None, None) if previous is not None else None
    return analyse(export, mapping, earlier, coding)


def configured_survey(con: BaseBackend, config: PartnershipConfig, base: Path, *,
                      scope: Scope | None = None) -> SurveyAnalysis | None:
    """The survey the configuration names (``[survey]``, paths relative to ``base``, the
    configuration's folder) read, weighted and analysed; None when it names none.

    ``scope`` is the partnership's resolved areas when the caller has them (the assessment's
    evidence); else they are resolved here (:func:`survey_scope`).
    """
    survey = config.survey
    if survey is None:
        return None

    def path(name: str) -> Path | None:
        return base / name if name else None

    previous = ((path(survey.previous), path(survey.previous_mapping or survey.mapping))
                if survey.previous else None)
    return analyse_export(con, path(survey.export), path(survey.mapping),
                          scope=scope or survey_scope(con, config),
                          threshold=config.suppression_threshold,
                          cap=survey.weight_cap, previous=previous,
                          coding=path(survey.coding))


def survey_chapters(con: BaseBackend, config: PartnershipConfig, base: Path) -> list[Section]:
    """The assessment's "What residents told us" chapter when the configuration names a
    survey (``[survey]``, paths relative to ``base``, the configuration's folder); else none.
    """
    analysis = configured_survey(con, config, base)
    return [] if analysis is None else [survey_chapter(analysis)]
