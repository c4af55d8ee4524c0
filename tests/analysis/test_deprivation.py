import numpy as np
import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.deprivation import deprivation_profile
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.errors import CspError

from .conftest import EAST, L1, L2, L3, L4, L5, LAD, NORTH, SOUTH, insert

PERIOD = StrategicPeriod("2025-01", "2025-02")
IMD = {L1: (50.0, 1), L2: (40.0, 1), L3: (20.0, 4), L4: (30.0, 2), L5: (10.0, 8)}


def load_imd(con, *, with_rank_only_duplicate=True):
    rows = [
        {"lsoa_code": code, "geography": "lsoa21", "edition": "IoD2025", "domain": "imd",
         "score": score, "rank": 100 * decile, "decile": decile, "load_id": 7}
        for code, (score, decile) in IMD.items()
    ]
    if with_rank_only_duplicate:  # as the official File 1: rank and decile, no score
        rows.append({"lsoa_code": L1, "geography": "lsoa21", "edition": "IoD2025",
                     "domain": "imd", "score": None, "rank": 100, "decile": 1, "load_id": 8})
    insert(con, "deprivation", rows)


def test_deprivation_profile_by_decile_correlation_and_wards(tiny):
    load_imd(tiny)
    result = deprivation_profile(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD, compare=None),
                                 top_n=1)
    t = result.table.set_index("imd_decile")
    assert t.loc[[1, 2, 4, 8], "count"].tolist() == [36, 8, 6, 0]
    assert t.loc[[1, 2, 4, 8], "residents"].tolist() == [2500, 500, 2000, 1000]
    assert_allclose(t.loc[[1, 2, 4, 8], "rate_per_1000"], [14.4, 16.0, 3.0, 0.0])
    assert np.isnan(t.loc[10, "rate_per_1000"]) and t.loc[10, "lsoas"] == 0
    # Rate ranks (L5..L1) 1,2,3,4,5; score ranks 1,2,4,3,5: sum d^2 = 2, rho = 1 - 12/120.
    assert result.spearman_rho == pytest.approx(0.9)
    w = result.wards.set_index("ward_code")
    assert_allclose(w.loc[[NORTH, SOUTH, EAST], "imd_score"], [44.0, 22.0, 10.0])
    assert w.loc[[NORTH, SOUTH, EAST], "deprivation_rank"].tolist() == [1, 2, 3]
    assert result.top_wards_most_deprived == 1
    assert set(result.citation.load_ids) >= {7, 8}


def test_missing_deprivation_is_an_error(tiny):
    with pytest.raises(CspError, match="no IoD2025 'imd' figures loaded for 5 LSOA"):
        deprivation_profile(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD, compare=None))


def test_ranks_without_scores_is_an_error(tiny):
    insert(tiny, "deprivation", [
        {"lsoa_code": c, "geography": "lsoa21", "edition": "IoD2025", "domain": "imd",
         "rank": 1, "decile": 1, "load_id": 9} for c in IMD
    ])
    with pytest.raises(CspError, match="no scores"):
        deprivation_profile(tiny, resolve_scope(tiny, areas=LAD, period=PERIOD, compare=None))
