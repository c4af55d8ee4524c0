"""Every recognised file format, and recognition of a file by its header."""

from __future__ import annotations

from cspkit.sources import (
    area_measures,
    deprivation,
    geography,
    police_uk,
    population,
    published_counts,
)
from cspkit.sources.base import SourceKind
from cspkit.sources.files import Header
from cspkit.sources.partner import postcodes

KINDS: tuple[SourceKind, ...] = (
    *police_uk.KINDS,
    *geography.KINDS,
    *deprivation.KINDS,
    *area_measures.KINDS,
    *population.KINDS,
    *published_counts.KINDS,
    *postcodes.KINDS,
)


def recognise(header: Header) -> SourceKind | None:
    """The format a header belongs to, or None."""
    return next((kind for kind in KINDS if kind.matches(header)), None)


def describe_header(header: Header) -> str:
    shown = ", ".join(header.columns[:6])
    more = f", … ({len(header.columns)} columns)" if len(header.columns) > 6 else ""
    what = "GeoJSON properties" if header.format == "geojson" else "header"
    return f"{what}: {shown}{more}"
