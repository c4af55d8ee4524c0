"""Map a table's header row to the fields of an action plan or a register.

Columns are found by their header text, never by position, so a table with its columns in
another order, or with a column missing, still imports. A header nobody recognises stops
the import with a message naming it: guessing would put text in the wrong field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from cspkit.errors import CspError
from cspkit.tracker.importers.source import SourceLine


class Field(StrEnum):
    REFERENCE = "reference"
    SECTION = "section"
    LEAD = "lead"
    ACTION = "action"
    RECOMMENDATION = "recommendation"
    DATA_GAP = "data_gap"
    UPDATE = "update"
    STATUS = "status"
    # Shown by the progress report; read but not imported (edit them in the tracker).
    MEASURE = "measure"
    DUE_DATE = "due date"


class TableKind(StrEnum):
    ACTIONS = "action plan"
    RECOMMENDATIONS = "recommendations register"
    DATA_REQUIREMENTS = "data requirements register"


HEADER_NAMES: dict[Field, tuple[str, ...]] = {
    Field.REFERENCE: ("no", "number", "ref", "reference", "ref no", "item", "#"),
    Field.SECTION: ("section", "theme", "priority", "chapter"),
    Field.LEAD: (
        "lead",
        "agency",
        "lead agency",
        "owner",
        "responsible",
        "action point lead",
        "lead officer",
    ),
    Field.ACTION: ("action", "actions", "action required", "action point"),
    Field.RECOMMENDATION: ("recommendation", "recommendations"),
    Field.DATA_GAP: ("data gap", "data gaps", "data requirement", "data requirements"),
    Field.UPDATE: ("update", "updates", "progress", "latest update", "progress update"),
    Field.STATUS: ("status", "rag", "rag status"),
    Field.MEASURE: ("measure", "measure or target", "target", "measure of success"),
    Field.DUE_DATE: ("due", "due date", "by when", "deadline", "target date"),
}

_LOOKUP = {name: field for field, names in HEADER_NAMES.items() for name in names}


@dataclass(frozen=True)
class TableLayout:
    """Which column holds which field, for one table."""

    kind: TableKind
    columns: dict[Field, int]

    def value(self, row: SourceLine, field: Field) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]

    def raw_value(self, row: SourceLine, field: Field) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(row.raw_cells):
            return ""
        return row.raw_cells[index]


def header_key(text: str) -> str:
    return re.sub(r"[\s.:]+", " ", text.lower()).strip()


def is_header_row(row: SourceLine, layout: TableLayout) -> bool:
    """Whether ``row`` repeats the header (tables split over pages repeat it)."""
    return all(
        _LOOKUP.get(header_key(row.cells[index])) == field
        for field, index in layout.columns.items()
        if index < len(row.cells)
    )


def layout_from_header(row: SourceLine, *, path: str) -> TableLayout:
    """The layout a header row describes; a :class:`CspError` names what is wrong."""
    columns: dict[Field, int] = {}
    for index, cell in enumerate(row.cells):
        if not cell:
            continue
        field = _LOOKUP.get(header_key(cell))
        if field is None:
            raise CspError(
                f"{row.where}, column {index + 1}: unknown column header '{cell}' "
                f"(headers: {', '.join(repr(c) for c in row.cells if c)})",
                path=path,
                line=row.line,
                hint=f"Rename the column to one of: {_accepted_headers()}",
            )
        if field in columns:
            raise CspError(
                f"{row.where}, column {index + 1}: a second '{cell}' column "
                f"(column {columns[field] + 1} already holds the {field.value})",
                path=path,
                line=row.line,
                hint="Remove or rename one of the two columns",
            )
        columns[field] = index
    return TableLayout(_kind(columns, row, path=path), columns)


def _kind(columns: dict[Field, int], row: SourceLine, *, path: str) -> TableKind:
    if Field.DATA_GAP in columns:
        return TableKind.DATA_REQUIREMENTS
    if Field.RECOMMENDATION in columns:
        return TableKind.RECOMMENDATIONS
    if Field.ACTION in columns and Field.REFERENCE in columns:
        return TableKind.ACTIONS
    raise CspError(
        f"{row.where}: this table has no column saying what it lists "
        f"(headers: {', '.join(repr(c) for c in row.cells if c)})",
        path=path,
        line=row.line,
        hint=(
            "An action plan needs 'No' and 'Action' columns, a recommendations register a "
            "'Recommendation' column, a data requirements register a 'Data gap' column"
        ),
    )


def _accepted_headers() -> str:
    return "; ".join(
        f"{field.value}: {', '.join(repr(name) for name in names)}"
        for field, names in HEADER_NAMES.items()
    )
