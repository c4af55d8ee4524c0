"""One export reader for pseudonymise and load-partner: title rows, sheets, date-times."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from cspkit.errors import LoadError, LoadFailed
from cspkit.sources.partner.dates import DateValue, read_date
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.sources.partner.readers import NeededColumns, read_export
from tests.sources.partner.conftest import write_rows

HEADER = ["Case Ref", "Reported On", "Category", "Postcode"]
NEEDS = NeededColumns(tuple(HEADER), "mapping reported_on", "Correct the mapping")
MAPPING = """
name = "reported_on"
source = "council_asb"
[incident]
id = "Case Ref"
date = "Reported On"
date_format = "{date_format}"
category = "Category"
postcode = "Postcode"
"""


def mapping(folder: Path, date_format: str = "%d/%m/%Y %H:%M"):
    path = folder / "reported_on.toml"
    path.write_text(MAPPING.format(date_format=date_format), encoding="utf-8")
    return load_mapping(path)


def titled_workbook(path: Path, rows: list[list], *, date_only: bool = False) -> Path:
    """A council workbook as exported: a title row, a blank row, then the table."""
    book = Workbook()
    sheet = book.active
    sheet.title = "ASB Cases"
    sheet.append(["Anti-social behaviour cases, 1 January to 31 March 2025"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
        if date_only:
            sheet.cell(sheet.max_row, 2).number_format = "dd/mm/yyyy"
    book.save(path)
    return path


def occurred(con) -> dict[str, str]:
    rows = con.table("incident").to_pandas().set_index("incident_id")["occurred_at"]
    return {k.split(":")[1]: str(v) for k, v in rows.items()}


def untimed(con) -> list[str]:
    details = con.table("incident_detail").to_pandas()
    return sorted(i.split(":")[1] for i in details[details.name == "time_known"]["incident_id"])


def test_header_below_title_rows_is_found_in_a_workbook_with_sheet_row_numbers(tmp_path):
    book = titled_workbook(tmp_path / "asb.xlsx", [["A1", datetime(2025, 1, 3, 14, 30),
                                                    "Noise", "ZZ1 1AA"]])
    table = read_export(str(book), book.read_bytes(), needs=NEEDS)
    assert table.columns == tuple(HEADER) and table.header_line == 3
    assert table.lines == (4,) and table.sheet == "ASB Cases"
    assert table.rows == (("A1", "2025-01-03 14:30:00", "Noise", "ZZ1 1AA"),)


def test_header_below_a_title_line_is_found_in_a_csv(tmp_path):
    export = write_rows(tmp_path / "asb.csv", ["ASB cases 2025", "", "", ""],
                        [HEADER, ["A1", "03/01/2025 14:30", "Noise", "ZZ1 1AA"]])
    table = read_export(str(export), export.read_bytes(), needs=NEEDS)
    assert table.columns == tuple(HEADER) and table.lines == (3,)


def test_missing_columns_give_the_same_message_for_a_workbook_and_a_csv(tmp_path):
    rows = [["A1", "03/01/2025 14:30", "Noise"]]
    csv_export = write_rows(tmp_path / "asb.csv", HEADER[:3], rows)
    book = Workbook()
    book.active.append(HEADER[:3])
    book.active.append(rows[0])
    book.save(tmp_path / "asb.xlsx")
    messages = []
    for path in (csv_export, tmp_path / "asb.xlsx"):
        with pytest.raises(LoadError) as raised:
            read_export(str(path), path.read_bytes(), needs=NEEDS)
        messages.append(raised.value.message)
    assert messages[0] == messages[1] == (
        "mapping reported_on reads column(s) ['Postcode'] that the file does not have "
        "(found: Case Ref, Reported On, Category)")


def test_load_partner_names_the_missing_columns_of_a_workbook(warehouse, tmp_path):
    book = Workbook()
    book.active.title = "Cases"
    book.active.append(HEADER[:3])
    book.active.append(["A1", "03/01/2025 14:30", "Noise"])
    book.save(tmp_path / "asb.xlsx")
    with pytest.raises(LoadFailed) as raised:
        load_partner(warehouse, [tmp_path / "asb.xlsx"], mapping=mapping(tmp_path))
    assert str(raised.value).startswith(
        f"{tmp_path / 'asb.xlsx'}!Cases:1: mapping reported_on reads column(s) ['Postcode'] "
        "that the file does not have")
    assert "data.police.uk" not in str(raised.value)


def test_workbook_with_title_rows_loads_with_sheet_lines_in_the_rejects(warehouse, tmp_path):
    book = titled_workbook(tmp_path / "asb.xlsx", [
        ["A1", datetime(2025, 1, 3, 14, 30), "Noise", "ZZ1 1AA"],
        ["A2", "not a date", "Noise", "ZZ1 1AA"]])
    report = load_partner(warehouse, [book], mapping=mapping(tmp_path),
                          rejects=tmp_path / "rejects.csv")
    assert occurred(warehouse) == {"A1": "2025-01-03 14:30:00"}
    assert report.rejected == 1
    rejected = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()[1]
    assert rejected.startswith(f"{book}!ASB Cases,5,Reported On,not a date")


@pytest.mark.parametrize("date_format", ["%d/%m/%Y %H:%M", "%d/%m/%Y"])
def test_a_combined_date_time_column_gives_the_time_of_day(warehouse, tmp_path, date_format):
    export = write_rows(tmp_path / "asb.csv", HEADER, [
        ["A1", "03/01/2025 14:30", "Noise", "ZZ1 1AA"],
        ["A2", "04/01/2025 00:00", "Noise", "ZZ1 1AA"],
        ["A3", "05/01/2025", "Noise", "ZZ1 1AA"]])
    load_partner(warehouse, [export], mapping=mapping(tmp_path, date_format))
    assert occurred(warehouse) == {"A1": "2025-01-03 14:30:00", "A2": "2025-01-04 00:00:00",
                                   "A3": "2025-01-05 00:00:00"}
    assert untimed(warehouse) == ["A3"]  # only the row written without a time


def test_an_excel_date_time_at_midnight_is_a_time_and_a_date_cell_is_not(warehouse,
                                                                        tmp_path):
    timed = titled_workbook(tmp_path / "timed.xlsx", [
        ["A1", datetime(2025, 1, 3, 0, 0), "Noise", "ZZ1 1AA"],
        ["A2", datetime(2025, 1, 3, 23, 59), "Noise", "ZZ1 1AA"]])
    dated = titled_workbook(tmp_path / "dated.xlsx", [
        ["B1", datetime(2025, 2, 3), "Noise", "ZZ1 1AA"]], date_only=True)
    load_partner(warehouse, [timed, dated], mapping=mapping(tmp_path))
    assert occurred(warehouse) == {"A1": "2025-01-03 00:00:00", "A2": "2025-01-03 23:59:00",
                                   "B1": "2025-02-03 00:00:00"}
    assert untimed(warehouse) == ["B1"]


def test_read_date_takes_a_time_written_after_the_date():
    assert read_date("03/01/2025 14:30", "%d/%m/%Y") == DateValue(date(2025, 1, 3),
                                                                  time(14, 30))
    assert read_date("03/01/2025", "%d/%m/%Y %H:%M") == DateValue(date(2025, 1, 3), None)
    assert read_date("2025-01-03 00:00:00", "%d/%m/%Y") == DateValue(date(2025, 1, 3),
                                                                     time(0, 0))
    with pytest.raises(ValueError):
        read_date("31/02/2025", "%d/%m/%Y")
