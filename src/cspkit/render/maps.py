"""Maps drawn as SVG from boundaries: no tile server, no network, the same bytes every time.

Areas are projected with a local equirectangular projection (longitude scaled by the cosine
of the map's middle latitude), which keeps shapes true enough at borough scale.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from cspkit.assessment.document import Column, Map

WIDTH = 760
MAP_MAX_HEIGHT = 520
MARGIN = 12
LEGEND_WIDTH = 250
POINT_RADIUS = 5
LABEL_SHIFTS = (0.0, 1.5 * 12, -1.5 * 12)
LABEL_SIZE = 12
ATTRIBUTION_SIZE = 13  # about 8 pt when the map is printed 16 cm wide
OUTSIDE_GAP = 6  # pixels between an area and a label set beside it
NO_DATA_FILL = "#d4d4d4"
HOT_SPOT_FILL = "#c8102e"
_LIGHT, _MID, _DARK = (238, 243, 248), (103, 150, 196), (12, 44, 86)


def sequential_palette(count: int) -> tuple[str, ...]:
    """``count`` fills from light to dark blue, evenly spaced along a two-segment ramp.

    >>> sequential_palette(3)
    ('#eef3f8', '#6796c4', '#0c2c56')
    """
    if count == 1:
        return ("#6796c4",)
    colours = []
    for step in range(count):
        t = step / (count - 1)
        start, end, u = (_LIGHT, _MID, t * 2) if t <= 0.5 else (_MID, _DARK, t * 2 - 1)
        rgb = (round(a + (b - a) * u) for a, b in zip(start, end, strict=True))
        colours.append("#" + "".join(f"{c:02x}" for c in rgb))
    return tuple(colours)


def _geometry(value: str | Mapping[str, Any], code: str) -> BaseGeometry:
    try:
        if isinstance(value, Mapping):
            return shape(value)
        text = value.strip()
        if text.startswith("{"):
            return shape(json.loads(text))
        return shapely.from_wkt(text)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise ValueError(
            f"map feature {code}: geometry is neither WKT nor GeoJSON ({exc})"
        ) from exc


def _polygons(geometry: BaseGeometry) -> Iterable[Polygon]:
    if isinstance(geometry, Polygon):
        yield geometry
    elif isinstance(geometry, MultiPolygon):
        yield from geometry.geoms
    elif hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from _polygons(part)


class _Projection:
    """Longitude/latitude to SVG pixels, fitted to the features' bounds."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        west, south, east, north = bounds
        self.kx = math.cos(math.radians((south + north) / 2))
        self.west, self.north = west, north
        span_x = max((east - west) * self.kx, 1e-9)
        span_y = max(north - south, 1e-9)
        inner = WIDTH - 2 * MARGIN
        self.scale = min(inner / span_x, MAP_MAX_HEIGHT / span_y)
        self.width = span_x * self.scale
        self.height = span_y * self.scale
        self.legend_beside = inner - self.width >= LEGEND_WIDTH
        self.offset_x = MARGIN if self.legend_beside else MARGIN + (inner - self.width) / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.offset_x + (lon - self.west) * self.kx * self.scale
        y = MARGIN + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)

    def geometry(self, geometry: BaseGeometry) -> BaseGeometry:
        """The geometry in SVG pixels."""

        def to_pixels(coords: np.ndarray) -> np.ndarray:
            x = self.offset_x + (coords[:, 0] - self.west) * self.kx * self.scale
            y = MARGIN + (self.north - coords[:, 1]) * self.scale
            return np.column_stack([x, y])

        return shapely.transform(geometry, to_pixels)


def _path(geometry: BaseGeometry) -> str:
    parts = []
    for polygon in _polygons(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            points = "L".join(f"{round(x, 1):g},{round(y, 1):g}" for x, y in ring.coords)
            parts.append(f"M{points}Z")
    return "".join(parts)


def _label_box(name: str, geometry: BaseGeometry, shift: float) -> BaseGeometry | None:
    """The pixel box a label would take, moved ``shift`` pixels down from the area's
    representative point, if it sits inside its area; else None."""
    x, y = geometry.representative_point().coords[0]
    y += shift
    half_width = len(name) * LABEL_SIZE * 0.3 + 2
    half_height = LABEL_SIZE * 0.65
    box = shapely.box(x - half_width, y - half_height, x + half_width, y + half_height)
    if geometry.intersection(box).area < 0.85 * box.area:
        return None
    return box


def _outside_boxes(name: str, geometry: BaseGeometry) -> Iterable[BaseGeometry]:
    """Boxes a label could take beside its area: right, left, above, below."""
    west, south, east, north = geometry.bounds
    x, y = geometry.representative_point().coords[0]
    half_width = len(name) * LABEL_SIZE * 0.3 + 2
    half_height = LABEL_SIZE * 0.65
    for cx, cy in (
        (east + OUTSIDE_GAP + half_width, y),
        (west - OUTSIDE_GAP - half_width, y),
        (x, south - OUTSIDE_GAP - half_height),
        (x, north + OUTSIDE_GAP + half_height),
    ):
        yield shapely.box(cx - half_width, cy - half_height, cx + half_width, cy + half_height)


def _labels(
    figure: Map, projected: list[BaseGeometry], project: _Projection, frame: BaseGeometry,
    taken: list[BaseGeometry],
) -> list[str]:
    """Area names, dark text on a white halo drawn as a separate stroke so renderers without
    ``paint-order`` show it too; no label overlaps another, a point or the legend.

    The areas the text talks about (``figure.labelled``) come first and are always named: in
    their area where the name fits, else beside it with a leader line. Then, if
    ``figure.label_others``, the other areas where their names fit inside (largest first).
    """
    by_code = {f.code: i for i, f in enumerate(figure.features)}
    taken = [
        *taken,
        *(shapely.Point(project(p.longitude, p.latitude)).buffer(POINT_RADIUS + 2)
          for p in figure.points),
    ]
    named = [by_code[c] for c in dict.fromkeys(figure.labelled) if c in by_code]
    others = sorted(
        (i for i in range(len(projected)) if i not in named),
        key=lambda i: (-projected[i].area, figure.features[i].code),
    ) if figure.label_others else []
    placed, leaders = [], []

    def free(box: BaseGeometry | None) -> bool:
        return box is not None and frame.contains(box) and not any(box.intersects(t) for t in taken)

    for index in [*named, *others]:
        name, area = figure.features[index].name, projected[index]
        inside = (_label_box(name, area, shift) for shift in LABEL_SHIFTS)
        box = next((b for b in inside if free(b)), None)
        if box is None and index in named:
            box = next((b for b in _outside_boxes(name, area) if free(b)), None)
            if box is not None:
                start = area.representative_point()
                end = shapely.ops.nearest_points(box.exterior, start)[0]
                leaders.append(
                    f'<line x1="{start.x:.1f}" y1="{start.y:.1f}" '
                    f'x2="{end.x:.1f}" y2="{end.y:.1f}"/>'
                )
        if box is None:
            continue
        taken.append(box)
        x, y = box.centroid.coords[0]
        placed.append(f'<text x="{x:.1f}" y="{y + LABEL_SIZE * 0.35:.1f}">{escape(name)}</text>')
    out = []
    if named:
        outlines = "".join(_path(projected[i]) for i in named)
        out.append(
            f'<path class="named-areas" d="{outlines}" fill="none" stroke="#1b1b1b" '
            'stroke-width="1.8" stroke-linejoin="round"/>'
        )
    if leaders:
        out.extend(['<g class="leaders" stroke="#1b1b1b" stroke-width="1">', *leaders, "</g>"])
    if placed:
        out.extend([
            f'<g class="labels" font-size="{LABEL_SIZE}" text-anchor="middle" aria-hidden="true">',
            '<g fill="#ffffff" stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round">',
            *placed,
            "</g>",
            '<g fill="#1b1b1b">',
            *placed,
            "</g></g>",
        ])
    return out


def _attribution_lines(text: str) -> list[str]:
    """The licence line, broken between sentences where it would not fit one line."""
    room = (WIDTH - 2 * MARGIN) / (ATTRIBUTION_SIZE * 0.55)
    lines: list[str] = []
    for sentence in (part.strip() for part in text.replace(". ", ".\n").splitlines()):
        if lines and len(lines[-1]) + 1 + len(sentence) <= room:
            lines[-1] += " " + sentence
        elif sentence:
            lines.append(sentence)
    return lines


def _legend(
    figure: Map, palette: tuple[str, ...], left: float, top: float, has_no_data: bool
) -> list[str]:
    rows = [(palette[i], label, "rect") for i, label in enumerate(figure.legend)]
    if has_no_data:
        rows.append((NO_DATA_FILL, "No data", "rect"))
    if figure.points:
        rows.append((HOT_SPOT_FILL, figure.points_label, "circle"))
    out = [
        f'<g class="legend" transform="translate({left:g},{top:g})">',
        f'<text x="0" y="12" font-weight="bold" font-size="13">{escape(figure.legend_title)}'
        "</text>",
        f'<text x="0" y="28" font-size="11" fill="#3d3d3d">{escape(figure.classification)}</text>',
    ]
    for number, (fill, label, mark) in enumerate(rows):
        y = 38 + number * 20
        if mark == "rect":
            out.append(
                f'<rect x="0" y="{y}" width="22" height="14" fill="{fill}" '
                'stroke="#505050" stroke-width="0.6"/>'
            )
        else:
            out.append(
                f'<circle cx="11" cy="{y + 7}" r="5" fill="{fill}" stroke="#ffffff" '
                'stroke-width="1.5"/>'
            )
        out.append(f'<text x="30" y="{y + 11}" font-size="13">{escape(label)}</text>')
    out.append("</g>")
    return out


def legend_height(figure: Map, has_no_data: bool) -> int:
    """Pixels the legend block needs under the map."""
    rows = len(figure.legend) + int(has_no_data) + int(bool(figure.points))
    return 44 + rows * 20


def map_svg(figure: Map, *, with_title: bool = False) -> str:
    """Draw a :class:`~cspkit.assessment.document.Map` as a standalone, accessible SVG.

    Parameters
    ----------
    figure
        The map: features already classified, legend labels, optional hot spot points.
    with_title
        Draw the title inside the image (for PNGs that travel without a caption).

    Returns
    -------
    str
        An ``<svg>`` element with ``role="img"``, a ``<title>`` and a ``<desc>`` (the alt
        text); each area carries a ``<title>`` tooltip with its name and value.
    """
    geometries = [_geometry(f.geometry, f.code) for f in figure.features]
    project = _Projection(tuple(float(b) for b in shapely.total_bounds(geometries)))
    projected = [project.geometry(g) for g in geometries]
    palette = sequential_palette(max(len(figure.legend), 1))
    values = Column("value", figure.legend_title, figure.value_format)
    has_no_data = any(f.class_index is None for f in figure.features)
    title_space = 30 if with_title else 0
    attribution = _attribution_lines(figure.attribution) if figure.attribution else []
    map_height = project.height + 2 * MARGIN
    legend_size = legend_height(figure, has_no_data)
    if project.legend_beside:
        legend_left = project.offset_x + project.width + 2 * MARGIN
        legend_top = max(map_height - MARGIN - legend_size, MARGIN)
        body_height = max(map_height, legend_size + 2 * MARGIN)
    else:
        legend_left, legend_top = MARGIN, map_height
        body_height = map_height + legend_size
    height = title_space + body_height + 8 + len(attribution) * (ATTRIBUTION_SIZE + 4)
    legend_box = shapely.box(
        legend_left, legend_top, legend_left + LEGEND_WIDTH, legend_top + legend_size
    )
    frame = shapely.box(0, 0, WIDTH, body_height)
    base = f"map-{figure.id}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="{WIDTH}" height="{height:g}" role="img" '
        f'aria-labelledby="{base}-title {base}-desc" '
        "font-family=\"Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif\" fill=\"#1b1b1b\">",
        f'<title id="{base}-title">{escape(figure.title)}</title>',
        f'<desc id="{base}-desc">{escape(figure.alt_text)}</desc>',
        f'<rect width="{WIDTH}" height="{height:g}" fill="#ffffff"/>',
    ]
    if with_title:
        out.append(
            f'<text x="{MARGIN}" y="22" font-size="17" font-weight="bold">'
            f"{escape(figure.title)}</text>"
        )
    out.append(f'<g transform="translate(0,{title_space})">')
    out.append('<g class="areas" stroke="#ffffff" stroke-width="0.8" fill-rule="evenodd">')
    for feature, geometry in zip(figure.features, projected, strict=True):
        index = feature.class_index
        fill = NO_DATA_FILL if index is None else palette[index]
        tip = f"{feature.name} ({feature.code}): {values.render(feature.value)}"
        out.append(f'<path d="{_path(geometry)}" fill="{fill}"><title>{escape(tip)}</title></path>')
    out.append("</g>")
    out.extend(_labels(figure, projected, project, frame, [legend_box]))
    if figure.points:
        out.append(f'<g class="points" fill="{HOT_SPOT_FILL}" stroke="#ffffff" stroke-width="1.5">')
        for point in figure.points:
            x, y = project(point.longitude, point.latitude)
            title = f"<title>{escape(point.label)}</title>"
            out.append(f'<circle cx="{x:g}" cy="{y:g}" r="{POINT_RADIUS}">{title}</circle>')
        out.append("</g>")
    out.extend(_legend(figure, palette, legend_left, legend_top, has_no_data))
    for number, line in enumerate(attribution):
        y = body_height + 4 + (number + 1) * (ATTRIBUTION_SIZE + 4) - 4
        out.append(
            f'<text x="{MARGIN}" y="{y:g}" font-size="{ATTRIBUTION_SIZE}" fill="#3d3d3d">'
            f"{escape(line)}</text>"
        )
    out.append("</g></svg>")
    return "\n".join(out)
