import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.peers import ENGLISH_FORCES, peer_comparison
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
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
    result = peer_comparison(peers, resolve_scope(peers, areas=LAD, period=PERIOD, compare=None))
    t = result.table.set_index("lad_code")
    assert t.loc[LAD, ["count", "residents", "source"]].tolist() == [50, 6000, "incident"]
    assert t.loc[OTHER_LAD, ["count", "residents"]].tolist() == [7, 1200]
    assert t.loc[FAR, ["count", "source", "months_missing"]].tolist() == [
        30, "area_crime_count", "2025-02"]
    assert not t.loc[FAR, "complete"] and t.loc[LAD, "complete"]
    assert_allclose(t.loc[[LAD, OTHER_LAD, FAR], "rate_per_1000"], [50 / 6, 7 / 1.2, 15.0])
    assert result.police_force == "testshire"
    assert t.loc[[LAD, OTHER_LAD], "rank_in_force"].tolist() == [1, 2]
    assert result.partnership_rate == pytest.approx(50 / 6)
    assert result.force_rate == pytest.approx(57 / 7.2)
    assert result.force_authorities == 2
    assert result.n_incomplete == 1


def test_one_forces_complete_data_make_no_england_comparator(peers):
    # Testborough and Otherton (testshire) are the only complete authorities: the England
    # rate would be testshire's force rate under another name
    result = peer_comparison(peers, resolve_scope(peers, areas=LAD, period=PERIOD, compare=None))
    assert result.england is None
    assert result.table["rank_in_england"].isna().all()
    assert (result.english_authorities_covered, result.english_authorities) == (2, 3)
    assert result.forces_with_data == ("farshire", "testshire")


NEAR, STRAY = "E07000904", "E07000905"


@pytest.fixture
def england(peers):
    """A second force (nearshire, complete), an authority known only from farshire's strays,
    and British Transport Police rows in Testborough."""
    insert(peers, "area", [
        {"lsoa_code": f"E0100001{i}", "lsoa_name": f"{name} 001A", "ward_code": f"E0500091{i}",
         "ward_name": name, "lad_code": code, "lad_name": name, "load_id": 2}
        for i, (code, name) in enumerate(((NEAR, "Nearshire"), (STRAY, "Strayton")))])
    insert(peers, "population", [
        {"lsoa_code": f"E0100001{i}", "geography": "lsoa21", "year": 2021, "age_min": 0,
         "age_max": 120, "sex": "persons", "count": n, "source": "census2021", "load_id": 3}
        for i, n in enumerate((4000, 5000))])
    rows = [("2025-01", NEAR, "nearshire", 10), ("2025-02", NEAR, "nearshire", 14),
            ("2025-01", STRAY, "farshire", 1), ("2025-01", LAD, "btp", 80)]
    insert(peers, "area_crime_count", [
        {"month": m, "area_level": "lad", "area_code": code, "area_name": code,
         "police_force": force, "crime_type": "Burglary", "count": n, "load_id": 11}
        for m, code, force, n in rows])
    return peers


def test_england_pools_complete_authorities_of_several_forces_and_names_its_gaps(england):
    result = peer_comparison(england,
                             resolve_scope(england, areas=LAD, period=PERIOD, compare=None))
    t = result.table.set_index("lad_code")
    # Strayton's 1 crime per 5,000 residents (0.2 per 1,000) is under 5% of farshire's
    # busiest authority (Farshire, 15.0 per 1,000): rows placed across a border, left out
    assert STRAY not in t.index
    # British Transport Police never becomes Testborough's force, though it records more
    assert t.loc[LAD, ["police_force", "count"]].tolist() == ["testshire", 50]
    assert t.loc[NEAR, ["count", "complete"]].tolist() == [24, True]
    e = result.england
    assert (e.authorities, e.english_authorities) == (3, 5)  # 3 >= half of 5
    assert e.rate == pytest.approx(1000 * (50 + 7 + 24) / (6000 + 1200 + 4000))
    assert e.forces_incomplete == (("farshire", ("2025-02",)),)
    assert e.forces_without_data == ENGLISH_FORCES  # no real force in this warehouse
    # 50 / 6,000, 24 / 4,000 and 7 / 1,200: 8.3, 6.0 and 5.8 per 1,000
    assert t.loc[[LAD, NEAR, OTHER_LAD], "rank_in_england"].tolist() == [1, 2, 3]


def test_peers_need_a_local_authority(peers):
    for areas in ("E05000901", [LAD, OTHER_LAD]):
        with pytest.raises(CspError, match="needs a partnership of a single local authority"):
            peer_comparison(peers, resolve_scope(peers, areas=areas, period=PERIOD, compare=None))
    # Farshire is counted only in 2025-01 (published counts)
    with pytest.raises(CspError, match="no crime counts for E07000903 in 2025-02"):
        peer_comparison(peers, resolve_scope(peers, areas=FAR,
                                             period=StrategicPeriod("2025-02", "2025-02"),
                                             compare=None))
