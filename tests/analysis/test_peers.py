import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.peers import peer_comparison
from cspkit.analysis.periods import StrategicPeriod
from cspkit.errors import CspError

from .conftest import LAD, OTHER_LAD, insert

PERIOD = StrategicPeriod("2025-01", "2025-02")
FAR = "E07000903"


@pytest.fixture
def peers(tiny):
    """Farshire (another force) is known only from published counts, with 2025-02 absent."""
    insert(tiny, "area", [{"lsoa_code": "E01000007", "lsoa_name": "Farshire 001A",
                           "ward_code": "E05000907", "ward_name": "Far", "lad_code": FAR,
                           "lad_name": "Farshire", "load_id": 2}])
    insert(tiny, "population", [{"lsoa_code": "E01000007", "geography": "lsoa21",
                                 "year": 2021, "age_min": 0, "age_max": 120,
                                 "sex": "persons", "count": 2000, "source": "census2021",
                                 "load_id": 3}])
    insert(tiny, "area_crime_count", [
        {"month": "2025-01", "area_level": "lad", "area_code": FAR, "area_name": "Farshire",
         "police_force": "farshire", "crime_type": "Burglary", "count": 30, "load_id": 11},
        {"month": "2025-01", "area_level": "lad", "area_code": FAR, "area_name": "Farshire",
         "police_force": "farshire", "crime_type": "Anti-social behaviour", "count": 99,
         "load_id": 11},
        # a stray row: Farshire's force placed 3 crimes in Testborough
        {"month": "2025-01", "area_level": "lad", "area_code": LAD, "area_name": "Testborough",
         "police_force": "farshire", "crime_type": "Burglary", "count": 3, "load_id": 11},
    ])
    insert(tiny, "source_inventory", [
        {"month": "2025-01", "police_force": "farshire", "status": "ok", "rows": 129,
         "load_id": 11},
        {"month": "2025-02", "police_force": "farshire", "status": "absent_in_snapshot",
         "load_id": 11},
    ])
    return tiny


def test_peer_rates_force_and_completeness(peers):
    result = peer_comparison(peers, area=LAD, period=PERIOD)
    t = result.table.set_index("lad_code")
    assert t.loc[LAD, ["count", "residents", "source"]].tolist() == [50, 6000, "incident"]
    assert t.loc[OTHER_LAD, ["count", "residents"]].tolist() == [7, 1200]
    assert t.loc[FAR, ["count", "source", "months_missing"]].tolist() == [
        30, "area_crime_count", "2025-02"]
    assert not t.loc[FAR, "complete"] and t.loc[LAD, "complete"]
    assert_allclose(t.loc[[LAD, OTHER_LAD, FAR], "rate_per_1000"], [50 / 6, 7 / 1.2, 15.0])
    assert result.police_force == "testshire"
    assert t.loc[[LAD, OTHER_LAD], "rank_in_force"].tolist() == [1, 2]
    assert t["rank_in_england"].isna().tolist() == [True, False, False]  # Farshire first
    assert result.partnership_rate == pytest.approx(50 / 6)
    assert result.force_rate == pytest.approx(57 / 7.2)
    assert result.england_rate == pytest.approx(57 / 7.2)
    assert result.n_incomplete == 1


def test_peers_need_a_local_authority(peers):
    with pytest.raises(CspError, match="not a local authority"):
        peer_comparison(peers, area="E05000901", period=PERIOD)
    with pytest.raises(CspError, match="no crime counts"):
        peer_comparison(peers, area=LAD, period=StrategicPeriod("2020-01", "2020-12"))
