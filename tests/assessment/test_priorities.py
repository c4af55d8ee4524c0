"""The "Setting priorities" chapter on the fictional borough: every format written, the
survey's concern read in, the plan's themes, and no tool talk in what the board reads."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pandas as pd
import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from typer.testing import CliRunner

from cspkit.analysis.themes import POLICE_UK_CRIME_TYPES
from cspkit.assessment.priorities_run import PLAN_FILE, PRIORITIES_CSV, write_priorities
from cspkit.assessment.priority_evidence import read_survey_concern, severity_weights
from cspkit.cli import app
from cspkit.errors import CspError
from tests.assessment.test_advice import TOOL_TALK, document_texts

SURVEY = """category,estimate,lower,upper,respondents
Anti-social behaviour,0.62,0.55,0.69,812
Drugs,0.48,0.41,0.55,812
Speeding traffic,0.57,0.50,0.64,812
"""


@pytest.fixture(scope="module")
def run(borough, tmp_path_factory):
    """`csp priorities` on the borough with a survey concern table."""
    root = tmp_path_factory.mktemp("priorities")
    survey = root / "survey_concern.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(app, ["priorities", "--config", str(borough.config_path),
                                      "--out", str(out), "--warehouse",
                                      str(borough.warehouse), "--survey", str(survey)])
    assert result.exit_code == 0, result.output
    return out


def test_every_format_is_written_and_names_the_chapter(run):
    html = (run / "priorities.html").read_text(encoding="utf-8")
    assert "Setting priorities" in html and "priority_matrix" in html
    pdf = subprocess.run(["pdftotext", str(run / "priorities.pdf"), "-"], check=True,
                         capture_output=True, text=True).stdout
    assert "Setting priorities" in pdf and "The priority matrix" in pdf
    word = "\n".join(p.text for p in WordDocument(str(run / "priorities.docx")).paragraphs)
    assert "Setting priorities" in word
    sheets = load_workbook(run / "tables.xlsx").sheetnames
    assert any("The priority matrix" in s for s in sheets)
    assert (run / "data" / "priority_matrix.csv").exists()


def test_priorities_csv_holds_every_candidate_with_the_change_table_counts(run, borough):
    table = pd.read_csv(run / PRIORITIES_CSV)
    assert table["key"].is_unique
    # Volume of each crime type is its strategic-period count, recounted from the warehouse.
    con = duckdb.connect(str(borough.warehouse), read_only=True)
    months = borough.config.period().months
    counts = dict(con.execute(
        "select category, count(*) from incident where source = 'police_crime' and "
        f"lad_code = ? and month in ({', '.join('?' * len(months))}) group by category",
        [borough.manifest.borough.code, *months]).fetchall())
    con.close()
    crime = table[table["kind"] == "crime type"].set_index("name")
    for name, row in crime.iterrows():
        assert row["volume"] == counts[name]
    # Every scored candidate's score is the product of its three parts.
    scored = table[table["scored"]]
    assert (abs(scored["score"] - scored["harm"] * scored["likelihood"] * scored["position"])
            < 1e-9).all()


def test_the_survey_concern_reaches_its_candidates(run):
    table = pd.read_csv(run / PRIORITIES_CSV).set_index("name")
    assert table.loc["Anti-social behaviour", "public_concern"] == 0.62
    assert table.loc["Drugs", "concern_lower"] == 0.41
    # A concern the data do not record is listed, unscored.
    assert table.loc["Speeding traffic", "kind"] == "residents' concern"
    assert not table.loc["Speeding traffic", "scored"]


def test_the_plan_file_proposes_the_robust_top_priorities(run):
    plan = json.loads((run / PLAN_FILE).read_text(encoding="utf-8"))
    table = pd.read_csv(run / PRIORITIES_CSV)
    robust_top = table[(table["robust"]) & (table["rank"] <= plan["top"])]
    assert [t["key"] for t in plan["themes"]] == list(robust_top["key"])
    assert all(t["evidence"] for t in plan["themes"])


def test_no_tool_talk_in_the_chapter(borough, tmp_path):
    run = write_priorities(borough.config_path, warehouse=borough.warehouse,
                           out_dir=tmp_path, formats=("html",))
    talk = [t for t in document_texts(run.document) if TOOL_TALK.search(t)]
    assert talk == []
    words = " ".join(document_texts(run.document))
    assert "Residents' concern is not measured" in words


@pytest.mark.parametrize(("text", "message"), [
    ("category,estimate,lower\nDrugs,0.4,0.3\n", "missing column"),
    ("category,estimate,lower,upper,respondents\nDrugs,high,0.3,0.5,10\n", r"csv:2: estimate"),
    ("category,estimate,lower,upper,respondents\nDrugs,0.6,0.3,0.5,10\n", "between"),
    ("category,estimate,lower,upper,respondents\nDrugs,0.4,0.3,0.5,10\nDrugs,0.4,0.3,0.5,10\n",
     "twice"),
])
def test_a_bad_survey_file_names_the_line_and_the_field(tmp_path, text, message):
    path = tmp_path / "survey_concern.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CspError, match=message):
        read_survey_concern(path)


def test_survey_percentages_are_read_as_shares(tmp_path):
    path = tmp_path / "survey_concern.csv"
    path.write_text("category,estimate,lower,upper,respondents\nDrugs,48,41,55,812\n",
                    encoding="utf-8")
    row = read_survey_concern(path).iloc[0]
    assert (row["estimate"], row["lower"], row["upper"]) == (0.48, 0.41, 0.55)


def test_severity_falls_back_to_harm_ranks_until_every_crime_type_has_a_weight(tmp_path):
    path = tmp_path / "css.toml"
    path.write_text('[weights."Robbery"]\nweight = 10.5\nsource = "entered for the test"\n',
                    encoding="utf-8")
    partial = severity_weights(path)
    assert partial.basis == "harm rank" and "Burglary" in partial.missing
    path.write_text('[weights."Robbery"]\nweight = 10.5\n', encoding="utf-8")
    with pytest.raises(CspError, match="source"):
        severity_weights(path)


def _offences_file(tmp_path, *, source=True, extra=""):
    """A severity file deriving every crime type's weight from offence rows. The figures are
    made up for the test (the ONS table is not shipped, see docs/priorities.md): burglary
    from three offences, every other type from one."""
    lines = (['[source]', 'edition = "test edition"', 'counts = "test counts"', '']
             if source else [])
    rows = [("B1", "test burglary 1", "Burglary", 400.0, 200),
            ("B2", "test burglary 2", "Burglary", 100.0, 100),
            ("B3", "test burglary 3", "Burglary", 1500.0, 10)]
    others = [t for t in POLICE_UK_CRIME_TYPES if t != "Burglary"]
    rows += [(f"T{i}", f"test offence {i}", t, 10.0 + i, 50) for i, t in enumerate(others)]
    for code, offence, crime_type, weight, recorded in rows:
        lines += ["[[offences]]", f'code = "{code}"', f'offence = "{offence}"',
                  f'crime_type = "{crime_type}"', f"weight = {weight}",
                  f"recorded = {recorded}", ""]
    path = tmp_path / "css.toml"
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


def test_a_crime_type_weight_is_derived_from_its_offences_by_recorded_count(tmp_path):
    weights = severity_weights(_offences_file(tmp_path))
    assert weights.basis == "css" and weights.missing == ()
    # By hand: (200 × 400 + 100 × 100 + 10 × 1500) / (200 + 100 + 10) = 105,000 / 310.
    assert weights.weights["Burglary"] == pytest.approx(105000 / 310)
    assert weights.weights["Drugs"] == 10.0 + [t for t in POLICE_UK_CRIME_TYPES
                                               if t != "Burglary"].index("Drugs")
    assert weights.source["edition"] == "test edition"


@pytest.mark.parametrize(("change", "message"), [
    ({"source": False}, "source.edition: name the edition"),
    ({"extra": '\n[[offences]]\ncode = "X1"\noffence = "x"\ncrime_type = "Fraud"\n'
               'weight = 5\nrecorded = 1\n'}, r"offences\[15\].crime_type: 'Fraud'"),
    ({"extra": '\n[[offences]]\ncode = "X1"\noffence = "x"\ncrime_type = "Robbery"\n'
               'weight = 5\n'}, r"offences\[15\].recorded: missing"),
    ({"extra": '\n[[offences]]\ncode = "B1"\noffence = "x"\ncrime_type = "Burglary"\n'
               'weight = 5\nrecorded = 1\n'}, "code 'B1' is listed twice"),
])
def test_an_offence_table_that_cannot_be_traced_is_refused(tmp_path, change, message):
    with pytest.raises(CspError, match=message):
        severity_weights(_offences_file(tmp_path, **change))


def test_a_crime_type_given_both_ways_is_refused(tmp_path):
    path = _offences_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "[source]", '[weights."Robbery"]\nweight = 700\nsource = "s"\n\n[source]', 1),
        encoding="utf-8")
    with pytest.raises(CspError, match="weights.Robbery: also derived"):
        severity_weights(path)
