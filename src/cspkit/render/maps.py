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


def _labels(figure: Map, projected: list[BaseGeometry], project: _Projection) -> list[str]:
    """Area names where they fit inside their area, clear of other labels and points (largest
    areas first; a label may move just below or above its area's centre), dark text on a white
    halo drawn as a separate stroke so renderers without ``paint-order`` show it too."""
    order = sorted(
        range(len(projected)), key=lambda i: (-projected[i].area, figure.features[i].code)
    )
    taken: list[BaseGeometry] = [
        shapely.Point(project(p.longitude, p.latitude)).buffer(POINT_RADIUS + 2)
        for p in figure.points
    ]
    placed = []
    for index in order:
        name = figure.features[index].name
        boxes = (_label_box(name, projected[index], shift) for shift in LABEL_SHIFTS)
        box = next(
            (b for b in boxes if b is not None and not any(b.intersects(t) for t in taken)), None
        )
        if box is None:
            continue
        taken.append(box)
        x, y = box.centroid.coords[0]
        placed.append(f'<text x="{x:.1f}" y="{y + LABEL_SIZE * 0.35:.1f}">{escape(name)}</text>')
    if not placed:
        return []
    return [
        f'<g class="labels" font-size="{LABEL_SIZE}" text-anchor="middle" aria-hidden="true">',
        '<g fill="#ffffff" stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round">',
        *placed,
        "</g>",
        '<g fill="#1b1b1b">',
        *placed,
        "</g></g>",
    ]


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
    map_height = project.height + 2 * MARGIN
    legend_size = legend_height(figure, has_no_data)
    if project.legend_beside:
        legend_left = project.offset_x + project.width + 2 * MARGIN
        legend_top = max(map_height - MARGIN - legend_size, MARGIN)
        body_height = max(map_height, legend_size + 2 * MARGIN)
    else:
        legend_left, legend_top = MARGIN, map_height
        body_height = map_height + legend_size
    height = title_space + body_height + 22
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
    out.extend(_labels(figure, projected, project))
    if figure.points:
        out.append(f'<g class="points" fill="{HOT_SPOT_FILL}" stroke="#ffffff" stroke-width="1.5">')
        for point in figure.points:
            x, y = project(point.longitude, point.latitude)
            title = f"<title>{escape(point.label)}</title>"
            out.append(f'<circle cx="{x:g}" cy="{y:g}" r="{POINT_RADIUS}">{title}</circle>')
        out.append("</g>")
    out.extend(_legend(figure, palette, legend_left, legend_top, has_no_data))
    if figure.attribution:
        out.append(
            f'<text x="{MARGIN}" y="{height - title_space - 8:g}" font-size="10" fill="#3d3d3d">'
            f"{escape(figure.attribution)}</text>"
        )
    out.append("</g></svg>")
    return "\n".join(out)
