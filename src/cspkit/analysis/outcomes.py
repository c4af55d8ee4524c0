"""What happened to the crimes: the latest police outcome per crime, by crime type and theme."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.scope import (
    CRIME,
    SOURCE_CRIME,
    SOURCE_LOOKUP,
    Citation,
    Scope,
    incidents,
    nothing_recorded,
)
from cspkit.analysis.themes import Themes, validate_themes

SOURCE_OUTCOMES = "data.police.uk outcomes (outcome), joined on Crime ID"
UNDER_INVESTIGATION = "Under investigation"
NO_OUTCOME = "No outcome recorded"


@dataclass(frozen=True, eq=False)
class OutcomeProfile:
    """The latest outcome of each crime of the period, by crime type and theme.

    Attributes
    ----------
    table
        One row per group and outcome: ``kind`` (``total``, ``theme``, ``crime_type``),
        ``group``, ``outcome``, ``count``, ``share`` (of the group's crimes),
        ``from_outcome_records`` (how many of them came from the outcomes file rather than
        the street file's last outcome). Sorted by group, then count.
    summary
        One row per group: ``kind``, ``group``, ``crimes``, ``with_outcome_record``,
        ``under_investigation``, ``under_investigation_share``.
    under_investigation_share
        Share of all crimes of the period whose latest outcome is "Under investigation".
    citation
        Period, areas, sources, filters, load ids.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    under_investigation_share: float
    citation: Citation


def outcome_profile(
    con: BaseBackend,
    scope: Scope,
    *,
    themes: Themes | None = None,
) -> OutcomeProfile:
    """Outcome distribution of the period's crimes per crime type and theme.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas and the strategic period: the crimes recorded in it (whatever the month
        of their outcome) (:func:`~cspkit.analysis.scope.resolve_scope`).
    themes
        Theme name → crime types.

    Returns
    -------
    OutcomeProfile

    Raises
    ------
    CspError
        When no crime was recorded in the areas in the period.

    Notes
    -----
    Each crime (``incident.source_ref``) takes its latest record in ``outcome``
    (``crime_id``; the latest month, ties broken by outcome name in reverse alphabetical
    order so the result is reproducible). A crime with no outcome record keeps the street
    file's ``last_outcome`` (usually "Under investigation"); one with neither is
    "No outcome recorded". Outcomes depend on the download date: later downloads carry
    later outcomes.
    """
    period = scope.period
    theme_map = validate_themes(con, themes)
    crimes = incidents(con, scope, period.months).select(
        "source_ref", "category", "last_outcome", crime_load=ibis._.load_id
    )
    o = scope.table(con, "outcome")
    mine = o.semi_join(crimes, o.crime_id == crimes.source_ref)
    latest = mine.mutate(
        rn=ibis.row_number().over(
            group_by="crime_id", order_by=[ibis.desc("month"), ibis.desc("outcome_type")]
        )
    ).filter(ibis._.rn == 0).select("crime_id", "outcome_type", outcome_load=ibis._.load_id)
    joined = crimes.left_join(latest, crimes.source_ref == latest.crime_id)
    counted = (
        joined.mutate(
            outcome=ibis.coalesce(joined.outcome_type, joined.last_outcome, NO_OUTCOME),
            from_record=joined.outcome_type.notnull(),
        )
        .group_by(["category", "outcome", "from_record", "crime_load", "outcome_load"])
        .aggregate(n=ibis._.count())
        .to_pandas()
    )
    counted["n"] = counted["n"].astype("int64")
    if counted["n"].sum() == 0:
        raise nothing_recorded(CRIME, None, period, "there are no outcomes to profile")
    counted["from_record"] = counted["from_record"].astype(bool)
    table = _outcome_table(counted, theme_map)
    summary = _summary(table)
    return OutcomeProfile(
        table=table,
        summary=summary,
        under_investigation_share=(
            float(summary["under_investigation_share"].iloc[0]) if len(summary) else np.nan
        ),
        citation=scope.cite(
            period, None, sources=[SOURCE_CRIME, SOURCE_OUTCOMES, SOURCE_LOOKUP],
            filters=[f"theme {k}: {list(v)}" for k, v in theme_map.items()],
            load_ids=[*counted["crime_load"], *counted["outcome_load"].dropna(),
                      *scope.lsoas["load_id"]],
        ),
    )


def _outcome_table(counted: pd.DataFrame, themes: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    counted = counted.assign(from_records=counted["n"].where(counted["from_record"], 0))
    groups = [("total", "Total recorded crime", counted)]
    groups += [("theme", name, counted[counted["category"].isin(cats)])
               for name, cats in themes.items()]
    by_type = counted.groupby("category")["n"].sum()
    order = sorted(by_type.index, key=lambda c: (-by_type[c], c))
    groups += [("crime_type", c, counted[counted["category"] == c]) for c in order]
    parts = []
    for kind, name, rows in groups:
        agg = (rows.groupby("outcome", as_index=False)[["n", "from_records"]].sum()
               .rename(columns={"n": "count", "from_records": "from_outcome_records"}))
        agg = agg.sort_values(["count", "outcome"], ascending=[False, True])
        agg.insert(0, "group", name)
        agg.insert(0, "kind", kind)
        agg["share"] = agg["count"] / agg["count"].sum()
        parts.append(agg)
    table = pd.concat(parts, ignore_index=True)
    table[["count", "from_outcome_records"]] = table[["count", "from_outcome_records"]].astype(
        "int64"
    )
    return table[["kind", "group", "outcome", "count", "share", "from_outcome_records"]]


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (kind, group), part in table.groupby(["kind", "group"], sort=False):
        crimes = int(part["count"].sum())
        ui = int(part.loc[part["outcome"] == UNDER_INVESTIGATION, "count"].sum())
        rows.append({
            "kind": kind, "group": group, "crimes": crimes,
            "with_outcome_record": int(part["from_outcome_records"].sum()),
            "under_investigation": ui,
            "under_investigation_share": ui / crimes if crimes else float("nan"),
        })
    return pd.DataFrame(rows)
