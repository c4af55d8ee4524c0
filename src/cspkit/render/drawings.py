"""Charts and maps drawn once and handed to every writer that shows them.

The HTML page and the Typst PDF show each chart and map as SVG; the Word document shows them
as PNG pictures, rasterised from the same SVG. Drawing a chart takes the chart engine (and,
in each new process, the engine's start-up); so when several formats are written together,
:func:`draw` draws each figure once, possibly in worker processes, and the writers take the
:class:`Drawings` instead of drawing again. A writer given no drawings, or drawings without
a figure, draws that figure itself: the pictures are the same either way.

>>> Drawings().png == {}
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field

from cspkit.assessment.document import Chart, Map
from cspkit.render.charts import chart_png, chart_svg, svg_to_png
from cspkit.render.maps import map_svg

MAP_PNG_SCALE = 2.0
"""Pixels per SVG pixel of a map's PNG (the maps are 760 SVG pixels wide)."""


@dataclass(frozen=True)
class Drawings:
    """Figures already drawn, by figure id (ids are unique in a Document).

    Attributes
    ----------
    svg
        Charts as :func:`~cspkit.render.charts.chart_svg` draws them and maps as
        :func:`~cspkit.render.maps.map_svg` draws them (without a title).
    png
        Charts and maps as the PNG pictures of the Word document.
    """

    svg: Mapping[str, str] = field(default_factory=dict)
    png: Mapping[str, bytes] = field(default_factory=dict)

    def figure_svg(self, figure: Chart | Map) -> str:
        """The figure as SVG: the drawing kept here, else drawn now."""
        if figure.id in self.svg:
            return self.svg[figure.id]
        return chart_svg(figure) if isinstance(figure, Chart) else map_svg(figure)

    def figure_png(self, figure: Chart | Map) -> bytes:
        """The figure as a PNG picture: the one kept here, else drawn now (from the SVG
        kept here when there is one)."""
        if figure.id in self.png:
            return self.png[figure.id]
        return _png(figure, self.figure_svg(figure))

    def with_png(self, figures: Iterable[Chart | Map]) -> Drawings:
        """These drawings with the PNG pictures of ``figures`` added, rasterised from the
        SVGs kept here (which takes no chart engine start-up)."""
        png = dict(self.png)
        for figure in figures:
            png[figure.id] = self.figure_png(figure)
        return Drawings(svg=dict(self.svg), png=png)

    def merged(self, *others: Drawings) -> Drawings:
        """These drawings with those of ``others`` added."""
        svg, png = dict(self.svg), dict(self.png)
        for other in others:
            svg.update(other.svg)
            png.update(other.png)
        return Drawings(svg=svg, png=png)


class BeingDrawn(Mapping[str, str]):
    """SVG drawings still being drawn elsewhere (in worker processes), by figure id: reading
    one waits until it is drawn, so a writer given ``Drawings(svg=BeingDrawn(...))`` can
    build its output while the figures are drawn, taking each as it reaches it.

    >>> from concurrent.futures import Future
    >>> drawn = Future()
    >>> pending = BeingDrawn({"chart-1": drawn})
    >>> "chart-1" in pending, "map-1" in pending
    (True, False)
    >>> drawn.set_result("<svg/>")
    >>> pending["chart-1"]
    '<svg/>'
    """

    def __init__(self, futures: Mapping[str, Future[str]]) -> None:
        self._futures = dict(futures)

    def __getitem__(self, figure_id: str) -> str:
        return self._futures[figure_id].result()

    def __contains__(self, figure_id: object) -> bool:
        # Without waiting (Mapping's own test reads the item).
        return figure_id in self._futures

    def __iter__(self) -> Iterator[str]:
        return iter(self._futures)

    def __len__(self) -> int:
        return len(self._futures)


def _png(figure: Chart | Map, svg: str) -> bytes:
    if isinstance(figure, Chart):
        return chart_png(figure, svg)
    return svg_to_png(svg, scale=MAP_PNG_SCALE)


def draw(figures: Iterable[Chart | Map], *, png: bool = False) -> Drawings:
    """Draw ``figures`` as SVG, and as PNG too when ``png``.

    Starts the chart engine in this process when there is a chart, or a PNG to make: call it
    in a worker process when the caller may fork afterwards.
    """
    svgs: dict[str, str] = {}
    pngs: dict[str, bytes] = {}
    for figure in figures:
        svg = svgs[figure.id] = chart_svg(figure) if isinstance(figure, Chart) else map_svg(
            figure)
        if png:
            pngs[figure.id] = _png(figure, svg)
    return Drawings(svg=svgs, png=pngs)
