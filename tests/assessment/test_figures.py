"""The figures' interactive parts speak the reader's language: counts as counts, the measure
named; maps name the areas the text talks about."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspkit.assessment.figures import bar_chart, choropleth, trend_chart
from tests.render.render_sample import square


def test_trend_tooltips_show_counts_as_counts_and_name_the_measure():
    series = pd.DataFrame({
        "month": [f"2025-{m:02d}" for m in range(1, 13)],
        "count": [1794 + m for m in range(12)],
        "rolling_total": [np.nan] * 11 + [21_601.0],
    })
    chart = trend_chart(id="t", title="T", series=series, what="recorded crime", source="s")
    tooltip = chart.spec["encoding"]["tooltip"]
    assert tooltip[-1] == {"field": "shown", "title": "Recorded crime"}
    shown = [(v["series"], v["shown"]) for v in chart.spec["data"]["values"]]
    assert shown[0] == ("Monthly count", "1,794")
    assert ("12-month rolling average", "1,800.1") in shown  # 21,601 / 12


def test_bar_tooltips_show_whole_counts_and_rates_to_one_decimal():
    def tooltip_format(values):
        chart = bar_chart(id="b", title="B", values=values, category="c", value="v",
                          category_title="C", value_title="V", alt_text="a", source="s")
        return chart.spec["encoding"]["tooltip"][1]["format"]

    assert tooltip_format([{"c": "A", "v": 12}, {"c": "B", "v": np.int64(7)}]) == ","
    assert tooltip_format([{"c": "A", "v": 12.5}, {"c": "B", "v": 7}]) == ",.1f"


def test_choropleth_names_only_areas_it_can_draw():
    areas = pd.DataFrame({"code": ["A1", "A2", "A3"], "name": ["One", "Two", "Three"],
                          "value": [1.0, 2.0, 3.0]})
    geometries = {"A1": square(0, 0), "A2": square(1, 0)}
    figure = choropleth(id="m", title="M", areas=areas, geometries=geometries, legend_title="L",
                        alt_text="a", source="s", table_id=None, labelled=["A3", "A2"],
                        label_others=False)
    assert figure.labelled == ("A2",) and figure.label_others is False
