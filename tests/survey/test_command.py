"""`csp survey` end to end on a small warehouse: the CSV tables, pinned against a raking and
weighted shares computed here in plain numpy, and a failed run that writes nothing."""

import csv
import hashlib
import json

import numpy as np
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from cspkit.cli import app


def _run(folder, *extra):
    return CliRunner().invoke(app, [
        "survey", str(folder / "export.csv"), "--mapping", str(folder / "survey.toml"),
        "-c", str(folder / "csp.toml"), "-w", str(folder / "w.duckdb"),
        "--out", str(folder / "out"), *extra])


def _rake_by_hand(cells, wards, age_sex_target, ward_target):
    """Iterative proportional fitting written out: alternately scale to each margin."""
    w = np.ones(len(cells))
    for _ in range(500):
        for keys, target in ((cells, age_sex_target), (wards, ward_target)):
            for key, total in target.items():
                w[keys == key] *= total / w[keys == key].sum()
    return w


def _read(path):
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_survey_concern_csv_matches_a_raking_and_share_computed_by_hand(survey_dir):
    result = _run(survey_dir, "--cap", "0")
    assert result.exit_code == 0, result.output
    rows = _read(survey_dir / "out" / "data" / "survey_concern.csv")
    assert list(rows[0]) == ["category", "estimate", "lower", "upper", "respondents"]
    assert {r["category"] for r in rows} == {"Anti-social behaviour", "Drugs"}
    assert float(rows[0]["estimate"]) >= float(rows[1]["estimate"])

    export = _read(survey_dir / "export.csv")
    cells = np.array([f"{r['Sex'].lower()} {r['Age']}" for r in export])
    wards = np.array([r["Ward"] for r in export])
    # Residents by age band and sex, and by ward, from the population file written above.
    f_young, f_old, m_young, m_old = 29 * 10, 46 * 7, 29 * 11, 46 * 5
    age_sex = {"female 16-44": f_young * 3, "female 45+": f_old * 3,
               "male 16-44": m_young * 4, "male 45+": m_old * 4}
    ward_total = {"North": (f_young + f_old) * 2 + (m_young + m_old),
                  "South": (f_young + f_old) + (m_young + m_old) * 3}
    w = _rake_by_hand(cells, wards, age_sex, ward_total)
    ticked = np.array([r["Concerns"] for r in export], dtype=object)
    answered = ticked != ""
    asb = np.array(["ASB" in t.split(";") for t in ticked], dtype=float)
    expected = np.sum(w[answered] * asb[answered]) / np.sum(w[answered])
    row = next(r for r in rows if r["category"] == "Anti-social behaviour")
    assert_allclose(float(row["estimate"]), expected, rtol=1e-6)
    assert int(row["respondents"]) == int(answered.sum())
    assert float(row["lower"]) < expected < float(row["upper"])

    weighting = _read(survey_dir / "out" / "data" / "survey_weighting.csv")
    for r in weighting:
        assert_allclose(float(r["weighted_share"]), float(r["population_share"]), atol=1e-6)
    assert "Weighted to the population: design effect" in result.output
    manifest = json.loads((survey_dir / "out" / "data" / "manifest.json").read_text())
    digest = hashlib.sha256((survey_dir / "export.csv").read_bytes()).hexdigest()
    assert manifest["inputs"] == [{"source": "survey", "file_name": "export.csv",
                                   "sha256": digest}]


def test_groups_table_has_a_test_per_question_and_dimension(survey_dir):
    assert _run(survey_dir).exit_code == 0
    rows = _read(survey_dir / "out" / "data" / "survey_groups_all.csv")
    asb_by_ward = [r for r in rows if r["answer"] == "ASB" and r["dimension"] == "Ward"]
    assert [r["group"] for r in asb_by_ward] == ["North", "South"]
    assert len({r["p_value"] for r in asb_by_ward}) == 1
    # Planted: 50% in North against 30% in South among about 300 respondents.
    assert float(asb_by_ward[0]["p_value"]) < 0.05


def test_a_question_missing_from_the_export_writes_nothing(survey_dir):
    text = (survey_dir / "export.csv").read_text(encoding="utf-8")
    lines = [",".join(line.split(",")[:5]) for line in text.splitlines()]
    (survey_dir / "export.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(survey_dir)
    assert result.exit_code == 1
    assert "reads column(s) ['Concerns'] that the file does not have" in result.output
    assert not (survey_dir / "out").exists()


def test_small_groups_are_withheld(survey_dir):
    text = (survey_dir / "export.csv").read_text(encoding="utf-8").splitlines()
    # Only three men answer: every comparison by sex must withhold them.
    header, rows = text[0], [r.split(",") for r in text[1:]]
    men = [r for r in rows if r[2] == "Male"]
    for r in men[3:]:
        r[2] = "Female"
    (survey_dir / "export.csv").write_text(
        "\n".join([header] + [",".join(r) for r in rows]) + "\n", encoding="utf-8")
    assert _run(survey_dir).exit_code == 0
    groups = _read(survey_dir / "out" / "data" / "survey_groups_all.csv")
    male = [r for r in groups if r["dimension"] == "Sex" and r["group"] == "Male"]
    assert male and all(r["estimate"] == "[c]" and r["respondents"] == "[c]" for r in male)
