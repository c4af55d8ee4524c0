"""Loading: recognition, placement, idempotence, replacement by month, atomicity, bad input."""

from __future__ import annotations

import gzip
import hashlib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.errors import LoadFailed
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from cspkit.warehouse.schema import TABLES

from .conftest import (
    A1,
    A2,
    A3,
    B1,
    M11,
    X11,
    area_lookup,
    census,
    change_lookup,
    outcome_file,
    stop_search_file,
    street_file,
    street_row,
    write_csv,
)

runner = CliRunner()


@pytest.fixture
def con(tmp_path: Path):
    backend = connect(tmp_path / "w.duckdb")
    yield backend
    backend.disconnect()


def snapshot(con) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal snapshots mean an unchanged warehouse."""
    out = {}
    for name in TABLES:
        frame = con.table(name).to_pandas().astype(str)
        out[name] = sorted(map(tuple, frame.to_numpy().tolist()))
    return out


def incidents(con) -> pd.DataFrame:
    return con.table("incident").to_pandas()


def test_street_file_loads_crimes_and_asb_as_separate_sources(con, tmp_path, reference):
    rows = [street_row("2024-01", A1, "Burglary", i) for i in range(3)]
    rows += [street_row("2024-01", A1, "Anti-social behaviour", i) for i in range(2)]
    path = street_file(tmp_path / "police", "2024-01", rows)
    load_paths(con, [reference, path])
    got = incidents(con)
    assert got.groupby("source").size().to_dict() == {"police_asb": 2, "police_crime": 3}
    asb = got[got["source"] == "police_asb"]
    assert asb["source_ref"].isna().all()
    assert asb["incident_id"].is_unique and asb["incident_id"].notna().all()
    assert set(got["police_force"]) == {"testshire"}


def test_asb_rows_get_the_file_hash_and_their_line_as_id(con, tmp_path, reference):
    # The made-up ids are the warehouse's identity of ASB rows (a re-load must give the same
    # ones): the first 16 hex digits of the file's SHA-256, a dash, the file line.
    kinds = ["Burglary", "Anti-social behaviour", "Anti-social behaviour", "Robbery",
             "Anti-social behaviour"]
    rows = [street_row("2024-01", A1, kind, i) for i, kind in enumerate(kinds)]
    path = street_file(tmp_path / "police", "2024-01", rows, gz=True)
    load_paths(con, [reference, path])
    digest = hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()[:16]
    # Line 1 is the header; the rows follow from line 2.
    expected = [row[0] or f"{digest}-{line}" for line, row in enumerate(rows, start=2)]
    got = con.sql("SELECT incident_id FROM incident").to_pyarrow()["incident_id"].to_pylist()
    assert got == expected
    assert expected[1] == f"{digest}-3" and expected[3] == rows[3][0]


def test_rows_are_placed_by_lsoa_lookup_not_by_force(con, tmp_path, reference):
    rows = [street_row("2024-01", A1, "Robbery", 1), street_row("2024-01", B1, "Robbery", 2),
            street_row("2024-01", "E01000000", "Robbery", 3)]
    load_paths(con, [reference, street_file(tmp_path / "p", "2024-01", rows)])
    got = incidents(con).set_index("lsoa_code_published")
    assert got.loc[A1, ["ward_code", "lad_code"]].tolist() == ["E05999001", "E06999001"]
    assert got.loc[B1, ["ward_code", "lad_code"]].tolist() == ["E05999003", "E06999002"]
    unknown = got.loc["E01000000"]
    assert unknown["lsoa_assignment"] == "unknown_lsoa" and pd.isna(unknown["lad_code"])


def test_split_2011_lsoa_is_assigned_by_polygon_when_boundaries_are_loaded(
        con, tmp_path, reference):
    rows = [street_row("2023-01", X11, "Burglary", 1, lon=0.12, lat=50.05),   # west half: A2
            street_row("2023-01", X11, "Burglary", 2, lon=0.18, lat=50.05),   # east half: A3
            street_row("2023-01", M11, "Burglary", 3, lon=0.35, lat=50.05)]
    load_paths(con, [reference, street_file(tmp_path / "p", "2023-01", rows)])
    got = incidents(con).sort_values("source_ref")
    assert got["lsoa_code"].tolist() == [A2, A3, B1]
    assert got["lsoa_assignment"].tolist() == [
        "lsoa11_split_polygon", "lsoa11_split_polygon", "lsoa11_merged"]
    assert got["lad_code"].tolist() == ["E06999001", "E06999001", "E06999002"]


def test_split_2011_lsoa_without_boundaries_goes_to_most_populous_2021_lsoa(con, tmp_path):
    ref = tmp_path / "ref"
    area_lookup(ref)
    change_lookup(ref)
    census(ref, {A1: 1000, A2: 2500, A3: 900, B1: 1000})
    rows = [street_row("2023-01", X11, "Burglary", 1, lon=0.18, lat=50.05)]
    load_paths(con, [ref, street_file(tmp_path / "p", "2023-01", rows)])
    got = incidents(con)
    assert got["lsoa_code"].tolist() == [A2]
    assert got["lsoa_assignment"].tolist() == ["lsoa11_split_best_fit"]


def test_reference_loaded_after_events_places_them_the_same(tmp_path, reference):
    rows = [street_row("2023-01", X11, "Burglary", 1, lon=0.18, lat=50.05),
            street_row("2023-01", B1, "Robbery", 2)]
    path = street_file(tmp_path / "p", "2023-01", rows)
    first = connect(tmp_path / "a.duckdb")
    load_paths(first, [reference, path])
    second = connect(tmp_path / "b.duckdb")
    load_paths(second, [path])
    assert incidents(second)["lad_code"].isna().all()
    report = load_paths(second, [reference])
    assert report.placement.rows_placed == 2
    assert report.placement.by_assignment == {"incident:lsoa11_split_polygon": 1,
                                              "incident:published_2021": 1}
    columns = ["incident_id", "lsoa_code", "lsoa_assignment", "ward_code", "lad_code"]
    a = incidents(first)[columns].sort_values("incident_id", ignore_index=True)
    b = incidents(second)[columns].sort_values("incident_id", ignore_index=True)
    pd.testing.assert_frame_equal(a, b)


def test_reloading_the_same_file_changes_nothing(con, tmp_path, reference):
    path = street_file(tmp_path / "p", "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    load_paths(con, [reference, path])
    before = snapshot(con)
    again = load_paths(con, [path])
    assert [(f.status, f.message) for f in again.files] == [
        ("already_loaded", "already loaded as load 5")]
    assert snapshot(con) == before


def test_same_content_gzipped_counts_as_the_same_file(con, tmp_path, reference):
    rows = [street_row("2024-01", A1, "Drugs", 1)]
    plain = street_file(tmp_path / "plain", "2024-01", rows)
    zipped = street_file(tmp_path / "gz", "2024-01", rows, gz=True)
    load_paths(con, [reference, plain])
    again = load_paths(con, [zipped])
    assert [f.status for f in again.files] == ["already_loaded"] and not again.loaded


def test_folder_with_new_and_old_files_loads_only_the_new(con, tmp_path, reference):
    folder = tmp_path / "police"
    street_file(folder, "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    load_paths(con, [reference, folder])
    street_file(folder, "2024-02", [street_row("2024-02", A1, "Drugs", 2)])
    report = load_paths(con, [folder])
    assert [f.status for f in report.files] == ["already_loaded", "loaded"]
    assert sorted(incidents(con)["month"]) == ["2024-01", "2024-02"]


def test_newer_download_of_a_month_replaces_only_that_month(con, tmp_path, reference):
    jan = street_file(tmp_path / "old", "2024-01", [
        street_row("2024-01", A1, "Burglary", i) for i in range(4)])
    feb = street_file(tmp_path / "old", "2024-02", [
        street_row("2024-02", A1, "Burglary", i) for i in range(5)])
    load_paths(con, [reference, jan, feb])
    newer_rows = [street_row("2024-01", A1, "Burglary", i) for i in range(4)]
    for row in newer_rows:
        row[10] = "Investigation complete; no suspect identified"
    newer = street_file(tmp_path / "new", "2024-01", newer_rows)
    report = load_paths(con, [newer])
    got = incidents(con)
    assert got.groupby("month").size().to_dict() == {"2024-01": 4, "2024-02": 5}
    assert set(got[got["month"] == "2024-01"]["last_outcome"]) == {
        "Investigation complete; no suspect identified"}
    ledger = con.table("load_ledger").to_pandas().set_index("load_id")
    old_id = ledger[ledger["file_path"] == str(jan)].index[0]
    assert ledger.loc[old_id, "status"] == "replaced"
    assert ledger.loc[old_id, "replaced_by"] == report.loaded[0].load_id
    assert [(r.replaced_load, r.replaced_file, r.by_month) for r in report.replaced] == [
        (old_id, str(jan), (("2024-01", 4, 4),))]


def test_cli_says_which_months_a_newer_download_replaces_with_the_rows(tmp_path, reference):
    db = str(tmp_path / "w.duckdb")
    old = street_file(tmp_path / "old", "2024-01", [
        street_row("2024-01", A1, "Burglary", i) for i in range(4)])
    newer = street_file(tmp_path / "new", "2024-01", [
        street_row("2024-01", A1, "Burglary", i) for i in range(6)])
    assert runner.invoke(app, ["load", str(reference), str(old), "-w", db]).exit_code == 0
    result = runner.invoke(app, ["load", str(newer), "-w", db])
    assert result.exit_code == 0, result.output
    assert (f"replaced: {newer} replaces load 5 ({old}) for 2024-01 incident rows 4 → 6"
            in result.output)


def test_cli_notices_a_file_already_loaded_and_exits_0(tmp_path, reference):
    db = str(tmp_path / "w.duckdb")
    path = street_file(tmp_path / "p", "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    assert runner.invoke(app, ["load", str(reference), str(path), "-w", db]).exit_code == 0
    again = runner.invoke(app, ["load", str(path), "-w", db])
    assert again.exit_code == 0, again.output
    assert "Nothing new to load: every file given is already loaded" in again.output
    assert f"already loaded, nothing changed: {path} (already loaded as load 5)" in again.output


def test_another_force_in_the_same_month_is_not_replaced(con, tmp_path, reference):
    ours = street_file(tmp_path / "a", "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    theirs = street_file(tmp_path / "b", "2024-01", [street_row("2024-01", B1, "Drugs", 2)],
                         force="neighbourshire")
    load_paths(con, [reference, ours, theirs])
    assert sorted(incidents(con)["police_force"]) == ["neighbourshire", "testshire"]


def test_outcomes_and_stop_search_files_load(con, tmp_path, reference):
    folder = tmp_path / "police"
    outcome_file(folder, "2024-03", [
        ["abc", "2024-03", "Testshire Police", "Testshire Police", 0.05, 50.05, "On or near X",
         A1, "Testton 001A", "Unable to prosecute suspect"]])
    stop_search_file(folder, "2024-06", [
        ["Person search", "2024-05-31T23:00:00+00:00", "False", "", 50.05, 0.05, "Male",
         "18-24", "", "White", "Misuse of Drugs Act 1971 (section 23)", "Controlled drugs",
         "A no further action disposal", "False", ""]])
    load_paths(con, [reference, folder])
    outcome = con.table("outcome").to_pandas()
    assert outcome[["crime_id", "month", "lad_code"]].values.tolist() == [
        ["abc", "2024-03", "E06999001"]]
    search = con.table("stop_search").to_pandas()
    # The file's month, not the UTC date (which falls on the last day of May).
    assert search["month"].tolist() == ["2024-06"]
    assert str(search["occurred_at"].iloc[0]) == "2024-05-31 23:00:00"
    assert search["part_of_operation"].tolist() == [False]


def test_police_zip_archive_loads_as_served(con, tmp_path, reference):
    folder = tmp_path / "unzipped"
    a = street_file(folder, "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    b = street_file(folder, "2024-02", [street_row("2024-02", A1, "Drugs", 2)])
    archive = tmp_path / "2024-02.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in (a, b):
            z.write(f, f.relative_to(folder).as_posix())
    load_paths(con, [reference, archive])
    assert sorted(incidents(con)["month"]) == ["2024-01", "2024-02"]


def test_folder_lists_files_it_does_not_recognise(con, tmp_path, reference):
    folder = tmp_path / "mixed"
    street_file(folder, "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    write_csv(folder / "notes.csv", ["what", "ever"], [["a", "b"]])
    (folder / "README.md").write_text("about these files")
    report = load_paths(con, [reference, folder])
    names = {Path(name).name: reason for name, reason in report.not_recognised}
    assert "notes.csv" in names and "what, ever" in names["notes.csv"]
    assert "README.md" in names
    assert len(report.loaded) == 5


def test_older_ward_lookup_is_kept_but_does_not_replace_a_newer_one(con, tmp_path):
    new = area_lookup(tmp_path / "new", ward_year="25")
    old = area_lookup(tmp_path / "old", ward_year="24")
    load_paths(con, [new])
    report = load_paths(con, [old])
    assert report.files[0].status == "superseded"
    area = con.table("area").to_pandas()
    assert set(area["vintage"]) == {"WD25"} and len(area) == 4


# --- bad input: one clear error naming the file (and line), and nothing changes -----------

def _bad_month(tmp_path: Path) -> Path:
    rows = [street_row("2024-01", A1, "Drugs", 1), street_row("2024-01", A1, "Drugs", 2)]
    rows[1][1] = "Jan 2024"
    return street_file(tmp_path / "bad", "2024-01", rows)


def _missing_column(tmp_path: Path) -> Path:
    from cspkit.sources.police_uk import STREET_COLUMNS
    header = [c for c in STREET_COLUMNS if c != "LSOA code"]
    row = street_row("2024-01", A1, "Drugs", 1)
    del row[7]
    return write_csv(tmp_path / "bad" / "2024-01-testshire-street.csv", header, [row])


def _not_utf8(tmp_path: Path) -> Path:
    path = street_file(tmp_path / "bad", "2024-01", [street_row("2024-01", A1, "Drugs", 1),
                                                     street_row("2024-01", A1, "Drugs", 2)])
    path.write_bytes(path.read_bytes().replace(b"Test Street", b"Caf\xe9 Street", 1))
    return path


def _not_utf8_in_lsoa_name(tmp_path: Path) -> Path:
    """Bad bytes in a column the warehouse does not store are still an error."""
    path = street_file(tmp_path / "bad", "2024-01", [street_row("2024-01", A1, "Drugs", 1),
                                                     street_row("2024-01", A1, "Drugs", 2)])
    data = path.read_bytes()
    first = data.index(b"Testton 001A")
    second = data.index(b"Testton 001A", first + 1)
    path.write_bytes(data[:second] + b"Testt\xf6n 001A" + data[second + len(b"Testton 001A"):])
    return path


def _truncated_gzip(tmp_path: Path) -> Path:
    path = street_file(tmp_path / "bad", "2024-01",
                       [street_row("2024-01", A1, "Drugs", i) for i in range(50)], gz=True)
    path.write_bytes(path.read_bytes()[:-30])
    return path


def _corrupt_gzip(tmp_path: Path) -> Path:
    # A gzip header followed by bytes that are no deflate data (ISA-L's own error type).
    path = street_file(tmp_path / "bad", "2024-01",
                       [street_row("2024-01", A1, "Drugs", i) for i in range(50)], gz=True)
    data = path.read_bytes()
    path.write_bytes(data[:10] + b"\xff" * 20 + data[30:])
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "bad" / "2024-01-testshire-street.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    return path


def _zip_without_police_files(tmp_path: Path) -> Path:
    archive = tmp_path / "bad" / "download.zip"
    archive.parent.mkdir(parents=True)
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2024-01/notes.csv", "what,ever\na,b\n")
    return archive


def _ragged_row(tmp_path: Path) -> Path:
    path = street_file(tmp_path / "bad", "2024-01", [street_row("2024-01", A1, "Drugs", 1),
                                                     street_row("2024-01", A1, "Drugs", 2)])
    lines = path.read_text().splitlines()
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines) + "\n")
    return path


def _bad_coordinate(tmp_path: Path) -> Path:
    rows = [street_row("2024-01", A1, "Drugs", 1), street_row("2024-01", A1, "Drugs", 2)]
    rows[1][4] = "west"
    return street_file(tmp_path / "bad", "2024-01", rows)


BAD_INPUTS = {
    "month that is not YYYY-MM": (_bad_month, r"2024-01-testshire-street\.csv:3: Month is "
                                  r"'Jan 2024', expected a month as YYYY-MM"),
    "missing column": (_missing_column, r"street\.csv:1: .*no column\(s\) 'LSOA code'"),
    "non-UTF-8 bytes": (_not_utf8, r"street\.csv:2: bytes that are not UTF-8"),
    "non-UTF-8 bytes in a column not stored": (_not_utf8_in_lsoa_name,
                                               r"street\.csv:3: bytes that are not UTF-8"),
    "truncated gzip": (_truncated_gzip, r"street\.csv\.gz: the gzip file is truncated"),
    "corrupt gzip": (_corrupt_gzip, r"street\.csv\.gz: the gzip file is truncated or corrupt"),
    "empty file": (_empty, r"street\.csv: the file is empty"),
    "zip with no police files": (_zip_without_police_files,
                                 r"download\.zip: .*not a recognised format|download\.zip: the "
                                 r"zip archive holds no"),
    "row with too many columns": (_ragged_row, r"street\.csv:3: the file is not a well-formed"),
    "coordinate that is not a number": (_bad_coordinate,
                                        r"street\.csv:3: Longitude is 'west', expected a number"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_named_and_leaves_the_warehouse_unchanged(con, tmp_path, reference, case):
    good = street_file(tmp_path / "good", "2023-12", [street_row("2023-12", A1, "Drugs", 9)])
    load_paths(con, [reference, good])
    before = snapshot(con)
    make, message = BAD_INPUTS[case]
    bad = make(tmp_path)
    other_good = street_file(tmp_path / "good2", "2024-02", [street_row("2024-02", A1,
                                                                        "Drugs", 3)])
    with pytest.raises(LoadFailed, match=message) as raised:
        load_paths(con, [other_good, bad])
    assert "nothing was loaded" in str(raised.value)
    assert snapshot(con) == before


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_beside_reference_data_leaves_the_warehouse_unchanged(con, tmp_path,
                                                                       reference, case):
    # The reference data given in the same load is written while the police files are
    # still being parsed: a bad one among them must undo it.
    before = snapshot(con)
    make, message = BAD_INPUTS[case]
    bad = make(tmp_path)
    good = street_file(tmp_path / "good", "2023-12", [street_row("2023-12", A1, "Drugs", 9)])
    with pytest.raises(LoadFailed, match=message) as raised:
        load_paths(con, [reference, good, bad])
    assert "nothing was loaded" in str(raised.value)
    assert snapshot(con) == before
    assert [f.status for f in load_paths(con, [reference, good]).files] == ["loaded"] * 5


def test_explicit_file_of_unknown_format_is_an_error(con, tmp_path):
    path = write_csv(tmp_path / "survey.csv", ["respondent", "answer"], [[1, "yes"]])
    with pytest.raises(LoadFailed, match=r"survey\.csv: not a recognised format \(header: "
                                         r"respondent, answer\)"):
        load_paths(con, [path])


def test_failure_while_writing_rolls_everything_back(con, tmp_path, reference):
    load_paths(con, [reference])
    before = snapshot(con)
    path = street_file(tmp_path / "p", "2024-01", [street_row("2024-01", A1, "Drugs", 1)])
    con.raw_sql("ALTER TABLE incident ADD COLUMN must_not_be_null VARCHAR DEFAULT NULL")
    con.raw_sql("ALTER TABLE incident ALTER COLUMN must_not_be_null SET NOT NULL")
    with pytest.raises(Exception, match="(?i)not null|constraint"):
        load_paths(con, [path])
    con.raw_sql("ALTER TABLE incident DROP COLUMN must_not_be_null")
    assert snapshot(con) == before


def test_gzip_of_a_real_format_file_loads(con, tmp_path, reference):
    path = street_file(tmp_path / "p", "2024-01", [street_row("2024-01", A3, "Shoplifting", 1)],
                       gz=True)
    assert gzip.decompress(path.read_bytes()).startswith(b"Crime ID,")
    load_paths(con, [reference, path])
    assert incidents(con)["ward_code"].tolist() == ["E05999002"]
