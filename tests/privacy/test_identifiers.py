"""The identifier check: realistic names, phones, e-mails, dates and addresses are found;
place names, streets and the demo's pseudonymised exports are not taken for people."""

from __future__ import annotations

import csv
import gzip

import pytest
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.errors import LoadFailed
from cspkit.privacy.identifiers import (
    ADDRESSES,
    BIRTH_DATES,
    EMAILS,
    NAMES,
    PHONES,
    POSTCODES,
    describe_findings,
    find_identifiers,
    is_person_key,
)
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from tests.sources.partner.conftest import pseudonym, snapshot, warehouse, write_rows  # noqa: F401


def kinds(values: list[str], *, location: bool = False, column: str = "Notes") -> list[str]:
    return [f.kind for f in find_identifiers(column, values, location=location)]


@pytest.mark.parametrize("value", [
    "Zoë Brontë", "Siân O’Neill", "Róisín Doherty", "SMITH, John", "Łukasz Kowalski",
    "José García", "Mrs Kowalska", "Mr. Okonkwo", "Anne-Marie Müller", "JOHN SMITH"])
def test_names_with_accents_titles_and_surname_first_are_found(value):
    assert kinds([value]) == [NAMES]


@pytest.mark.parametrize("value", [
    "+44 7700 900123", "07700900123", "(01642) 123456", "01642 123456", "0161-496-0000",
    "+44 (0)1642 123456", "tel 07700 900 123 after 6pm"])
def test_phone_numbers_in_several_formats_are_found(value):
    assert kinds([value]) == [PHONES]


def test_emails_postcodes_addresses_and_birth_dates_are_found():
    assert kinds(["write to zoe.bronte+asb@example.co.uk"]) == [EMAILS]
    assert kinds(["caller lives at TS18 1AA"]) == [POSTCODES]
    assert kinds(["ts5 6ab"]) == [POSTCODES]
    assert kinds(["Flat 3, 12a Acacia Avenue"]) == [ADDRESSES]
    assert kinds(["outside 27 Victoria Road again"]) == [ADDRESSES]
    assert kinds(["DOB 14/07/1988"]) == [BIRTH_DATES]
    assert kinds(["male, born 1971, known to police"]) == [BIRTH_DATES]


def test_one_notes_value_can_hold_several_kinds():
    found = find_identifiers("Notes", [
        "Mrs Patel (07700 900123, a.patel@example.com) says Dean Walsh of 4 Oak Close, "
        "TS1 2AB, DOB 02/02/2008, kicked the door", "Noise again", ""])
    assert [(f.kind, f.found, f.values) for f in found] == [
        (NAMES, 1, 2), (PHONES, 1, 2), (EMAILS, 1, 2), (BIRTH_DATES, 1, 2), (POSTCODES, 1, 2),
        (ADDRESSES, 1, 2)]


@pytest.mark.parametrize("value", [
    "Stockton", "Preston", "Norton", "Preston Park", "Norton Green", "Stockton High Street",
    "Albert Park", "Victoria Road", "Martin Grove", "Harold Wilson Road", "Lincoln Green",
    "James Cook University Hospital", "TS18 1AA", "12 High Street"])
def test_places_and_streets_in_a_location_column_are_not_names(value):
    assert kinds([value], location=True, column="Location") == []


def test_a_place_that_is_also_a_surname_is_a_name_in_free_text():
    assert kinds(["Emma Preston reported it"]) == [NAMES]
    assert kinds(["Emma Preston reported it"], location=True) == []


def test_ordinary_notes_and_codes_are_not_taken_for_identifiers():
    notes = ["Youths gathering near the shops on Park Road", "Loud music from upstairs",
             "Group of 15 youths on Park Road after 9pm", "A19 2ND exit blocked at 4PM",
             "Crime ref CR/0012345678/25 passed to police", "Neighbour dispute, third report",
             "Jack Russell barking all day"] + ["Noise"] * 30
    assert kinds(notes) == []
    assert kinds(["White British", "Black or Black British", "Asian or Asian British",
                  "Mixed", "White Other"], column="Ethnicity") == []


def test_name_thresholds_two_different_names_or_five_percent_of_values():
    quiet = ["Noise complaint"] * 98
    assert kinds([*quiet, "Jack Russell barking", "Jack Russell barking"]) == []
    assert kinds([*quiet, "Jack Russell barking", "Ella Green called"]) == [NAMES]
    assert kinds(["Noise complaint"] * 19 + ["Jack Russell barking"]) == [NAMES]  # 5%


def test_a_column_of_surnames_or_forenames_alone_is_a_name_column():
    assert kinds(["Smith", "Jones", "Patel", "Kowalski", "Brontë", "Khan"],
                 column="Surname") == [NAMES]
    assert kinds(["Stockton", "Preston", "Norton", "Yarm", "Thornaby", "Billingham"],
                 column="Town") == []


def test_a_column_of_dates_spread_over_a_lifetime_is_dates_of_birth():
    births = [f"{day:02d}/05/{year}" for day, year in zip(range(1, 29), range(1940, 1996, 2),
                                                          strict=True)]
    incidents = [f"{d:02d}/0{m}/2025 14:30" for d in range(1, 29) for m in (1, 2)]
    assert kinds(births, column="Reporter Info") == [BIRTH_DATES]
    assert kinds(incidents, column="Reported On") == []
    assert kinds(["1988-07-14"], column="Victim D.O.B") == [BIRTH_DATES]


def test_a_person_key_is_a_64_character_keyed_hash():
    assert is_person_key(pseudonym("anyone")) and is_person_key(pseudonym("x").upper())
    assert not is_person_key("Zoë Brontë") and not is_person_key("p1")


def test_findings_are_described_without_values():
    found = find_identifiers("Reporter Phone", ["07700 900123", "+44 7700 900456", ""])
    assert describe_findings(found) == (
        'column "Reporter Phone" holds phone numbers (in 2 of 2 values)')


ASB_HEADER = ["Case Ref", "Reported On", "Category", "Incident Location", "Incident Postcode",
              "Reporting Person", "Reporter Phone", "Notes"]
RAW_MAPPING = """
name = "raw_council"
source = "council_asb"
[incident]
id = "Case Ref"
date = "Reported On"
date_format = "%d/%m/%Y %H:%M"
category = "Category"
location = "Incident Location"
postcode = "Incident Postcode"
[[person]]
role = "caller"
key = "{key}"
[details]
notes = "Notes"
phone = "Reporter Phone"
"""


def raw_export(folder):
    return write_rows(folder / "asb.csv", ASB_HEADER, [
        ["A1", "03/01/2025 21:15", "Noise", "27 Victoria Road", "ZZ1 1AA", "Zoë Brontë",
         "+44 7700 900123", "Caller Zoë says Mr Walsh at no. 29 plays music"],
        ["A2", "04/01/2025 00:00", "Youths", "Albert Park", "ZZ1 1AB", "SMITH, John",
         "(01642) 123456", "Youths again, ring John on 07700900123"]])


def raw_mapping(folder, key: str = "Reporting Person"):
    path = folder / "raw.toml"
    path.write_text(RAW_MAPPING.format(key=key), encoding="utf-8")
    return load_mapping(path)


def test_load_partner_refuses_names_as_keys_and_identifiers_in_details(
        warehouse, tmp_path):  # noqa: F811
    before = snapshot(warehouse)
    with pytest.raises(LoadFailed) as raised:
        load_partner(warehouse, [raw_export(tmp_path)], mapping=raw_mapping(tmp_path))
    message = str(raised.value)
    assert message.startswith(
        f"{tmp_path / 'asb.csv'}:1: identifiers must not enter the warehouse: "
        'column "Reporting Person" (the caller key) holds values that are not keyed hashes '
        '(in 2 of 2 values); column "Notes" holds names (in 1 of 2 values) and phone numbers '
        '(in 1 of 2 values); column "Reporter Phone" holds phone numbers (in 2 of 2 values). '
        "A person key is the 64-character keyed hash `csp pseudonymise` writes")
    for value in ("Zoë", "Brontë", "SMITH", "7700", "Walsh", "Victoria"):
        assert value not in message
    assert snapshot(warehouse) == before


def test_cli_refusal_is_one_line_and_exits_non_zero(warehouse, tmp_path):  # noqa: F811
    warehouse.disconnect()
    raw_mapping(tmp_path)
    result = CliRunner().invoke(app, [
        "load-partner", str(raw_export(tmp_path)), "--mapping", str(tmp_path / "raw.toml"),
        "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and 'column "Notes" holds names' in errors[0]


@pytest.mark.real_data
def test_no_cleveland_police_uk_location_is_taken_for_a_person(shared_data):
    locations = set()
    for path in sorted((shared_data / "police-uk" / "cleveland" / "street").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            locations |= {row["Location"] for row in csv.DictReader(handle)}
    assert len(locations) > 5000
    assert find_identifiers("Location", sorted(locations), location=True) == []
    assert find_identifiers("Location", sorted(locations)) == []
