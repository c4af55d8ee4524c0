"""What every renderer shares: table and figure numbers, grouped findings, empty sections,
text safe for XML."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from cspkit.assessment.document import (
    Block,
    Cell,
    Chart,
    Column,
    Document,
    Finding,
    Map,
    Section,
    Table,
)

EMPTY_SECTION_TEXT = "There is nothing to report in this section for this strategic period."

KIND_LABELS = {
    "rise": "Rise",
    "fall": "Fall",
    "no-significant-change": "No significant change",
    "highest": "Highest",
    "lowest": "Lowest",
    "hot-spot": "Hot spot",
    "target": "Target",
    "note": "Note",
}

KIND_MARKS = {
    "rise": "▲",
    "fall": "▼",
    "no-significant-change": "■",
    "highest": "●",
    "lowest": "○",
    "hot-spot": "◆",
    "target": "◎",
    "note": "•",
}


@dataclass(frozen=True)
class Findings:
    """Consecutive findings in a section, shown together as one list."""

    items: tuple[Finding, ...]


def grouped(children: Sequence[Block]) -> Iterator[Block | Findings]:
    """The blocks of a section with each run of consecutive findings gathered into a list."""
    run: list[Finding] = []
    for child in children:
        if isinstance(child, Finding):
            run.append(child)
            continue
        if run:
            yield Findings(tuple(run))
            run = []
        yield child
    if run:
        yield Findings(tuple(run))


@dataclass(frozen=True)
class Numbering:
    """Table and figure numbers in reading order ("Table 3", "Figure 2")."""

    tables: dict[str, int]
    figures: dict[str, int]

    @classmethod
    def of(cls, document: Document) -> Numbering:
        """Number the document's tables and figures (charts and maps share one sequence)."""
        tables = {t.id: n for n, t in enumerate(document.tables(), start=1)}
        figures = {f.id: n for n, f in enumerate(document.figures(), start=1)}
        return cls(tables, figures)

    def label_for_id(self, block_id: str) -> str:
        """The label of the table or figure with this id."""
        if block_id in self.tables:
            return f"Table {self.tables[block_id]}"
        return f"Figure {self.figures[block_id]}"

    def label(self, block: Table | Chart | Map) -> str:
        """The label: "Table 3" or "Figure 2"."""
        if isinstance(block, Table):
            return f"Table {self.tables[block.id]}"
        return f"Figure {self.figures[block.id]}"


SHORT_TABLE_ROWS = 12
SHORT_TABLE_LINES = 20
LINE_CHARACTERS = 30
"""A table of at most ``SHORT_TABLE_ROWS`` rows and about ``SHORT_TABLE_LINES`` lines of
text is short: half a landscape page at most. Each row counts as its tallest cell, at
``LINE_CHARACTERS`` characters a line (a narrow column's width), a paragraph at least one
line and the space between a cell's paragraphs one more."""


def _cell_lines(value: object, column: Column) -> int:
    paragraphs = value.text.split("\n\n") if isinstance(value, Cell) else [column.render(value)]
    return (sum(max(1, -(-len(p) // LINE_CHARACTERS)) for p in paragraphs)
            + len(paragraphs) - 1)


def keeps_whole(table: Table) -> bool:
    """Whether a table moves to the next page whole rather than split (PDF and Word).

    A short table moves whole; a longer one (or one of few but tall rows, such as an action
    plan's) may split between rows, with its header repeated, so that a heading above it is
    never left alone because the table could not fit under it on any page.

    >>> from cspkit.assessment.document import Column
    >>> keeps_whole(Table(id="t", caption="", columns=(Column("a", "A"),), rows=[("x",)],
    ...                   source="s"))
    True
    """
    if len(table.rows) > SHORT_TABLE_ROWS:
        return False
    lines = sum(max(_cell_lines(value, column) for column, value in zip(table.columns, row,
                                                                         strict=True))
                for row in table.rows)
    return lines <= SHORT_TABLE_LINES


def section_numbers(document: Document) -> dict[str, str]:
    """Section numbers by id: "1", "1.2", "1.2.3"."""
    numbers: dict[str, str] = {}

    def visit(sections: Sequence[Section], prefix: str) -> None:
        for n, section in enumerate(sections, start=1):
            number = f"{prefix}{n}"
            numbers[section.id] = number
            visit(section.sections(), f"{number}.")

    visit(document.sections, "")
    return numbers


def column_widths(
    texts: Sequence[Sequence[str]], *, cap: int = 40, line: int = 84
) -> list[float]:
    """Shares of the line width for a table's columns, from the text in each.

    Each column asks for its longest text (capped at ``cap`` characters, since long text
    wraps anyway) and never gets less than its longest word, so a name is not broken over
    four lines while a column of four-digit counts takes a third of the page. When the
    columns ask for more than the line holds, the ones above their longest word give way
    in proportion to what they can spare.

    Parameters
    ----------
    texts
        One sequence per column: its header and every cell as shown.
    cap
        The most characters a column asks for.
    line
        The characters a line holds: about 84 of 9 pt Arial across an A4 page,
        allowing for cell padding and bold headers.

    Returns
    -------
    list of float
        One share per column, summing to 1.

    Examples
    --------
    >>> [round(w, 2) for w in column_widths([["Ward", "Stockton Town Centre"], ["Count", "1,794"]])]
    [0.74, 0.26]
    """
    wanted = [min(max((len(t) for t in column), default=1), cap) + 3 for column in texts]
    floors = [
        min(max((len(word) for t in column for word in t.split()), default=1) + 3, want)
        for column, want in zip(texts, wanted, strict=True)
    ]
    line = max(line, sum(floors))
    if sum(wanted) > line:
        spare = sum(w - f for w, f in zip(wanted, floors, strict=True))
        cut = (sum(wanted) - line) / spare if spare else 0.0
        wanted = [w - (w - f) * cut for w, f in zip(wanted, floors, strict=True)]
    total = sum(wanted)
    return [w / total for w in wanted]


# XML 1.0 holds tab, line feed, carriage return and the characters from space up, except
# surrogates and U+FFFE/U+FFFF. Text pasted from Word brings vertical tabs (its manual line
# breaks) and form feeds (page breaks): those become line breaks; other controls go.
_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})

T = TypeVar("T")


def xml_text(text: str) -> str:
    """``text`` with only characters an XML document (DOCX, XLSX, XHTML) can hold.

    >>> xml_text("Patrols\\x0bstarted\\x00.")
    'Patrols\\nstarted.'
    """
    return _NOT_IN_XML.sub("", text.translate(_BREAKS))


def xml_safe(value: T) -> T:
    """``value`` (a Document, or anything a Document holds) with :func:`xml_text` applied to
    every string in it, so no writer fails on a stray control character in the data."""
    if isinstance(value, str):
        return xml_text(value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: xml_safe(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple | list):
        return type(value)(xml_safe(item) for item in value)  # type: ignore[return-value]
    if isinstance(value, Mapping):
        return {key: xml_safe(item) for key, item in value.items()}  # type: ignore[return-value]
    return value
