import pytest

from cspkit.analysis.outcomes import outcome_profile
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope

from .conftest import LAD, insert

PERIOD = StrategicPeriod("2025-01", "2025-02")
# crime00001-00010 are the current period's burglaries in L1, crime00011-00030 its violence.
OUTCOMES = [
    ("crime00001", "2025-01", "Investigation complete; no suspect identified"),
    ("crime00001", "2025-03", "Offender given a caution"),
    ("crime00002", "2025-02", "Unable to prosecute suspect"),
    ("crime00003", "2025-02", "Awaiting court outcome"),
    ("crime00003", "2025-02", "Offender sent to prison"),
    ("crime00011", "2025-04", "Unable to prosecute suspect"),
    ("crime99999", "2025-04", "Offender fined"),  # a crime outside the areas and period
]


@pytest.fixture
def with_outcomes(tiny):
    insert(tiny, "outcome", [
        {"crime_id": c, "month": m, "outcome_type": o, "load_id": 10} for c, m, o in OUTCOMES
    ])
    tiny.raw_sql("UPDATE incident SET last_outcome = NULL WHERE source_ref = 'crime00030'")
    return tiny


def test_latest_outcome_per_crime_by_type_and_theme(with_outcomes):
    scope = resolve_scope(with_outcomes, areas=LAD, period=PERIOD, compare=None)
    result = outcome_profile(with_outcomes, scope,
                             themes={"Acquisitive": ["Burglary", "Shoplifting"]})
    t = result.table
    burglary = t[t["group"] == "Burglary"].set_index("outcome")["count"].to_dict()
    assert burglary == {
        "Under investigation": 9, "Offender given a caution": 1, "Offender sent to prison": 1,
        "Unable to prosecute suspect": 1,
    }
    total = t[t["kind"] == "total"].set_index("outcome")
    assert total["count"].to_dict() == {
        "Under investigation": 45, "Unable to prosecute suspect": 2, "No outcome recorded": 1,
        "Offender given a caution": 1, "Offender sent to prison": 1,
    }
    assert total.loc["Under investigation", "from_outcome_records"] == 0
    assert total.loc["Unable to prosecute suspect", "from_outcome_records"] == 2
    assert total["share"].sum() == pytest.approx(1.0)
    s = result.summary.set_index("group")
    assert s.loc["Total recorded crime", ["crimes", "with_outcome_record"]].tolist() == [50, 4]
    assert s.loc["Acquisitive", ["crimes", "under_investigation"]].tolist() == [18, 15]
    assert result.under_investigation_share == pytest.approx(45 / 50)
    assert result.citation.load_ids == (1, 2, 10)
