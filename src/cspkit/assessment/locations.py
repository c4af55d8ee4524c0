"""Top locations: the police.uk location text ("On or near X Street") most often recorded.

A trivial count the analysis package does not provide; it reuses the analyses' area and
period checks so it counts exactly the rows every other table counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import (
    SOURCE_ASB,
    SOURCE_CRIME,
    Citation,
    count_incidents,
    require_months,
    resolve_areas,
)

UNKNOWN_LOCATION = "(no location given)"


@dataclass(frozen=True, eq=False)
class TopLocations:
    """The most frequent location texts in a period.

    Attributes
    ----------
    table
        One row per location, most frequent first (ties by name), at most ``top_n``:
        ``location``, ``count``, ``share`` (of all the rows counted), ``rank``.
    total
        Rows counted (all locations).
    distinct
        How many different location texts they carry.
    citation
        Period, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    total: int
    distinct: int
    citation: Citation


def top_locations(
    con: BaseBackend,
    *,
    areas: str | Sequence[str],
    period: StrategicPeriod,
    sources: Sequence[str],
    categories: Sequence[str] | None = None,
    top_n: int = 10,
) -> TopLocations:
    """Count incidents by their published location text and keep the ``top_n``.

    Parameters
    ----------
    con
        Warehouse backend.
    areas
        Local authority, ward or LSOA 2021 codes.
    period
        Strategic period.
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
    incidents mapped to that point, not to an exact address. Ties share the best rank.
    """
    scope = resolve_areas(con, areas)
    require_months(con, period.months, what="period")
    counts = count_incidents(
        con, scope, period.months, by=["location"], sources=tuple(sources),
        categories=None if categories is None else list(categories),
    )
    counts["location"] = counts["location"].fillna(UNKNOWN_LOCATION)
    per = counts.groupby("location")["n"].sum()
    total = int(per.sum())
    table = (per.rename("count").reset_index()
             .sort_values(["count", "location"], ascending=[False, True])
             .reset_index(drop=True))
    table["share"] = table["count"] / total if total else float("nan")
    table["rank"] = table["count"].rank(ascending=False, method="min").astype("int64")
    names = {"police_crime": SOURCE_CRIME, "police_asb": SOURCE_ASB}
    return TopLocations(
        table=table.head(top_n).astype({"count": "int64"}),
        total=total,
        distinct=len(per),
        citation=scope.cite(
            period, None, sources=[names.get(s, s) for s in sources],
            filters=[] if categories is None else [f"category in {sorted(categories)}"],
            load_ids=counts["load_id"],
        ),
    )
