"""What a partner load reports: rows, incidents, people and rejects; replaced months; why
rows were not placed and their placing when the postcode lookup arrives; the authorities
rows were placed in; a file already loaded; and `csp status` for partner sources."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cspkit.assessment.config import default_config_text
from cspkit.cli import app
from cspkit.cli.partner import load_partner_summary
from cspkit.sources.files import read_header, read_path
from cspkit.sources.partner.loading import PartnerFileCounts, PartnerLoadReport, load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.sources.registry import recognise
from cspkit.warehouse import connect
from cspkit.warehouse.load import FileResult, LoadReport, Replacement, load_paths
from cspkit.warehouse.placement import unplaced_reasons
from cspkit.warehouse.status import AuthorityCount, warehouse_status
from tests.sources.partner.conftest import POSTCODE_HEADER, postcode_lookup, snapshot, write_rows
from tests.sources.partner.test_load_partner import (
    ASB_HEADER,
    FIRE_HEADER,
    POLICE_HEADER,
    asb_export,
    asb_row,
    police_rows,
)
from tests.warehouse.conftest import A1, B1, area_lookup, census, lsoa_boundaries

# The reference folder of the `warehouse` fixture is four files: loads 1 to 4.
FIRST_LOAD = 5
PLACEMENT = ["incident_id", "lsoa_code_published", "lsoa_code", "lsoa_assignment", "ward_code",
             "lad_code"]


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def placement(con) -> pd.DataFrame:
    return (con.table("incident").to_pandas()[PLACEMENT]
            .sort_values("incident_id", ignore_index=True))


# --- rows, incidents, people and rejects -----------------------------------------------------


def test_the_report_counts_rows_read_incidents_people_and_rejects_each_once(warehouse,
                                                                             tmp_path):
    # 7 rows: A4, A5 and A6 rejected; A1, A2, A3 and A7 each one incident with a caller and
    # a perpetrator (8 people) and a school detail (A2 also time_known: 5 details).
    export = asb_export(tmp_path)
    report = load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    assert data_rows(export) == 7
    assert report.files == (PartnerFileCounts(str(export), "utf-8", rows_read=7, incidents=4,
                                              people=8, rejected=3),)
    assert warehouse.table("incident_detail").count().execute() == 5
    ledger = warehouse.table("load_ledger").to_pandas().set_index("load_id")
    assert ledger.loc[FIRST_LOAD, "rows"] == 4  # incidents, not the 8 people or 5 details


def test_an_extract_with_a_row_per_offender_reports_fewer_incidents_than_rows(warehouse,
                                                                              tmp_path):
    # CR1 on two rows (two offenders, one victim), CR2 on one, CR3 rejected: 2 incidents,
    # 4 people (v1 once, o1, o2, o3).
    export = write_rows(tmp_path / "crime.csv", POLICE_HEADER, police_rows())
    report = load_partner(warehouse, [export], mapping=load_mapping("police_crime_extract"))
    assert report.files == (PartnerFileCounts(str(export), "utf-8", rows_read=4, incidents=2,
                                              people=4, rejected=1),)


def test_cli_reports_rows_incidents_people_and_rejects(warehouse, tmp_path):
    warehouse.disconnect()
    export = asb_export(tmp_path)
    result = cli("load-partner", str(export), "--mapping", "council_asb",
                 "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 0, result.output
    assert ("7 rows read, 4 incidents and 8 people loaded, 3 rows rejected." in result.output)
    assert f"{export} (read as utf-8): 7 rows, 4 incidents, 8 people, 3 rejected" in (
        result.output)
    assert "6,000" not in result.output and " 8 rows" not in result.output


# --- replacing months of an earlier export ---------------------------------------------------


def without_people(row: list[str]) -> list[str]:
    keep = {"Case Ref", "Date Received", "Time Received", "Case Type", "Case Category",
            "Location", "Postcode", "Alcohol Related", "Perpetrator School"}
    return [value if column in keep else "" for column, value in zip(ASB_HEADER, row,
                                                                      strict=True)]


def test_a_newer_export_says_which_months_it_replaces_with_counts_before_and_after(
        warehouse, tmp_path):
    mapping = load_mapping("council_asb")
    first = asb_export(tmp_path)  # January: A1, A2, A3 (A3's postcode held); February: A7
    load_partner(warehouse, [first], mapping=mapping)
    newer = asb_export(tmp_path, [without_people(asb_row("N1", "09/01/2025", "Noise",
                                                         "ZZ1 1AA")),
                                  without_people(asb_row("N2", "10/01/2025", "Noise",
                                                         "ZZ1 1AB"))], "new.csv")
    report = load_partner(warehouse, [newer], mapping=mapping)
    assert report.load.replaced == (Replacement(
        file=str(newer), table="incident", replaced_load=FIRST_LOAD, replaced_file=str(first),
        by_month=(("2025-01", 3, 2),)),)
    assert report.load.replaced[0].describe() == (
        f"{newer} replaces load {FIRST_LOAD} ({first}) for 2025-01 incident rows 3 → 2")
    # The newer export has no people and no unknown postcode: January's go all the same.
    people = warehouse.table("person_involvement").to_pandas()
    assert set(people["incident_id"]) == {"council_asb:A7"}
    assert warehouse.table("unplaced_postcode").count().execute() == 0
    ids = sorted(warehouse.table("incident").to_pandas()["incident_id"])
    assert ids == ["council_asb:A7", "council_asb:N1", "council_asb:N2"]


def test_cli_prints_the_replacement(warehouse, tmp_path):
    warehouse.disconnect()
    db = str(tmp_path / "w.duckdb")
    first = asb_export(tmp_path)
    assert cli("load-partner", str(first), "--mapping", "council_asb", "-w", db).exit_code == 0
    newer = asb_export(tmp_path, [asb_row("N1", "09/02/2025", "Noise", "ZZ1 1AA")], "n.csv")
    result = cli("load-partner", str(newer), "--mapping", "council_asb", "-w", db)
    assert result.exit_code == 0, result.output
    assert (f"replaced: {newer} replaces load {FIRST_LOAD} ({first}) for 2025-02 incident "
            "rows 1 → 1") in result.output


# --- placing: why not, and placing when the postcode lookup arrives --------------------------


@pytest.fixture
def no_postcodes(tmp_path: Path):
    """The `warehouse` fixture's reference data without the postcode lookup, in
    ``no-lookup/w.duckdb``."""
    folder = tmp_path / "no-lookup" / "reference"
    folder.mkdir(parents=True)
    area_lookup(folder)
    lsoa_boundaries(folder)
    census(folder)
    con = connect(tmp_path / "no-lookup" / "w.duckdb")
    load_paths(con, [folder])
    return con


def test_rows_loaded_before_the_postcode_lookup_say_why_and_are_placed_when_it_arrives(
        no_postcodes, warehouse, tmp_path):
    export = asb_export(tmp_path)
    report = load_partner(no_postcodes, [export], mapping=load_mapping("council_asb"))
    assert report.unplaced == 4
    assert report.unplaced_reasons == {"no_postcode_lookup": 3, "no_location": 1}
    held = no_postcodes.table("unplaced_postcode").to_pandas()
    assert sorted(zip(held.incident_id, held.postcode, strict=True)) == [
        ("council_asb:A1", "ZZ1 1AA"), ("council_asb:A2", "ZZ1 1AB"),
        ("council_asb:A3", "ZZ9 9ZZ")]

    lookup = load_paths(no_postcodes, [postcode_lookup(tmp_path / "lookup")])
    assert lookup.placement.placed_by_postcode == 2
    assert "  placed 2 partner incident(s) held for the postcode lookup" in lookup.notices()
    # Placed exactly as when the lookup was loaded first; only A3's unknown postcode is held.
    load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    pd.testing.assert_frame_equal(placement(no_postcodes), placement(warehouse))
    placed = placement(no_postcodes).set_index("incident_id")
    assert placed.loc["council_asb:A1", ["lsoa_code", "ward_code", "lad_code"]].tolist() == [
        A1, "E05999001", "E06999001"]
    held = no_postcodes.table("unplaced_postcode").to_pandas()
    assert held[["incident_id", "postcode"]].values.tolist() == [["council_asb:A3", "ZZ9 9ZZ"]]
    assert unplaced_reasons(no_postcodes) == {"no_location": 1, "postcode_not_in_lookup": 1}


def test_cli_says_why_rows_were_not_placed_and_places_them_when_the_lookup_is_loaded(
        no_postcodes, tmp_path):
    no_postcodes.disconnect()
    db = str(tmp_path / "no-lookup" / "w.duckdb")
    export = str(asb_export(tmp_path))
    first = cli("load-partner", export, "--mapping", "council_asb", "-w", db)
    assert first.exit_code == 0, first.output
    assert "could not be placed in an LSOA: 4" in first.output
    assert "3 with a postcode, but no postcode lookup is loaded" in first.output
    assert "1 with no location given" in first.output
    lookup = cli("load", str(postcode_lookup(tmp_path / "lookup")), "-w", db)
    assert lookup.exit_code == 0, lookup.output
    assert "placed 2 partner incident(s) held for the postcode lookup" in lookup.output
    again = cli("load-partner", export, "--mapping", "council_asb", "-w", db)
    assert again.exit_code == 0, again.output
    assert f"already loaded, nothing changed: {export} (already loaded as load" in again.output


def test_a_postcode_whose_lsoa_no_area_lookup_holds_is_not_kept_once_its_lsoa_is_known(
        no_postcodes, tmp_path):
    outside = "E01777777"  # an LSOA in no loaded area lookup
    export = asb_export(tmp_path, [asb_row("F1", "03/01/2025", "Noise", "ZZ3 1AA")])
    load_partner(no_postcodes, [export], mapping=load_mapping("council_asb"))
    lookup = write_rows(tmp_path / "lookup" / "PCD_OA21_LSOA21_MSOA21_LAD_X_UK_LU.csv",
                        POSTCODE_HEADER, [["ZZ3 1AA", "ZZ3  1AA", "ZZ3 1AA", "198001", "", "0",
                                           "E00777777", outside, "E02777777", "E06777777",
                                           "", "", "", ""]])
    load_paths(no_postcodes, [lookup])
    placed = placement(no_postcodes).iloc[0]
    assert (placed.lsoa_code_published, placed.lsoa_assignment) == (outside, "unknown_lsoa")
    assert no_postcodes.table("unplaced_postcode").count().execute() == 0
    assert unplaced_reasons(no_postcodes) == {"lsoa_not_in_lookup": 1}


def test_coordinates_outside_every_boundary_are_counted_as_such(warehouse, tmp_path):
    rows = [["F1", "2025-01-02", "18:00", "Secondary fire", "Refuse", "Deliberate", "", "0.05",
             "50.05"],
            ["F4", "2025-01-05", "21:00", "Secondary fire", "Refuse", "Deliberate", "", "5.0",
             "50.0"]]
    export = write_rows(tmp_path / "fire.csv", FIRE_HEADER, rows)
    report = load_partner(warehouse, [export], mapping=load_mapping("fire_incidents"))
    assert report.unplaced_reasons == {"coordinates_outside": 1}


# --- the ONS postcode lookup as published ----------------------------------------------------

# Column names of the ONS Postcode Directory (2021 geographies), as the ONS publishes them.
ONSPD_HEADER = next(csv.reader([
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,"
    "osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,"
    "casward,park,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua11,buasd11,"
    "ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21"]))


def onspd_row(postcode: str, lsoa: str, lad: str) -> list[str]:
    values = dict.fromkeys(ONSPD_HEADER, "")
    values.update(pcd=postcode.replace(" ", ""), pcd2=postcode, pcds=postcode,
                  dointr="198001", oslaua=lad, oa21="E00999001", lsoa21=lsoa,
                  msoa21="E02999001", lat="50.05", long="0.05")
    return [values[c] for c in ONSPD_HEADER]


@pytest.mark.parametrize("layout", ["best-fit lookup, lower case", "best-fit lookup, upper case",
                                    "ONS Postcode Directory"])
def test_the_ons_postcode_products_are_recognised_by_their_header(tmp_path, layout):
    if layout == "ONS Postcode Directory":
        path = write_rows(tmp_path / "ONSPD_FEB_2025_UK.csv", ONSPD_HEADER,
                          [onspd_row("ZZ1 1AA", A1, "E06999001"),
                           onspd_row("ZZ2 1AA", B1, "E06999002")])
    else:
        path = postcode_lookup(tmp_path)
        if "upper" in layout:
            text = path.read_text(encoding="utf-8").split("\n", 1)
            path.write_text(",".join(POSTCODE_HEADER).upper() + "\n" + text[1],
                            encoding="utf-8")
    raw = read_path(path)[0]
    assert recognise(read_header(raw)).name == "ons_postcode_lookup"
    con = connect(tmp_path / "w.duckdb")
    load_paths(con, [path])
    rows = con.table("postcode").to_pandas().sort_values("postcode")
    expected = {"ZZ1 1AA": (A1, "E06999001"), "ZZ2 1AA": (B1, "E06999002" if "ONSPD" in
                                                        path.name else "E06999001")}
    assert {r.postcode: (r.lsoa_code, r.lad_code) for r in rows.itertuples()
            if r.postcode in expected} == expected


# --- one rule for a file already loaded ------------------------------------------------------


def test_loading_a_file_already_loaded_is_a_notice_and_exit_0_everywhere(warehouse, tmp_path):
    warehouse.disconnect()
    db = str(tmp_path / "w.duckdb")
    export = str(asb_export(tmp_path))
    other = str(asb_export(tmp_path, [asb_row("B1", "03/03/2025", "Noise", "ZZ1 1AA")],
                           "b.csv"))
    assert cli("load-partner", export, "--mapping", "council_asb", "-w", db).exit_code == 0
    alone = cli("load-partner", export, "--mapping", "council_asb", "-w", db)
    with_new = cli("load-partner", export, other, "--mapping", "council_asb", "-w", db)
    for result in (alone, with_new):
        assert result.exit_code == 0, result.output
        assert f"already loaded, nothing changed: {export}" in result.output
    assert "Nothing new to load: every file given is already loaded" in alone.output
    assert "Loaded 1 file(s)" in with_new.output
    lookup = str(postcode_lookup(tmp_path / "again"))  # the same bytes as the fixture's
    police = cli("load", lookup, "-w", db)
    assert police.exit_code == 0, police.output
    assert f"already loaded, nothing changed: {lookup}" in police.output


def test_a_file_already_loaded_changes_nothing(warehouse, tmp_path):
    export = asb_export(tmp_path)
    load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    before = snapshot(warehouse)
    report = load_partner(warehouse, [export], mapping=load_mapping("council_asb"))
    assert report.files == () and report.load.skipped[0].name == str(export)
    assert snapshot(warehouse) == before


# --- rows placed outside the partnership -----------------------------------------------------


def two_authorities(folder: Path) -> Path:
    # ZZ1 1AA and ZZ1 1AB are in Testton (E06999001), ZZ2 1AA in Otherby (E06999002).
    rows = [asb_row("T1", "03/01/2025", "Noise", "ZZ1 1AA"),
            asb_row("T2", "04/01/2025", "Noise", "ZZ1 1AB"),
            asb_row("O1", "05/01/2025", "Noise", "ZZ2 1AA"),
            asb_row("U1", "06/01/2025", "Noise", "ZZ9 9ZZ")]
    return asb_export(folder, rows, "two.csv")


def test_rows_placed_outside_the_partnership_are_reported(warehouse, tmp_path):
    report = load_partner(warehouse, [two_authorities(tmp_path)],
                          mapping=load_mapping("council_asb"), areas=["E06999001"])
    assert report.authorities == (AuthorityCount("E06999001", "Testton", 2),
                                  AuthorityCount("E06999002", "Otherby", 1))
    assert report.outside_partnership == (AuthorityCount("E06999002", "Otherby", 1),)


def test_cli_names_the_authorities_and_with_a_config_those_outside(warehouse, tmp_path):
    warehouse.disconnect()
    db = str(tmp_path / "w.duckdb")
    config = tmp_path / "csp.toml"
    config.write_text(default_config_text(name="Testton CSP", areas=["E06999001"],
                                          period="2024-02:2025-01"), encoding="utf-8")
    export = str(two_authorities(tmp_path))
    result = cli("load-partner", export, "--mapping", "council_asb", "-w", db,
                 "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "placed in: Testton (E06999001) 2, Otherby (E06999002) 1" in result.output
    assert "placed outside the partnership (E06999001): 1" in result.output


def test_without_a_config_the_authorities_are_listed(warehouse, tmp_path):
    warehouse.disconnect()
    result = cli("load-partner", str(two_authorities(tmp_path)), "--mapping", "council_asb",
                 "-w", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 0, result.output
    assert "placed in: Testton (E06999001) 2, Otherby (E06999002) 1" in result.output
    assert "give --config to check them against the partnership's areas" in result.output


# --- csp status -------------------------------------------------------------------------------


def test_status_shows_partner_sources_by_authority_not_under_a_force(warehouse, tmp_path):
    load_partner(warehouse, [two_authorities(tmp_path)], mapping=load_mapping("council_asb"))
    state = warehouse_status(warehouse)
    assert [c for c in state.coverage_by_force if c.source == "council_asb"] == []
    by_lad = {c.area: c.rows for c in state.coverage_by_lad if c.source == "council_asb"}
    assert by_lad == {"E06999001": 2, "E06999002": 1, "(not placed)": 1}
    assert state.unplaced == {"postcode_not_in_lookup": 1} and state.postcodes_held == 1


def test_cli_status_does_not_list_partner_rows_as_not_placed_under_a_force(warehouse,
                                                                           tmp_path):
    rows = [asb_row(f"P{i}", "03/01/2025", "Noise", "ZZ1 1AA") for i in range(3)]
    load_partner(warehouse, [asb_export(tmp_path, rows)], mapping=load_mapping("council_asb"))
    warehouse.disconnect()
    result = cli("status", "-w", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 0, result.output
    assert "(not placed)" not in result.output
    assert "Coverage by source and force" not in result.output
    assert "council_asb" in result.output.split("Coverage by source and local authority")[1]


def test_cli_status_says_why_rows_are_not_placed(warehouse, tmp_path):
    load_partner(warehouse, [two_authorities(tmp_path)], mapping=load_mapping("council_asb"))
    warehouse.disconnect()
    result = cli("status", "-w", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 0, result.output
    assert "not placed: 1 with a postcode the loaded postcode lookup does not hold" in (
        result.output)
    assert "partner postcodes held until a postcode lookup places them: 1" in result.output
    assert "postcode lookup: 3 postcodes in 1 authorities" in result.output


def test_the_report_shown_in_docs_is_what_load_partner_prints():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "partner-data.md").read_text(
        encoding="utf-8")
    files = (FileResult("asb_2025.csv", "partner_council_asb", "loaded", 2988, 7),)
    report = PartnerLoadReport(
        load=LoadReport(files, ()), mapping="council_asb", encodings={}, rejected=12,
        rejects_path=Path("csp.duckdb.rejects.csv"),
        located={"postcode": 2960, "postcode_not_found": 21, "none": 7},
        placement={"published_2021": 2960, "no_lsoa": 28},
        files=(PartnerFileCounts("asb_2025.csv", "cp1252", 3000, 2988, 4410, 12),),
        unplaced_reasons={"no_location": 7, "postcode_not_in_lookup": 21},  # as sorted
        authorities=(AuthorityCount("E06000004", "Stockton-on-Tees", 2941),
                     AuthorityCount("E06000002", "Middlesbrough", 19)),
        areas=("E06000004",))
    printed = "\n".join(load_partner_summary(report, "csp.duckdb"))
    assert f"```\n{printed}\n```" in doc
