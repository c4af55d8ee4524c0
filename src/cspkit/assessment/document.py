"""The Document: one strategic assessment as plain, immutable blocks that every renderer reads.

The assessment builder turns analysis results into a :class:`Document`; the renderers in
:mod:`cspkit.render` turn one Document into HTML, DOCX, PDF, XLSX and CSV. Nothing here
queries the warehouse or computes a statistic: figures arrive already computed, and a block
only records them with the words, formats and provenance a reader needs.

Tables hold their rows as tuples of plain Python values (a pandas DataFrame or a list of
records is accepted and converted), so a Document is immutable and renders identically every
time.

>>> table = Table(
...     id="crime_by_type",
...     caption="Recorded crime by type",
...     columns=(Column("crime_type", "Crime type"), Column("count", "Crimes", "integer")),
...     rows=[{"crime_type": "Robbery", "count": 319}],
...     source="change.compare_periods",
... )
>>> table.rows
(('Robbery', 319),)
>>> table.columns[1].render(table.rows[0][1])
'319'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import pandas as pd

NumberFormat: TypeAlias = Literal[
    "text",
    "integer",
    "signed_integer",
    "decimal1",
    "decimal2",
    "percent",
    "signed_percent",
    "p_value",
]
"""How a column's values are shown. ``percent`` and ``signed_percent`` take fractions
(0.43 is shown as 43.0%); ``p_value`` shows three decimals and "<0.001" below that."""

NUMBER_FORMATS: tuple[str, ...] = NumberFormat.__args__

FindingKind: TypeAlias = Literal[
    "rise", "fall", "no-significant-change", "highest", "lowest", "hot-spot", "target", "note"
]
FINDING_KINDS: tuple[str, ...] = FindingKind.__args__

NOT_AVAILABLE = "[x]"
"""Shown for a missing value (GSS symbol: not available)."""

SUPPRESSED = "[c]"
"""Put this string in a cell withheld for disclosure control (GSS symbol: confidential)."""

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_id(kind: str, value: str) -> None:
    if not _ID.match(value):
        raise ValueError(
            f"{kind} id {value!r} must be lower-case letters, digits and underscores "
            "starting with a letter (it becomes a file and sheet name)"
        )


def _plain(value: Any) -> Any:
    """A table cell as a plain Python value: numpy scalars unwrapped, NaN/NA as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


# --------------------------------------------------------------------------- inline text

_EMPHASIS = re.compile(r"\*\*(?P<strong>.+?)\*\*|\*(?P<em>[^*]+?)\*")

Emphasis: TypeAlias = Literal["", "strong", "em"]


def emphasis_runs(text: str) -> tuple[tuple[str, Emphasis], ...]:
    """Split text with simple emphasis (``**strong**``, ``*em*``) into styled runs.

    >>> emphasis_runs("Robbery **rose by 43%** in *two* wards")
    (('Robbery ', ''), ('rose by 43%', 'strong'), (' in ', ''), ('two', 'em'), (' wards', ''))
    """
    runs: list[tuple[str, Emphasis]] = []
    position = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > position:
            runs.append((text[position : match.start()], ""))
        if match.group("strong") is not None:
            runs.append((match.group("strong"), "strong"))
        else:
            runs.append((match.group("em"), "em"))
        position = match.end()
    if position < len(text):
        runs.append((text[position:], ""))
    return tuple(runs)


def plain_text(text: str) -> str:
    """Text with its emphasis markers removed.

    >>> plain_text("Robbery **rose** by *43%*")
    'Robbery rose by 43%'
    """
    return "".join(run for run, _ in emphasis_runs(text))


# --------------------------------------------------------------------------- text blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose; ``**strong**`` and ``*em*`` mark emphasis."""

    text: str

    def runs(self) -> tuple[tuple[str, Emphasis], ...]:
        """The text as styled runs (see :func:`emphasis_runs`)."""
        return emphasis_runs(self.text)


@dataclass(frozen=True)
class Finding:
    """One sentence built from figures, e.g. "Robbery rose by 43% (223 → 319)".

    Parameters
    ----------
    sentence
        The finding as the reader sees it (simple emphasis allowed).
    importance
        Higher first: the executive summary leads with the most important findings.
    kind
        What the finding says: a rise, a fall, no significant change, a highest/lowest place,
        a hot spot, progress against a target, or a note.
    figures
        The numbers the sentence was built from, by name (``{"previous": 223,
        "current": 319}``), so tests and readers can trace every figure.
    source_table
        The id of the :class:`Table` holding those figures, when there is one.
    """

    sentence: str
    importance: float
    kind: FindingKind
    figures: Mapping[str, float | int | str] = field(default_factory=dict, hash=False)
    source_table: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise ValueError(f"finding kind {self.kind!r} is not one of {FINDING_KINDS}")

    def runs(self) -> tuple[tuple[str, Emphasis], ...]:
        """The sentence as styled runs (see :func:`emphasis_runs`)."""
        return emphasis_runs(self.sentence)


@dataclass(frozen=True)
class Callout:
    """A boxed note the reader should not miss: a caveat, a method note, a warning."""

    title: str
    text: str
    tone: Literal["note", "caveat", "warning"] = "note"


@dataclass(frozen=True)
class DataGap:
    """Data the assessment needed but did not have, for the data requirements register.

    Parameters
    ----------
    missing
        What is missing ("Youth offending team caseload by ward").
    would_fill
        Which data would fill the gap ("YOT first-time entrants by home LSOA, quarterly").
    owner
        The agency that should supply it ("Youth Offending Service").
    theme
        The priority theme it affects, when it belongs to one.
    """

    missing: str
    would_fill: str
    owner: str
    theme: str | None = None
    key: str = ""
    """The data need's stable name (``council_asb``), so the plan tracker can follow the gap
    from one assessment to the next; empty when the gap is not a register entry."""


@dataclass(frozen=True)
class Recommendation:
    """One recommendation for the partnership to approve.

    Parameters
    ----------
    text
        The recommendation.
    owner, theme
        The agency to lead it and the priority theme it serves, when known.
    key
        A stable name, the same in next year's assessment when it recommends the same thing
        (the plan tracker matches recommendations by it).
    agreed
        True when the partnership agreed it; False for a draft the assessment proposes from
        its findings, still to be agreed.
    findings
        The findings it rests on (a draft always has at least one).
    """

    text: str
    owner: str | None = None
    theme: str | None = None
    key: str = ""
    agreed: bool = True
    findings: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(self.findings))
        if not self.agreed and not self.findings:
            raise ValueError(f"draft recommendation {self.key!r} cites no finding")


@dataclass(frozen=True)
class RecommendationList:
    """Numbered recommendations (numbering follows their order)."""

    items: tuple[Recommendation, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))


@dataclass(frozen=True)
class NumberedList:
    """Numbered paragraphs, such as the points of a meeting paper's cover (Word's List
    Number style, so a number added in Word renumbers the rest)."""

    items: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))


# --------------------------------------------------------------------------- tables


_FORMATTERS = {
    "integer": lambda v: f"{v:,.0f}",
    "signed_integer": lambda v: f"{v:+,.0f}",
    "decimal1": lambda v: f"{v:,.1f}",
    "decimal2": lambda v: f"{v:,.2f}",
    "percent": lambda v: f"{v * 100:,.1f}%",
    "signed_percent": lambda v: f"{v * 100:+,.1f}%",
    "p_value": lambda v: "<0.001" if v < 0.001 else f"{v:.3f}",
}


_COLOUR = re.compile(r"^[0-9A-F]{6}$")


@dataclass(frozen=True)
class Cell:
    """A table cell that holds more than one plain value.

    Parameters
    ----------
    text
        The cell's text; a blank line (``"\\n\\n"``) separates paragraphs.
    lead
        Bold words leading into the first paragraph (a date: ``"1 March 2026: "``).
    emphasis
        ``"strong"`` or ``"em"`` for the whole text.
    fill, ink
        Background and text colours as six hex digits (a RAG status), or empty. The text
        must carry the meaning too: readers who cannot tell colours apart, and greyscale
        print, see only the words.

    >>> cell = Cell("Teams briefed.\\n\\nPatrols started.", lead="1 March 2026: ")
    >>> cell.paragraphs
    ('Teams briefed.', 'Patrols started.')
    >>> str(cell)
    '1 March 2026: Teams briefed.\\n\\nPatrols started.'
    """

    text: str
    lead: str = ""
    emphasis: Emphasis = ""
    fill: str = ""
    ink: str = ""

    def __post_init__(self) -> None:
        for colour in (self.fill, self.ink):
            if colour and not _COLOUR.match(colour):
                raise ValueError(f"cell colour {colour!r} must be six upper-case hex digits")

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The text's paragraphs."""
        return tuple(self.text.split("\n\n"))

    def __str__(self) -> str:
        return self.lead + self.text


@dataclass(frozen=True)
class Column:
    """A table column: the key in the rows, the label readers see, its number format and,
    when the layout needs it, its share of the table's width in per cent."""

    key: str
    label: str
    format: NumberFormat = "text"
    width: int | None = None

    def __post_init__(self) -> None:
        if self.format not in NUMBER_FORMATS:
            raise ValueError(
                f"column {self.key!r}: format {self.format!r} is not one of {NUMBER_FORMATS}"
            )

    @property
    def numeric(self) -> bool:
        """Whether values are numbers (right-aligned, formatted)."""
        return self.format != "text"

    def render(self, value: Any) -> str:
        """A cell value as text: formatted number, :data:`NOT_AVAILABLE` for None.

        >>> Column("c", "Change", "signed_percent").render(0.4305)
        '+43.0%'
        >>> Column("c", "Crimes", "integer").render(None)
        '[x]'
        """
        if value is None:
            return NOT_AVAILABLE
        if self.numeric and isinstance(value, (int, float)) and not isinstance(value, bool):
            return _FORMATTERS[self.format](value)
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return str(value)  # a Cell gives its plain text


def _rows_from(
    rows: pd.DataFrame | Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    columns: tuple[Column, ...],
    table_id: str,
) -> tuple[tuple[Any, ...], ...]:
    keys = [c.key for c in columns]
    if isinstance(rows, pd.DataFrame):
        missing = [k for k in keys if k not in rows.columns]
        if missing:
            raise ValueError(f"table {table_id!r}: DataFrame has no column(s) {missing}")
        records = rows[keys].itertuples(index=False, name=None)
        return tuple(tuple(_plain(v) for v in record) for record in records)
    converted = []
    for number, row in enumerate(rows):
        if isinstance(row, Mapping):
            missing = [k for k in keys if k not in row]
            if missing:
                raise ValueError(f"table {table_id!r}: row {number} has no key(s) {missing}")
            converted.append(tuple(_plain(row[k]) for k in keys))
        else:
            if len(row) != len(keys):
                raise ValueError(
                    f"table {table_id!r}: row {number} has {len(row)} values, expected {len(keys)}"
                )
            converted.append(tuple(_plain(v) for v in row))
    return tuple(converted)


@dataclass(frozen=True)
class Table:
    """A table of figures, published in every format and as ``data/<id>.csv``.

    Parameters
    ----------
    id
        Lower-case snake_case; the CSV file and spreadsheet sheet are named after it
        (``performance_by_crime_type``).
    caption
        What the table shows, in the reader's words; empty for a table that its heading
        already names (a meeting paper's register), which is then shown without a caption.
    columns
        The columns in order, each with its label and number format.
    rows
        A pandas DataFrame or a list of records (mappings keyed by column key, or sequences in
        column order). Stored as a tuple of tuples of plain values; None means not available,
        :data:`SUPPRESSED` marks a withheld cell, a :class:`Cell` holds paragraphs or a
        colour.
    source
        The analysis that produced the figures (``"change.compare_periods"``), for the
        manifest; empty when the rows are records rather than figures.
    notes
        Footnotes printed under the table: small-number flags, suppression, caveats.
    data_source
        The data as a reader names them ("police.uk street-level crime and anti-social
        behaviour, Cleveland Police, January 2024 to December 2025"), printed under the
        table; when empty, ``source`` is printed.
    """

    id: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...] = field(hash=False)
    source: str
    notes: tuple[str, ...] = ()
    data_source: str = ""

    @property
    def cited_source(self) -> str:
        """What the line under the table names as its source."""
        return self.data_source or self.source

    def __post_init__(self) -> None:
        _check_id("table", self.id)
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "notes", tuple(self.notes))
        if not self.columns:
            raise ValueError(f"table {self.id!r} has no columns")
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.id!r} repeats a column key: {keys}")
        object.__setattr__(self, "rows", _rows_from(self.rows, self.columns, self.id))

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the column keys as column names."""
        return pd.DataFrame(list(self.rows), columns=[c.key for c in self.columns])

    def cell_text(self, row: int, key: str) -> str:
        """One cell as the reader sees it (formatted)."""
        index = [c.key for c in self.columns].index(key)
        return self.columns[index].render(self.rows[row][index])


# --------------------------------------------------------------------------- figures


def _json_ready(value: Any, where: str) -> Any:
    """A deep copy of a JSON-like value; fails on anything JSON cannot hold."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v, where) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v, where) for v in value]
    value = _plain(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    raise ValueError(f"{where}: {type(value).__name__} value {value!r} cannot go in JSON")


def _fetches_data(spec: Any) -> bool:
    """Whether any ``data`` in a Vega-Lite spec (layers and concatenations too) is a URL."""
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and "url" in data:
            return True
        return any(_fetches_data(v) for v in spec.values())
    if isinstance(spec, list):
        return any(_fetches_data(v) for v in spec)
    return False


@dataclass(frozen=True)
class Chart:
    """A chart as one Vega-Lite spec with its data inline.

    The HTML output shows it interactively; DOCX and PDF get an SVG or PNG of the same spec.

    Parameters
    ----------
    id
        Lower-case snake_case, unique in the document.
    title
        The figure title.
    spec
        A Vega-Lite specification whose data are inline (``{"data": {"values": [...]}}``):
        a published document never fetches data. Copied on creation.
    alt_text
        What the chart shows, for readers who cannot see it.
    source
        The analysis that produced the data.
    table_id
        The table holding the same figures, when there is one.
    data_source
        The data as a reader names them, as for :class:`Table`.
    """

    id: str
    title: str
    spec: Mapping[str, Any] = field(hash=False)
    alt_text: str
    source: str
    table_id: str | None = None
    data_source: str = ""

    @property
    def cited_source(self) -> str:
        """What the caption names as the figure's source."""
        return self.data_source or self.source

    def __post_init__(self) -> None:
        _check_id("chart", self.id)
        if not self.alt_text.strip():
            raise ValueError(f"chart {self.id!r} needs alt text")
        spec = _json_ready(self.spec, f"chart {self.id!r}")
        if _fetches_data(spec):
            raise ValueError(f"chart {self.id!r}: data must be inline values, not a URL")
        object.__setattr__(self, "spec", spec)


@dataclass(frozen=True)
class MapFeature:
    """One area on a map.

    Parameters
    ----------
    code
        The area code (ward or LSOA).
    name
        The area name, used as its label.
    geometry
        WKT text, a GeoJSON geometry mapping, or GeoJSON text; longitude/latitude (WGS84).
    value
        The mapped figure, or None where not available.
    class_index
        Which legend class the area falls in (0 = lowest); None for no data.
    """

    code: str
    name: str
    geometry: str | Mapping[str, Any] = field(hash=False)
    value: float | None
    class_index: int | None


@dataclass(frozen=True)
class MapPoint:
    """A marked place on a map, such as a statistically significant hot spot."""

    longitude: float
    latitude: float
    label: str


@dataclass(frozen=True)
class Map:
    """A choropleth of areas, drawn from boundaries with no tile server.

    Classification is done by the builder: each feature carries its class index, and
    ``legend`` labels the classes from lowest to highest.

    Parameters
    ----------
    id, title
        As for :class:`Chart`.
    features
        The areas.
    legend
        One label per class, lowest first ("0–4.9", "5.0–9.9", ...).
    legend_title
        What the values are ("Crimes per 1,000 residents").
    classification
        How classes were made ("Quintiles", "Jenks natural breaks").
    alt_text
        What the map shows, for readers who cannot see it.
    source
        The analysis that produced the values.
    points
        An optional point layer, e.g. hot spots.
    points_label
        The legend entry for the point layer ("Hot spot, Gi* 99% after FDR").
    value_format
        How feature values are shown in tooltips and tables (a :class:`Column` format).
    attribution
        The boundary licence line ("Source: Office for National Statistics licensed under
        the Open Government Licence v.3.0").
    table_id
        The table holding the same figures, when there is one.
    labelled
        Codes of the areas the text talks about (top wards, hot spots), most important
        first: each is labelled and outlined, beside its area when the name does not fit in it.
    data_source
        The data as a reader names them, as for :class:`Table`.
    label_others
        Whether other areas are labelled where their names fit (ward names help a reader
        find their way; LSOA names do not, so LSOA maps label only ``labelled``).
    """

    id: str
    title: str
    features: tuple[MapFeature, ...]
    legend: tuple[str, ...]
    legend_title: str
    classification: str
    alt_text: str
    source: str
    points: tuple[MapPoint, ...] = ()
    points_label: str = ""
    value_format: NumberFormat = "decimal1"
    attribution: str = ""
    table_id: str | None = None
    labelled: tuple[str, ...] = ()
    label_others: bool = True
    data_source: str = ""

    @property
    def cited_source(self) -> str:
        """What the caption names as the map's source."""
        return self.data_source or self.source

    def __post_init__(self) -> None:
        _check_id("map", self.id)
        object.__setattr__(self, "labelled", tuple(self.labelled))
        if self.value_format not in NUMBER_FORMATS:
            raise ValueError(f"map {self.id!r}: value_format must be one of {NUMBER_FORMATS}")
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "legend", tuple(self.legend))
        object.__setattr__(self, "points", tuple(self.points))
        if not self.alt_text.strip():
            raise ValueError(f"map {self.id!r} needs alt text")
        if not self.features:
            raise ValueError(f"map {self.id!r} has no features")
        for feature in self.features:
            index = feature.class_index
            if index is not None and not 0 <= index < len(self.legend):
                raise ValueError(
                    f"map {self.id!r}: {feature.code} has class {index}, "
                    f"but the legend has {len(self.legend)} classes"
                )
        if self.points and not self.points_label:
            raise ValueError(f"map {self.id!r}: a point layer needs points_label")


# --------------------------------------------------------------------------- structure

Block: TypeAlias = (
    "Paragraph | Finding | Callout | DataGap | RecommendationList | NumberedList | Table | Chart "
    "| Map | Section"
)


@dataclass(frozen=True)
class Section:
    """A titled part of the document; sections nest (level 1 chapters, 2 and 3 inside).

    Parameters
    ----------
    id
        Lower-case snake_case, unique in the document (an anchor in HTML).
    title
        The heading.
    level
        1 for a chapter; a child section is one level deeper (at most 3).
    children
        The blocks in reading order.
    summary
        An optional one-paragraph summary shown under the heading.
    landscape
        Printed on landscape pages (wide tables).
    """

    id: str
    title: str
    level: int
    children: tuple[Block, ...] = ()
    summary: str | None = None
    landscape: bool = False

    def __post_init__(self) -> None:
        _check_id("section", self.id)
        object.__setattr__(self, "children", tuple(self.children))
        if not 1 <= self.level <= 3:
            raise ValueError(f"section {self.id!r}: level must be 1, 2 or 3")
        for child in self.children:
            if isinstance(child, Section) and child.level != self.level + 1:
                raise ValueError(
                    f"section {child.id!r} is level {child.level} inside level-{self.level} "
                    f"section {self.id!r}; expected {self.level + 1}"
                )

    def sections(self) -> tuple[Section, ...]:
        """The direct sub-sections."""
        return tuple(c for c in self.children if isinstance(c, Section))


Placed: TypeAlias = "tuple[Section | None, Block]"
"""A block with the section holding it (None for a top-level section)."""


@dataclass(frozen=True)
class InputFile:
    """One loaded file behind the figures (a ``load_ledger`` row)."""

    source: str
    file_name: str
    sha256: str


@dataclass(frozen=True)
class Metadata:
    """What the manifest records so every published figure can be traced and rebuilt.

    Parameters
    ----------
    period
        The strategic period as ``YYYY-MM:YYYY-MM``.
    comparison_period
        The comparison period, same form.
    inputs
        The loaded files behind the figures, with their sha256.
    config
        The partnership configuration as plain JSON-ready data.
    software_version
        The cspkit version that built the document.
    warehouse
        The warehouse it was built from, as the user named it (a DuckDB file or a URL).
    area_names
        The names of the areas it covers ("Stockton-on-Tees").
    """

    period: str
    comparison_period: str
    inputs: tuple[InputFile, ...] = ()
    config: Mapping[str, Any] = field(default_factory=dict, hash=False)
    software_version: str = ""
    warehouse: str = ""
    area_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "area_names", tuple(self.area_names))
        object.__setattr__(self, "config", _json_ready(self.config, "metadata config"))


@dataclass(frozen=True)
class Document:
    """A complete partnership strategic assessment.

    Parameters
    ----------
    title
        "Partnership Strategic Assessment 2025".
    partnership
        The partnership's name.
    period_text
        The strategic period as readers say it ("1 October 2024 to 30 September 2025").
    sections
        Level-1 sections in order.
    metadata
        Provenance for the manifest.
    subtitle
        An optional second line on the cover.
    issued
        The date of issue, shown on the cover and used as the DOCX/XLSX creation date
        (so the same Document gives the same files). Defaults to none shown.
    layout
        ``"report"``: a cover page, a contents page, numbered sections and a colophon on
        how it was built (the assessment). ``"paper"``: a meeting paper as partnerships
        write them: the title, then "<partnership>: <period_text>", unnumbered headings,
        no contents or colophon (a progress report).
    """

    title: str
    partnership: str
    period_text: str
    sections: tuple[Section, ...]
    metadata: Metadata
    subtitle: str = ""
    issued: dt.date | None = None
    layout: Literal["report", "paper"] = "report"

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", tuple(self.sections))
        for section in self.sections:
            if section.level != 1:
                raise ValueError(f"top-level section {section.id!r} must be level 1")
        seen: dict[str, str] = {}
        for _, block in self.walk():
            block_id = getattr(block, "id", None)
            if block_id is None:
                continue
            kind = type(block).__name__.lower()
            if block_id in seen:
                raise ValueError(f"{kind} id {block_id!r} is already used by a {seen[block_id]}")
            seen[block_id] = kind
        for _, block in self.walk():
            reference = getattr(block, "table_id", None) or getattr(block, "source_table", None)
            if reference is not None and seen.get(reference) != "table":
                raise ValueError(
                    f"{type(block).__name__} refers to table {reference!r}, "
                    "which is not in the document"
                )

    def walk(self) -> Iterator[Placed]:
        """Every block in reading order, sections included, each with the section holding it
        (None for a top-level section)."""

        def visit(parent: Section | None, section: Section) -> Iterator[Placed]:
            yield parent, section
            for child in section.children:
                if isinstance(child, Section):
                    yield from visit(section, child)
                else:
                    yield section, child

        for section in self.sections:
            yield from visit(None, section)

    def all_sections(self) -> tuple[Section, ...]:
        """Every section at every level, in reading order."""
        return tuple(b for _, b in self.walk() if isinstance(b, Section))

    def tables(self) -> tuple[Table, ...]:
        """Every table, in reading order."""
        return tuple(b for _, b in self.walk() if isinstance(b, Table))

    def figures(self) -> tuple[Chart | Map, ...]:
        """Every chart and map, in reading order (they share one figure numbering)."""
        return tuple(b for _, b in self.walk() if isinstance(b, Chart | Map))

    def findings(self) -> tuple[Finding, ...]:
        """Every finding, most important first (ties keep reading order)."""
        found = [b for _, b in self.walk() if isinstance(b, Finding)]
        return tuple(sorted(found, key=lambda f: -f.importance))

    def data_gaps(self) -> tuple[DataGap, ...]:
        """Every data gap, in reading order."""
        return tuple(b for _, b in self.walk() if isinstance(b, DataGap))
