"""Anonymous map points, as police.uk snaps every crime to one ("On or near Mill Lane").

Each LSOA gets a handful of street points plus, where it fits, shops, nightlife and open
space. Points lie well inside their LSOA, so a point keeps its LSOA after rounding to 6 dp.
Each point has a fixed "pull", so the same few points stay hot month after month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspkit.synth import tiling
from cspkit.synth.geography import round6
from cspkit.synth.names import (
    AUTHORITIES,
    COMMERCIAL_POINTS,
    NIGHTLIFE_POINTS,
    OPEN_SPACE_POINTS,
    STREET_STEMS,
    STREET_SUFFIXES,
)

_MARGIN_DEG = 0.0004  # about 30 m inside the LSOA edge


def map_points(rng: np.random.Generator, lsoas: pd.DataFrame) -> pd.DataFrame:
    """Map points of every LSOA.

    Returns
    -------
    pandas.DataFrame
        ``lsoa`` (row position in ``lsoas``), ``longitude``, ``latitude`` (rounded to 6 dp),
        ``location`` ("On or near …"), ``kind`` (street, commercial, nightlife, open_space),
        ``pull`` (relative attractiveness, fixed over time).
    """
    streets = _street_names(rng)
    used = {a.code: 0 for a in AUTHORITIES}
    rows: list[dict[str, object]] = []
    for position, lsoa in enumerate(lsoas.itertuples(index=False)):
        labels = _point_labels(rng, lsoa.role, lsoa.area_km2)
        names = []
        for kind, name in labels:
            if kind == "street" and name == "":
                name = streets[used[lsoa.lad_code] % len(streets)]
                used[lsoa.lad_code] += 1
            names.append((kind, name))
        xy = round6(tiling.sample_inside(rng, lsoa.geometry, len(names), margin=_MARGIN_DEG))
        pulls = rng.lognormal(0.0, 0.8, size=len(names))
        for (kind, name), (lon, lat), pull in zip(names, xy, pulls, strict=True):
            rows.append(
                {
                    "lsoa": position,
                    "longitude": lon,
                    "latitude": lat,
                    "location": f"On or near {name}",
                    "kind": kind,
                    "pull": pull,
                }
            )
    return pd.DataFrame(rows)


def _street_names(rng: np.random.Generator) -> list[str]:
    names = [f"{stem} {suffix}" for stem in STREET_STEMS for suffix in STREET_SUFFIXES]
    return [names[i] for i in rng.permutation(len(names))]


def _point_labels(rng: np.random.Generator, role: str, area_km2: float) -> list[tuple[str, str]]:
    """(kind, name) of the points of one LSOA; an empty street name is filled in later."""
    n_streets = int(np.clip(round(4 + 1.5 * np.sqrt(area_km2)), 5, 10))
    labels = [("street", "")] * n_streets
    if role == "town_centre_core":
        labels += [("street", "High Street"), ("street", "Market Place")]
        labels += [("commercial", name) for name in COMMERCIAL_POINTS]
        labels += [("nightlife", name) for name in NIGHTLIFE_POINTS]
    elif role == "town_centre":
        labels += [("commercial", "Shopping Area"), ("commercial", "Supermarket")]
        labels += [("nightlife", "Nightclub")]
    else:
        for name, chance in zip(COMMERCIAL_POINTS, (0.1, 0.3, 0.15, 0.3), strict=True):
            if rng.uniform() < chance:
                labels.append(("commercial", name))
    for name, chance in zip(OPEN_SPACE_POINTS, (0.4, 0.2), strict=True):
        if rng.uniform() < chance:
            labels.append(("open_space", name))
    if role == "student":
        labels.append(("commercial", "Further/Higher Educational Building"))
    return labels

