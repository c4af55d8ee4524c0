"""Top locations: the police.uk map points (and their names) where most incidents are placed.

police.uk moves every incident to the nearest of a fixed set of anonymised map points and
names the point after a street or nearby place ("On or near Parking Area"). Many points share
a generic name, so a location is a point *and* its name: counting by name alone adds up, say,
42 different car parks. A trivial count the analysis package does not provide; it reuses the
analyses' area and period checks so it counts exactly the rows every other table counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.scope import (
    SOURCE_ASB,
    SOURCE_CRIME,
    Citation,
    Scope,
    count_incidents,
)
from cspkit.assessment.wording import count_text

UNKNOWN_LOCATION = "(no location given)"
POINT = ["longitude", "latitude", "location"]


@dataclass(frozen=True, eq=False)
class TopLocations:
    """The map points (with their names) holding the most incidents in a period.

    Attributes
    ----------
    table
        One row per map point and name, most frequent first (ties by name, then point), at
        most ``top_n``: ``location`` (the published name), ``longitude``, ``latitude``,
        ``point`` (latitude, longitude as text), ``ward_name`` (the ward of the point's
        LSOA), ``count``, ``share`` (of all the rows counted), ``rank``, and
        ``points_with_name`` (how many points of the period share that name).
    total
        Rows counted (all locations).
    distinct
        How many different points (with their names) they were placed at.
    shared_name, shared_points
        The name shared by the most points, and how many points share it (1 when no name is
        shared).
    citation
        Period, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    total: int
    distinct: int
    shared_name: str
    shared_points: int
    citation: Citation


def top_locations(
    con: BaseBackend,
    scope: Scope,
    *,
    sources: Sequence[str],
    categories: Sequence[str] | None = None,
    top_n: int = 10,
) -> TopLocations:
    """Count incidents by published map point and name, and keep the ``top_n``.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas and the strategic period (:func:`~cspkit.analysis.scope.resolve_scope`).
    sources
        Incident sources (``police_crime``, ``police_asb``).
    categories
        Restrict to these categories (default: every category of the sources).
    top_n
        Locations kept.

    Returns
    -------
    TopLocations

    Notes
    -----
    police.uk publishes each incident at one of a fixed set of anonymised map points, named
    after the nearest street or place ("On or near Supermarket"); a count is the number of
    incidents mapped to that point, not to an exact address. A location is the triple
    (longitude, latitude, name): points sharing a generic name are counted apart. Rows with
    no coordinates count as one location per name. Ties share the best rank.
    """
    period = scope.period
    counts = count_incidents(
        con, scope, period.months, by=[*POINT, "lsoa_code"], sources=tuple(sources),
        categories=None if categories is None else list(categories),
    )
    counts["location"] = counts["location"].fillna(UNKNOWN_LOCATION)
    wards = scope.lsoas.drop_duplicates("lsoa_code").set_index("lsoa_code")["ward_name"]
    counts["ward_name"] = counts["lsoa_code"].map(wards)
    # a point lies in one LSOA; should it straddle two, it takes the ward holding most rows
    per = (counts.sort_values(["n", "lsoa_code"], ascending=[False, True], kind="stable")
           .groupby(POINT, dropna=False, sort=False)
           .agg(count=("n", "sum"), ward_name=("ward_name", "first")).reset_index())
    names = per.groupby("location")["count"].size()
    per["points_with_name"] = per["location"].map(names).astype("int64")
    total = int(per["count"].sum())
    table = (per.sort_values(["count", "location", "latitude", "longitude"],
                             ascending=[False, True, True, True])
             .reset_index(drop=True))
    table["share"] = table["count"] / total if total else float("nan")
    table["rank"] = table["count"].rank(ascending=False, method="min").astype("int64")
    table = table.head(top_n).astype({"count": "int64"})
    table["point"] = [f"{lat:.4f}, {lon:.4f}" if pd.notna(lat) and pd.notna(lon) else ""
                      for lat, lon in zip(table["latitude"], table["longitude"], strict=True)]
    shared = names.sort_values(ascending=False, kind="stable")
    shared = shared[shared.index != UNKNOWN_LOCATION]
    source_names = {"police_crime": SOURCE_CRIME, "police_asb": SOURCE_ASB}
    return TopLocations(
        table=table,
        total=total,
        distinct=len(per),
        shared_name=str(shared.index[0]) if len(shared) else "",
        shared_points=int(shared.iloc[0]) if len(shared) else 0,
        citation=scope.cite(
            period, None, sources=[source_names.get(s, s) for s in sources],
            filters=[] if categories is None else [f"category in {sorted(categories)}"],
            load_ids=counts["load_id"],
        ),
    )


def location_note(loc: TopLocations) -> str:
    """What a police.uk location is, and how many points share the most common name."""
    note = ("police.uk publishes no addresses: it moves each incident to the nearest of a set "
            "of anonymised map points and names the point after a nearby street or place. "
            "Each row is one point; its count is the incidents placed there, not at an exact "
            "address.")
    if loc.shared_points > 1:
        note += (f" Different points can share a name: '{loc.shared_name}' names "
                 f"{count_text(loc.shared_points)} points in this period.")
    return note
