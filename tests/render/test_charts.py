"""Charts built with Altair, as the assessment builder makes them, render in every format."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd

from cspkit.assessment.document import Chart
from cspkit.render.charts import chart_png, chart_svg, charts_drawn, spec_json


def altair_chart() -> Chart:
    frame = pd.DataFrame({"ward": ["Northfield", "Town Centre"], "crimes": [412, 1286]})
    spec = (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X("crimes:Q", title="Crimes"), y=alt.Y("ward:N", title=None))
        .to_dict()
    )
    return Chart("crimes_by_ward", "Crimes by ward", spec, "Bar chart: Town Centre has most.", "s")


def test_altair_spec_with_named_datasets_is_accepted_and_drawn():
    chart = altair_chart()
    assert "datasets" in chart.spec  # Altair puts inline data under a named dataset
    svg = chart_svg(chart)
    assert svg.startswith("<svg") and "Town Centre" in svg
    assert chart_png(chart).startswith(b"\x89PNG")


def test_spec_json_is_canonical_and_script_safe():
    chart = Chart(
        "tricky",
        "t",
        {"data": {"values": [{"label": "</script><b>", "n": 1}]}, "mark": "bar"},
        "alt",
        "s",
    )
    text = spec_json(chart)
    assert "</script>" not in text and "<" not in text
    assert text == spec_json(chart)
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_svg_element_ids_are_unique_to_each_chart():
    first, second = altair_chart(), altair_chart()
    renamed = Chart("other_chart", first.title, first.spec, first.alt_text, first.source)
    ids_first = set(_ids(chart_svg(first)))
    ids_second = set(_ids(chart_svg(renamed)))
    assert second.id == first.id
    assert ids_first.isdisjoint(ids_second)


def _ids(svg: str) -> list[str]:
    return re.findall(r'id="([^"]+)"', svg)


def test_script_bundle_is_built_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    import vl_convert

    from cspkit.render.charts import VEGA_LITE_VERSION, bundle_cache_path, javascript_bundle

    monkeypatch.setenv("CSP_CACHE_DIR", str(tmp_path))
    javascript_bundle.cache_clear()
    try:
        built = javascript_bundle()
        path = bundle_cache_path()
        assert path.parent.parent == tmp_path
        # What was kept is vl-convert's own bundle, whole.
        assert path.read_text(encoding="utf-8") == built == vl_convert.javascript_bundle(
            vl_version=VEGA_LITE_VERSION)
        assert [p.name for p in path.parent.iterdir()] == [path.name]  # no .part left
        # The next run reads the kept file instead of building again.
        path.write_text("/* kept */", encoding="utf-8")
        javascript_bundle.cache_clear()
        assert javascript_bundle() == "/* kept */"
    finally:
        javascript_bundle.cache_clear()


def test_script_bundle_is_built_when_the_cache_folder_cannot_be_written(tmp_path, monkeypatch):
    from cspkit.render.charts import javascript_bundle

    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CSP_CACHE_DIR", str(blocked))
    javascript_bundle.cache_clear()
    try:
        assert "vegaEmbed" in javascript_bundle()
        assert blocked.read_text(encoding="utf-8") == "not a folder"
    finally:
        javascript_bundle.cache_clear()


def _bar_chart(chart_id: str, wards: list[str], crimes: list[int]) -> Chart:
    frame = pd.DataFrame({"ward": wards, "crimes": crimes})
    spec = (alt.Chart(frame).mark_bar()
            .encode(x=alt.X("crimes:Q", title="Crimes"), y=alt.Y("ward:N", title=None))
            .to_dict())
    return Chart(chart_id, f"Crimes ({chart_id})", spec, "Bar chart.", "s")


def test_charts_drawn_together_are_the_drawings_of_each_chart_alone():
    charts = [_bar_chart(f"chart_{n}", ["Northfield", f"Ward {n}"], [n + 1, 10 * n + 3])
              for n in range(6)]
    alone = [chart_svg(chart) for chart in charts]
    not_started = _bar_chart("late", ["Moor"], [7])
    with charts_drawn(charts) as drawing:
        together = [drawing(chart) for chart in reversed(charts)][::-1]
        late = drawing(not_started)
    assert together == alone
    assert len(set(together)) == len(charts)
    assert late == chart_svg(not_started)


def test_a_chart_equal_to_a_started_one_but_another_object_is_drawn_itself():
    first = _bar_chart("same_id", ["Northfield"], [3])
    other = _bar_chart("same_id", ["Town Centre"], [9])
    with charts_drawn([first]) as drawing:
        assert drawing(other) == chart_svg(other)
        assert "Town Centre" in drawing(other) and "Town Centre" not in drawing(first)
