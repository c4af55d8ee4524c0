"""Completeness and rejected rows on small hand-made files, every figure worked by hand."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from cspkit.analysis.quality import completeness, data_quality, rejected_rows
from cspkit.errors import CspError, LoadFailed
from cspkit.sources.completeness import fields_of, parse_measure_key
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.warehouse.load import load_paths
from tests.sources.partner.conftest import reference_warehouse
from tests.sources.partner.test_load_partner import ASB_ROWS, asb_export, asb_row
from tests.warehouse.conftest import A1, B1, street_file, street_row


@pytest.fixture
def warehouse(tmp_path: Path):
    return reference_warehouse(tmp_path)


def shares(frame, source: str, month: str) -> dict[str, tuple[int, int]]:
    rows = frame[(frame["source"] == source) & (frame["month"] == month)]
    return {r.field: (int(r.complete), int(r.rows)) for r in rows.itertuples()}


def test_partner_completeness_per_field_and_month(warehouse, tmp_path):
    load_partner(warehouse, [asb_export(tmp_path)], mapping=load_mapping("council_asb"))
    result = completeness(warehouse)
    # January: cases A1, A2 (no time of day), A3 (postcode not in the lookup); each has a
    # caller (ethnicity "Not stated") and an offender (key p1, White British).
    assert shares(result, "council_asb", "2025-01") == {
        "date_time": (2, 3), "lsoa": (2, 3), "age": (6, 6), "sex": (6, 6),
        "ethnicity": (3, 6), "home_area": (6, 6), "person_key": (6, 6)}
    # February: case A7 has no postcode; its offender has no key, age or ethnicity.
    assert shares(result, "council_asb", "2025-02") == {
        "date_time": (1, 1), "lsoa": (0, 1), "age": (1, 2), "sex": (2, 2),
        "ethnicity": (0, 2), "home_area": (2, 2), "person_key": (1, 2)}
    january = result[(result["month"] == "2025-01") & (result["field"] == "ethnicity")]
    assert january["share"].iloc[0] == 50.0


def test_rejected_rows_are_recorded_by_month_and_replaced_with_their_load(warehouse, tmp_path):
    mapping = load_mapping("council_asb")
    load_partner(warehouse, [asb_export(tmp_path)], mapping=mapping)
    # A4's date (31 February) cannot be read, so its month is not known; A5 (postcode) and
    # A6 (category) are January's.
    assert rejected_rows(warehouse).to_dict("records") == [
        {"source": "council_asb", "month": None, "rows": 1},
        {"source": "council_asb", "month": "2025-01", "rows": 2}]
    stored = (warehouse.table("load_rejection").to_pandas().sort_values("column_name")
              .fillna({"month": "not known"}))
    assert stored[["month", "column_name", "rows"]].values.tolist() == [
        ["2025-01", "Case Type", 1], ["not known", "Date Received", 1],
        ["2025-01", "Postcode", 1]]
    # A newer export of the same months replaces the old one, its rejected rows included.
    newer = [*ASB_ROWS[:3], ASB_ROWS[6], asb_row("A8", "09/02/2025", "Noise", "BAD")]
    load_partner(warehouse, [asb_export(tmp_path, newer, name="asb-newer.csv")],
                 mapping=mapping)
    assert rejected_rows(warehouse).to_dict("records") == [
        {"source": "council_asb", "month": "2025-02", "rows": 1}]
    assert rejected_rows(warehouse, months=["2025-01"]).empty


def test_a_failed_load_records_no_rejected_rows(warehouse, tmp_path):
    good = asb_export(tmp_path)
    unreadable = asb_export(tmp_path, [asb_row("B1", "nonsense", "Noise", "ZZ1 1AA")],
                            name="all-bad.csv")
    with pytest.raises(LoadFailed):
        load_partner(warehouse, [good, unreadable], mapping=load_mapping("council_asb"))
    assert warehouse.table("load_rejection").count().execute() == 0


def no_place_row(month: str) -> list:
    row = street_row(month, A1, "Burglary", 99)
    row[4:9] = ["", "", "No Location", "", ""]
    return row


def test_police_completeness_for_an_area_counts_rows_placed_nowhere(warehouse, tmp_path):
    rows = [street_row("2024-01", A1, "Burglary", 1), street_row("2024-01", A1, "Burglary", 2),
            street_row("2024-01", B1, "Burglary", 3, lon=0.35),
            street_row("2024-01", A1, "Anti-social behaviour", 4), no_place_row("2024-01")]
    rows[1][10] = "Status update unavailable"
    load_paths(warehouse, [street_file(tmp_path / "police", "2024-01", rows)])
    testton = completeness(warehouse, areas="E06999001")
    # Crimes: two in Testton and the one placed nowhere; the B1 crime is Otherby's.
    assert shares(testton, "police_crime", "2024-01") == {
        "location": (2, 3), "lsoa": (2, 3), "last_outcome": (2, 3)}
    assert shares(testton, "police_asb", "2024-01") == {"location": (1, 1), "lsoa": (1, 1)}
    everywhere = completeness(warehouse)
    assert shares(everywhere, "police_crime", "2024-01") == {
        "location": (3, 4), "lsoa": (3, 4), "last_outcome": (3, 4)}
    assert completeness(warehouse, months=["2023-12"]).empty
    assert data_quality(warehouse).rejected.empty


def test_measure_keys_name_a_source_and_one_of_its_fields():
    assert parse_measure_key(" fire.date_time ") == ("fire", "date_time")
    assert fields_of("police_crime") == ("location", "lsoa", "last_outcome")
    with pytest.raises(CspError, match="not measured for police_asb"):
        parse_measure_key("police_asb.last_outcome")
    with pytest.raises(CspError, match="not a completeness measure"):
        parse_measure_key("victim ethnicity")


def test_csp_status_shows_completeness_and_rejected_rows(warehouse, tmp_path):
    import json

    from typer.testing import CliRunner

    from cspkit.cli import app

    load_partner(warehouse, [asb_export(tmp_path)], mapping=load_mapping("council_asb"))
    warehouse.disconnect()
    runner = CliRunner()
    shown = runner.invoke(app, ["status", "-w", str(tmp_path / "w.duckdb")], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    lines = {" ".join(line.split()[:-2]): line.split()[-2:] for line in shown.output.splitlines()
             if line.strip().startswith("council_asb")}
    assert lines["council_asb Ethnicity"] == ["50.0%", "0.0%"]
    assert lines["council_asb Rows rejected at load"] == ["2", "0"]
    assert "rows rejected whose date could not be read: 1" in shown.output
    data = json.loads(runner.invoke(app, ["status", "-w", str(tmp_path / "w.duckdb"),
                                          "--json"]).output)
    assert {"source": "council_asb", "month": "2025-02", "field": "person_key", "rows": 2,
            "complete": 1, "share": 50.0} in data["completeness"]


def test_a_warehouse_from_before_partner_loading_still_gives_police_measures(warehouse,
                                                                            tmp_path):
    from cspkit.warehouse.schema import TABLES

    old = {n: t for n, t in TABLES["person_involvement"].schema.items() if n != "month"}
    warehouse.drop_table("person_involvement")
    warehouse.create_table("person_involvement", schema=ibis.schema(old))
    load_paths(warehouse, [street_file(tmp_path / "police", "2024-01",
                                       [street_row("2024-01", A1, "Burglary", 1)])])
    assert shares(completeness(warehouse), "police_crime", "2024-01") == {
        "location": (1, 1), "lsoa": (1, 1), "last_outcome": (1, 1)}
