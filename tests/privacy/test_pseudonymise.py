"""Pseudonymisation: keys are keyed, stable and one-way; nothing identifying survives."""

from __future__ import annotations

import csv
import hashlib
import hmac
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.errors import CspError
from cspkit.privacy.keys import read_secret, write_new_key
from cspkit.privacy.pseudonymise import (
    IncidentColumns,
    PersonColumns,
    PseudonymiseSpec,
    age_at,
    person_key,
    pseudonymise_file,
    read_spec,
)

SECRET = b"0123456789abcdef0123456789abcdef"
OTHER_SECRET = b"fedcba9876543210fedcba9876543210"
HEADER = ["Ref", "Committed Date", "Offence", "Victim Forename", "Victim Surname",
          "Victim DOB", "Victim Address", "Victim Postcode", "Victim Phone", "Victim Sex"]
ROWS = [
    ["C1", "15/03/2025", "Assault", "Ann", "Smith", "02/04/1990", "12 Larch Road",
     "ZZ1 1AA", "07700 900123", "F"],
    ["C2", "01/04/2025", "Assault", " ANN ", "smith", "02/04/1990", "12 Larch Road",
     "zz11aa", "07700 900123", "F"],
    ["C3", "20/05/2025", "Burglary", "Bob", "Jones", "31/12/1971", "4 Oak Close",
     "ZZ9 9ZZ", "07700 900456", "M"],
    ["C4", "20/05/2025", "Burglary", "Cat", "Brown", "not known", "7 Elm Way", "ZZ1 1AB",
     "07700 900789", "F"],
    ["C5", "21/05/2025", "Shoplifting", "", "", "", "", "", "", ""],
]
SPEC = PseudonymiseSpec(
    keep=["Ref", "Offence", "Victim Sex"],
    incident=IncidentColumns(date="Committed Date", date_format="%d/%m/%Y"),
    date_of_birth_format="%d/%m/%Y",
    person=[PersonColumns(role="victim", name=["Victim Forename", "Victim Surname"],
                          date_of_birth="Victim DOB", address=["Victim Address"],
                          postcode="Victim Postcode")])
POSTCODES = {"ZZ1 1AA": "E01999001", "ZZ1 1AB": "E01999002"}


def write_export(path: Path, rows: list[list[str]] = ROWS, *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_key_is_hmac_sha256_of_normalised_name_and_iso_date_of_birth():
    expected = hmac.new(SECRET, b"ann smith\x1f1990-04-02", hashlib.sha256).hexdigest()
    assert person_key(SECRET, "  Ann   SMITH ", date(1990, 4, 2)) == expected


def test_age_is_completed_years_at_the_incident():
    assert age_at(date(1990, 4, 2), date(2025, 4, 1)) == 34
    assert age_at(date(1990, 4, 2), date(2025, 4, 2)) == 35


def test_same_person_gets_the_same_key_across_files_and_spellings(tmp_path):
    first = pseudonymise_file(write_export(tmp_path / "a.csv"), tmp_path / "a_out.csv",
                              spec=SPEC, secret=SECRET, postcodes=POSTCODES)
    second = pseudonymise_file(write_export(tmp_path / "b.csv", ROWS[1:2]),
                               tmp_path / "b_out.csv", spec=SPEC, secret=SECRET)
    rows = read_rows(first.output)
    assert rows[0]["Victim Key"] == rows[1]["Victim Key"] != rows[2]["Victim Key"]
    assert read_rows(second.output)[0]["Victim Key"] == rows[0]["Victim Key"]
    assert [r["Victim Age"] for r in rows] == ["34", "34", "53", "", ""]  # C2: day before
    assert [r["Victim Home LSOA"] for r in rows] == ["E01999001", "E01999001", "",
                                                     "E01999002", ""]
    assert first.keyed == {"victim": 3} and first.home_unplaced == {"victim": 1}
    assert first.birth_unreadable == {"victim": 1} and first.not_keyed == {}


def test_a_different_secret_gives_unrelated_keys(tmp_path):
    export = write_export(tmp_path / "a.csv")
    one = read_rows(pseudonymise_file(export, tmp_path / "1.csv", spec=SPEC,
                                      secret=SECRET).output)
    two = read_rows(pseudonymise_file(export, tmp_path / "2.csv", spec=SPEC,
                                      secret=OTHER_SECRET).output)
    keys_one = {r["Victim Key"] for r in one} - {""}
    keys_two = {r["Victim Key"] for r in two} - {""}
    assert len(keys_one) == len(keys_two) == 2 and keys_one.isdisjoint(keys_two)


def test_no_identifying_value_survives_in_the_output_bytes(tmp_path):
    report = pseudonymise_file(write_export(tmp_path / "a.csv"), tmp_path / "out.csv",
                               spec=SPEC, secret=SECRET, postcodes=POSTCODES)
    produced = report.output.read_bytes() + report.problems.read_bytes()
    identifying = ["Ann", "ANN", "Smith", "smith", "Bob", "Jones", "Cat", "Brown",
                   "02/04/1990", "1990-04-02", "31/12/1971", "1971-12-31", "Larch", "Oak",
                   "Elm", "ZZ1 1AA", "zz11aa", "ZZ11AA", "ZZ9 9ZZ", "ZZ1 1AB", "07700",
                   "900123", "not known"]
    for value in identifying:
        assert value.encode() not in produced, value
    assert set(read_rows(report.output)[0]) == {
        "Ref", "Committed Date", "Offence", "Victim Sex", "Victim Key", "Victim Age",
        "Victim Home LSOA"}


def test_unreadable_date_of_birth_keeps_the_incident_without_key_or_age(tmp_path):
    report = pseudonymise_file(write_export(tmp_path / "a.csv"), tmp_path / "out.csv",
                               spec=SPEC, secret=SECRET)
    assert (report.rows_in, report.rows_out, report.rejected) == (5, 5, 0)
    assert read_rows(report.problems) == [{
        "line": "5", "column": "Victim DOB",
        "problem": "date of birth is not a date (expected %d/%m/%Y)",
        "action": "kept without key or age"}]
    c4 = read_rows(report.output)[3]
    assert (c4["Ref"], c4["Victim Key"], c4["Victim Age"]) == ("C4", "", "")


def test_unreadable_incident_date_is_a_counted_listed_reject_never_a_blank_age(tmp_path):
    rows = [[*ROWS[0][:1], "15/13/2025", *ROWS[0][2:]], [*ROWS[2][:1], "", *ROWS[2][2:]],
            ROWS[1]]
    report = pseudonymise_file(write_export(tmp_path / "a.csv", rows), tmp_path / "out.csv",
                               spec=SPEC, secret=SECRET)
    assert (report.rows_in, report.rows_out, report.rejected) == (3, 1, 2)
    assert read_rows(report.problems) == [
        {"line": "2", "column": "Committed Date", "action": "row left out",
         "problem": "incident date is not a date (expected %d/%m/%Y)"},
        {"line": "3", "column": "Committed Date", "action": "row left out",
         "problem": "incident date is empty"}]
    assert [r["Victim Age"] for r in read_rows(report.output)] == ["34"]


def test_incident_date_times_and_dates_of_birth_have_their_own_formats(tmp_path):
    rows = [["C1", "15/03/2025 23:40", "Assault", "Ann", "Smith", "02.04.1990", "", "", "",
             "F"],
            ["C2", "01/04/2025 00:05", "Assault", "Ann", "Smith", "1990-04-02", "", "", "",
             "F"]]
    spec = SPEC.model_copy(update={
        "incident": IncidentColumns(date="Committed Date", date_format="%d/%m/%Y %H:%M"),
        "date_of_birth_format": "%d.%m.%Y"})
    report = pseudonymise_file(write_export(tmp_path / "a.csv", rows), tmp_path / "out.csv",
                               spec=spec, secret=SECRET)
    out = read_rows(report.output)
    assert [r["Victim Age"] for r in out] == ["34", "34"] and report.rejected == 0
    assert out[0]["Victim Key"] == out[1]["Victim Key"] == person_key(SECRET, "Ann Smith",
                                                                      date(1990, 4, 2))
    assert out[0]["Committed Date"] == "15/03/2025 23:40"  # kept as written, with its time


def test_windows_1252_export_is_read_only_when_allowed(tmp_path):
    rows = [["C1", "15/03/2025", "Assault", "Zoë", "O’Neill", "02/04/1990", "1 Café Row",
             "ZZ1 1AA", "", "F"]]
    export = write_export(tmp_path / "a.csv", rows, encoding="cp1252")
    with pytest.raises(CspError, match=r"a.csv:2: byte b'\\xeb'.*Windows-1252 was not tried"):
        pseudonymise_file(export, tmp_path / "out.csv", spec=SPEC, secret=SECRET)
    report = pseudonymise_file(export, tmp_path / "out.csv", spec=SPEC, secret=SECRET,
                               allow_cp1252=True)
    assert report.encoding == "cp1252"
    key = read_rows(report.output)[0]["Victim Key"]
    assert key == person_key(SECRET, "Zoë O’Neill", date(1990, 4, 2))


def test_excel_export_gives_the_same_keys_as_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["C1", date(2025, 3, 15), "Assault", "Ann", "Smith", date(1990, 4, 2),
                  "12 Larch Road", "ZZ1 1AA", "07700 900123", "F"])
    book.save(tmp_path / "a.xlsx")
    report = pseudonymise_file(tmp_path / "a.xlsx", tmp_path / "out.csv", spec=SPEC,
                               secret=SECRET)
    row = read_rows(report.output)[0]
    assert row["Victim Key"] == person_key(SECRET, "ann smith", date(1990, 4, 2))
    assert row["Victim Age"] == "34" and report.encoding == "xlsx"


def test_spec_naming_a_missing_column_is_an_error(tmp_path):
    spec = SPEC.model_copy(update={"keep": ["Ref", "Victim Mobile"]})
    with pytest.raises(CspError, match=r"a.csv:1: the spec reads column\(s\) "
                       r"\['Victim Mobile'\] that the file does not have"):
        pseudonymise_file(write_export(tmp_path / "a.csv"), tmp_path / "o.csv", spec=spec,
                          secret=SECRET)


def test_spec_file_errors_name_the_key(tmp_path):
    (tmp_path / "s.toml").write_text('[[person]]\nrole = "victim"\nnames = ["A"]\n')
    with pytest.raises(CspError, match=r"s.toml: person.0.names: Extra inputs"):
        read_spec(tmp_path / "s.toml")


def test_weak_or_missing_secret_is_refused(tmp_path):
    (tmp_path / "weak.key").write_text("short secret\n")
    with pytest.raises(CspError, match="12 bytes; at least 32"):
        read_secret(tmp_path / "weak.key")
    with pytest.raises(CspError, match="no pseudonymisation secret"):
        read_secret(None, environ={})
    assert read_secret(None, environ={"CSP_PSEUDONYM_KEY": SECRET.decode()}) == SECRET


def test_new_key_is_strong_private_and_never_overwritten(tmp_path):
    path = write_new_key(tmp_path / "owner.key")
    assert len(read_secret(path)) == 64 and path.stat().st_mode & 0o077 == 0
    with pytest.raises(CspError, match="exists already"):
        write_new_key(path)


def test_cli_pseudonymises_with_a_key_file(tmp_path):
    runner = CliRunner()
    key = tmp_path / "owner.key"
    assert runner.invoke(app, ["pseudonymise", "--new-key", str(key)]).exit_code == 0
    (tmp_path / "spec.toml").write_text(
        'keep = ["Ref", "Offence", "Victim Sex"]\ndate_of_birth_format = "%d/%m/%Y"\n'
        '[incident]\ndate = "Committed Date"\ndate_format = "%d/%m/%Y"\n'
        '[[person]]\nrole = "victim"\nname = ["Victim Forename", "Victim Surname"]\n'
        'date_of_birth = "Victim DOB"\naddress = ["Victim Address"]\n'
        'postcode = "Victim Postcode"\n')
    result = runner.invoke(app, [
        "pseudonymise", str(write_export(tmp_path / "a.csv")), "--spec",
        str(tmp_path / "spec.toml"), "--out", str(tmp_path / "out.csv"), "--key-file", str(key)])
    assert result.exit_code == 0, result.output
    assert "Wrote 5 rows" in result.output
    assert "kept: Ref, Committed Date, Offence, Victim Sex" in result.output
    assert "left out: Victim Forename, Victim Surname, Victim DOB, Victim Address, " \
        "Victim Postcode, Victim Phone" in result.output
    assert "1 date of birth unreadable (kept, age not recorded)" in result.output
    assert b"Smith" not in (tmp_path / "out.csv").read_bytes()
