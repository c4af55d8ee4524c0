"""People of one role in a theme (victims, callers, suspects, offenders): age band, sex, ethnicity,
home ward.

Counted in people, not involvements: a person key counts once (with their age, sex and
ethnicity at their first incident in the period); an involvement with no key counts as one
person, since it cannot be matched. "Not recorded" is always a row, with its share, so a
reader sees how much of a profile rests on missing data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.involvement import (
    NOT_RECORDED,
    POLICE_EXTRACT,
    describe_filters,
    involvements,
    require_sources,
    source_names,
    theme_incidents,
)
from cspkit.analysis.scope import SOURCE_LOOKUP, Citation, Scope

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-9", 0, 9), ("10-17", 10, 17), ("18-24", 18, 24), ("25-34", 25, 34),
    ("35-44", 35, 44), ("45-54", 45, 54), ("55-64", 55, 64), ("65+", 65, 200),
)
OUTSIDE = "Outside the areas"


@dataclass(frozen=True, eq=False)
class PeopleProfile:
    """Who the victims (or offenders) of a theme were.

    Attributes
    ----------
    role
        ``victim``, ``offender``, ``suspect`` or ``caller``.
    table
        Long format, one row per dimension and value: ``dimension`` (``age_band``, ``sex``,
        ``ethnicity``), ``value``, ``people``, ``share`` (of all people; "Not recorded"
        always present, even at 0).
    home_wards
        Where they live: ``ward_code``, ``ward_name``, ``people``, ``share``; rows
        "Outside the areas" (a home LSOA outside the areas analysed) and "Not recorded".
    people, involvements, keyed
        Distinct people (keyless involvements counted once each), person-incident rows, and
        how many of those rows carried a person key.
    not_recorded
        Share of people with no value, per dimension (``age_band``, ``sex``, ``ethnicity``,
        ``home_ward``).
    citation
        Period, areas, sources, filters (role, categories, flags), load ids.
    sources
        The incident sources the people were read from (e.g. ``police_crime_extract``).
    """

    role: str
    table: pd.DataFrame
    home_wards: pd.DataFrame
    people: int
    involvements: int
    keyed: int
    not_recorded: dict[str, float]
    citation: Citation
    sources: tuple[str, ...]

    def dimension(self, name: str) -> pd.DataFrame:
        """The rows of one dimension (``age_band``, ``sex`` or ``ethnicity``)."""
        return self.table[self.table["dimension"] == name].reset_index(drop=True)


def age_band(age: float | None) -> str:
    """The band of an age in years (``Not recorded`` when missing).

    Examples
    --------
    >>> age_band(17), age_band(18), age_band(None)
    ('10-17', '18-24', 'Not recorded')
    """
    if age is None or pd.isna(age):
        return NOT_RECORDED
    return next(name for name, low, high in AGE_BANDS if low <= age <= high)


def distinct_people(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per person: keyed people at their first incident, keyless rows as they are."""
    ordered = rows.sort_values(["month", "incident_id"], kind="stable")
    keyed = ordered[ordered["person_key"].notna()].drop_duplicates("person_key")
    return pd.concat([keyed, ordered[ordered["person_key"].isna()]], ignore_index=True)


def people_profile(
    con: BaseBackend,
    scope: Scope,
    *,
    role: str,
    sources: Sequence[str] = (POLICE_EXTRACT,),
    categories: Sequence[str] | None = None,
    flags: Sequence[str] = (),
) -> PeopleProfile:
    """Profile the people of one role in a theme's incidents.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas (where the incidents happened) and the strategic period
        (:func:`~cspkit.analysis.scope.resolve_scope`).
    role
        ``victim`` or ``offender`` (or ``suspect``, ``caller``).
    sources
        Partner sources holding people (default the police crime extract).
    categories, flags
        The theme: incident categories (default all) and flags that must be true.

    Returns
    -------
    PeopleProfile

    Notes
    -----
    Shares are of distinct people, :math:`n_v / N`, with "Not recorded" among the values.
    Publish through :func:`cspkit.privacy.disclosure.suppress_counts`: the counts are
    person-level and small cells identify people.
    """
    period = scope.period
    require_sources(scope, period.months, sources)
    incidents = theme_incidents(con, scope, period.months, sources=sources,
                                categories=categories, flags=flags)
    rows = involvements(con, incidents, role)
    people = distinct_people(rows)
    n = len(people)
    values = {
        "age_band": people["age"].map(age_band),
        "sex": people["sex"].fillna(NOT_RECORDED),
        "ethnicity": people["ethnicity"].fillna(NOT_RECORDED),
    }
    order = {"age_band": [b for b, _, _ in AGE_BANDS]}
    parts = []
    for dimension, column in values.items():
        counts = column.value_counts()
        names = order.get(dimension) or sorted(v for v in counts.index if v != NOT_RECORDED)
        part = pd.DataFrame({"value": [*names, NOT_RECORDED]})
        part["people"] = part["value"].map(counts).fillna(0).astype("int64")
        part.insert(0, "dimension", dimension)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["share"] = table["people"] / n if n else np.nan
    wards = _home_wards(scope.lsoas, people)
    not_recorded = {d: float((v == NOT_RECORDED).mean()) if n else float("nan")
                    for d, v in values.items()}
    not_recorded["home_ward"] = (float(people["home_lsoa_code"].isna().mean()) if n
                                 else float("nan"))
    return PeopleProfile(
        role=role, table=table, home_wards=wards, people=n, involvements=len(rows),
        keyed=int(rows["person_key"].notna().sum()), not_recorded=not_recorded,
        citation=scope.cite(period, None, sources=[*source_names(sources), SOURCE_LOOKUP],
                            filters=[f"role = {role}", *describe_filters(categories, flags)],
                            load_ids=[*rows["load_id"], *rows["incident_load_id"],
                                      *scope.lsoas["load_id"]]),
        sources=tuple(sources))


def _home_wards(lsoas: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    ward_of = lsoas.set_index("lsoa_code")["ward_code"]
    names = lsoas.drop_duplicates("ward_code").set_index("ward_code")["ward_name"]
    home = people["home_lsoa_code"]
    ward = home.map(ward_of)
    label = ward.where(ward.notna(), np.where(home.isna(), NOT_RECORDED, OUTSIDE))
    counts = label.value_counts()
    codes = sorted(c for c in counts.index if c not in (NOT_RECORDED, OUTSIDE))
    table = pd.DataFrame({"ward_code": [*codes, OUTSIDE, NOT_RECORDED]})
    table["ward_name"] = table["ward_code"].map(names).fillna(table["ward_code"])
    table["people"] = table["ward_code"].map(counts).fillna(0).astype("int64")
    total = len(people)
    table["share"] = table["people"] / total if total else np.nan
    table = pd.concat([table.iloc[:-2].sort_values(["people", "ward_code"],
                                                   ascending=[False, True]),
                       table.iloc[-2:]], ignore_index=True)
    table.loc[table["ward_code"].isin([OUTSIDE, NOT_RECORDED]), "ward_code"] = None
    return table
