"""The pseudonymisation spec is an allow-list: only named columns are shared, what is shared
is checked for identifiers, and the incident's location can be reduced."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from cspkit.errors import CspError
from cspkit.privacy.pseudonymise import (
    IncidentColumns,
    PersonColumns,
    PseudonymiseSpec,
    person_key,
    pseudonymise_file,
    read_spec,
)

SECRET = b"0123456789abcdef0123456789abcdef"
HEADER = ["Case Ref", "Reported On", "Category", "Incident Location", "Incident Postcode",
          "Reporting Person", "Reporter DOB", "Reporter Address", "Reporter Postcode",
          "Reporter Phone", "Notes"]
ROWS = [
    ["A1", "03/01/2025 21:15", "Noise", "27 Larch Road", "ZZ1 1AA", "Zoë Brontë", "14/07/1988",
     "27 Larch Road", "ZZ1 1AA", "+44 7700 900123", "Caller Zoë says Mr Walsh plays music"],
    ["A2", "04/01/2025 00:00", "Youths", "Albert Park", "ZZ1 1AB", "SMITH, John",
     "02/02/1971", "Flat 3, 12a Acacia Avenue", "ZZ1 1AB", "(01642) 123456",
     "Youths again; ring 07700900123"],
    ["A3", "05/01/2025 13:00", "Noise", "Flat 2, 14 Mill Lane", "ZZ9 9ZZ", "Ann Jones",
     "31/12/1960", "9 Elm Way", "ZZ1 1AA", "", ""],
]
POSTCODES = {"ZZ1 1AA": "E01999001", "ZZ1 1AB": "E01999002"}
CALLER = PersonColumns(role="caller", label="Complainant", name=["Reporting Person"],
                       date_of_birth="Reporter DOB", address=["Reporter Address"],
                       postcode="Reporter Postcode")


def spec(*, keep: tuple[str, ...] = ("Case Ref", "Category"), reduce: str = "none"
         ) -> PseudonymiseSpec:
    return PseudonymiseSpec(
        keep=list(keep), date_of_birth_format="%d/%m/%Y", person=[CALLER],
        incident=IncidentColumns(date="Reported On", date_format="%d/%m/%Y %H:%M",
                                 location="Incident Location", postcode="Incident Postcode",
                                 reduce_location=reduce))


def export(folder: Path) -> Path:
    path = folder / "asb.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_only_the_columns_named_are_shared_and_the_report_lists_them(tmp_path):
    report = pseudonymise_file(export(tmp_path), tmp_path / "out.csv", spec=spec(),
                               secret=SECRET, postcodes=POSTCODES)
    assert report.kept == ("Case Ref", "Reported On", "Category", "Incident Location",
                           "Incident Postcode")
    assert report.added == ("Complainant Key", "Complainant Age", "Complainant Home LSOA")
    assert report.left_out == ("Reporting Person", "Reporter DOB", "Reporter Address",
                               "Reporter Postcode", "Reporter Phone", "Notes")
    rows = read_rows(report.output)
    assert list(rows[0]) == [*report.kept, *report.added]
    assert rows[0]["Complainant Key"] == person_key(SECRET, "Zoë Brontë", date(1988, 7, 14))
    assert [r["Complainant Age"] for r in rows] == ["36", "53", "64"]
    shared = report.output.read_bytes()
    for value in ("Brontë", "SMITH", "7700", "123456", "Walsh", "14/07/1988", "Acacia"):
        assert value.encode() not in shared, value


def test_a_kept_column_holding_identifiers_stops_the_run_and_writes_nothing(tmp_path):
    with pytest.raises(CspError) as raised:
        pseudonymise_file(export(tmp_path), tmp_path / "out.csv",
                          spec=spec(keep=("Case Ref", "Notes", "Reporter Phone")),
                          secret=SECRET)
    assert str(raised.value).startswith(
        f"{tmp_path / 'asb.csv'}: nothing was written: column \"Reporter Phone\" holds phone "
        "numbers (in 2 of 2 values); column \"Notes\" holds names (in 1 of 2 values) and "
        "phone numbers (in 1 of 2 values). Take the column out of `keep`")
    assert "Walsh" not in str(raised.value) and "7700" not in str(raised.value)
    assert not (tmp_path / "out.csv").exists()


def test_a_postcode_column_kept_without_saying_it_is_the_location_is_refused(tmp_path):
    kept = PseudonymiseSpec(keep=["Case Ref", "Incident Postcode"], person=[CALLER])
    with pytest.raises(CspError, match=r'column "Incident Postcode" holds full postcodes'):
        pseudonymise_file(export(tmp_path), tmp_path / "out.csv", spec=kept, secret=SECRET)


def test_location_reduced_to_the_lsoa_drops_the_postcode_and_the_text(tmp_path):
    report = pseudonymise_file(export(tmp_path), tmp_path / "out.csv", spec=spec(reduce="lsoa"),
                               secret=SECRET, postcodes=POSTCODES)
    rows = read_rows(report.output)
    assert "Incident Location" not in rows[0] and "Incident Postcode" not in rows[0]
    assert [r["Incident LSOA"] for r in rows] == ["E01999001", "E01999002", ""]
    assert report.incident_unplaced == 1  # ZZ9 9ZZ is not in the lookup
    assert report.at_home == 2 and report.house_numbers == 2  # A1 and A2; A1 and A3


def test_location_reduced_to_the_street_loses_house_and_flat_numbers(tmp_path):
    report = pseudonymise_file(export(tmp_path), tmp_path / "out.csv",
                               spec=spec(reduce="street"), secret=SECRET, postcodes=POSTCODES)
    rows = read_rows(report.output)
    assert [r["Incident Location"] for r in rows] == ["Larch Road", "Albert Park", "Mill Lane"]
    assert "Incident Postcode" not in rows[0]
    assert [r["Incident LSOA"] for r in rows] == ["E01999001", "E01999002", ""]


def test_reducing_the_location_needs_the_postcode_lookup(tmp_path):
    with pytest.raises(CspError, match="needs the postcode lookup"):
        pseudonymise_file(export(tmp_path), tmp_path / "out.csv", spec=spec(reduce="lsoa"),
                          secret=SECRET)


def test_a_spec_written_for_the_old_drop_list_is_told_what_changed(tmp_path):
    path = tmp_path / "old.toml"
    path.write_text('incident_date = "Reported On"\ndrop = ["Notes"]\n[[person]]\n'
                    'role = "caller"\nname = ["Reporting Person"]\n', encoding="utf-8")
    with pytest.raises(CspError, match=r"old.toml: `drop` is no longer read: the spec now "
                       "lists the columns to share in `keep`"):
        read_spec(path)
    path.write_text('keep = ["Reporting Person"]\n[[person]]\nrole = "caller"\n'
                    'name = ["Reporting Person"]\n', encoding="utf-8")
    with pytest.raises(CspError, match=r"both shared and a person's identifying columns"):
        read_spec(path)


def test_a_workbook_with_title_rows_is_pseudonymised_like_its_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Anti-social behaviour cases reported to the council, 2025"])
    sheet.append(["Exported 06/01/2025 by the ASB team"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        cells = list(row)
        cells[1] = datetime.strptime(row[1], "%d/%m/%Y %H:%M")
        cells[6] = datetime.strptime(row[6], "%d/%m/%Y").date()
        sheet.append(cells)
    book.save(tmp_path / "asb.xlsx")
    from_book = pseudonymise_file(tmp_path / "asb.xlsx", tmp_path / "book.csv", spec=spec(),
                                  secret=SECRET, postcodes=POSTCODES)
    from_csv = pseudonymise_file(export(tmp_path), tmp_path / "csv.csv", spec=spec(),
                                 secret=SECRET, postcodes=POSTCODES)
    keyed = ["Complainant Key", "Complainant Age", "Complainant Home LSOA"]
    assert [[r[c] for c in keyed] for r in read_rows(from_book.output)] == [
        [r[c] for c in keyed] for r in read_rows(from_csv.output)]
    assert read_rows(from_book.output)[1]["Reported On"] == "2025-01-04 00:00:00"
    assert from_book.encoding == "xlsx" and from_book.rows_out == 3
