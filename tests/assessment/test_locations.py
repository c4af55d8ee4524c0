"""Top locations count police.uk map points, not names shared by many points."""

from __future__ import annotations

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.assessment.locations import location_note, top_locations
from tests.analysis.conftest import AREAS, L1, L2, LAD, build_tiny, insert

PERIOD = StrategicPeriod("2025-01", "2025-02")
PARKING = "On or near Parking Area"
HIGH_STREET = "On or near High Street"


def _points(con) -> None:
    """Two car parks named alike (5 and 4 crimes) and one high street point (6 crimes)."""
    con.raw_sql("DELETE FROM incident")
    ward = {a[0]: a[2] for a in AREAS}
    rows = []
    for n, (lon, lat, name, lsoa) in zip(
            (5, 4, 6), ((-1.30, 54.50, PARKING, L1), (-1.40, 54.60, PARKING, L2),
                        (-1.35, 54.55, HIGH_STREET, L2)), strict=True):
        rows += [{"incident_id": f"{name}{lon}{k}", "source": "police_crime",
                  "month": PERIOD.months[k % 2], "category": "Burglary",
                  "police_force": "testshire", "longitude": lon, "latitude": lat,
                  "location": name, "lsoa_code": lsoa, "ward_code": ward[lsoa],
                  "lad_code": LAD, "load_id": 1} for k in range(n)]
    insert(con, "incident", rows)


def test_points_sharing_a_name_are_counted_apart(tmp_path):
    con = build_tiny(tmp_path / "points.duckdb")
    _points(con)
    result = top_locations(con, resolve_scope(con, areas=LAD, period=PERIOD, compare=None),
                           sources=["police_crime"])
    con.disconnect()
    t = result.table
    # by name alone the car parks would lead with 9; by point the high street leads with 6
    assert t[["location", "ward_name", "count", "rank"]].values.tolist() == [
        [HIGH_STREET, "North", 6, 1], [PARKING, "North", 5, 2], [PARKING, "North", 4, 3]]
    assert t["point"].tolist() == ["54.5500, -1.3500", "54.5000, -1.3000", "54.6000, -1.4000"]
    assert t["points_with_name"].tolist() == [1, 2, 2]
    assert (result.total, result.distinct) == (15, 3)
    assert (result.shared_name, result.shared_points) == (PARKING, 2)
    note = location_note(result)
    assert "anonymised map points" in note and f"'{PARKING}' names 2 points" in note
