"""Anti-social behaviour by ward: the place ranking of :mod:`cspkit.analysis.places` for ASB.

``analysis.places.ward_ranking`` counts crime only (ASB is never part of crime); an ASB
chapter needs the same table for ASB incidents. This composes the analysis package's own
public pieces (area resolution, counting, Census residents and :func:`rank_places`) so the
ranks, rates and smoothing are computed exactly as for crime.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ibis.backends import BaseBackend

from cspkit.analysis.periods import ComparisonRule, StrategicPeriod
from cspkit.analysis.places import SMOOTHING, PlaceRanking, rank_places
from cspkit.analysis.scope import (
    ASB,
    SOURCE_ASB,
    SOURCE_CENSUS,
    SOURCE_LOOKUP,
    count_incidents,
    require_months,
    residents,
    resolve_areas,
)


def asb_ward_ranking(
    con: BaseBackend,
    *,
    areas: str | Sequence[str],
    period: StrategicPeriod,
    compare: ComparisonRule = "previous",
    top_n: int = 10,
) -> PlaceRanking:
    """Rank the wards of the areas by police-recorded anti-social behaviour incidents.

    Parameters
    ----------
    con
        Warehouse backend.
    areas
        Local authority, ward or LSOA 2021 codes.
    period, compare
        The strategic period and its comparison rule.
    top_n
        How many wards count as "top".

    Returns
    -------
    PlaceRanking
        As :func:`cspkit.analysis.places.ward_ranking`, for ``police_asb`` rows.
    """
    scope = resolve_areas(con, areas)
    previous = period.previous(compare)
    require_months(con, period.months, source=ASB, what="period")
    require_months(con, previous.months, source=ASB, what="comparison period")
    counts = count_incidents(
        con, scope, period.months + previous.months, by=["month", "lsoa_code"], sources=(ASB,)
    ).merge(scope.lsoas[["lsoa_code", "ward_code"]], on="lsoa_code")
    pop = residents(con, scope)
    wards = (
        scope.lsoas.merge(pop[["lsoa_code", "residents"]], on="lsoa_code")
        .groupby(["ward_code", "ward_name"], as_index=False)["residents"].sum()
        .rename(columns={"ward_code": "code", "ward_name": "name"})
    )
    in_current = counts["month"].isin(period.months)
    table = rank_places(
        wards,
        counts[in_current].groupby("ward_code")["n"].sum(),
        counts[~in_current].groupby("ward_code")["n"].sum(),
        top_n=top_n,
    )
    total = int(table["count"].sum())
    return PlaceRanking(
        table=table,
        level="ward",
        top_n=top_n,
        top_share=float(table.loc[table["top"], "count"].sum() / total) if total else np.nan,
        total=total,
        previous_total=int(table["previous_count"].sum()),
        smoothing=SMOOTHING,
        citation=scope.cite(
            period, previous, sources=[SOURCE_ASB, SOURCE_CENSUS, SOURCE_LOOKUP],
            filters=["source police_asb"],
            load_ids=[*counts["load_id"], *pop["load_id"], *scope.lsoas["load_id"]],
        ),
    )
