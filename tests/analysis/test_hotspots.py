import math

import numpy as np
import pytest
import shapely
from libpysal.weights import Queen
from numpy.testing import assert_allclose

from cspkit.analysis.hotspots import benjamini_hochberg, gi_star, hotspots
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import resolve_scope
from cspkit.errors import CspError
from cspkit.warehouse import connect

from .conftest import CURRENT, PREVIOUS, insert, square_wkt

PERIOD = StrategicPeriod("2025-01", "2025-02")


def lattice(k):
    geoms = [shapely.box(i, j, i + 1, j + 1) for j in range(k) for i in range(k)]
    return Queen.from_iterable(geoms, ids=list(range(k * k)))


def gi_star_direct(x, w):
    """Ord and Getis (1995) Gi* with binary weights and w_ii = 1, straight from the formula."""
    n = len(x)
    a = np.eye(n)
    for i, neighbours in w.neighbors.items():
        a[i, neighbours] = 1.0
    xbar, s = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    wi = a.sum(axis=1)
    return (a @ x - xbar * wi) / (s * np.sqrt((n * (a**2).sum(axis=1) - wi**2) / (n - 1)))


def test_gi_star_matches_the_direct_formula_on_a_lattice():
    rng = np.random.default_rng(11)
    x = rng.poisson(5, size=25).astype(float)
    x[[6, 7, 11, 12]] += 20
    z, p = gi_star(x, lattice(5), permutations=199, seed=1)
    assert_allclose(z, gi_star_direct(x, lattice(5)))
    assert ((p > 0) & (p <= 1)).all()


def test_gi_star_p_values_are_two_sided_normal_without_permutations():
    rng = np.random.default_rng(11)
    x = rng.poisson(5, size=25).astype(float)
    x[[6, 7, 11, 12]] += 20
    z, p = gi_star(x, lattice(5))
    # 2 (1 - Phi(|z|)), Phi written with the error function
    phi = np.array([0.5 * (1 + math.erf(abs(v) / math.sqrt(2))) for v in gi_star_direct(
        x, lattice(5))])
    assert_allclose(p, 2 * (1 - phi))
    assert_allclose(z, gi_star_direct(x, lattice(5)))


def test_gi_star_permutations_are_reproducible_with_a_seed():
    x = np.arange(16, dtype=float)
    _, p1 = gi_star(x, lattice(4), permutations=99, seed=5)
    _, p2 = gi_star(x, lattice(4), permutations=99, seed=5)
    assert_allclose(p1, p2)


def test_benjamini_hochberg_hand_worked():
    # sorted p .01 .03 .04 .20; m p/k = .04 .06 .0533 .20; running minimum from the top.
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.20]))
    assert_allclose(q, [0.04, 0.16 / 3, 0.16 / 3, 0.20])


@pytest.fixture
def grid(tmp_path):
    """7 x 7 LSOAs with a 3 x 3 cluster of 30 crimes each (both periods), 1 elsewhere."""
    con = connect(tmp_path / "grid.duckdb")
    codes = {(i, j): f"E0120{i}{j:02d}" for i in range(7) for j in range(7)}
    insert(con, "area", [
        {"lsoa_code": c, "lsoa_name": c, "ward_code": "E05000001", "ward_name": "Ward",
         "lad_code": "E06000999", "lad_name": "Gridton", "load_id": 1}
        for c in codes.values()
    ])
    insert(con, "boundary", [
        {"level": "lsoa21", "code": c, "geometry_wkt": square_wkt(i, j), "load_id": 2}
        for (i, j), c in codes.items()
    ])
    rows = []
    for (i, j), code in codes.items():
        n = 30 if 2 <= i <= 4 and 2 <= j <= 4 else 1
        for month in (*CURRENT, *PREVIOUS):
            rows += [{"incident_id": f"{code}-{month}-{k}", "source": "police_crime",
                      "month": month, "category": "Burglary", "lsoa_code": code,
                      "load_id": 3} for k in range(n)]
    insert(con, "incident", rows)
    yield con, codes
    con.disconnect()


def test_a_cluster_is_a_persistent_hot_spot(grid):
    con, codes = grid
    result = hotspots(con, resolve_scope(con, areas="E06000999", period=PERIOD), permutations=999,
                      seed=7)
    t = result.table.set_index("lsoa_code")
    assert t.loc[codes[3, 3], "persistent_hot"]
    assert t.loc[codes[3, 3], "count"] == 60
    assert not t.loc[codes[0, 0], "hot"]
    assert_allclose(t["q_value"], benjamini_hochberg(t["p_value"].to_numpy()))
    assert result.n_persistent_hot == t["persistent_hot"].sum() >= 1
    assert result.islands == ()


def test_hotspots_on_the_tiny_warehouse_use_its_contiguity(tiny):
    result = hotspots(tiny, resolve_scope(tiny, areas="E06000901", period=PERIOD), permutations=99)
    t = result.table.set_index("lsoa_code")
    w = Queen.from_iterable(
        [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0, 1, 1, 2),
         shapely.box(1, 1, 2, 2), shapely.box(2, 0, 3, 1)],
        ids=[0, 1, 2, 3, 4],
    )
    x = np.array([30.0, 6, 6, 8, 0])  # L1, L2, L3, L4, L5
    order = ["E01000001", "E01000002", "E01000003", "E01000004", "E01000005"]
    assert_allclose(t.loc[order, "gi_z"], gi_star_direct(x, w))


def test_hotspots_need_boundaries(tiny):
    tiny.raw_sql("DELETE FROM boundary WHERE code = 'E01000003'")
    with pytest.raises(CspError, match="no LSOA 2021 boundary loaded for 1 LSOA"):
        hotspots(tiny, resolve_scope(tiny, areas="E06000901", period=PERIOD))


def test_hotspots_on_rates_use_residents(tiny):
    result = hotspots(tiny, resolve_scope(tiny, areas="E06000901", period=PERIOD), value="rate",
                      permutations=99)
    t = result.table.set_index("lsoa_code")
    order = ["E01000001", "E01000002", "E01000003", "E01000004", "E01000005"]
    rates = np.array([30 / 1000, 6 / 1500, 6 / 2000, 8 / 500, 0.0]) * 1000
    assert_allclose(t.loc[order, "value"], rates)
    w = Queen.from_iterable(
        [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0, 1, 1, 2),
         shapely.box(1, 1, 2, 2), shapely.box(2, 0, 3, 1)],
        ids=[0, 1, 2, 3, 4],
    )
    assert_allclose(t.loc[order, "gi_z"], gi_star_direct(rates, w))
    assert 3 in result.citation.load_ids  # the Census residents


def test_hotspots_of_anti_social_behaviour(tiny):
    result = hotspots(tiny, resolve_scope(tiny, areas="E06000901", period=PERIOD),
                      source="police_asb", permutations=99)
    t = result.table.set_index("lsoa_code")
    order = ["E01000001", "E01000002", "E01000003", "E01000004", "E01000005"]
    assert t.loc[order, "count"].tolist() == [5, 0, 0, 0, 0]
    assert t.loc[order, "previous_count"].tolist() == [0, 4, 0, 0, 0]
    w = Queen.from_iterable(
        [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0, 1, 1, 2),
         shapely.box(1, 1, 2, 2), shapely.box(2, 0, 3, 1)],
        ids=[0, 1, 2, 3, 4],
    )
    assert_allclose(t.loc[order, "gi_z"], gi_star_direct(np.array([5.0, 0, 0, 0, 0]), w))
