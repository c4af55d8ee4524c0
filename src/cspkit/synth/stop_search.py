"""Stop and search records in data.police.uk's 15-column layout.

Searches happen where drugs and violence are expected, at the same anonymous map points.
Like the real files, ``Date`` is local midnight written in UTC, so a search on the 1st of a
summer month reads ``…T23:00:00+00:00`` on the last day of the month before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from cspkit.synth.profiles import (
    AGE_RANGE,
    DRUGS_WARNING,
    GENDER,
    LEGISLATION,
    PERSON_DETAIL_MISSING,
    SEARCH_OUTCOME,
    SEARCH_TYPE,
    SEARCH_WITHOUT_COORDINATES,
    SEARCHES_PER_1000_PER_MONTH,
    SELF_DEFINED_ETHNICITY,
)

COLUMNS = (
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)
_FINAL_OUTCOMES = {"Arrest", "Community resolution", "Summons / charged by post",
                   "Caution (simple or conditional)", DRUGS_WARNING}


def simulate_searches(
    rng: np.random.Generator,
    month: str,
    residents: np.ndarray,
    intensity: np.ndarray,
    points: pd.DataFrame,
) -> pd.DataFrame:
    """One month's stop-and-search file, as text columns in the real order.

    Parameters
    ----------
    rng
        Random generator.
    month
        ``YYYY-MM``.
    residents
        Residents per LSOA (sets the volume).
    intensity
        Relative likelihood of a search in each LSOA (e.g. expected drugs and violence).
    points
        Map points (see :mod:`cspkit.synth.places`).
    """
    n = int(rng.poisson(SEARCHES_PER_1000_PER_MONTH * residents.sum() / 1000.0))
    lsoa = rng.choice(len(intensity), size=n, p=intensity / intensity.sum())
    points_of = points.groupby("lsoa").indices
    point = np.array([rng.choice(points_of[i]) for i in lsoa], dtype=np.int64)
    search_type = _pick(rng, SEARCH_TYPE, n)
    person = search_type != "Vehicle search"
    detail = person & (rng.uniform(size=n) >= PERSON_DETAIL_MISSING)
    ethnic_weights = {label: w for label, (w, _) in SELF_DEFINED_ETHNICITY.items()}
    self_defined = np.where(detail, _pick(rng, ethnic_weights, n), "")
    officer = np.array([SELF_DEFINED_ETHNICITY[s][1] for s in self_defined])
    officer = np.where(detail, officer, "")
    legislation = _pick(rng, {k: w for k, (w, _) in LEGISLATION.items()}, n)
    objects = np.empty(n, dtype=object)
    for law, (_, searched_for) in LEGISLATION.items():
        under_law = legislation == law
        objects[under_law] = _pick(rng, searched_for, int(under_law.sum()))
    outcome = _pick(rng, SEARCH_OUTCOME, n)
    drugs = objects == "Controlled drugs"
    outcome[drugs & (outcome == "Community resolution")] = DRUGS_WARNING
    final = np.isin(outcome, list(_FINAL_OUTCOMES))
    linked_draw = rng.uniform(size=n)
    linked = np.where(final, np.where(linked_draw < 0.8, "True", "False"), "")
    linked = np.where(~final & (linked_draw < 0.04), "True", linked)
    linked = np.where(~final & (linked_draw > 0.96), "False", linked)
    located = rng.uniform(size=n) >= SEARCH_WITHOUT_COORDINATES
    days = rng.integers(1, _days_in(month) + 1, size=n)
    frame = pd.DataFrame(
        {
            "Type": search_type,
            "Date": [_local_midnight_utc(month, int(d)) for d in days],
            "Part of a policing operation": "",
            "Policing operation": "",
            "Latitude": np.where(located, _coordinate(points.latitude.to_numpy()[point]), ""),
            "Longitude": np.where(located, _coordinate(points.longitude.to_numpy()[point]), ""),
            "Gender": np.where(detail, _pick(rng, GENDER, n), ""),
            "Age range": np.where(detail, _pick(rng, AGE_RANGE, n), ""),
            "Self-defined ethnicity": self_defined,
            "Officer-defined ethnicity": officer,
            "Legislation": legislation,
            "Object of search": objects,
            "Outcome": outcome,
            "Outcome linked to object of search": linked,
            "Removal of more than just outer clothing": "",
        }
    )
    return frame.sort_values("Date", kind="stable", ignore_index=True)[list(COLUMNS)]


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    labels = list(weights)
    p = np.array(list(weights.values()), dtype=float)
    return np.array(labels, dtype=object)[rng.choice(len(labels), size=n, p=p / p.sum())]


def _coordinate(values: np.ndarray) -> np.ndarray:
    return np.array([f"{v:.6f}" for v in values], dtype=object)


def _days_in(month: str) -> int:
    year, mon = int(month[:4]), int(month[5:])
    following = date(year + mon // 12, mon % 12 + 1, 1)
    return (following - date(year, mon, 1)).days


def _local_midnight_utc(month: str, day: int) -> str:
    """Midnight in the UK on that day, written in UTC as police.uk does."""
    local = datetime(int(month[:4]), int(month[5:]), day)
    offset = timedelta(hours=1) if _british_summer_time(local) else timedelta(0)
    return (local - offset).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _british_summer_time(moment: datetime) -> bool:
    """BST runs from the last Sunday of March to the last Sunday of October."""
    def last_sunday(year: int, month: int) -> datetime:
        day = datetime(year, month + 1, 1) - timedelta(days=1)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    return last_sunday(moment.year, 3) < moment <= last_sunday(moment.year, 10)
