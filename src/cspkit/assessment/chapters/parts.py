"""Blocks several chapters share: change tables, ward tables and maps, trend charts."""

from __future__ import annotations

import pandas as pd

from cspkit.analysis.change import PeriodComparison
from cspkit.analysis.hotspots import HotSpots
from cspkit.analysis.places import PlaceRanking
from cspkit.analysis.scope import month_list
from cspkit.analysis.trends import MonthlySeries
from cspkit.assessment.document import (
    SUPPRESSED,
    Block,
    Callout,
    Column,
    Finding,
    Paragraph,
    Table,
)
from cspkit.assessment.evidence import Unavailable
from cspkit.assessment.figures import area_points, choropleth, trend_chart
from cspkit.assessment.findings import change_finding, significant_wards, ward_findings
from cspkit.assessment.wording import Change, count_text, percent_text
from cspkit.privacy.disclosure import TOTAL, suppress_counts

WARD_MAP_MISSING = "Wards not mapped"  # cspkit.assessment.advice tells the analyst how to map them
LABELLED_WARDS = 5  # the top five wards are named on ward maps, as in the scanning reports


def change_columns(current: str = "Strategic period", previous: str = "Comparison period"
                   ) -> tuple[Column, ...]:
    """The columns of a change table, the two counts labelled by the periods they cover."""
    return (
        Column("current", current, "integer"),
        Column("previous", previous, "integer"),
        Column("change", "Change", "signed_integer"),
        Column("pct_change", "Change (%)", "decimal1"),
        Column("p_value", "p-value (exact test)", "p_value"),
    )


CHANGE_COLUMNS = change_columns()
CHANGE_NOTE = (
    "A change is statistically significant when p < 0.05 (two-sided exact Poisson test); "
    "'Change (%)' is blank when the comparison count is 0."
)


def unavailable_callout(item: Unavailable) -> Callout:
    """Explain an analysis that could not run."""
    return Callout(title=f"Not available: {item.analysis}", text=item.reason, tone="caveat")


def suppressed_counts(counts: pd.Series, threshold: int, *, column: str = "count"
                      ) -> pd.DataFrame:
    """Counts of people and their shares of the total, ready to publish: small counts (and
    those that would reveal one from the total) withheld as ``[c]`` in both columns.

    Parameters
    ----------
    counts
        One count per category; together they make the total the text publishes.
    threshold
        The configuration's ``suppression_threshold``.
    column
        Name of the count column (the other is ``share``).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``counts``: ``column`` and ``share`` (a fraction), or ``[c]``.
    """
    hidden = suppress_counts(pd.DataFrame({column: counts.to_numpy()}, index=counts.index),
                             threshold=threshold)
    shown = hidden.reason[column].drop(TOTAL) == ""
    total = counts.sum()
    share = (counts / total if total else counts * float("nan")).astype(object)
    return pd.DataFrame({column: counts.astype(object).where(shown, SUPPRESSED),
                         "share": share.where(shown, SUPPRESSED)})


def withheld_note(threshold: int) -> str:
    """The note under a table of people counts saying what is withheld."""
    return (f"Counts below {threshold} are withheld ([c]), with any further count that would "
            "reveal one from the total." if threshold else "No counts are withheld.")


def change_of(comparison: PeriodComparison, kind: str, group: str, name: str | None = None
              ) -> Change:
    """The :class:`Change` of one row of a period comparison."""
    row = comparison.row(kind, group)
    return Change(name or group, int(row["current"]), int(row["previous"]),
                  float(row["p_value"]), comparison.alpha, comparison.small_number)


def change_rows(comparison: PeriodComparison, kinds: tuple[str, ...],
                groups: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Rows of the comparison table of these kinds (and groups), in the table's order."""
    t = comparison.table
    rows = t[t["kind"].isin(kinds)]
    if groups is not None:
        rows = rows[rows["group"].isin(groups)]
    return rows.reset_index(drop=True)


def small_number_note(rows: pd.DataFrame, threshold: int) -> tuple[str, ...]:
    """A note naming the rows resting on small numbers, if any."""
    small = rows.loc[rows["small_numbers"], "group"].tolist()
    if not small:
        return ()
    return (f"Small numbers (a count below {threshold} in either period), so percentages are "
            f"unreliable: {', '.join(small)}.",)


def ward_table(ranking: PlaceRanking, *, id: str, caption: str, source: str,
               with_previous_count: bool = False) -> Table:
    """Wards by count with their rate per 1,000 residents and both periods' ranks."""
    t = ranking.table.rename(columns={"code": "ward_code", "name": "ward_name"})
    columns = [Column("ward_code", "Ward code"), Column("ward_name", "Ward"),
               Column("count", "Count", "integer")]
    if with_previous_count:
        columns.append(Column("previous_count", "Comparison period", "integer"))
    columns += [Column("rate_per_1000", "Per 1,000 residents", "decimal1"),
                Column("rank", "Rank", "integer"),
                Column("previous_rank", "Previous rank", "integer")]
    return Table(
        id=id, caption=caption, columns=tuple(columns), rows=t, source=source,
        notes=("Rank 1 = most incidents; tied wards share a rank. Rates use Census 2021 "
               "usual residents.",),
    )


def ward_change_table(ranking: PlaceRanking, *, id: str, what: str, alpha: float) -> Table:
    """The wards whose change is statistically significant after allowing for testing every
    ward (Benjamini–Hochberg), with both counts, both ranks, the p-value and the q-value."""
    rows = significant_wards(ranking, alpha).rename(columns={
        "code": "ward_code", "name": "ward_name", "count": "current",
        "previous_count": "previous"})
    rows["pct_change"] = [100.0 * c / p if p else None
                          for c, p in zip(rows["change"], rows["previous"], strict=True)]
    return Table(
        id=id, caption=f"{what.capitalize()}: wards with a statistically significant change",
        columns=(Column("ward_code", "Ward code"), Column("ward_name", "Ward"),
                 *change_columns(), Column("q_value", "q-value (all wards)", "p_value"),
                 Column("rank", "Rank", "integer"),
                 Column("previous_rank", "Previous rank", "integer")),
        rows=rows, source="places.ward_ranking",
        notes=(f"Each of the {len(ranking.table)} wards' change was tested (two-sided exact "
               "Poisson test); q-values are the p-values adjusted for testing every ward at "
               f"once (Benjamini-Hochberg). A change is listed when its q-value is below "
               f"{alpha:g}.",),
    )


def ward_blocks(ranking: PlaceRanking, *, prefix: str, what: str, weight: float,
                geometries: dict[str, str], table_id: str, source: str,
                small_number: int, alpha: float = 0.05) -> list[Block]:
    """Ward findings (the ward with the most, every significant ward change), the table of
    significant changes, the ward table and a choropleth of the rate per 1,000 residents."""
    changes_id = f"{prefix}_ward_changes"
    blocks: list[Block] = list(ward_findings(
        ranking, what=what, weight=weight, source_table=table_id, changes_table=changes_id,
        alpha=alpha, small_number=small_number))
    if significant_wards(ranking, alpha).empty:
        blocks.append(Paragraph(
            f"No ward's change in {what} was statistically significant once allowance is made "
            f"for testing all {len(ranking.table)} wards at once."))
    else:
        blocks.append(ward_change_table(ranking, id=changes_id, what=what, alpha=alpha))
    top = ranking.table[ranking.table["top"]]
    blocks.append(Paragraph(
        f"The {len(top)} wards with the most {what} account for "
        f"{percent_text(100 * ranking.top_share)} of it ({count_text(top['count'].sum())} of "
        f"{count_text(ranking.total)}).") if ranking.total else Paragraph(
        f"No {what} was recorded in the strategic period."))
    blocks.append(ward_table(ranking, id=table_id, source=source,
                             caption=f"{what.capitalize()} by ward, strategic period",
                             with_previous_count=table_id != "ward_ranking"))
    areas = ranking.table.rename(columns={"rate_per_1000": "value"})[["code", "name", "value"]]
    rate_map = choropleth(
        id=f"{prefix}_ward_map", title=f"{what.capitalize()} per 1,000 residents by ward",
        areas=areas, geometries=geometries, legend_title="Per 1,000 residents",
        alt_text=(f"Map of the {len(areas)} wards shaded by {what} per 1,000 residents; "
                  f"highest in {ranking.table.sort_values('rate_per_1000').iloc[-1]['name']}."),
        source=source, table_id=table_id,
        labelled=ranking.table.sort_values(["rank", "code"])["code"].head(LABELLED_WARDS).tolist(),
    )
    if rate_map is None:
        blocks.append(Callout(WARD_MAP_MISSING, "Ward boundaries were not available, so the "
                              "wards are not mapped; the table above gives their figures.",
                              "caveat"))
    else:
        blocks.append(rate_map)
    return blocks


def hotspot_note(result: HotSpots) -> str:
    """How hot spots were found, and that cold spots are not shown."""
    inference = (f"{result.permutations:,} random permutations" if result.permutations
                 else "the normal approximation (two-sided)")
    return (f"Gi* on LSOA {result.value}s with queen contiguity; p-values from {inference}, "
            "q-values Benjamini-Hochberg adjusted. A persistent hot spot is significant in "
            "both periods. Cold spots (clusters of significantly low counts) are not shown.")


def hotspot_blocks(result: HotSpots, *, prefix: str, what: str, geometries: dict[str, str],
                   source: str) -> list[Block]:
    """A finding on hot spots, their table and a map of LSOA counts with hot spots marked."""
    t = result.table
    hot = t[t["hot"]]
    table_id = f"{prefix}_hotspots"
    n = len(t)
    if hot.empty:
        blocks: list[Block] = [Finding(
            sentence=(f"No statistically significant hot spot of {what} was found among the "
                      f"{n} LSOAs (Getis-Ord Gi*, false discovery rate {result.fdr:.0%})."),
            importance=0.5, kind="note")]
    else:
        persistent = int(hot["persistent_hot"].sum())
        wards = ", ".join(dict.fromkeys(hot["ward_name"].tolist()))
        blocks = [Finding(
            sentence=(f"{len(hot)} of {n} LSOAs form statistically significant hot spots of "
                      f"{what} (Gi*, false discovery rate {result.fdr:.0%}), in {wards}; "
                      f"{persistent} were also hot spots in the comparison period."),
            importance=round(1.0 + 0.2 * len(hot), 4), kind="hot-spot",
            figures={"hot_spots": len(hot), "persistent": persistent, "lsoas": n},
            source_table=table_id)]
    rows = (hot if not hot.empty else t.head(5)).copy()
    rows["status"] = ["Persistent hot spot" if p else ("Hot spot" if h else "Not significant")
                      for h, p in zip(rows["hot"], rows["persistent_hot"], strict=True)]
    blocks.append(Table(
        id=table_id,
        caption=(f"Hot spot LSOAs for {what}" if not hot.empty
                 else f"LSOAs with the highest Gi* for {what} (none significant)"),
        columns=(Column("lsoa_code", "LSOA code"), Column("lsoa_name", "LSOA"),
                 Column("ward_name", "Ward"), Column("count", "Count", "integer"),
                 Column("gi_z", "Gi* z-score", "decimal2"),
                 Column("q_value", "q-value (FDR)", "p_value"), Column("status", "Status")),
        rows=rows, source=source,
        notes=(hotspot_note(result),),
    ))
    areas = pd.DataFrame({"code": t["lsoa_code"], "name": t["lsoa_name"], "value": t["count"]})
    points = area_points(hot["lsoa_code"].tolist(), hot["lsoa_name"].tolist(), geometries)
    hot_map = choropleth(
        id=f"{prefix}_hotspot_map", title=f"{what.capitalize()} by LSOA, with hot spots",
        areas=areas, geometries=geometries, legend_title="Count in the strategic period",
        alt_text=(f"Map of {n} LSOAs shaded by their count of {what}; {len(hot)} statistically "
                  "significant hot spots are marked with red dots."),
        source=source, table_id=table_id, points=points,
        points_label=f"Hot spot (Gi*, FDR {result.fdr:.0%})" if points else "",
        digits=0, labelled=rows["lsoa_code"].tolist(), label_others=False,
    )
    if hot_map is not None:
        blocks.append(hot_map)
    return blocks


def trend_block(trends: MonthlySeries, *, kind: str, group: str, id: str, what: str):
    """The monthly trend chart of one group of the monthly series."""
    t = trends.table
    series = t[(t["kind"] == kind) & (t["group"] == group)].sort_values("month")
    return trend_chart(
        id=id, title=f"{what.capitalize()} by month, with the 12-month rolling average",
        series=series, what=what, source="trends.monthly_series",
        months_not_loaded=trends.months_not_loaded,
    )


def trend_gaps(trends: MonthlySeries) -> list[Callout]:
    """A note on the months the trend charts leave out or draw without a rolling average."""
    notes = []
    if trends.months_not_loaded:
        notes.append(
            f"No police.uk data are loaded for {month_list(trends.months_not_loaded)}: the "
            "monthly charts leave those months blank (no data, not zero).")
    if trends.months_without_rolling:
        notes.append(
            f"The {trends.window}-month rolling average needs {trends.window} loaded months, "
            f"so it is not drawn for {month_list(trends.months_without_rolling)}.")
    if not notes:
        return []
    return [Callout(title="Trend charts: months not loaded", text=" ".join(notes),
                    tone="caveat")]


def change_findings(comparison: PeriodComparison, rows: pd.DataFrame, *, weights: dict,
                    source_table: str) -> list[Finding]:
    """One finding per row of a comparison table."""
    return [change_finding(change_of(comparison, r.kind, r.group), weight=weights[r.group],
                           source_table=source_table)
            for r in rows.itertuples(index=False)]
