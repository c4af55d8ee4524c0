"""partner_coverage: the months of the period each flag is recorded in (true or false), in
any area; a month whose incidents leave a flag empty is a month without it."""

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.assessment.evidence import partner_coverage
from tests.analysis.conftest import L1, L9, LAD, build_tiny, insert


def test_a_flag_counts_in_the_months_an_incident_records_it(tmp_path):
    con = build_tiny(tmp_path / "tiny.duckdb")
    rows = [
        ("d1", "2025-01", L1, {"flag_domestic": True}),
        ("d2", "2025-02", L9, {"flag_domestic": False}),  # recorded, and outside the areas
        ("a1", "2025-02", L1, {"flag_alcohol": True, "flag_domestic": None}),
        ("h1", "2024-12", L1, {"flag_hate": True}),  # before the period
    ]
    insert(con, "incident", [
        {"incident_id": ref, "source": "council_asb", "month": month, "lsoa_code": lsoa,
         "category": "Noise", "load_id": 7, **flags} for ref, month, lsoa, flags in rows])
    scope = resolve_scope(con, areas=LAD, period=StrategicPeriod("2025-01", "2025-02"))
    got = partner_coverage(con, scope)
    assert got.flags == {"domestic": ("2025-01", "2025-02"), "alcohol": ("2025-02",),
                         "hate": ()}
    assert got.flag_missing("alcohol") == ("2025-01",)
    assert got.flag_missing("hate") == ("2025-01", "2025-02")
    con.disconnect()
