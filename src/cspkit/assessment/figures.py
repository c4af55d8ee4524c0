"""Figures: Vega-Lite chart specs and classified maps, built from analysis tables.

Charts carry their data inline; maps carry each area's class, worked out here so every
renderer draws the same classes. Nothing here formats HTML or Word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import shapely

from cspkit.analysis.scope import month_list
from cspkit.assessment.document import Chart, Map, MapFeature, MapPoint

BOUNDARY_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right."
)
QUANTILES = 5
CLASSIFICATION = "Quintiles (equal numbers of areas per class)"
SIGNIFICANT_COLOUR = "#1d4f91"
NOT_SIGNIFICANT_COLOUR = "#a9b8cc"


def quantile_classes(values: Sequence[float | None], classes: int = QUANTILES, *,
                     digits: int = 1) -> tuple[list[int | None], tuple[str, ...]]:
    """Put values into quantile classes; returns each value's class and the legend labels.

    Class breaks are the quantiles of the values rounded to ``digits`` decimals, with repeated
    breaks merged (so a set of equal values gives one class). Labels read "under 50.2",
    "50.2 to under 67.4", "135.3 and over".

    Examples
    --------
    >>> quantile_classes([1, 2, 3, 4], 2)
    ([0, 0, 1, 1], ('under 2.5', '2.5 and over'))
    >>> quantile_classes([1, 2, 3, 4], 2, digits=0)
    ([0, 1, 1, 1], ('under 2', '2 and over'))
    >>> quantile_classes([5, 5, None])
    ([0, 0, None], ('5.0',))
    """
    known = np.array([v for v in values if v is not None and not pd.isna(v)], dtype=float)
    if known.size == 0:
        return [None for _ in values], ("no data",)
    quantiles = np.quantile(known, np.linspace(0, 1, classes + 1)[1:-1])
    breaks = np.unique(np.round(quantiles, digits))
    breaks = breaks[(breaks > known.min()) & (breaks <= known.max())]
    if breaks.size == 0:
        return ([None if v is None or pd.isna(v) else 0 for v in values],
                (f"{known[0]:.{digits}f}",))
    labels = [f"under {breaks[0]:,.{digits}f}"]
    labels += [f"{a:,.{digits}f} to under {b:,.{digits}f}"
               for a, b in zip(breaks[:-1], breaks[1:], strict=True)]
    labels.append(f"{breaks[-1]:,.{digits}f} and over")
    out: list[int | None] = []
    for v in values:
        out.append(None if v is None or pd.isna(v)
                   else int(np.searchsorted(breaks, float(v), side="right")))
    return out, tuple(labels)


def choropleth(
    *, id: str, title: str, areas: pd.DataFrame, geometries: Mapping[str, str],
    legend_title: str, alt_text: str, source: str, table_id: str | None,
    points: Sequence[MapPoint] = (), points_label: str = "", digits: int = 1,
    labelled: Sequence[str] = (), label_others: bool = True,
) -> Map | None:
    """A quintile choropleth of ``areas`` (columns ``code``, ``name``, ``value``).

    ``labelled`` names the areas the text talks about, which are always labelled; with
    ``label_others`` false no other area is. Returns None when no area has a boundary loaded.
    """
    areas = areas[areas["code"].isin(list(geometries))].sort_values("code")
    if areas.empty:
        return None
    classes, legend = quantile_classes(areas["value"].tolist(), digits=digits)
    features = tuple(
        MapFeature(code=str(row.code), name=str(row.name), geometry=geometries[row.code],
                   value=None if pd.isna(row.value) else float(row.value), class_index=cls)
        for row, cls in zip(areas.itertuples(index=False), classes, strict=True)
    )
    return Map(
        id=id, title=title, features=features, legend=legend, legend_title=legend_title,
        classification=CLASSIFICATION, alt_text=alt_text, source=source, points=tuple(points),
        points_label=points_label, attribution=BOUNDARY_ATTRIBUTION, table_id=table_id,
        value_format="integer" if digits == 0 else "decimal1",
        labelled=tuple(c for c in labelled if c in geometries), label_others=label_others,
    )


def area_points(codes: Sequence[str], names: Sequence[str], geometries: Mapping[str, str]
                ) -> list[MapPoint]:
    """A point inside each area (its representative point), labelled with its name."""
    points = []
    for code, name in zip(codes, names, strict=True):
        if code in geometries:
            point = shapely.from_wkt(geometries[code]).representative_point()
            points.append(MapPoint(longitude=round(point.x, 6), latitude=round(point.y, 6),
                                   label=str(name)))
    return points


def trend_chart(*, id: str, title: str, series: pd.DataFrame, what: str, source: str,
                table_id: str | None = None, months_not_loaded: tuple[str, ...] = ()) -> Chart:
    """Monthly counts with the rolling 12-month average (rolling total ÷ 12) as a second line.

    ``series`` has ``month``, ``count`` and ``rolling_total`` (NaN where not available).
    A month in ``months_not_loaded`` breaks the monthly line (no data, not zero).
    """
    values: list[dict] = [{"month": m, "series": "Monthly count", "value": None,
                           "shown": "not loaded"} for m in months_not_loaded]
    for row in series.itertuples(index=False):
        values.append({"month": row.month, "series": "Monthly count", "value": int(row.count),
                       "shown": f"{int(row.count):,}"})
        if not pd.isna(row.rolling_total):
            average = round(float(row.rolling_total) / 12, 1)
            values.append({"month": row.month, "series": "12-month rolling average",
                           "value": average, "shown": f"{average:,.1f}"})
    values.sort(key=lambda v: v["month"])
    months = sorted([*series["month"], *months_not_loaded])
    peak = series.loc[series["count"].idxmax()]
    rolling = series.loc[series["rolling_total"].notna(), "month"]
    if rolling.empty:
        second = "no 12-month rolling average can be drawn: too few months are loaded"
    elif len(rolling) == len(series):
        second = "a second line shows the 12-month rolling average"
    else:
        second = f"a second line shows the 12-month rolling average from {rolling.iloc[0]}"
    gaps = (f"; no data are loaded for {month_list(months_not_loaded)}"
            if months_not_loaded else "")
    alt = (f"Line chart of {what} per month from {months[0]} to {months[-1]}: between "
           f"{int(series['count'].min()):,} and {int(series['count'].max()):,} a month, highest "
           f"in {peak['month']}{gaps}; {second}.")
    return Chart(
        id=id, title=title, alt_text=alt, source=source, table_id=table_id,
        spec={
            "data": {"values": values},
            "height": 220,
            "mark": {"type": "line", "point": {"size": 18}, "strokeWidth": 2},
            "encoding": {
                "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth",
                      "title": None, "axis": {"format": "%b %Y", "labelAngle": -40,
                                              "tickCount": 12}},
                "y": {"field": "value", "type": "quantitative", "title": what.capitalize()},
                "color": {"field": "series", "type": "nominal", "title": None,
                          "sort": ["Monthly count", "12-month rolling average"],
                          "legend": {"orient": "top"}},
                "strokeDash": {"field": "series", "type": "nominal", "legend": None,
                               "sort": ["Monthly count", "12-month rolling average"]},
                "tooltip": [{"field": "month", "type": "temporal", "timeUnit": "yearmonth",
                             "title": "Month"},
                            {"field": "series", "title": "Series"},
                            {"field": "shown", "title": what.capitalize()}],
            },
        },
    )


def share_chart(*, id: str, title: str, series: pd.DataFrame, what: str, source: str,
                table_id: str | None = None) -> Chart:
    """Lines of a percentage per month, one per series (e.g. each field's completeness).

    ``series`` has ``month``, ``series`` (its name in the legend) and ``share`` (percent,
    0–100). The vertical axis ends at 100% and starts a little below the lowest value, so
    small falls in a figure near 100% can be seen.
    """
    rows = series.sort_values(["series", "month"])
    values = [{"month": r.month, "series": r.series, "share": round(float(r.share), 1)}
              for r in rows.itertuples(index=False)]
    names = list(dict.fromkeys(rows["series"]))
    low = rows.loc[rows["share"].idxmin()]
    floor = float(max(0, np.floor((float(low["share"]) - 1) / 5) * 5))
    months = sorted(set(rows["month"]))
    alt = (f"Line chart of {what} per month from {months[0]} to {months[-1]} for "
           f"{len(names)} series; the lowest is {float(low['share']):.1f}% "
           f"({low['series']}, {low['month']}).")
    return Chart(
        id=id, title=title, alt_text=alt, source=source, table_id=table_id,
        spec={
            "data": {"values": values},
            "height": 240,
            "mark": {"type": "line", "point": {"size": 18}, "strokeWidth": 2},
            "encoding": {
                "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth",
                      "title": None, "axis": {"format": "%b %Y", "labelAngle": -40,
                                              "tickCount": 12}},
                "y": {"field": "share", "type": "quantitative", "title": what.capitalize(),
                      "scale": {"domain": [floor, 100]}},
                "color": {"field": "series", "type": "nominal", "title": None, "sort": names,
                          "legend": {"orient": "top", "columns": 2, "labelLimit": 320}},
                "strokeDash": {"field": "series", "type": "nominal", "legend": None,
                               "sort": names},
                "tooltip": [{"field": "month", "type": "temporal", "timeUnit": "yearmonth",
                             "title": "Month"},
                            {"field": "series", "title": "Series"},
                            {"field": "share", "title": what.capitalize(), "format": ".1f"}],
            },
        },
    )


def change_chart(*, id: str, title: str, rows: pd.DataFrame, source: str, table_id: str
                 ) -> Chart:
    """Horizontal bars of percentage change by group, dark where the change is significant.

    ``rows`` has ``group``, ``pct_change`` (percent) and ``significant``.
    """
    rows = rows.dropna(subset=["pct_change"])
    values = [{"group": r.group, "pct_change": round(float(r.pct_change), 1),
               "significance": "Significant" if r.significant else "Not significant"}
              for r in rows.itertuples(index=False)]
    order = [v["group"] for v in values]
    significant = sum(v["significance"] == "Significant" for v in values)
    alt = (f"Bar chart of the percentage change for {len(values)} crime types; "
           f"{significant} of the changes are statistically significant (dark bars).")
    return Chart(
        id=id, title=title, alt_text=alt, source=source, table_id=table_id,
        spec={
            "data": {"values": values},
            "height": {"step": 20},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "group", "type": "nominal", "sort": order, "title": None,
                      "axis": {"labelLimit": 220}},
                "x": {"field": "pct_change", "type": "quantitative",
                      "title": "Change on the comparison period (%)"},
                "color": {"field": "significance", "type": "nominal", "title": None,
                          "scale": {"domain": ["Significant", "Not significant"],
                                    "range": [SIGNIFICANT_COLOUR, NOT_SIGNIFICANT_COLOUR]},
                          "legend": {"orient": "top"}},
                "tooltip": [{"field": "group", "title": "Crime type"},
                            {"field": "pct_change", "title": "Change (%)", "format": "+.1f"},
                            {"field": "significance", "title": "Exact test"}],
            },
        },
    )


def bar_chart(*, id: str, title: str, values: list[dict], category: str, value: str,
              category_title: str, value_title: str, alt_text: str, source: str,
              table_id: str | None = None, highlight: str | None = None,
              sort: Sequence[str] | None = None) -> Chart:
    """A simple horizontal bar chart; the bar named ``highlight`` is drawn in a second colour.

    Tooltips show counts as whole numbers and other figures to one decimal place.
    """
    counts = all(isinstance(v[value], int | np.integer) for v in values)
    colour: dict = {"value": SIGNIFICANT_COLOUR}
    if highlight is not None:
        colour = {"condition": {"test": f"datum[{category!r}] === {highlight!r}",
                                "value": "#d4700f"}, "value": SIGNIFICANT_COLOUR}
    return Chart(
        id=id, title=title, alt_text=alt_text, source=source, table_id=table_id,
        spec={
            "data": {"values": values},
            "height": {"step": 20},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": category, "type": "nominal", "title": category_title,
                      "sort": list(sort) if sort is not None else None,
                      "axis": {"labelLimit": 220}},
                "x": {"field": value, "type": "quantitative", "title": value_title},
                "color": colour,
                "tooltip": [{"field": category, "title": category_title},
                            {"field": value, "title": value_title,
                             "format": "," if counts else ",.1f"}],
            },
        },
    )


def weekday_hour_chart(*, id: str, title: str, cells: pd.DataFrame, what: str, source: str
                       ) -> Chart:
    """A weekday × hour heat map; ``cells`` has ``weekday_name``, ``weekday``, ``hour`` and
    ``count`` (168 rows)."""
    order = (cells.drop_duplicates("weekday").sort_values("weekday")["weekday_name"].tolist())
    peak = cells.sort_values(["count", "weekday", "hour"], ascending=[False, True, True]).iloc[0]
    alt = (f"Heat map of {what} by day of week and hour; the busiest hour is "
           f"{peak['weekday_name']} {int(peak['hour']):02d}:00 with {int(peak['count']):,}.")
    return Chart(
        id=id, title=title, alt_text=alt, source=source,
        spec={
            "data": {"values": [{"day": str(r.weekday_name), "hour": int(r.hour),
                                 "count": int(r.count)}
                                for r in cells.itertuples(index=False)]},
            "height": 170,
            "mark": {"type": "rect"},
            "encoding": {
                "x": {"field": "hour", "type": "ordinal", "title": "Hour of day",
                      "axis": {"labelAngle": 0}},
                "y": {"field": "day", "type": "nominal", "sort": order, "title": None},
                "color": {"field": "count", "type": "quantitative", "title": "Incidents",
                          "scale": {"type": "quantize", "scheme": "blues", "nice": True},
                          "legend": {"format": ","}},
                "tooltip": [{"field": "day", "title": "Day"}, {"field": "hour", "title": "Hour"},
                            {"field": "count", "title": "Incidents", "format": ","}],
            },
        },
    )
