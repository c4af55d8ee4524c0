"""docs/partner-data.md's walkthrough, run: a council's raw 3,000-row ASB export in an
unknown layout (.xlsx and Windows-1252 CSV), refused raw, pseudonymised by the data owner,
loaded through a hand-written mapping. Every figure is pinned against the generator's own
record of the cases, not against the code under test."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.errors import LoadFailed
from cspkit.privacy.pseudonymise import age_at, normalise_text
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from tests.sources.partner.conftest import postcode_lookup, reference_warehouse, snapshot
from tests.sources.partner.council_export import (
    AT_HOME,
    HEADER,
    ROWS,
    council_cases,
    write_csv,
    write_xlsx,
)
from tests.warehouse.conftest import A1, A2, B1

# What the data owner writes (docs/partner-data.md, step 2).
SPEC = """
keep = ["Case Reference", "ASB Category", "Ward", "Reporter Sex", "Reporter Ethnicity"]
date_of_birth_format = "%d/%m/%Y"

[incident]
date = "Reported On"
date_format = "%d/%m/%Y %H:%M"
location = "Incident Address"
postcode = "Incident Postcode"
reduce_location = "street"

[[person]]
role = "caller"
name = ["Reporting Person"]
date_of_birth = "Reporter DOB"
address = ["Reporter Address"]
postcode = "Reporter Postcode"

[[person]]
role = "perpetrator"
name = ["Alleged Perpetrator"]
date_of_birth = "Perpetrator DOB"
"""
# What the analyst writes for the shared file (step 4).
MAPPING = """
name = "kestrel_council_asb"
description = "Kestrel Vale Council ASB cases, pseudonymised by the council"
source = "council_asb"

[incident]
id = "Case Reference"
date = "Reported On"
date_format = "%d/%m/%Y %H:%M"
category = "ASB Category"
location = "Incident Address"
lsoa = "Incident LSOA"

[[person]]
role = "caller"
key = "Caller Key"
age = "Caller Age"
sex = "Reporter Sex"
ethnicity = "Reporter Ethnicity"
home_lsoa = "Caller Home LSOA"

[[person]]
role = "offender"
key = "Perpetrator Key"
age = "Perpetrator Age"
home_lsoa = "Perpetrator Home LSOA"

[details]
ward = "Ward"
"""
# The mapping a hurried analyst might write for the raw export (step 1): refused.
RAW_MAPPING = """
name = "raw_council_asb"
source = "council_asb"
encodings = ["utf-8", "cp1252"]

[incident]
id = "Case Reference"
date = "Reported On"
date_format = "%d/%m/%Y %H:%M"
category = "ASB Category"
location = "Incident Address"
postcode = "Incident Postcode"

[[person]]
role = "caller"
key = "Reporting Person"

[details]
notes = "Notes"
phone = "Reporter Phone"
"""
LOOKUP = {"ZZ1 1AA": A1, "ZZ1 1AB": A2, "ZZ2 1AA": B1}


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Both exports through the data owner's `csp pseudonymise` and the analyst's
    `csp load-partner`, each into its own warehouse."""
    root = tmp_path_factory.mktemp("walkthrough")
    cases = council_cases()
    owner = root / "council"
    owner.mkdir()
    raw = {"xlsx": write_xlsx(cases, owner / "asb_cases_2025.xlsx"),
           "csv": write_csv(cases, owner / "asb_cases_2025.csv")}
    runner = CliRunner()
    key = owner / "csp-council.key"
    assert runner.invoke(app, ["pseudonymise", "--new-key", str(key)]).exit_code == 0
    (owner / "spec.toml").write_text(SPEC, encoding="utf-8")
    lookup = postcode_lookup(owner)
    (root / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    out: dict = {"cases": cases, "root": root, "raw": raw, "output": {}, "con": {}}
    for kind, export in raw.items():
        shared = root / "shared" / f"council_asb_2025_{kind}.csv"
        result = runner.invoke(app, [
            "pseudonymise", str(export), "--spec", str(owner / "spec.toml"), "--out",
            str(shared), "--key-file", str(key), "--postcode-lookup", str(lookup),
            "--allow-cp1252"])
        assert result.exit_code == 0, result.output
        out["output"][kind] = result.output
        con = reference_warehouse(root / kind)
        load_partner(con, [shared], mapping=load_mapping(root / "mapping.toml"),
                     rejects=root / kind / "rejects.csv")
        out["con"][kind] = con
    return out


def test_the_raw_export_is_refused_and_the_warehouse_is_unchanged(walkthrough, tmp_path):
    raw_mapping = tmp_path / "raw.toml"
    raw_mapping.write_text(RAW_MAPPING, encoding="utf-8")
    con = reference_warehouse(tmp_path / "w")
    before = snapshot(con)
    for export in walkthrough["raw"].values():
        with pytest.raises(LoadFailed) as raised:
            load_partner(con, [export], mapping=load_mapping(raw_mapping))
        message = str(raised.value)
        assert 'column "Reporting Person" (the caller key) holds values that are not keyed ' \
               "hashes" in message
        assert 'column "Notes" holds names' in message
        assert 'column "Reporter Phone" holds phone numbers (in 3,000 of 3,000 values)' \
            in message
        assert "\n" not in message and "7700" not in message and "Brontë" not in message
        assert snapshot(con) == before


def test_keeping_the_notes_stops_pseudonymise_and_writes_nothing(walkthrough, tmp_path):
    owner = tmp_path
    spec = owner / "spec.toml"
    spec.write_text(SPEC.replace('"Reporter Ethnicity"]', '"Reporter Ethnicity", "Notes"]'),
                    encoding="utf-8")
    (owner / "k").write_text("k" * 64, encoding="utf-8")
    result = CliRunner().invoke(app, [
        "pseudonymise", str(walkthrough["raw"]["xlsx"]), "--spec", str(spec), "--out",
        str(owner / "shared.csv"), "--key-file", str(owner / "k"), "--postcode-lookup",
        str(postcode_lookup(owner))])
    assert result.exit_code == 1
    assert 'nothing was written: column "Notes" holds names' in result.output
    assert not (owner / "shared.csv").exists()


def test_the_owner_is_told_what_was_kept_left_out_and_found(walkthrough):
    cases = walkthrough["cases"]
    written = [c for c in cases if c.reported is not None]
    keyed = sum(c.reporter.born is not None for c in written)
    unreadable = sum(c.reporter.birth_text == "unknown" for c in written)
    no_birth = sum(c.reporter.birth_text == "" for c in written)
    for kind, output in walkthrough["output"].items():
        assert f"Wrote {len(written):,} rows" in output, kind
        assert ("kept: Case Reference, Reported On, ASB Category, Incident Address, Ward, "
                "Reporter Sex, Reporter Ethnicity\n") in output
        assert "incident location: house numbers taken off, postcode replaced by its LSOA" \
            in output
        left_out = [c for c in HEADER if c not in (
            "Case Reference", "Reported On", "ASB Category", "Incident Address", "Ward",
            "Reporter Sex", "Reporter Ethnicity")]
        assert f"left out: {', '.join(left_out)}\n" in output
        assert "Incident Postcode" in left_out and "Notes" in left_out
        assert (f"caller: {keyed:,} keyed, {no_birth:,} without name or date of birth (no "
                f"key), {unreadable:,} date of birth unreadable (kept, age not recorded)"
                ) in output
        assert (f"{AT_HOME:,} incident(s) at a person's own home postcode and {AT_HOME:,} "
                "with a house number in the location") in output
        assert f"{ROWS - len(written)} row(s) left out (incident date empty or unreadable)" \
            in output


def test_xlsx_and_windows_1252_csv_load_the_same_incidents_and_people(walkthrough):
    tables = {}
    for kind, con in walkthrough["con"].items():
        incidents = con.table("incident").to_pandas().drop(columns=["load_id"])
        people = con.table("person_involvement").to_pandas().drop(columns=["load_id"])
        details = con.table("incident_detail").to_pandas().drop(columns=["load_id"])
        tables[kind] = [t.sort_values(list(t.columns)).reset_index(drop=True).astype(str)
                        for t in (incidents, people, details)]
    for one, other in zip(tables["xlsx"], tables["csv"], strict=True):
        assert one.equals(other)


def test_incidents_times_places_and_people_match_the_cases(walkthrough):
    cases = walkthrough["cases"]
    written = [c for c in cases if c.reported is not None]
    con = walkthrough["con"]["xlsx"]
    incidents = con.table("incident").to_pandas().set_index("source_ref")
    assert len(incidents) == len(written)
    assert Counter(incidents["month"]) == Counter(f"{c.reported:%Y-%m}" for c in written)
    when = {c.ref: c.reported for c in written}
    assert all(incidents.loc[ref, "occurred_at"].to_pydatetime() == t
               for ref, t in when.items())
    midnight = sum(t.hour == 0 and t.minute == 0 for t in when.values())
    assert midnight > 0 and (incidents["occurred_at"].dt.strftime("%H:%M") == "00:00").sum() \
        == midnight
    details = con.table("incident_detail").to_pandas()
    assert not (details["name"] == "time_known").any()  # every case has its time of day
    placed = {c.ref: LOOKUP.get(c.postcode) for c in written}
    assert {ref: (None if code != code else code)
            for ref, code in incidents["lsoa_code"].items()} == placed
    assert set(incidents["location"]) <= {
        "Larch Road", "Victoria Road", "Albert Terrace", "Norton Road", "Preston Lane",
        "Stockton Street", "Mill Lane", "Acacia Avenue", "Church Street", "Yarm Road",
        "Albert Park", "Preston Park", "Norton Green", "Stockton High Street",
        "outside the Co-op, Yarm Road", "Victoria Road shops", "Mill Lane play area"}
    people = con.table("person_involvement").to_pandas()
    callers = people[people.role == "caller"].set_index(
        people[people.role == "caller"]["incident_id"].str.removeprefix("council_asb:"))
    keyed = [c for c in written if c.reporter.born is not None]
    assert callers["person_key"].notna().sum() == len(keyed)
    assert callers["person_key"].nunique() == len(
        {(normalise_text(c.reporter.written), c.reporter.born) for c in keyed})
    assert all(callers.loc[c.ref, "age"] == age_at(c.reporter.born, c.reported.date())
               for c in keyed)
    offenders = people[people.role == "offender"]
    assert offenders["person_key"].notna().sum() == sum(
        c.perpetrator is not None and c.perpetrator.born is not None for c in written)


def test_no_identifier_of_the_raw_export_reaches_the_warehouse(walkthrough):
    cases = walkthrough["cases"]
    identifying = set()
    for c in cases:
        identifying |= {c.reporter.written, c.reporter.phone, c.reporter.email,
                        c.reporter.address, c.officer}
        identifying |= {c.reporter.birth_text} - {"", "unknown"}
        if c.perpetrator:
            identifying |= {c.perpetrator.written, c.perpetrator.birth_text} - {""}
        if c.notes:
            identifying.add(c.notes)
    for con in walkthrough["con"].values():
        for table in ("incident", "person_involvement", "incident_detail", "load_ledger"):
            text = con.table(table).to_pandas().astype(str).to_csv()
            leaked = [value for value in identifying if value in text]
            assert not leaked, (table, leaked[:5])
            assert "ZZ9 9ZZ" not in text and "ZZ1 1AA" not in text, table


def test_the_docs_walkthrough_shows_this_spec_and_mapping():
    text = (Path(__file__).resolve().parents[3] / "docs" / "partner-data.md").read_text(
        encoding="utf-8")
    walkthrough = text.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    blocks = [tomllib.loads(b.split("```", 1)[0]) for b in walkthrough.split("```toml\n")[1:]]
    assert tomllib.loads(SPEC) in blocks and tomllib.loads(MAPPING) in blocks
