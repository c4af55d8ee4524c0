"""When incidents happen: hour of day by day of week, where the source records a time.

Partner sources (council ASB, fire, A&E, a police extract) record dates and usually times;
data.police.uk gives months only, so its incidents are all "untimed". An incident whose
export left the time blank is kept for the day-of-week profile but not the hour grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.involvement import (
    describe_filters,
    require_sources,
    source_names,
    theme_incidents,
)
from cspkit.analysis.scope import SOURCE_LOOKUP, Citation, Scope

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, eq=False)
class TemporalProfile:
    """Incidents by hour and day of week.

    Attributes
    ----------
    table
        168 rows, every weekday × hour: ``weekday`` (0 = Monday), ``weekday_name``,
        ``hour`` (0–23), ``count`` (timed incidents only).
    by_weekday
        7 rows: ``weekday``, ``weekday_name``, ``count`` (every dated incident), ``share``.
    by_hour
        24 rows: ``hour``, ``count``, ``share`` (of timed incidents).
    timed, dated, untimed
        Incidents with a time; with a date (timed or not); with no time.
    citation
        Period, areas, sources, filters, load ids.
    sources
        The incident sources counted (e.g. ``ae_assault``).
    """

    table: pd.DataFrame
    by_weekday: pd.DataFrame
    by_hour: pd.DataFrame
    timed: int
    dated: int
    untimed: int
    citation: Citation
    sources: tuple[str, ...]


def timing(con: BaseBackend, incidents) -> pd.DataFrame:
    """``incident_id, occurred_at, load_id, timed`` of the incidents (``timed`` is false when
    the export gave a date but no time, or no date at all)."""
    d = con.table("incident_detail")
    untimed = d.filter(d.name == "time_known", d.value == "false").select(
        untimed_id="incident_id")
    rows = incidents.select("incident_id", "occurred_at", "load_id").to_pandas()
    no_time = set(untimed.to_pandas()["untimed_id"])
    rows["timed"] = rows["occurred_at"].notna() & ~rows["incident_id"].isin(no_time)
    return rows


def temporal_profile(
    con: BaseBackend,
    scope: Scope,
    *,
    sources: Sequence[str],
    categories: Sequence[str] | None = None,
    flags: Sequence[str] = (),
    include_unplaced: bool = False,
) -> TemporalProfile:
    """Hour × weekday counts of a theme's incidents.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The areas and the strategic period (:func:`~cspkit.analysis.scope.resolve_scope`).
    sources
        Incident sources with dates and times (e.g. ``["ae_assault"]``).
    categories, flags
        The theme's categories (default all) and flags that must be true.
    include_unplaced
        Count incidents with no LSOA too (A&E attendances with no usable location).

    Returns
    -------
    TemporalProfile
    """
    period = scope.period
    require_sources(scope, period.months, sources)
    incidents = theme_incidents(con, scope, period.months, sources=sources,
                                categories=categories, flags=flags,
                                include_unplaced=include_unplaced)
    rows = timing(con, incidents)
    return profile_timing(rows, scope.cite(
        period, None, sources=[*source_names(sources), SOURCE_LOOKUP],
        filters=describe_filters(categories, flags)
        + (["incidents with no LSOA included"] if include_unplaced else []),
        load_ids=[*rows["load_id"], *scope.lsoas["load_id"]]), sources)


def profile_timing(rows: pd.DataFrame, citation: Citation, sources: Sequence[str]
                   ) -> TemporalProfile:
    """The profile of :func:`timing` rows, read from the incident ``sources``."""
    dated = rows[rows["occurred_at"].notna()]
    when = pd.to_datetime(dated["occurred_at"])
    timed = when[dated["timed"].to_numpy()]
    grid = pd.crosstab(timed.dt.day_of_week.rename("weekday"), timed.dt.hour.rename("hour"))
    grid = grid.reindex(index=range(7), columns=range(24), fill_value=0)
    table = grid.stack().rename("count").reset_index()
    table.columns = ["weekday", "hour", "count"]
    table.insert(1, "weekday_name", table["weekday"].map(dict(enumerate(WEEKDAYS))))
    table["count"] = table["count"].astype("int64")
    days = when.dt.day_of_week.value_counts().reindex(range(7), fill_value=0)
    by_weekday = pd.DataFrame({"weekday": range(7), "weekday_name": WEEKDAYS,
                               "count": days.to_numpy().astype("int64")})
    by_weekday["share"] = by_weekday["count"] / len(when) if len(when) else np.nan
    hours = timed.dt.hour.value_counts().reindex(range(24), fill_value=0)
    by_hour = pd.DataFrame({"hour": range(24), "count": hours.to_numpy().astype("int64")})
    by_hour["share"] = by_hour["count"] / len(timed) if len(timed) else np.nan
    return TemporalProfile(table=table, by_weekday=by_weekday, by_hour=by_hour,
                           timed=len(timed), dated=len(when), untimed=len(rows) - len(timed),
                           citation=citation, sources=tuple(sources))
