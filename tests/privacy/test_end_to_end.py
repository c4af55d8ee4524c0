"""From an owner's raw export to the warehouse: keys and ages arrive, identities never do."""

from __future__ import annotations

import csv
from pathlib import Path

from cspkit.privacy.pseudonymise import (
    IncidentColumns,
    PersonColumns,
    PseudonymiseSpec,
    pseudonymise_file,
)
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.sources.partner.postcodes import read_postcode_lookup
from tests.sources.partner.conftest import postcode_lookup, warehouse  # noqa: F401  (fixture)
from tests.warehouse.conftest import A1, A2

SECRET = b"an owner secret of at least 32 bytes!!"
RAW_HEADER = ["Crime Reference", "Committed Date", "Committed Time", "Offence Group",
              "Offence", "Location", "LSOA Code", "Domestic Abuse Flag", "Alcohol Flag",
              "Hate Flag", "Victim Forename", "Victim Surname", "Victim DOB",
              "Victim Address", "Victim Postcode", "Victim Phone", "Victim Sex",
              "Victim Ethnicity", "Offender Name", "Offender DOB", "Offender Postcode",
              "Offender Sex", "Offender Ethnicity"]
RAW_ROWS = [
    ["CR1", "03/01/2025", "23:10", "Violence against the person", "Assault", "High St", A1,
     "Y", "N", "N", "Maisie", "Thornbury", "14/07/1988", "9 Quillet Row", "ZZ1 1AA",
     "07700 900111", "F", "White British", "Dorian Pask", "02/02/2008", "ZZ1 1AB", "M", ""],
    ["CR2", "10/02/2025", "22:00", "Violence against the person", "Assault", "High St", A2,
     "N", "Y", "N", "MAISIE", "thornbury ", "1988-07-14", "9 Quillet Row", "zz1 1aa",
     "07700 900111", "F", "White British", "Dorian  Pask", "02/02/2008", "ZZ1 1AB", "M", ""],
]
IDENTIFYING = ["Maisie", "MAISIE", "Thornbury", "thornbury", "14/07/1988", "1988-07-14",
               "Quillet", "ZZ1 1AA", "zz1 1aa", "ZZ1 1AB", "07700", "Dorian", "Pask",
               "02/02/2008", "2008-02-02"]
SPEC = PseudonymiseSpec(
    keep=["Crime Reference", "Committed Time", "Offence Group", "Offence", "Location",
          "LSOA Code", "Domestic Abuse Flag", "Alcohol Flag", "Hate Flag", "Victim Sex",
          "Victim Ethnicity", "Offender Sex", "Offender Ethnicity"],
    incident=IncidentColumns(date="Committed Date", date_format="%d/%m/%Y"),
    date_of_birth_format="%d/%m/%Y",
    person=[PersonColumns(role="victim", name=["Victim Forename", "Victim Surname"],
                          date_of_birth="Victim DOB", address=["Victim Address"],
                          postcode="Victim Postcode"),
            PersonColumns(role="offender", name=["Offender Name"],
                          date_of_birth="Offender DOB", postcode="Offender Postcode")])


def test_raw_export_pseudonymised_then_loaded_leaves_no_identifier_in_the_warehouse(
        warehouse, tmp_path: Path):  # noqa: F811
    raw = tmp_path / "owner" / "raw.csv"
    raw.parent.mkdir()
    with raw.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([RAW_HEADER, *RAW_ROWS])
    lookup = read_postcode_lookup(postcode_lookup(tmp_path / "owner"))
    shared = pseudonymise_file(raw, tmp_path / "shared.csv", spec=SPEC, secret=SECRET,
                               postcodes=lookup).output
    load_partner(warehouse, [shared], mapping=load_mapping("police_crime_extract"))
    people = warehouse.table("person_involvement").to_pandas()
    victims = people[people.role == "victim"]
    assert victims["person_key"].nunique() == 1  # the same woman, spelt two ways
    assert victims["age"].tolist() == [36, 36] and set(victims["home_lsoa_code"]) == {A1}
    offenders = people[people.role == "offender"]
    assert offenders["age"].tolist() == [16, 17]  # his birthday fell between the crimes
    assert set(offenders["home_lsoa_code"]) == {A2}
    # Every table the load wrote to (the postcode reference table lists every postcode in
    # the country by design, so is not a person's).
    for table in ("incident", "person_involvement", "incident_detail", "load_ledger"):
        text = warehouse.table(table).to_pandas().astype(str).to_csv()
        for value in IDENTIFYING:
            assert value not in text, (table, value)
