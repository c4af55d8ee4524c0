"""ASB by source, deliberate fires and A&E assaults, counted by hand from tiny exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.partner_sources import ae_assaults, asb_by_source, deliberate_fires
from cspkit.analysis.periods import StrategicPeriod
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.warehouse.load import load_paths
from tests.analysis.test_people_repeats import partner_scope
from tests.sources.partner.conftest import warehouse, with_keys, write_rows  # noqa: F401  (fixture)
from tests.sources.partner.test_load_partner import AE_HEADER, ASB_HEADER, FIRE_HEADER, asb_row
from tests.warehouse.conftest import A1, A2, B1, street_file, street_row

TESTTON = "E06999001"
PERIOD = StrategicPeriod("2025-01", "2025-02")
ASB = "Anti-social behaviour"


@pytest.fixture
def partners(warehouse, tmp_path: Path):  # noqa: F811
    police = tmp_path / "police"
    street_file(police, "2025-01", [street_row("2025-01", A1, ASB, i) for i in range(3)]
                + [street_row("2025-01", B1, ASB, 9), street_row("2025-01", A1, "Burglary", 1)])
    street_file(police, "2025-02", [street_row("2025-02", A2, ASB, i) for i in range(2)])
    load_paths(warehouse, [police])
    asb = write_rows(tmp_path / "asb.csv", ASB_HEADER, [
        asb_row("A1", "03/01/2025", "Noise", "ZZ1 1AA"),
        asb_row("A2", "05/01/2025", "Noise", "ZZ1 1AB"),
        asb_row("A3", "06/01/2025", "Youth disorder", "ZZ1 1AA"),
        asb_row("A4", "02/02/2025", "Noise", "ZZ1 1AA"),
        asb_row("A5", "03/02/2025", "Noise", "ZZ2 1AA")])
    load_partner(warehouse, [asb], mapping=load_mapping("council_asb"))

    def fire(ref, day, kind, prop, motive, lon, lat="50.05"):
        return [ref, day, "20:00", kind, prop, motive, "", lon, lat]

    fires = write_rows(tmp_path / "fire.csv", FIRE_HEADER, [
        fire("P1", "2024-11-05", "Secondary fire", "Refuse", "Deliberate", "0.05"),
        fire("P2", "2024-12-05", "Secondary fire", "Refuse", "Deliberate", "0.05"),
        fire("F1", "2025-01-02", "Secondary fire", "Refuse", "Deliberate", "0.05"),
        fire("F2", "2025-01-09", "Secondary fire", "Refuse", "Deliberate - other", "0.06"),
        fire("F3", "2025-01-10", "Primary fire", "Dwelling", "Accidental", "0.12"),
        fire("F4", "2025-02-01", "Primary fire", "Car", "Deliberate", "0.17"),
        fire("F5", "2025-02-03", "Secondary fire", "Grassland", "", "0.18"),
        fire("F6", "2025-02-04", "Secondary fire", "Refuse", "Deliberate", "0.35")])
    load_partner(warehouse, [fires], mapping=load_mapping("fire_incidents"))
    ae = write_rows(tmp_path / "ae.csv", AE_HEADER, with_keys(AE_HEADER, [
        ["E1", "03/01/2025", "01:30", "Pub/club", "The Anchor", "ZZ1 1AA",
         "Hit/punched/kicked", "Body part", "No", "pt1", "23", "M", "", ""],
        ["E2", "04/01/2025", "", "Street", "", "", "Knife/sharp object", "Knife", "Yes",
         "pt2", "19", "M", "", ""],
        ["E3", "05/01/2025", "22:00", "Street", "", "ZZ2 1AA", "Hit/punched/kicked", "",
         "No", "pt3", "30", "F", "", ""],
        ["E4", "01/02/2025", "23:00", "Home", "", "ZZ1 1AB", "Hit/punched/kicked", "", "",
         "pt4", "41", "F", "", ""]]))
    load_partner(warehouse, [ae], mapping=load_mapping("ae_istv"))
    return warehouse


def test_asb_is_shown_by_source_and_never_summed(partners):
    result = asb_by_source(partners,
                           partner_scope(partners))
    assert result.totals == {"police_asb": 5, "council_asb": 4}
    rows = {(r.source, r.category): (r.count, r.share) for r in result.table.itertuples()}
    assert rows == {("police_asb", ASB): (5, 1.0), ("council_asb", "Noise"): (3, 0.75),
                    ("council_asb", "Youth disorder"): (1, 0.25)}


def test_deliberate_fires_by_type_ward_and_change(partners):
    result = deliberate_fires(partners, partner_scope(partners, compare="previous"))
    assert (result.deliberate, result.all_fires, result.motive_not_recorded) == (3, 5, 1)
    assert result.previous == 2 and result.p_value == 1.0  # binomial(3 of 5, 1/2), two-sided
    rows = {(r.category, r.subcategory): (r.deliberate, r.all_fires)
            for r in result.table.itertuples()}
    assert rows == {("Secondary fire", "Refuse"): (2, 2), ("Primary fire", "Car"): (1, 1),
                    ("Primary fire", "Dwelling"): (0, 1), ("Secondary fire", "Grassland"): (0, 1)}
    assert result.by_ward.set_index("ward_name")["deliberate"].to_dict() == {"Alpha": 2,
                                                                             "Beta": 1}


def test_ae_assaults_reporting_share_and_timing(partners):
    result = ae_assaults(partners,
                         partner_scope(partners))
    # E3 happened in Otherby; E2 has no location and is kept.
    assert (result.attendances, result.unplaced) == (3, 1)
    assert result.reported.set_index("reported_to_police")["count"].to_dict() == {
        "Yes": 1, "No": 1, "Not recorded": 1}
    assert_allclose(result.share_not_reported, 0.5)
    assert result.by_method.set_index("method")["count"].to_dict() == {
        "Hit/punched/kicked": 2, "Knife/sharp object": 1}
    assert (result.temporal.timed, result.temporal.untimed) == (2, 1)
    hours = result.temporal.by_hour.set_index("hour")["count"]
    assert (hours[1], hours[23]) == (1, 1)


YOS_HEADER = ["FTE Ref", "Outcome Date", "Outcome", "Offence", "Young Person Key", "Age",
              "Sex", "Ethnicity", "Home LSOA"]


def test_first_time_entrants_from_the_yos_list_by_home_lsoa(warehouse, tmp_path):  # noqa: F811
    from cspkit.analysis.partner_sources import first_time_entrants

    yos = write_rows(tmp_path / "yos.csv", YOS_HEADER, with_keys(YOS_HEADER, [
        ["Y1", "15/01/2025", "Youth caution", "Theft", "yp1", "15", "M", "", A1],
        ["Y2", "20/01/2025", "Conviction", "Assault", "yp2", "16", "F", "", B1],
        ["Y3", "03/02/2025", "Youth conditional caution", "Damage", "yp3", "14", "M", "", A2],
        ["Y4", "10/02/2025", "Youth caution", "Theft", "yp4", "17", "F", "", A1],
        ["Y5", "12/02/2025", "Conviction", "Robbery", "yp1", "15", "M", "", A1],
        ["Y6", "13/02/2025", "Community resolution", "Theft", "yp6", "13", "M", "", A1]]))
    report = load_partner(warehouse, [yos], mapping=load_mapping("yos_first_time_entrants"))
    assert report.rejected == 1  # a community resolution is not a formal outcome
    february = StrategicPeriod("2025-02", "2025-02")
    result = first_time_entrants(warehouse, partner_scope(warehouse, february, "previous"))
    # February: yp3 and yp4 (yp1 entered in January; yp2 lives in Otherby).
    assert (result.method, result.current, result.previous) == ("yos", 2, 1)
    assert result.change == 1.0 and result.history_months is None
    assert result.by_sex.set_index("sex")["count"].to_dict() == {"female": 1, "male": 1}
