"""What every renderer shares: table and figure numbers, grouped findings, empty sections."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cspkit.assessment.document import Block, Chart, Document, Finding, Map, Section, Table

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
