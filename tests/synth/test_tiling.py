from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import box

from cspkit.synth import tiling


def grid_cells(n: int) -> tuple[list, np.ndarray]:
    cells = [box(x, y, x + 1, y + 1) for y in range(n) for x in range(n)]
    centres = np.array([[c.centroid.x, c.centroid.y] for c in cells])
    return cells, centres


def test_adjacency_counts_shared_edges_not_shared_corners() -> None:
    cells, _ = grid_cells(3)
    neighbours = tiling.adjacency(cells)

    assert neighbours[4] == {1, 3, 5, 7}
    assert neighbours[0] == {1, 3}


def test_grown_groups_cover_every_cell_and_are_contiguous() -> None:
    cells, centres = grid_cells(6)
    neighbours = tiling.adjacency(cells)
    group_of = tiling.grow_groups(np.random.default_rng(0), list(range(36)), centres, neighbours, 5)

    assert sorted(group_of) == list(range(36))
    assert set(group_of.values()) == set(range(5))
    for g in range(5):
        union = shapely.union_all([cells[c] for c, k in group_of.items() if k == g])
        assert union.geom_type == "Polygon"


def test_a_cut_off_cell_joins_the_group_it_borders_most() -> None:
    cells, _ = grid_cells(3)
    labels = np.array([0, 0, 0, 1, 1, 1, 1, 0, 1])  # cell 7 is cut off from cells 0, 1, 2

    fixed = tiling.make_contiguous(labels, tiling.adjacency(cells))

    assert fixed.tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 1]


def test_voronoi_cells_tile_the_outline_in_seed_order() -> None:
    rng = np.random.default_rng(1)
    outline = tiling.force_outline(rng, half_width=10.0, half_height=5.0)
    seeds = tiling.sample_inside(rng, outline, 40, margin=0.5)
    cells = tiling.voronoi_cells(seeds, outline)

    assert all(c.contains(shapely.Point(s)) for c, s in zip(cells, seeds, strict=True))
    assert abs(sum(c.area for c in cells) - outline.area) < 1e-9
    assert shapely.union_all(cells).symmetric_difference(outline).area < 1e-9


def test_spread_points_keeps_the_requested_number_well_apart() -> None:
    rng = np.random.default_rng(2)
    candidates = rng.uniform(0, 10, size=(400, 2))
    kept = tiling.spread_points(rng, candidates, np.ones(400), 50)
    distances = np.hypot(*(kept[:, None, :] - kept[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(distances, np.inf)

    assert len(kept) == 50
    assert distances.min() > 0.5
