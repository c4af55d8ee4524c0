"""The fictional borough's partner exports: deterministic, loadable, with real-world flaws."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cspkit.privacy.identifiers import identifier_findings, is_person_key
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.sources.partner.readers import read_export
from cspkit.synth.borough import generate_borough
from cspkit.synth.partners import EXPORTS, write_partner_exports
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[Path, ...]]:
    out = tmp_path_factory.mktemp("kestrel")
    generate_borough(out, first_month="2025-01", last_month="2025-03")
    return out, write_partner_exports(out)


def rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_writes_byte_identical_exports(borough, tmp_path):
    out, files = borough
    generate_borough(tmp_path, first_month="2025-01", last_month="2025-03")
    again = write_partner_exports(tmp_path)
    assert again == files
    assert all((tmp_path / f).read_bytes() == (out / f).read_bytes() for f in files)
    assert files[0] == Path("lookups/PCD_OA21_LSOA21_MSOA21_LAD_KV.csv")
    assert {f.name for f in files[1:]} == {"police_crime_extract_2025.csv",
                                           "council_asb_cases_2025.csv",
                                           "fire_incidents_2025.csv", "ae_assaults_2025.csv",
                                           "yos_first_time_entrants_2025.csv"}


def test_exports_carry_the_data_quality_problems_partnerships_meet(borough):
    out, _ = borough
    police = rows(out / "partners" / "police_crime_extract_2025.csv")
    flags = {r["Domestic Abuse Flag"] for r in police}
    assert {"Y", "Yes", "DA", ""} <= flags  # one flag written four ways, or not at all
    victims = [r for r in police if r["Victim Key"]]
    assert 0.15 < sum(not r["Victim Ethnicity"] for r in victims) / len(victims) < 0.45
    asb = rows(out / "partners" / "council_asb_cases_2025.csv", "cp1252")
    young = [r for r in asb if r["Perpetrator Age"] and int(r["Perpetrator Age"]) < 18]
    assert sum(not r["Perpetrator School"] for r in young) / len(young) > 0.5
    assert any(r["Postcode"] == "ZZ99 9ZZ" for r in asb)


def test_exports_hold_keys_never_names_dates_of_birth_or_home_addresses(borough):
    out, files = borough
    for path in files[1:]:
        header = (out / path).read_bytes().split(b"\n", 1)[0].decode("cp1252").casefold()
        for word in ("name", "birth", "dob", "address", "phone"):
            assert word not in header, (path, word)


def test_every_export_loads_with_its_builtin_mapping(borough, tmp_path):
    out, _ = borough
    con = connect(tmp_path / "w.duckdb")
    load_paths(con, [out / "lookups", out / "boundaries", out / "population"])
    reports = {name: load_partner(con, sorted((out / "partners").glob(pattern)),
                                  mapping=load_mapping(name))
               for name, pattern in EXPORTS.items()}
    assert reports["council_asb"].encodings.popitem()[1] == "cp1252"
    assert reports["fire_incidents"].encodings.popitem()[1] == "utf-8-sig"
    assert reports["council_asb"].rejected > 0 and reports["council_asb"].unplaced > 0
    assert reports["police_crime_extract"].rejected == 0
    assert reports["fire_incidents"].placement["coordinates_polygon"] > 0
    assert reports["ae_istv"].unplaced > 0
    people = con.table("person_involvement").to_pandas()
    assert set(people["role"]) == {"victim", "offender", "caller"}
    assert reports["yos_first_time_entrants"].load.loaded


def test_demo_exports_pass_the_identifier_check_with_nothing_flagged(borough):
    out, _ = borough
    for name, pattern in EXPORTS.items():
        mapping = load_mapping(name)
        for path in sorted((out / "partners").glob(pattern)):
            table = read_export(str(path), path.read_bytes(), encodings=("utf-8", "cp1252"))
            text = mapping.text_columns()
            assert identifier_findings({c: table.column(c) for c in text},
                                       locations={c for c, at in text.items() if at}) == []
            keys = [v for p in mapping.person if p.key for v in table.column(p.key) if v]
            assert all(is_person_key(k) for k in keys) and bool(keys) == bool(mapping.person)
