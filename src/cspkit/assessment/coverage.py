"""Data coverage for the appendix: rows per month, where they were placed, what was re-coded.

Plain counts of the loaded police rows for the months the assessment uses (the strategic and
comparison periods), split by whether each row fell in the partnership, elsewhere in the
force area, or could not be placed, and by how its LSOA 2021 was found.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.scope import ASB, CRIME, Scope

PUBLISHED_2021 = "published_2021"


@dataclass(frozen=True, eq=False)
class DataCoverage:
    """Police rows behind the assessment, by month and placement.

    Attributes
    ----------
    months
        One row per source and month of both periods: ``source``, ``month``, ``period``
        (``strategic`` or ``comparison``), ``in_partnership``, ``elsewhere``, ``not_placed``.
        A month with no rows at all in the partnership has ``in_partnership`` 0.
    assignment
        Rows in the partnership by how their LSOA 2021 was found: ``period``,
        ``lsoa_assignment``, ``rows``.
    forces
        The police forces whose files cover the partnership.
    """

    months: pd.DataFrame
    assignment: pd.DataFrame
    forces: tuple[str, ...]

    def rows_reassigned(self, period: str) -> int:
        """Rows in the partnership placed through the LSOA 2011 → 2021 lookup."""
        a = self.assignment
        return int(a.loc[(a["period"] == period)
                         & (a["lsoa_assignment"] != PUBLISHED_2021), "rows"].sum())

    def total(self, column: str, period: str) -> int:
        m = self.months
        return int(m.loc[m["period"] == period, column].sum())


def data_coverage(
    con: BaseBackend,
    scope: Scope,
) -> DataCoverage:
    """Count the police rows of both periods by month, placement and LSOA assignment.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The partnership's areas, the strategic and comparison periods
        (:func:`~cspkit.analysis.scope.resolve_scope`).

    Returns
    -------
    DataCoverage
    """
    months = ({m: "strategic" for m in scope.period.months}
              | {m: "comparison" for m in scope.comparison.months})
    incident = scope.table(con, "incident")
    rows = incident.filter(incident.source.isin([CRIME, ASB]),
                           incident.month.isin(list(months)))
    # The partnership's LSOAs as a table joined to the rows (a 124-value IN list in the
    # aggregate is tested value by value on every row of the force).
    ours = ibis.memtable({"lsoa_code": scope.lsoa_codes,
                          "ours": [True] * len(scope.lsoa_codes)},
                         schema={"lsoa_code": "string", "ours": "boolean"})
    mine = rows.left_join(ours, rows.lsoa_code == ours.lsoa_code).select(rows, ours=ours.ours)
    by_force = (
        mine.group_by(["source", "month", "lsoa_assignment", "police_force"])
        .aggregate(
            # A row without an LSOA is in no area: it joins no LSOA of ours, and a group of
            # such rows alone (a month's unplaced ASB) would sum to null.
            inside=mine.ours.fill_null(False).sum(),
            placed=mine.lad_code.notnull().sum(),
            total=mine.count(),
        )
        .to_pandas()
    )
    # The forces with a row in the partnership; only their rows are counted.
    forces = sorted(by_force.loc[by_force["inside"] > 0, "police_force"].dropna().unique())
    counted = (by_force[by_force["police_force"].isin(forces)]
               .groupby(["source", "month", "lsoa_assignment"], as_index=False, dropna=False)
               [["inside", "placed", "total"]].sum())
    counted["period"] = counted["month"].map(months)
    counted[["inside", "placed", "total"]] = counted[["inside", "placed", "total"]].astype(
        "int64")
    per_month = counted.groupby(["source", "month", "period"], as_index=False)[
        ["inside", "placed", "total"]].sum()
    grid = pd.DataFrame(
        [(s, m, p) for s in (CRIME, ASB) for m, p in sorted(months.items())],
        columns=["source", "month", "period"],
    )
    per_month = grid.merge(per_month, on=["source", "month", "period"], how="left").fillna(0)
    out = pd.DataFrame({
        "source": per_month["source"],
        "month": per_month["month"],
        "period": per_month["period"],
        "in_partnership": per_month["inside"].astype("int64"),
        "elsewhere": (per_month["placed"] - per_month["inside"]).astype("int64"),
        "not_placed": (per_month["total"] - per_month["placed"]).astype("int64"),
    })
    assignment = (
        counted.assign(lsoa_assignment=counted["lsoa_assignment"].fillna("not placed"))
        .groupby(["period", "lsoa_assignment"], as_index=False)["inside"].sum()
        .rename(columns={"inside": "rows"})
    )
    assignment = assignment[assignment["rows"] > 0].sort_values(
        ["period", "lsoa_assignment"], ascending=[False, True]).reset_index(drop=True)
    return DataCoverage(months=out, assignment=assignment, forces=tuple(forces))
