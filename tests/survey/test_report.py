"""The survey's chapter and report: themes of open answers, changes since the previous survey,
the assessment's chapter when the configuration names a survey, and no tool talk."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from cspkit.assessment.config import parse_config
from cspkit.assessment.document import Document, Metadata
from cspkit.errors import LoadError
from cspkit.survey.analysis import analyse_survey
from cspkit.survey.coding import read_coding_frame
from cspkit.survey.mapping import load_survey_mapping
from cspkit.survey.report import survey_document
from cspkit.survey.responses import read_responses
from cspkit.survey.run import survey_chapters
from cspkit.survey.weighting import Weights
from cspkit.warehouse import connect
from tests.assessment.test_advice import TOOL_TALK, document_texts

from .common import CONFIG, MAPPING, WARDS

EXPORT = """ID,Ward,Sex,Age,Safe,Concerns,Better
1,North,Female,16-44,Yes,ASB,More lighting please
2,South,Male,45+,No,Drugs,Police on foot; and lights
3,North,Female,45+,Yes,ASB;Drugs,
4,South,Female,16-44,No,,Youth club
5,North,Male,45+,Don't know,Drugs,My neighbour at number 4 is the problem
6,South,Female,45+,Yes,ASB,Ring Mrs Patel on 07700 900123 about the lights
"""


def _responses(tmp_path, export=EXPORT):
    mapping_path = tmp_path / "survey.toml"
    mapping_path.write_text(MAPPING.format(layout="wide", long="") + '''
[[free_text]]
id = "better"
text = "What would make you feel safer?"
column = "Better"
''', encoding="utf-8")
    path = tmp_path / "export.csv"
    path.write_text(export, encoding="utf-8")
    return read_responses(path, load_survey_mapping(mapping_path), wards=WARDS)


def _weights(n, weight):
    return Weights(weight=np.asarray(weight, dtype=float), raked=np.ones(n, dtype=bool),
                   margins=pd.DataFrame(columns=["margin", "category", "population",
                                                 "respondents", "population_share",
                                                 "sample_share", "weighted_share"]),
                   design_effect=1.0, effective_sample_size=n, trimmed=0, cap=5.0,
                   converged=True)


def _coding(tmp_path, text):
    path = tmp_path / "coding.csv"
    path.write_text(text, encoding="utf-8")
    return path


CODING = """respondent_id,question,themes,publishable
1,better,Street lighting,yes
2,better,Police visibility;Street lighting,
4,better,Youth provision,yes
5,better,Neighbours,no
6,better,Street lighting,yes
"""


def test_themes_are_weighted_shares_of_those_who_wrote_and_only_marked_answers_are_quoted(
        tmp_path):
    responses = _responses(tmp_path)
    coding = read_coding_frame(_coding(tmp_path, CODING), responses.free_text)
    weight = [1.0, 2.0, 1.0, 3.0, 4.0, 5.0]
    analysis = analyse_survey(responses, _weights(6, weight), threshold=0, coding=coding)
    themes = analysis.themes.set_index("theme")
    # Respondents 1, 2, 4, 5 and 6 wrote an answer (weights 1, 2, 3, 4, 5): lighting is 1, 2
    # and 6.
    assert_allclose(themes.loc["Street lighting", "estimate"], (1 + 2 + 5) / (1 + 2 + 3 + 4 + 5))
    assert themes.loc["Street lighting", "respondents"] == 5
    # Answer 6 was marked publishable but names someone and a phone number: never quoted.
    assert sorted(analysis.quotes["text"]) == ["More lighting please", "Youth club"]
    assert any("1 answer(s) marked publishable are not quoted" in n for n in analysis.notices)
    texts = list(document_texts(survey_document(analysis, partnership="Testshire CSP")))
    assert not any("number 4" in t or "Patel" in t for t in texts)


def test_a_coding_row_for_an_answer_not_in_the_export_names_its_line(tmp_path):
    responses = _responses(tmp_path)
    with pytest.raises(LoadError, match=r"coding.csv:3: no open answer to question 'better' "
                       r"from response '3'"):
        read_coding_frame(_coding(tmp_path, CODING.replace("2,better", "3,better")),
                          responses.free_text)


def test_change_since_the_previous_survey_is_tested_as_two_independent_samples(tmp_path):
    now = _responses(tmp_path)
    before = _responses(tmp_path, EXPORT.replace("1,North,Female,16-44,Yes",
                                                 "1,North,Female,16-44,No"))
    weight = [1.0, 2.0, 1.0, 3.0, 4.0, 5.0]
    earlier = analyse_survey(before, _weights(6, weight), threshold=0)
    analysis = analyse_survey(now, _weights(6, weight), threshold=0, previous=earlier)
    row = analysis.change.set_index(["question", "answer"]).loc[("safe", "Safe")]
    # Answering (weights 1, 2, 1, 3, 5): now 1, 3 and 6 are safe, before only 3 and 6.
    assert_allclose(row["estimate"], 7 / 12)
    assert_allclose(row["previous"], 6 / 12)
    se_now = analysis.overall.set_index(["question", "answer"]).loc[("safe", "Safe"), "se"]
    se_before = earlier.overall.set_index(["question", "answer"]).loc[("safe", "Safe"), "se"]
    z = (7 / 12 - 6 / 12) / np.hypot(se_now, se_before)
    assert_allclose(row["p_value"], 2 * stats.norm.sf(z))


def test_the_assessment_holds_the_survey_chapter_only_when_configured(survey_dir):
    con = connect(survey_dir / "w.duckdb", create=False)
    try:
        assert survey_chapters(con, parse_config(CONFIG), survey_dir) == []
        configured = parse_config(CONFIG + '\n[survey]\nexport = "export.csv"\n'
                                  'mapping = "survey.toml"\n')
        [chapter] = survey_chapters(con, configured, survey_dir)
    finally:
        con.disconnect()
    assert chapter.title == "What residents told us"
    tables = {b.id for b in chapter.children if hasattr(b, "columns")}
    assert {"survey_results", "survey_concern", "survey_groups",
            "survey_weighting"} <= tables


def test_the_survey_report_never_talks_about_the_tool(survey_dir):
    con = connect(survey_dir / "w.duckdb", create=False)
    try:
        configured = parse_config(CONFIG + '\n[survey]\nexport = "export.csv"\n'
                                  'mapping = "survey.toml"\n')
        [chapter] = survey_chapters(con, configured, survey_dir)
    finally:
        con.disconnect()
    document = Document(title="t", partnership="p", period_text="", sections=(chapter,),
                        metadata=Metadata(period="", comparison_period=""))
    assert [t for t in document_texts(document) if TOOL_TALK.search(t)] == []
