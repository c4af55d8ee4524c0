"""Loading partner exports through a mapping: placement, rejects, idempotence, atomicity."""

from __future__ import annotations

import csv
from datetime import datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.errors import CspError, LoadFailed
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import builtin_mappings, load_mapping
from tests.sources.partner.conftest import pseudonym, snapshot, with_keys, write_rows
from tests.warehouse.conftest import A1, A2, A3, B1

ASB_HEADER = ["Case Ref", "Date Received", "Time Received", "Case Type", "Case Category",
              "Location", "Postcode", "Alcohol Related", "Complainant Key", "Complainant Age",
              "Complainant Sex", "Complainant Ethnicity", "Complainant Home LSOA",
              "Perpetrator Key", "Perpetrator Age", "Perpetrator Sex", "Perpetrator Ethnicity",
              "Perpetrator Home LSOA", "Perpetrator School"]


def asb_row(ref: str, day: str, case_type: str, postcode: str, *, time: str = "21:15",
            perpetrator: str = "p1", age: str = "15", ethnicity: str = "White British",
            school: str = "") -> list[str]:
    return [ref, day, time, case_type, "Personal", "Park Road", postcode, "N",
            pseudonym("c-" + ref), "44", "F", "Not stated", A1,
            pseudonym(perpetrator) if perpetrator else "", age, "M", ethnicity, A2, school]


ASB_ROWS = [
    asb_row("A1", "03/01/2025", "Noise", "ZZ1 1AA", school="Vale Academy"),
    asb_row("A2", "04/01/2025", "Youth disorder", "zz11ab", time=""),
    asb_row("A3", "05/01/2025", "Noise", "ZZ9 9ZZ", perpetrator="p1"),
    asb_row("A4", "31/02/2025", "Noise", "ZZ1 1AA"),
    asb_row("A5", "06/01/2025", "Noise", "NOT KNOWN"),
    asb_row("A6", "07/01/2025", "Parking", "ZZ1 1AA"),
    asb_row("A7", "08/02/2025", "Drugs", "", perpetrator="", age="", ethnicity=""),
]


def asb_export(folder: Path, rows: list[list[str]] = ASB_ROWS, name: str = "asb.csv",
               **kwargs) -> Path:
    return write_rows(folder / name, ASB_HEADER, rows, **kwargs)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_council_asb_places_by_postcode_and_rejects_unreadable_rows(warehouse, tmp_path):
    export = asb_export(tmp_path)
    report = load_partner(warehouse, [export], mapping=load_mapping("council_asb"),
                          rejects=tmp_path / "rejects.csv")
    incidents = warehouse.table("incident").to_pandas().sort_values("incident_id")
    assert incidents["incident_id"].tolist() == [
        "council_asb:A1", "council_asb:A2", "council_asb:A3", "council_asb:A7"]
    assert incidents["lsoa_code"].tolist()[:2] == [A1, A2]
    assert incidents["lsoa_code"].isna().tolist()[2:] == [True, True]
    assert incidents["month"].tolist() == ["2025-01", "2025-01", "2025-01", "2025-02"]
    assert str(incidents["occurred_at"].iloc[0]) == "2025-01-03 21:15:00"
    assert report.located == {"postcode": 2, "postcode_not_found": 1, "none": 1}
    assert report.placement == {"no_lsoa": 2, "published_2021": 2} and report.unplaced == 2
    assert report.rejected == 3 and report.encodings == {str(export): "utf-8"}
    assert read_csv(tmp_path / "rejects.csv") == [
        {"file": str(export), "line": "5", "column": "Date Received",
         "reason": "not a date (expected %d/%m/%Y)", "value": "31/02/2025"},
        {"file": str(export), "line": "6", "column": "Postcode", "reason": "not a postcode",
         "value": "NOT KNOWN"},
        {"file": str(export), "line": "7", "column": "Case Type",
         "reason": "category not in the mapping's categories", "value": "Parking"},
    ]


def test_people_are_loaded_with_not_recorded_ethnicity_as_null(warehouse, tmp_path):
    load_partner(warehouse, [asb_export(tmp_path)], mapping=load_mapping("council_asb"))
    people = warehouse.table("person_involvement").to_pandas()
    offenders = people[people.role == "offender"].sort_values("incident_id")
    # A7's perpetrator is only known to be male: a row without key or age.
    assert offenders["person_key"].fillna("-").tolist() == [pseudonym("p1")] * 3 + ["-"]
    assert offenders["age"].fillna(-1).tolist() == [15, 15, 15, -1]
    assert offenders["sex"].tolist() == ["male"] * 4
    callers = people[people.role == "caller"]
    assert len(callers) == 4 and callers["ethnicity"].isna().all()
    assert set(callers["sex"]) == {"female"} and set(callers["home_lsoa_code"]) == {A1}
    details = warehouse.table("incident_detail").to_pandas()
    schools = details[details.name == "school"].set_index("incident_id")["value"]
    assert schools["council_asb:A1"] == "Vale Academy" and schools.isna().sum() == 3
    untimed = details[details.name == "time_known"]["incident_id"].tolist()
    assert untimed == ["council_asb:A2"]


FIRE_HEADER = ["Incident Number", "Call Date", "Call Time", "Incident Type", "Property Type",
               "Motive", "Location", "Longitude", "Latitude"]


def test_fire_incidents_are_placed_in_the_polygon_holding_their_coordinates(warehouse,
                                                                             tmp_path):
    rows = [["F1", "2025-01-02", "18:00", "Secondary fire", "Refuse", "Deliberate", "", "0.05",
             "50.05"],
            ["F2", "2025-01-03", "19:30", "Primary fire", "Car", "Deliberate", "", "0.17",
             "50.02"],
            ["F3", "2025-01-04", "20:00", "Secondary fire", "Grassland", "Accidental", "",
             "0.35", "50.09"],
            ["F4", "2025-01-05", "21:00", "Secondary fire", "Refuse", "Deliberate", "", "5.0",
             "50.0"],
            ["F5", "2025-01-06", "22:00", "Secondary fire", "Refuse", "Deliberate", "", "east",
             "50.0"]]
    export = write_rows(tmp_path / "fire.csv", FIRE_HEADER, rows)
    report = load_partner(warehouse, [export], mapping=load_mapping("fire_incidents"))
    placed = warehouse.table("incident").to_pandas().set_index("incident_id")
    assert placed.loc[["fire:F1", "fire:F2", "fire:F3"], "lsoa_code"].tolist() == [A1, A3, B1]
    assert placed.loc["fire:F1", "lsoa_assignment"] == "coordinates_polygon"
    assert placed.loc["fire:F3", "lad_code"] == "E06999002"
    assert placed.loc["fire:F4", "lsoa_assignment"] == "no_lsoa"
    assert report.located == {"coordinates": 4} and report.rejected == 1


POLICE_HEADER = ["Crime Reference", "Committed Date", "Committed Time", "Offence Group",
                 "Offence", "Location", "LSOA Code", "Domestic Abuse Flag", "Alcohol Flag",
                 "Hate Flag", "Victim Key", "Victim Age", "Victim Sex", "Victim Ethnicity",
                 "Victim Home LSOA", "Offender Key", "Offender Age", "Offender Sex",
                 "Offender Ethnicity", "Offender Home LSOA"]


def police_rows() -> list[list[str]]:
    return with_keys(POLICE_HEADER, [
        ["CR1", "01/03/2025", "23:10", "Violence against the person", "Assault with injury",
         "High St", A1, "DA", "Y", "N", "v1", "31", "F", "", A1, "o1", "34", "M",
         "White British", A1],
        ["CR1", "01/03/2025", "23:10", "Violence against the person", "Assault with injury",
         "High St", A1, "DA", "Y", "N", "v1", "31", "F", "", A1, "o2", "29", "M",
         "Not stated", B1],
        ["CR2", "02/03/2025", "", "Theft offences", "Shoplifting", "Market Pl", A3, "", "",
         "", "", "", "", "", "", "o3", "16", "F", "Asian or Asian British", A3],
        ["CR3", "03/03/2025", "10:00", "Violence against the person", "Common assault",
         "Park", A2, "maybe", "N", "N", "v2", "40", "M", "", "", "", "", "", "", ""],
    ])


def test_police_extract_one_incident_per_crime_and_every_offender(warehouse, tmp_path):
    export = write_rows(tmp_path / "crime.csv", POLICE_HEADER, police_rows())
    report = load_partner(warehouse, [export], mapping=load_mapping("police_crime_extract"))
    incidents = warehouse.table("incident").to_pandas().set_index("incident_id")
    assert sorted(incidents.index) == ["police_crime_extract:CR1", "police_crime_extract:CR2"]
    first = incidents.loc["police_crime_extract:CR1"]
    assert (first.flag_domestic, first.flag_alcohol, first.flag_hate) == (True, True, False)
    assert pd_isna(incidents.loc["police_crime_extract:CR2", "flag_domestic"])
    people = warehouse.table("person_involvement").to_pandas()
    assert sorted(zip(people.role, people.person_key, strict=True)) == [
        ("offender", pseudonym(o)) for o in ("o1", "o2", "o3")] + [("victim", pseudonym("v1"))]
    assert report.rejected == 1  # CR3: "maybe" is not a domestic abuse flag value


def pd_isna(value) -> bool:
    return value is None or value != value


def test_reloading_the_same_export_changes_nothing(warehouse, tmp_path):
    export = asb_export(tmp_path)
    load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    before = snapshot(warehouse)
    again = load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    assert [f.status for f in again.load.files] == ["already_loaded"] and not again.files
    assert snapshot(warehouse) == before


def test_a_failed_load_leaves_the_warehouse_exactly_as_it_was(warehouse, tmp_path):
    load_partner(warehouse, [asb_export(tmp_path)], mapping=load_mapping("council_asb"))
    before = snapshot(warehouse)
    good = asb_export(tmp_path, [asb_row("B1", "03/03/2025", "Noise", "ZZ1 1AA")], "b.csv")
    broken = write_rows(tmp_path / "c.csv", ASB_HEADER[:-1], [ASB_ROWS[0][:-1]])
    with pytest.raises(LoadFailed, match=r"c.csv:1: mapping council_asb reads column\(s\) "
                       r"\['Perpetrator School'\]"):
        load_partner(warehouse, [good, broken], mapping=load_mapping("council_asb"))
    assert snapshot(warehouse) == before


def test_a_file_whose_every_row_is_rejected_fails(warehouse, tmp_path):
    export = asb_export(tmp_path, [ASB_ROWS[3]])
    with pytest.raises(LoadFailed, match=r"asb.csv:2: every row was rejected; the first: "
                       r"Date Received '31/02/2025'"):
        load_partner(warehouse, [export], mapping=load_mapping("council_asb"))


def test_newer_export_of_a_month_replaces_its_incidents_and_people(warehouse, tmp_path):
    mapping = load_mapping("council_asb")
    load_partner(warehouse, [asb_export(tmp_path)], mapping=mapping)
    newer = asb_export(tmp_path, [asb_row("N1", "09/01/2025", "Noise", "ZZ1 1AA")], "new.csv")
    load_partner(warehouse, [newer], mapping=mapping)
    ids = sorted(warehouse.table("incident").to_pandas()["incident_id"])
    assert ids == ["council_asb:A7", "council_asb:N1"]  # January replaced, February kept
    people = warehouse.table("person_involvement").to_pandas()
    assert sorted(set(people["incident_id"])) == ids


def test_windows_1252_is_read_when_the_mapping_allows_it_and_reported(warehouse, tmp_path):
    rows = [asb_row("W1", "03/01/2025", "Noise", "ZZ1 1AA", school="St Chloë’s")]
    export = asb_export(tmp_path, rows, "w.csv", encoding="cp1252")
    report = load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    assert report.encodings == {str(export): "cp1252"}
    value = warehouse.table("incident_detail").to_pandas().query("name == 'school'")["value"]
    assert value.tolist() == ["St Chloë’s"]


def test_windows_1252_is_refused_unless_allowed(warehouse, tmp_path):
    mapping = load_mapping("council_asb").model_copy(update={"encodings": ["utf-8"]})
    rows = [asb_row("W1", "03/01/2025", "Noise", "ZZ1 1AA", school="St Chloë’s")]
    export = asb_export(tmp_path, rows, "w.csv", encoding="cp1252")
    with pytest.raises(LoadFailed, match=r"w.csv:2: byte b'\\xeb'"):
        load_partner(warehouse, [export], mapping=mapping)
    report = load_partner(warehouse, [export], mapping=mapping, allow_cp1252=True)
    assert report.encodings == {str(export): "cp1252"}


def test_utf8_with_byte_order_mark_is_reported(warehouse, tmp_path):
    export = asb_export(tmp_path, ASB_ROWS[:1], encoding="utf-8-sig")
    report = load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    assert report.encodings == {str(export): "utf-8-sig"}


def test_excel_export_loads_like_its_csv(warehouse, tmp_path):
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Exported from Flare for the partnership"])
    sheet = book.create_sheet("Cases")
    sheet.append(ASB_HEADER)
    first = list(ASB_ROWS[0])
    first[1], first[2] = datetime(2025, 1, 3), time(21, 15)  # real Excel date and time cells
    for row in [first, *ASB_ROWS[1:3]]:
        sheet.append(row)
    book.save(tmp_path / "asb.xlsx")
    report = load_partner(warehouse, [tmp_path / "asb.xlsx"],
                          mapping=load_mapping("council_asb"))
    assert report.located == {"postcode": 2, "postcode_not_found": 1}
    assert report.load.not_recognised == ((f"{tmp_path / 'asb.xlsx'}!Notes",
                                           "a sheet the mapping does not read"),)
    incidents = warehouse.table("incident").to_pandas().set_index("incident_id")
    assert len(incidents) == 3
    assert str(incidents.loc["council_asb:A1", "occurred_at"]) == "2025-01-03 21:15:00"


AE_HEADER = ["Attendance ID", "Assault Date", "Assault Time", "Location Type",
             "Location Description", "Location Postcode", "Assault Method", "Weapon",
             "Reported To Police", "Patient Key", "Patient Age", "Patient Sex",
             "Patient Ethnicity", "Patient Home LSOA"]


def test_ae_istv_keeps_location_type_and_reported_to_police(warehouse, tmp_path):
    rows = [["E1", "10/01/2025", "01:30", "Pub/club", "The Anchor", "ZZ1 1AA",
             "Hit/punched/kicked", "Body part", "No", "pt1", "23", "M", "", ""],
            ["E2", "11/01/2025", "", "Street", "", "", "Knife/sharp object", "Knife", "Yes",
             "pt2", "19", "M", "White British", A3]]
    export = write_rows(tmp_path / "ae.csv", AE_HEADER, with_keys(AE_HEADER, rows))
    load_partner(warehouse, [export], mapping=load_mapping("ae_istv"))
    details = warehouse.table("incident_detail").to_pandas()
    reported = details[details.name == "reported_to_police"].sort_values("incident_id")
    assert reported["value"].tolist() == ["No", "Yes"]
    incidents = warehouse.table("incident").to_pandas().sort_values("incident_id")
    assert incidents["source"].unique().tolist() == ["ae_assault"]
    assert incidents["lsoa_code"].tolist()[0] == A1


def test_postcode_lookup_is_recognised_by_its_header(warehouse):
    rows = warehouse.table("postcode").to_pandas().sort_values("postcode")
    assert rows["postcode"].tolist() == ["ZZ1 1AA", "ZZ1 1AB", "ZZ2 1AA"]
    assert rows["lsoa_code"].tolist() == [A1, A2, B1]


def test_builtin_mappings_and_mapping_errors(tmp_path):
    assert builtin_mappings() == ["ae_istv", "council_asb", "fire_incidents",
                                  "police_crime_extract", "yos_first_time_entrants"]
    with pytest.raises(CspError, match="no mapping 'flare'"):
        load_mapping("flare")
    (tmp_path / "m.toml").write_text(
        'name = "x"\nsource = "x"\n[incident]\ndate = "D"\nmonth = "M"\ncategory = "C"\n')
    with pytest.raises(CspError, match=r"m.toml: incident: Value error, give exactly one of "
                       "date or month"):
        load_mapping(tmp_path / "m.toml")


def test_cli_load_partner_reports_rejects_and_unplaced(warehouse, tmp_path):
    warehouse.disconnect()
    result = CliRunner().invoke(app, [
        "load-partner", str(asb_export(tmp_path)), "--mapping", "council_asb",
        "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 0, result.output
    assert "could not be placed in an LSOA: 2" in result.output
    assert "3 row(s) rejected" in result.output
    assert (tmp_path / "w.duckdb.rejects.csv").exists()



def test_a_warehouse_from_before_partner_loading_is_upgraded(warehouse, tmp_path):
    old = [c for c in warehouse.table("person_involvement").columns if c != "month"]
    warehouse.drop_table("person_involvement")
    warehouse.raw_sql("CREATE TABLE person_involvement (" + ", ".join(
        f"{c} {'BIGINT' if c in ('age', 'load_id') else 'VARCHAR'}" for c in old) + ")")
    load_partner(warehouse, [asb_export(tmp_path)], mapping=load_mapping("council_asb"))
    people = warehouse.table("person_involvement").to_pandas()
    assert "month" in people.columns and len(people) == 8
