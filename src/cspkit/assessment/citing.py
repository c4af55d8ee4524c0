"""The line under each table and figure names its data as a reader would cite them.

Every table and figure records the analysis that produced it (``source``, kept in the
manifest and the methods appendix). A board paper cites data, not functions: "police.uk
street-level crime and anti-social behaviour, Cleveland Police, January 2024 to December
2025; Census 2021 usual residents (ONS)". This module works that line out from what the
warehouse holds, once, when the document is built.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterable, Sequence

import pandas as pd

from cspkit.assessment.document import Block, Chart, Map, Section, Table
from cspkit.assessment.evidence import Evidence
from cspkit.sources.names import DATA_SET_NAMES, data_set_name, force_name

ANALYSIS_DATA: dict[str, tuple[str, ...]] = {
    "change": ("police",),
    "trends": ("police",),
    "places": ("police", "census"),
    "hotspots": ("police", "lsoa_boundaries"),
    "concentration": ("police",),
    "deprivation": ("police", "deprivation", "census"),
    "vulnerability": ("police", "deprivation", "mid_year"),
    "outcomes": ("outcomes",),
    "peers": ("police", "census", "published_counts"),
    "people": ("partner",),
    "repeats": ("partner",),
    "temporal": ("partner",),
    "partner_sources.asb_by_source": ("police", "partner:council_asb"),
    "partner_sources.deliberate_fires": ("partner:fire",),
    "partner_sources.ae_assaults": ("partner:ae_assault",),
    "assessment.locations": ("police",),
    "assessment.coverage": ("police",),
    "warehouse": ("ledger",),
}
"""Analysis (or module) → the data it reads; the longest matching name wins. An analysis
named by :func:`reading` says itself which data it read."""

KINDS = {
    "census": ("census2021_residents", "census2021_ts001"),
    "mid_year": ("mid_year_population_single_year", "mid_year_population_sex_age"),
    "deprivation": ("deprivation_iod2025", "deprivation_iod2019"),
    "lsoa_boundaries": ("boundary_lsoa21",),
    "published_counts": ("published_force_counts", "published_lad_counts"),
}
ANY_DATA = "the data listed in Appendix A"
DOCUMENT_PARTS = {
    "assessment chapters (data gaps)": "the data gaps named in this assessment's chapters",
    "cspkit documentation (docs/assessment.md)": "the methods of this assessment",
    "analysis citations": "the data sets each analysis read",
}
"""Tables built from the document itself rather than from data."""


def month_span(first: str, last: str) -> str:
    """Two ``YYYY-MM`` months in words.

    >>> month_span("2024-01", "2025-12"), month_span("2025-03", "2025-03")
    ('January 2024 to December 2025', 'March 2025')
    """
    def name(month: str) -> str:
        year, number = month.split("-")
        return f"{calendar.month_name[int(number)]} {year}"

    return name(first) if first == last else f"{name(first)} to {name(last)}"


def reading(analysis: str, data: Iterable[str]) -> str:
    """An analysis named with the data it read, for an analysis whose data differ from table
    to table: a theme's people come from the partner sources that record people, not from
    every partner data set loaded.

    >>> reading("people.people_profile", ["partner:police_crime_extract"])
    'people.people_profile [partner:police_crime_extract]'
    """
    return f"{analysis} [{', '.join(data)}]"


def partner_data(sources: Iterable[str]) -> list[str]:
    """The names :meth:`DataCiter.phrases` takes for partner sources.

    >>> partner_data(["police_crime_extract"])
    ['partner:police_crime_extract']
    """
    return [f"partner:{source}" for source in sources]


def _data_for(analysis: str) -> tuple[str, ...] | None:
    if analysis.endswith("]") and " [" in analysis:
        named = analysis[analysis.rindex(" [") + 2:-1]
        return tuple(n.strip() for n in named.split(",") if n.strip())
    parts = analysis.replace(" ", ".").split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in ANALYSIS_DATA:
            return ANALYSIS_DATA[key]
    return None


class DataCiter:
    """Names the data an analysis read, from the load ledger.

    Parameters
    ----------
    ledger
        The ``load_ledger`` table.
    forces
        The police forces whose files cover the areas (force slugs).
    first_month, last_month
        The months the document's police figures span.
    """

    def __init__(self, ledger: pd.DataFrame, forces: Sequence[str], first_month: str,
                 last_month: str) -> None:
        self.live = ledger[ledger["status"] == "loaded"] if "status" in ledger else ledger
        self.forces = ", ".join(force_name(f) for f in forces)
        self.months = month_span(first_month, last_month)

    def _partner(self, source: str | None) -> list[str]:
        rows = self.live[self.live["dataset"].astype(str).str.startswith("partner_")]
        if source is not None:
            rows = rows[rows["dataset"] == f"partner_{source}"]
        out = []
        for dataset, group in rows.groupby("dataset", sort=True):
            months = group.dropna(subset=["first_month", "last_month"])
            name = data_set_name(str(group["kind"].iloc[0]), str(dataset))
            if not months.empty:
                name += ", " + month_span(str(months["first_month"].min()),
                                          str(months["last_month"].max()))
            out.append(name)
        return out

    def _kinds(self, kinds: Sequence[str]) -> list[str]:
        present = set(self.live["kind"].astype(str))
        found = [k for k in kinds if k in present]
        return [DATA_SET_NAMES[found[0]]] if found else []

    def phrases(self, wanted: str) -> list[str]:
        """The data sets behind one name of :data:`ANALYSIS_DATA`'s values (``police``,
        ``outcomes``, ``partner``, ``partner:<source>``, ``ledger`` or a key of
        :data:`KINDS`), as a reader names them."""
        if wanted == "police":
            where = f", {self.forces}" if self.forces else ""
            return [f"{DATA_SET_NAMES['police_street']}{where}, {self.months}"]
        if wanted == "outcomes":
            return [f"{DATA_SET_NAMES['police_outcomes']}" + (f", {self.forces}"
                                                             if self.forces else "")]
        if wanted == "partner":
            return self._partner(None)
        if wanted.startswith("partner:"):
            return self._partner(wanted.split(":", 1)[1])
        if wanted == "ledger":
            return ["the files loaded into the warehouse, listed with their checksums in "
                    "data/manifest.json"]
        return self._kinds(KINDS[wanted])

    def cite(self, analysis: str) -> str:
        """The line under a table or figure made by ``analysis``."""
        if analysis in DOCUMENT_PARTS:
            return DOCUMENT_PARTS[analysis]
        wanted = _data_for(analysis)
        if wanted is None:
            return ANY_DATA
        phrases = [p for w in wanted for p in self.phrases(w)]
        return "; ".join(dict.fromkeys(phrases)) or ANY_DATA


def cite_data(sections: Sequence[Section], evidence: Evidence) -> list[Section]:
    """The sections with every table, chart and map citing its data in words
    (``data_source``), worked out from the analysis that produced it and the warehouse."""
    citer = DataCiter(evidence.ledger, evidence.coverage.forces, evidence.comparison.start,
                      evidence.period.end)

    def visit(block: Block) -> Block:
        if isinstance(block, Section):
            return dataclasses.replace(block, children=tuple(visit(c) for c in block.children))
        if isinstance(block, Table | Chart | Map) and not block.data_source:
            return dataclasses.replace(block, data_source=citer.cite(block.source))
        return block

    return [visit(section) for section in sections]



