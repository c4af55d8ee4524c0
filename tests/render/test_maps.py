"""Maps drawn from boundaries: any geometry form, classes coloured light to dark, labels that
never collide."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
import shapely

from cspkit.assessment.document import Map, MapFeature
from cspkit.render.maps import NO_DATA_FILL, map_svg, sequential_palette
from tests.render.render_sample import square, ward_map


def _with_geometry(geometry) -> Map:
    base = ward_map()
    first = base.features[0]
    feature = MapFeature(first.code, first.name, geometry, first.value, first.class_index)
    return Map(
        base.id,
        base.title,
        (feature, *base.features[1:]),
        base.legend,
        base.legend_title,
        base.classification,
        base.alt_text,
        base.source,
    )


def test_wkt_geojson_text_and_geojson_mapping_draw_the_same_map():
    wkt = square(0, 0)
    mapping = shapely.geometry.mapping(shapely.from_wkt(wkt))
    drawn = {map_svg(_with_geometry(g)) for g in (wkt, json.dumps(mapping), mapping)}
    assert len(drawn) == 1


def test_unreadable_geometry_names_the_area():
    with pytest.raises(ValueError, match="E05000001: geometry is neither WKT nor GeoJSON"):
        map_svg(_with_geometry("not a shape"))


def test_classes_are_filled_light_to_dark_and_missing_values_grey():
    figure = ward_map()
    palette = sequential_palette(len(figure.legend))
    fills = re.findall(r'<path d="[^"]+" fill="([^"]+)"><title>([^<]+)</title>', map_svg(figure))
    by_name = {tip.split(" (")[0]: fill for fill, tip in fills}
    for feature in figure.features:
        expected = NO_DATA_FILL if feature.class_index is None else palette[feature.class_index]
        assert by_name[feature.name] == expected
    lightness = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in palette]
    assert lightness == sorted(lightness, reverse=True)


def test_tooltips_show_formatted_values_and_no_data():
    svg = map_svg(ward_map())
    assert "<title>Town Centre (E05000002): 128.6</title>" in svg
    assert "<title>Parkway (E05000005): [x]</title>" in svg


def test_labels_do_not_overlap_each_other_or_points():
    svg = map_svg(ward_map())
    labels = svg[svg.index('<g fill="#1b1b1b">') :]
    placed = re.findall(r'<text x="([\d.]+)" y="([\d.]+)">([^<]+)</text>', labels)
    assert {name for _, _, name in placed} == {f.name for f in ward_map().features}
    boxes = [
        shapely.box(float(x) - len(n) * 3.6, float(y) - 12, float(x) + len(n) * 3.6, float(y))
        for x, y, n in placed
    ]
    for i, box in enumerate(boxes):
        assert not any(box.intersects(other) for other in boxes[i + 1 :])
    cx, cy = (float(v) for v in re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)" r', svg).groups())
    assert not any(box.intersects(shapely.Point(cx, cy).buffer(5)) for box in boxes)


def test_title_is_drawn_only_when_asked():
    figure = ward_map()
    assert f">{figure.title}</text>" not in map_svg(figure)
    assert f">{figure.title}</text>" in map_svg(figure, with_title=True)


def _with_small_area(*, labelled: tuple[str, ...], label_others: bool = True) -> Map:
    """The sample ward map with a small area in its middle, too small for its own name."""
    base = ward_map()
    small = MapFeature("E05000099", "Little Marsh", square(40, 40, size=0.001), 50.0, 1)
    return dataclasses.replace(
        base, features=(*base.features, small), labelled=labelled, label_others=label_others
    )


def _label_names(svg: str) -> list[str]:
    if '<g fill="#1b1b1b">' not in svg:
        return []
    labels = svg[svg.index('<g fill="#1b1b1b">') :]
    return re.findall(r'<text x="[\d.]+" y="[\d.]+">([^<]+)</text>', labels)


def test_an_area_the_text_names_is_labelled_beside_it_when_its_name_does_not_fit():
    unnamed = map_svg(_with_small_area(labelled=()))
    assert "Little Marsh" not in _label_names(unnamed)
    named = map_svg(_with_small_area(labelled=("E05000099",)))
    assert "Little Marsh" in _label_names(named)
    assert '<g class="leaders"' in named and 'class="named-areas"' in named


def test_lsoa_style_maps_label_only_the_areas_the_text_names():
    svg = map_svg(_with_small_area(labelled=("E05000099", "E05000002"), label_others=False))
    assert sorted(_label_names(svg)) == ["Little Marsh", "Town Centre"]


def test_named_labels_keep_clear_of_the_legend_and_each_other():
    figure = _with_small_area(labelled=tuple(f.code for f in ward_map().features))
    svg = map_svg(figure)
    placed = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)">([^<]+)</text>', svg[svg.index('<g fill="#1b1b1b">') :]
    )
    assert {n for *_, n in placed} >= {f.name for f in ward_map().features}
    boxes = [
        shapely.box(float(x) - len(n) * 3.6, float(y) - 12, float(x) + len(n) * 3.6, float(y))
        for x, y, n in placed
    ]
    legend_x, legend_y = (
        float(v) for v in re.search(r'class="legend" transform="translate\(([\d.]+),([\d.]+)\)"',
                                    svg).groups()
    )
    legend = shapely.box(legend_x, legend_y, legend_x + 250, legend_y + 100)
    for i, box in enumerate(boxes):
        assert not box.intersects(legend)
        assert not any(box.intersects(other) for other in boxes[i + 1 :])


def test_licence_line_is_legible_and_fits_the_width():
    long = dataclasses.replace(
        ward_map(),
        attribution="Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0. Contains OS data © Crown copyright and database right 2025.",
    )
    svg = map_svg(long)
    lines = re.findall(r'<text x="12" y="[\d.]+" font-size="(\d+)" fill="#3d3d3d">([^<]+)</text>',
                       svg)
    assert len(lines) == 2 and " ".join(t for _, t in lines) == long.attribution
    for size, text in lines:
        assert int(size) >= 12  # about 8 pt or more when printed 16 cm wide
        assert len(text) * int(size) * 0.55 <= 760 - 24
