"""Reading a survey export through its mapping: layouts, codes and bad input."""

import pandas as pd
import pytest
from openpyxl import Workbook

from cspkit.errors import CspError, LoadError
from cspkit.survey.mapping import load_survey_mapping
from cspkit.survey.responses import DONT_KNOW, NO_PLACE, OUTSIDE, read_responses

from .common import MAPPING, WARDS

WIDE = """ID,Ward,Sex,Age,Safe,Concerns,Extra
1,North,Female,16-44,Yes,ASB;Drugs,x
2,South,Male,45+,No,,x
3,south,F,45+,Don't know,Drugs,
4,Elsewhere,Male,16-44,Yes,ASB,
5,,Male,16-44,Perhaps,ASB;Cats,
"""


def _mapping(tmp_path, layout="wide", long=""):
    path = tmp_path / "survey.toml"
    path.write_text(MAPPING.format(layout=layout, long=long), encoding="utf-8")
    return load_survey_mapping(path)


def _read(tmp_path, text, mapping):
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    return read_responses(export, mapping, wards=WARDS)


def test_wide_export_keeps_dont_know_and_blank_apart_from_no(tmp_path):
    responses = _read(tmp_path, WIDE, _mapping(tmp_path))
    r = responses.respondents.set_index("respondent_id")
    assert list(r.index) == ["1", "2", "3"]
    assert r.loc["3", "safe"] == DONT_KNOW and r.loc["2", "safe"] == "Unsafe"
    assert r.loc["3", "sex"] == "female" and r.loc["3", "ward_code"] == "E05000002"
    assert r.loc["1", "concerns:ASB"] == 1 and r.loc["1", "concerns:Drugs"] == 1
    # A blank multi-select answer is not a "no" to every option.
    assert pd.isna(r.loc["2", "concerns:ASB"]) and r.loc["3", "concerns:ASB"] == 0
    assert responses.excluded == {OUTSIDE: 1, NO_PLACE: 1}
    unknown = {(u.field, u.value): u.respondents for u in responses.unknown_codes}
    assert unknown == {("Safe", "Perhaps"): 1, ("Concerns", "Cats"): 1}
    assert responses.unread_columns == ("Extra",)


def test_long_export_reads_like_the_wide_one(tmp_path):
    rows = ["Response,Question,Answer"]
    for line in WIDE.splitlines()[1:]:
        values = line.split(",")
        for code, value in zip(["Ward", "Sex", "Age", "Safe"], values[1:5], strict=True):
            rows.append(f"{values[0]},{code},{value}")
        for choice in values[5].split(";"):
            rows.append(f"{values[0]},Concerns,{choice}")
    long = '[long]\nrespondent = "Response"\nquestion = "Question"\nanswer = "Answer"'
    # Choices given on several rows are joined with the question's own separator.
    (tmp_path / "survey.toml").write_text(MAPPING.format(layout="long", long=long).replace(
        'column = "Concerns"', 'column = "Concerns"\nseparator = "|"'), encoding="utf-8")
    mapping = load_survey_mapping(tmp_path / "survey.toml").model_copy(
        update={"respondent": _mapping(tmp_path).respondent.model_copy(
            update={"id": "Response"})})
    wide = _read(tmp_path, WIDE, _mapping(tmp_path)).respondents
    responses = _read(tmp_path, "\n".join(rows) + "\n", mapping)
    columns = ["respondent_id", "ward_code", "sex", "age_band", "safe", "concerns:ASB",
               "concerns:Drugs"]
    pd.testing.assert_frame_equal(responses.respondents[columns].astype(object),
                                  wide[columns].astype(object))


def test_a_column_the_mapping_reads_but_the_export_lacks_is_an_error(tmp_path):
    with pytest.raises(LoadError, match=r"export.csv:1: survey mapping test_survey reads "
                       r"column\(s\) \['Concerns'\]"):
        _read(tmp_path, "ID,Ward,Sex,Age,Safe\n1,North,F,45+,Yes\n", _mapping(tmp_path))


def test_an_all_blank_column_is_reported(tmp_path):
    text = "ID,Ward,Sex,Age,Safe,Concerns\n1,North,F,45+,,ASB\n2,South,M,45+,,Drugs\n"
    responses = _read(tmp_path, text, _mapping(tmp_path))
    assert responses.blank_columns == ("Safe",)
    assert any("Safe: blank for every respondent" in n for n in responses.notices())


def test_nobody_in_the_partnership_is_an_error(tmp_path):
    text = "ID,Ward,Sex,Age,Safe,Concerns\n1,Elsewhere,F,45+,Yes,ASB\n"
    with pytest.raises(LoadError, match="no respondent lives in the partnership"):
        _read(tmp_path, text, _mapping(tmp_path))


def test_a_repeated_response_id_names_its_line(tmp_path):
    text = "ID,Ward,Sex,Age,Safe,Concerns\n1,North,F,45+,Yes,ASB\n1,South,M,45+,No,ASB\n"
    with pytest.raises(LoadError, match=r"export.csv:3: response id '1' appears twice"):
        _read(tmp_path, text, _mapping(tmp_path))


def test_a_mapping_question_without_answers_names_the_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(MAPPING.format(layout="wide", long="").replace(
        '[question.answers]\n"Yes" = "Safe"\n"No" = "Unsafe"\n', ""), encoding="utf-8")
    with pytest.raises(CspError, match="bad.toml: question.0.*needs column and answers"):
        load_survey_mapping(path)


def test_an_excel_export_with_a_title_row_reads_like_the_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Community safety survey: all responses"])
    for line in WIDE.splitlines():
        sheet.append([int(v) if v.isdigit() else (v or None) for v in line.split(",")])
    path = tmp_path / "export.xlsx"
    book.save(path)
    mapping = _mapping(tmp_path)
    from_excel = read_responses(path, mapping, wards=WARDS).respondents
    from_csv = _read(tmp_path, WIDE, mapping).respondents
    pd.testing.assert_frame_equal(from_excel.drop(columns="line").astype(object),
                                  from_csv.drop(columns="line").astype(object))
