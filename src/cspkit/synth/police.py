"""data.police.uk street and outcomes files for one month, as text columns.

Until May 2023 police.uk published 2011 LSOA codes; from June 2023 2021 codes. The fictional
force does the same, so LSOAs split in 2021 appear under their 2011 parent code early on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspkit.synth.names import FORCE_NAME
from cspkit.synth.profiles import ASB

LSOA21_PUBLISHED_FROM = "2023-06"

STREET_COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
OUTCOME_COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Outcome type",
)


def crime_ids(rng: np.random.Generator, crime_types: pd.Series) -> np.ndarray:
    """A 64-hex-digit Crime ID for every crime; ASB rows get none (empty)."""
    raw = np.frombuffer(rng.bytes(32 * len(crime_types)), dtype=np.uint8).reshape(-1, 32)
    ids = np.array([row.tobytes().hex() for row in raw], dtype=object)
    ids[(crime_types == ASB).to_numpy()] = ""
    return ids


def placed(
    rows: pd.DataFrame, month: str, lsoas: pd.DataFrame, points: pd.DataFrame
) -> pd.DataFrame:
    """Coordinates, location and LSOA (as published in ``month``) of rows with ``lsoa``
    and ``point`` columns.
    """
    point = rows.point.to_numpy()
    lsoa = lsoas.iloc[rows.lsoa.to_numpy()]
    vintage = "lsoa21" if month >= LSOA21_PUBLISHED_FROM else "lsoa11"
    return pd.DataFrame(
        {
            "Reported by": FORCE_NAME,
            "Falls within": FORCE_NAME,
            "Longitude": [f"{v:.6f}" for v in points.longitude.to_numpy()[point]],
            "Latitude": [f"{v:.6f}" for v in points.latitude.to_numpy()[point]],
            "Location": points.location.to_numpy()[point],
            "LSOA code": lsoa[f"{vintage}_code"].to_numpy(),
            "LSOA name": lsoa[f"{vintage}_name"].to_numpy(),
        },
        index=rows.index,
    )


def street_file(
    incidents: pd.DataFrame, month: str, lsoas: pd.DataFrame, points: pd.DataFrame
) -> pd.DataFrame:
    """The street file of ``month`` from incidents with ``crime_id`` and ``last_outcome``."""
    rows = incidents[incidents.month == month]
    frame = placed(rows, month, lsoas, points)
    frame["Crime ID"] = rows.crime_id
    frame["Month"] = month
    frame["Crime type"] = rows.crime_type
    frame["Last outcome category"] = rows.last_outcome
    frame["Context"] = ""
    return frame[list(STREET_COLUMNS)]


def outcomes_file(
    records: pd.DataFrame,
    incidents: pd.DataFrame,
    month: str,
    lsoas: pd.DataFrame,
    points: pd.DataFrame,
) -> pd.DataFrame:
    """The outcomes file of ``month`` (outcomes decided that month, for older crimes too)."""
    crimes = incidents.iloc[records.incident.to_numpy()].set_index(records.index)
    frame = placed(crimes, month, lsoas, points)
    frame["Crime ID"] = crimes.crime_id
    frame["Month"] = month
    frame["Outcome type"] = records.outcome_type
    return frame[list(OUTCOME_COLUMNS)]
