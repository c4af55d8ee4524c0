"""Charts: one Vega-Lite spec, shown interactively in HTML and as SVG/PNG elsewhere.

Conversion runs offline through vl-convert with a pinned Vega-Lite version, so the same spec
gives the same picture; specs are serialised with sorted keys so the same Document gives the
same HTML bytes.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import vl_convert

from cspkit.assessment.document import Chart
from cspkit.sources.fetch import default_cache_dir

VEGA_LITE_VERSION = "6.4"
_engine = {"started": False}
FONT = "Arial, Liberation Sans, DejaVu Sans, sans-serif"
PNG_SCALE = 2.0

CHART_CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "#ffffff",
    "view": {"stroke": None},
    "mark": {"color": "#1d4f91"},
    "axis": {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "labelColor": "#1b1b1b",
        "titleColor": "#1b1b1b",
        "gridColor": "#e1e1e1",
    },
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 15, "anchor": "start", "color": "#1b1b1b"},
    "range": {"category": ["#1d4f91", "#d4700f", "#2a8a57", "#8f3f97", "#5a5a5a", "#b3261e"]},
}


def full_spec(chart: Chart) -> dict[str, Any]:
    """The chart's spec with the house style and its alt text (as the ARIA description)."""
    spec = json.loads(json.dumps(chart.spec))
    spec.setdefault(
        "$schema", f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_VERSION[0]}.json"
    )
    spec.setdefault("description", chart.alt_text)
    spec.setdefault("width", 560)
    config = dict(CHART_CONFIG)
    config.update(spec.get("config", {}))
    spec["config"] = config
    return spec


def spec_json(chart: Chart) -> str:
    """The full spec as canonical JSON (sorted keys, no spaces), safe inside a ``<script>``."""
    text = json.dumps(full_spec(chart), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def engine_started() -> bool:
    """Whether this process has run the chart engine (vl-convert starts its JavaScript
    runtime's threads on first use; a process must not be forked after that)."""
    return _engine["started"]


def _engine_call() -> None:
    _engine["started"] = True


def svg_to_png(svg: str, *, scale: float = PNG_SCALE) -> bytes:
    """An SVG (a map) as PNG, through the same engine as the charts."""
    _engine_call()
    return vl_convert.svg_to_png(svg, scale=scale)


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG string, its element ids prefixed so many charts share one page."""
    _engine_call()
    svg = vl_convert.vegalite_to_svg(full_spec(chart), vl_version=VEGA_LITE_VERSION)
    prefix = f"chart-{chart.id}-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)


CHART_THREADS = 4
"""Charts drawn at once by :func:`charts_drawn`: vl-convert draws several charts in parallel
when asked from several threads (on two cores, ten charts take about half the time)."""


@contextmanager
def charts_drawn(charts: Iterable[Chart]) -> Iterator[Callable[[Chart], str]]:
    """Start drawing ``charts`` as SVG (:func:`chart_svg`) in worker threads, and give a
    function returning a chart's drawing (waiting for it if need be; any other chart is drawn
    on the spot). The drawings are the same as :func:`chart_svg`'s, one by one.

    Examples
    --------
    >>> with charts_drawn([]) as drawing:
    ...     callable(drawing)
    True
    """
    charts = list(charts)
    with ThreadPoolExecutor(max_workers=max(1, min(CHART_THREADS, len(charts)))) as pool:
        # Keyed by the object, which the caller holds for as long as the drawings are used.
        started: dict[int, tuple[Chart, Future[str]]] = {
            id(chart): (chart, pool.submit(chart_svg, chart)) for chart in charts}

        def drawing(chart: Chart) -> str:
            kept = started.get(id(chart))
            return kept[1].result() if kept is not None and kept[0] is chart else chart_svg(chart)

        try:
            yield drawing
        finally:
            for _, future in started.values():
                future.cancel()


def start_engine() -> None:
    """Start the chart engine by drawing a one-bar chart (thrown away): its first drawing in
    a process takes about half a second, which a writer process can spend ahead of time."""
    _engine_call()
    vl_convert.vegalite_to_svg({"data": {"values": [{"n": 1}]}, "mark": "bar",
                                "encoding": {"x": {"field": "n", "type": "quantitative"}}},
                               vl_version=VEGA_LITE_VERSION)


def chart_png(chart: Chart, svg: str | None = None) -> bytes:
    """The chart as a PNG at twice screen resolution (sharp in Word and print).

    It is rasterised from the chart's SVG (``svg`` when :func:`chart_svg` has drawn it
    already), as vl-convert's ``vegalite_to_png`` does: the same picture, and a chart drawn
    once serves both the SVG and the PNG.
    """
    return svg_to_png(chart_svg(chart) if svg is None else svg, scale=PNG_SCALE)


def bundle_cache_path() -> Path:
    """Where the script bundle is kept between runs: one file per vl-convert and Vega-Lite
    version, in the cache folder (``$CSP_CACHE_DIR``, else ``~/.cache/cspkit``)."""
    try:
        engine = version("vl-convert-python")
    except PackageNotFoundError:  # pragma: no cover - an unusual install
        engine = getattr(vl_convert, "__version__", "unknown")
    return default_cache_dir() / "render" / f"vega-bundle-{engine}-vl{VEGA_LITE_VERSION}.js"


@functools.cache
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, so the HTML needs no network.

    Building the bundle takes vl-convert a second or two and gives the same text for the same
    vl-convert and Vega-Lite versions, so it is built once and kept in the cache folder
    (written whole or not at all; a cache that cannot be read or written is skipped).
    """
    path = bundle_cache_path()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    _engine_call()
    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    part = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         prefix=path.name, suffix=".part", delete=False,
                                         newline="") as part:
            part.write(bundle)
        os.replace(part.name, path)
    except OSError:
        if part is not None:
            Path(part.name).unlink(missing_ok=True)
    return bundle
