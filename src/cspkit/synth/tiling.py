"""Planar tilings in kilometre coordinates: Voronoi cells and contiguous groups of cells.

Everything here works on a flat plane in km around the force-area centre; turning it into
lon/lat and naming it is :mod:`cspkit.synth.geography`'s job.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon

# Two cells are neighbours when their shared boundary is longer than this (km): a shared
# vertex alone (queen contiguity) does not make a ward or LAD contiguous.
_MIN_SHARED_EDGE_KM = 1e-6


def force_outline(rng: np.random.Generator, *, half_width: float, half_height: float) -> Polygon:
    """A convex, slightly irregular outline for the whole force area.

    Convexity keeps every clipped Voronoi cell a single polygon.
    """
    theta = np.linspace(0.0, 2.0 * np.pi, 72, endpoint=False)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=2)
    radius = 1.0 + 0.07 * np.sin(2 * theta + phase[0]) + 0.04 * np.sin(3 * theta + phase[1])
    points = np.column_stack(
        [half_width * radius * np.cos(theta), half_height * radius * np.sin(theta)]
    )
    return MultiPoint(points).convex_hull


def spread_points(
    rng: np.random.Generator,
    candidates: np.ndarray,
    spacing: np.ndarray,
    n: int,
) -> np.ndarray:
    """Keep ``n`` of ``candidates`` that are evenly spread relative to their local spacing.

    Sample elimination: repeatedly drop one point of the closest pair, where distance is
    measured in units of the pair's mean local spacing. Gives blue-noise seeds, so Voronoi
    cells are compact, while denser towns still get smaller cells.

    Parameters
    ----------
    rng
        Random generator (breaks ties by shuffling the candidates first).
    candidates
        ``(m, 2)`` array of points, ``m >= n``.
    spacing
        ``(m,)`` local target spacing of each candidate.
    n
        How many points to keep.
    """
    order = rng.permutation(len(candidates))
    points, spacing = candidates[order], spacing[order]
    diff = points[:, None, :] - points[None, :, :]
    scaled = np.hypot(diff[..., 0], diff[..., 1]) / (0.5 * (spacing[:, None] + spacing[None, :]))
    np.fill_diagonal(scaled, np.inf)
    alive = np.ones(len(points), dtype=bool)
    for _ in range(len(points) - n):
        i, j = np.unravel_index(np.argmin(scaled), scaled.shape)
        # Drop whichever of the pair is more crowded by its other neighbours.
        drop = i if np.partition(scaled[i], 1)[1] < np.partition(scaled[j], 1)[1] else j
        alive[drop] = False
        scaled[drop, :] = np.inf
        scaled[:, drop] = np.inf
    return points[alive]


def voronoi_cells(seeds: np.ndarray, outline: Polygon) -> list[Polygon]:
    """Voronoi cells of ``seeds`` clipped to ``outline``, in seed order."""
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline, ordered=True)
    return [cell.intersection(outline) for cell in cells.geoms]


def adjacency(cells: list[Polygon]) -> list[set[int]]:
    """For each cell, the cells sharing a boundary segment with it (rook contiguity)."""
    tree = shapely.STRtree(cells)
    pairs = tree.query(cells, predicate="intersects")
    neighbours: list[set[int]] = [set() for _ in cells]
    for i, j in zip(*pairs, strict=True):
        if i < j:
            shared = cells[i].boundary.intersection(cells[j].boundary)
            if shared.length > _MIN_SHARED_EDGE_KM:
                neighbours[i].add(int(j))
                neighbours[j].add(int(i))
    return neighbours


def make_contiguous(labels: np.ndarray, neighbours: list[set[int]]) -> np.ndarray:
    """Move cells cut off from the main body of their group to the group they border most.

    Parameters
    ----------
    labels
        Group of each cell.
    neighbours
        Output of :func:`adjacency`.

    Returns
    -------
    numpy.ndarray
        Labels in which every group is one connected set of cells.
    """
    labels = labels.copy()
    while True:
        stray = _stray_cells(labels, neighbours)
        if not stray:
            return labels
        for cell in stray:
            bordering = [labels[n] for n in neighbours[cell] if labels[n] != labels[cell]]
            if bordering:
                values, counts = np.unique(bordering, return_counts=True)
                labels[cell] = values[np.argmax(counts)]


def _stray_cells(labels: np.ndarray, neighbours: list[set[int]]) -> list[int]:
    stray: list[int] = []
    for label in np.unique(labels):
        members = set(np.flatnonzero(labels == label).tolist())
        components = _components(members, neighbours)
        components.sort(key=lambda c: (-len(c), min(c)))
        for component in components[1:]:
            stray.extend(sorted(component))
    return stray


def _components(members: set[int], neighbours: list[set[int]]) -> list[set[int]]:
    remaining, components = set(members), []
    while remaining:
        start = min(remaining)
        component, frontier = {start}, [start]
        while frontier:
            cell = frontier.pop()
            for n in neighbours[cell] & remaining:
                if n not in component:
                    component.add(n)
                    frontier.append(n)
        remaining -= component
        components.append(component)
    return components


def grow_groups(
    rng: np.random.Generator,
    members: list[int],
    centres_of: np.ndarray,
    neighbours: list[set[int]],
    n_groups: int,
) -> dict[int, int]:
    """Partition connected cells into ``n_groups`` contiguous groups of similar size.

    Group centres come from k-means on the cell seeds; then the smallest group that can still
    grow takes its nearest unassigned neighbouring cell, until every cell is taken. Growing
    only through shared edges keeps each group contiguous.

    Parameters
    ----------
    rng
        Random generator (k-means initial centres).
    members
        Indices of the cells to partition (a connected set).
    centres_of
        ``(n_cells, 2)`` seed point of every cell.
    neighbours
        Output of :func:`adjacency`.
    n_groups
        How many groups to make.

    Returns
    -------
    dict
        Cell index → group number (0 … n_groups-1).
    """
    points = centres_of[members]
    centres = _kmeans(rng, points, n_groups)
    group_of: dict[int, int] = {}
    cells_of: list[list[int]] = []
    for g, centre in enumerate(centres):
        free = [m for m in members if m not in group_of]
        start = min(free, key=lambda m: float(np.hypot(*(centres_of[m] - centre))))
        group_of[start] = g
        cells_of.append([start])
    member_set = set(members)
    while len(group_of) < len(members):
        for g in sorted(range(n_groups), key=lambda k: (len(cells_of[k]), k)):
            frontier = {
                n for c in cells_of[g] for n in neighbours[c] if n in member_set
            } - group_of.keys()
            if frontier:
                best = min(
                    sorted(frontier), key=lambda m: float(np.hypot(*(centres_of[m] - centres[g])))
                )
                group_of[best] = g
                cells_of[g].append(best)
                break
        else:
            raise ValueError("cells to group are not connected")
    return group_of


def _kmeans(rng: np.random.Generator, points: np.ndarray, k: int) -> np.ndarray:
    centres = points[rng.choice(len(points), size=k, replace=False)]
    for _ in range(30):
        nearest = np.argmin(
            np.hypot(*(points[:, None, :] - centres[None, :, :]).transpose(2, 0, 1)), axis=1
        )
        centres = np.array(
            [points[nearest == g].mean(axis=0) if np.any(nearest == g) else centres[g]
             for g in range(k)]
        )
    return centres


def sample_inside(
    rng: np.random.Generator, polygon: Polygon, n: int, *, margin: float
) -> np.ndarray:
    """``n`` uniform random points at least ``margin`` inside ``polygon``."""
    inner = polygon.buffer(-margin)
    if inner.is_empty:
        inner = polygon.representative_point().buffer(margin / 10)
    minx, miny, maxx, maxy = inner.bounds
    found: list[np.ndarray] = []
    count = 0
    while count < n:
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(4 * n + 16, 2))
        inside = xy[shapely.contains_xy(inner, xy[:, 0], xy[:, 1])]
        found.append(inside)
        count += len(inside)
    return np.concatenate(found)[:n]
