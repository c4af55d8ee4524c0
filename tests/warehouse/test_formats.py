"""Reference files as their publishers issue them: official IoD headers, Excel workbooks with
title rows, ONS estimates by sex, Nomis Census downloads. Values here are made up."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from cspkit.errors import LoadFailed
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

from .conftest import A1, A2, write_csv

IOD_OFFICIAL = [
    "LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",
    "Local Authority District name (2024)",
    "Index of Multiple Deprivation (IMD) Score",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    "Income Score (rate)", "Income Rank (where 1 is most deprived)",
    "Employment Score (rate)", "Education, Skills and Training Score",
    "Crime Score", "Barriers to Housing and Services Score",
    "Income Deprivation Affecting Children Index (IDACI) Score (rate)",
    "Children and Young People Sub-domain Score",
    "Total population: mid 2022 (excluding prisoners)",
]


@pytest.fixture
def con(tmp_path: Path):
    backend = connect(tmp_path / "w.duckdb")
    yield backend
    backend.disconnect()


def deprivation(con) -> dict[tuple[str, str], tuple]:
    frame = con.table("deprivation").to_pandas()
    return {(r.lsoa_code, r.domain): (r.edition, r.score, r.rank, r.decile)
            for r in frame.itertuples()}


def test_official_iod_headers_map_to_domains(con, tmp_path):
    rows = [[A1, "Testton 001A", "E06999001", "Testton", 40.5, 1200, 1, 0.25, 900, 0.2, 35.1,
             1.1, 20.2, 0.3, 0.9, 1500],
            [A2, "Testton 001B", "E06999001", "Testton", 10.25, 25000, 8, 0.05, 30000, 0.04,
             5.5, -0.5, 15.0, 0.06, -0.4, 1400]]
    load_paths(con, [write_csv(tmp_path / "File_7_IoD2025_scores.csv", IOD_OFFICIAL, rows)])
    got = deprivation(con)
    assert got[(A1, "imd")] == ("IoD2025", 40.5, 1200, 1)
    assert got[(A2, "income")][1:3] == (0.05, 30000)
    assert got[(A1, "education")][1] == 35.1
    assert got[(A1, "crime")][1] == 1.1
    assert got[(A1, "housing")][1] == 20.2
    assert got[(A1, "idaci")][1] == 0.3
    assert got[(A1, "children_and_young_people_sub_domain")][1] == 0.9
    assert {d for _, d in got} == {"imd", "income", "employment", "education", "crime",
                                   "housing", "idaci", "children_and_young_people_sub_domain"}


@pytest.mark.parametrize("bad", ["west", "1,200", " "])
def test_a_deprivation_value_that_is_not_a_number_names_its_line(con, tmp_path, bad):
    header = ["lsoa21_code", "IMD_score", "IMD_rank", "IMD_decile"]
    rows = [[A1, "40.5", "1200", "1"], [A2, bad, "25000", "8"]]
    with pytest.raises(LoadFailed) as failure:
        load_paths(con, [write_csv(tmp_path / "imd2025_lsoa21.csv", header, rows)])
    assert f"imd2025_lsoa21.csv:3: IMD_score is {bad!r}, expected a number" in str(
        failure.value)
    assert con.table("deprivation").count().execute() == 0


def test_deprivation_values_with_blanks_load_as_nulls(con, tmp_path):
    header = ["lsoa21_code", "IMD_score", "IMD_rank", "IMD_decile", "Income_score"]
    rows = [[A1, "40.5", "1200", "1", ""], [A2, "1e1", "25000", "", "0.25"]]
    load_paths(con, [write_csv(tmp_path / "imd2025_lsoa21.csv", header, rows)])
    got = con.sql("SELECT lsoa_code, domain, score, rank, decile FROM deprivation "
                  "ORDER BY domain, lsoa_code").to_pyarrow().to_pylist()
    assert [tuple(r.values()) for r in got] == [
        (A1, "imd", 40.5, 1200, 1), (A2, "imd", 10.0, 25000, None),
        (A1, "income", None, None, None), (A2, "income", 0.25, None, None)]


def test_excel_workbook_with_title_rows_loads_from_its_header(con, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "IMD25"
    sheet.append(["English Indices of Deprivation 2025"])
    sheet.append(["Index of Multiple Deprivation, ranks and deciles"])
    sheet.append([])
    sheet.append(IOD_OFFICIAL[:4] + [IOD_OFFICIAL[5], IOD_OFFICIAL[6]])
    sheet.append([A1, "Testton 001A", "E06999001", "Testton", 1200, 1])
    sheet.append([A2, "Testton 001B", "E06999001", "Testton", 25000, 8])
    notes = book.create_sheet("Notes")
    notes.append(["Nothing to load here"])
    path = tmp_path / "File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx"
    book.save(path)
    report = load_paths(con, [path])
    got = deprivation(con)
    assert got[(A2, "imd")][2:] == (25000, 8)
    assert [Path(n).name for n, _ in report.not_recognised] == [
        "File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx!Notes"]


def test_ons_estimates_by_sex_are_kept_by_sex_and_summed_to_persons(con, tmp_path):
    header = ["LAD 2021 Code", "LAD 2021 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total"]
    header += [f"F{a}" for a in range(91)] + [f"M{a}" for a in range(91)]
    female = [a % 7 for a in range(91)]
    male = [a % 5 for a in range(91)]
    book = Workbook()
    sheet = book.active
    sheet.title = "Mid-2022 LSOA 2021"
    sheet.append(["Lower layer Super Output Area population estimates"])
    sheet.append(header)
    sheet.append(["E06999001", "Testton", A1, "Testton 001A", sum(female) + sum(male),
                  *female, *male])
    path = tmp_path / "sapelsoasyoa20222024.xlsx"
    book.save(path)
    load_paths(con, [path])
    everyone = con.table("population").to_pandas().sort_values("age_min")
    assert set(everyone["year"]) == {2022}
    pop = everyone[everyone["sex"] == "persons"]
    assert pop["count"].tolist() == [f + m for f, m in zip(female, male, strict=True)]
    assert pop["age_max"].iloc[-1] == 120 and pop["age_min"].iloc[-1] == 90
    assert everyone.loc[everyone["sex"] == "female", "count"].tolist() == female
    assert everyone.loc[everyone["sex"] == "male", "count"].tolist() == male


def test_nomis_census_ts001_download_keeps_lsoa_rows(con, tmp_path):
    header = ["date", "geography", "geography code",
              "Residence type: Total; measures: Value",
              "Residence type: Lives in a household; measures: Value",
              "Residence type: Lives in a communal establishment; measures: Value"]
    rows = [[2021, "Testton 001A", A1, 1500, 1490, 10],
            [2021, "Testton 001B", A2, 1200, 1200, 0]]
    load_paths(con, [write_csv(tmp_path / "census2021-ts001-lsoa.csv", header, rows)])
    pop = con.table("population").to_pandas().set_index("lsoa_code")
    assert pop["count"].to_dict() == {A1: 1500, A2: 1200}
    assert set(pop["source"]) == {"census2021"}
