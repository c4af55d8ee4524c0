"""Figures drawn once and handed to the writers give the same files as each writer drawing
its own."""

from __future__ import annotations

import zipfile
from pathlib import Path

import vl_convert

from cspkit.assessment.document import Chart, Map
from cspkit.render import write_docx, write_html, write_pdf
from cspkit.render.charts import PNG_SCALE, VEGA_LITE_VERSION, chart_png, chart_svg, full_spec
from cspkit.render.drawings import MAP_PNG_SCALE, Drawings, draw
from cspkit.render.layout import xml_safe
from cspkit.render.maps import map_svg
from tests.render.render_sample import sample_document


def test_a_chart_picture_from_its_svg_is_the_one_vl_convert_draws_from_the_spec():
    chart = next(f for f in sample_document().figures() if isinstance(f, Chart))
    straight = vl_convert.vegalite_to_png(full_spec(chart), vl_version=VEGA_LITE_VERSION,
                                          scale=PNG_SCALE)
    assert chart_png(chart) == straight
    assert chart_png(chart, chart_svg(chart)) == straight


def test_drawings_hold_every_figure_and_draw_what_they_lack():
    figures = xml_safe(sample_document()).figures()
    assert {type(f) for f in figures} == {Chart, Map}
    drawn = draw(figures, png=True)
    assert set(drawn.svg) == set(drawn.png) == {f.id for f in figures}
    chart = next(f for f in figures if isinstance(f, Chart))
    area_map = next(f for f in figures if isinstance(f, Map))
    assert drawn.svg[area_map.id] == map_svg(area_map)
    assert drawn.png[area_map.id] == vl_convert.svg_to_png(map_svg(area_map),
                                                           scale=MAP_PNG_SCALE)
    assert drawn.png[chart.id] == chart_png(chart)
    assert drawn.png[chart.id].startswith(b"\x89PNG")
    empty = Drawings()
    assert empty.figure_svg(chart) == drawn.svg[chart.id]
    assert empty.figure_png(area_map) == drawn.png[area_map.id]
    svg_only = Drawings(svg={chart.id: drawn.svg[chart.id]})
    assert svg_only.with_png([chart]).png == {chart.id: drawn.png[chart.id]}
    assert Drawings(png={chart.id: b"1"}).merged(svg_only).png == {chart.id: b"1"}


def test_writers_given_drawings_write_the_same_files(tmp_path: Path):
    document = sample_document()
    drawn = draw(xml_safe(document).figures(), png=True)
    for writer, name in ((write_docx, "a.docx"), (write_html, "a.html"), (write_pdf, "a.pdf")):
        own = writer(document, tmp_path / "own" / name).read_bytes()
        given = writer(document, tmp_path / "given" / name, drawings=drawn).read_bytes()
        assert own == given, name


def test_writers_show_the_drawings_they_are_given(tmp_path: Path):
    document = sample_document()
    chart = next(f for f in document.figures() if isinstance(f, Chart))
    marked = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
              '<title>given-drawing</title><rect width="40" height="20" fill="#123456"/></svg>')
    picture = vl_convert.svg_to_png(marked)
    given = Drawings(svg={chart.id: marked}, png={chart.id: picture})
    assert "given-drawing" in write_html(document, tmp_path / "a.html",
                                         drawings=given).read_text(encoding="utf-8")
    with zipfile.ZipFile(write_docx(document, tmp_path / "a.docx", drawings=given)) as word:
        media = [word.read(n) for n in word.namelist() if n.startswith("word/media/")]
    assert picture in media
