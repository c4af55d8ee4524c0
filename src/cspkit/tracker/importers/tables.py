"""Turn the rows of one table into action, recommendation or data requirement rows.

A row with an empty number/reference continues the row above (a cell wrapped onto the next
page or line in the converted document); its text is appended field by field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cspkit.tracker.importers.headers import Field, TableKind, TableLayout, is_header_row
from cspkit.tracker.importers.parsed import (
    ActionRow,
    DataRequirementRow,
    RecommendationRow,
    Unmapped,
)
from cspkit.tracker.importers.source import SourceLine
from cspkit.tracker.importers.wording import split_sub_actions
from cspkit.tracker.reports.model import FLAGS
from cspkit.tracker.status import RagStatus, status_from_text

# "3", "3." or, numbered within the theme, "2.3" (theme 2, action 3).
_ACTION_NUMBER = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,3})\.?$")
# A cell ending on one of these words was cut off when the document was converted.
_CUT_OFF_WORDS = frozenset(
    ["a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to", "with"]
)
# The progress report's flag words after the status word ("Red Overdue"), dropped on import.
_FLAG_WORDS = re.compile("|".join(re.escape(flag) for flag in FLAGS), re.IGNORECASE)
STATUS_HINT = "expected a word such as Green, Amber, Red, Complete, Not started or Withdrawn"


@dataclass
class _Row:
    where: str
    values: dict[Field, str]
    raw_status: str


@dataclass
class TableRows:
    """The rows of one table, gathered until the table ends."""

    layout: TableLayout
    table: int | None
    rows: list[_Row] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    warnings: list[Unmapped] = field(default_factory=list)

    def add(self, line: SourceLine) -> None:
        if is_header_row(line, self.layout):
            return
        values = {name: self.layout.value(line, name) for name in self.layout.columns}
        raw_status = self.layout.raw_value(line, Field.STATUS).strip()
        has_reference = Field.REFERENCE in self.layout.columns
        if has_reference and not values[Field.REFERENCE]:
            if self.rows:
                self._continue(self.rows[-1], values, raw_status)
            else:
                self.unmapped.append(
                    Unmapped(line.where, line.text, "row without a number or reference")
                )
            return
        self.rows.append(_Row(line.where, values, raw_status))

    @staticmethod
    def _continue(row: _Row, values: dict[Field, str], raw_status: str) -> None:
        for name, text in values.items():
            if text and name != Field.STATUS:
                row.values[name] = f"{row.values.get(name, '')} {text}".strip()
        if raw_status and not row.raw_status:
            row.raw_status = raw_status

    def status(self, row: _Row) -> RagStatus | None:
        if not row.raw_status:
            return None
        status = status_from_text(_FLAG_WORDS.sub("", row.raw_status)) or status_from_text(
            _FLAG_WORDS.sub("", row.values.get(Field.STATUS, ""))
        )
        if status is None:
            self.unmapped.append(
                Unmapped(
                    row.where,
                    row.raw_status,
                    f"status '{row.raw_status}' not recognised ({STATUS_HINT}); "
                    "the row was imported without a status",
                )
            )
        return status

    def actions(self, *, theme_number: int) -> list[ActionRow]:
        actions = []
        for row in self.rows:
            number = _ACTION_NUMBER.match(row.values[Field.REFERENCE])
            if number is None or (number.group(1) and int(number.group(1)) != theme_number):
                self.unmapped.append(
                    Unmapped(
                        row.where,
                        row.values[Field.REFERENCE],
                        f"action number is neither 1, 2, 3 … nor {theme_number}.1, "
                        f"{theme_number}.2 … (this is theme {theme_number}); row skipped",
                    )
                )
                continue
            self._check_cut_off(row, Field.ACTION)
            text, subs = split_sub_actions(row.values[Field.ACTION])
            actions.append(
                ActionRow(
                    where=row.where,
                    number=int(number.group(2)),
                    lead=row.values.get(Field.LEAD, ""),
                    text=text,
                    sub_actions=subs,
                    update=row.values.get(Field.UPDATE, ""),
                    status=self.status(row),
                )
            )
        return actions

    def recommendations(self, *, first_number: int) -> list[RecommendationRow]:
        return [
            RecommendationRow(
                where=row.where,
                reference=row.values.get(Field.REFERENCE) or f"R{first_number + index}",
                text=row.values[Field.RECOMMENDATION],
                section=row.values.get(Field.SECTION, ""),
                lead=row.values.get(Field.LEAD, ""),
                update=row.values.get(Field.UPDATE, ""),
                status=self.status(row),
            )
            for index, row in enumerate(self.rows)
        ]

    def data_requirements(self, *, first_number: int) -> list[DataRequirementRow]:
        return [
            DataRequirementRow(
                where=row.where,
                reference=row.values.get(Field.REFERENCE) or f"D{first_number + index}",
                data_gap=row.values[Field.DATA_GAP],
                lead=row.values.get(Field.LEAD, ""),
                action=row.values.get(Field.ACTION, ""),
                update=row.values.get(Field.UPDATE, ""),
                status=self.status(row),
            )
            for index, row in enumerate(self.rows)
        ]

    def _check_cut_off(self, row: _Row, name: Field) -> None:
        words = row.values.get(name, "").split()
        if words and words[-1].lower() in _CUT_OFF_WORDS:
            self.warnings.append(
                Unmapped(
                    row.where,
                    " ".join(words[-8:]),
                    f"imported, but the {name.value} text stops after '{words[-1]}': "
                    "it may continue in the next row; check it against the original",
                )
            )

    @property
    def kind(self) -> TableKind:
        return self.layout.kind
