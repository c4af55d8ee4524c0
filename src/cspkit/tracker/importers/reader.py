"""Read a plan document's structure: themes, tables, recommendation lists, cover paragraphs.

The reader walks the source lines once. Tables are read by their headers (see
``headers``); between tables it recognises, in this order:

* a theme heading "N. <TITLE> ACTION PLAN", whose following text gives the thematic lead
  and the initials legend of the action point leads;
* a heading (Word heading style, markdown ``#`` or a wholly bold line), which opens a
  section; a section whose heading mentions recommendations, or a sentence ending in ":"
  that announces them, opens a recommendations list;
* in a recommendations list: a bold roman-numbered heading ("IV. Prioritise …:") starts a
  recommendation whose following paragraphs are its progress; a numbered or bulleted item
  starts one too; a paragraph starting "UPDATE-" is the update of the one before;
* elsewhere, numbered paragraphs ("1. Members will recall …") are cover paragraphs.

Anything else is listed as unmapped with where it is, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from cspkit.tracker.importers.dates import document_date
from cspkit.tracker.importers.headers import TableKind, layout_from_header
from cspkit.tracker.importers.parsed import (
    CoverParagraph,
    ParsedDocument,
    RecommendationRow,
    ThemePlan,
    Unmapped,
)
from cspkit.tracker.importers.source import SourceLine, read_source
from cspkit.tracker.importers.tables import TableRows
from cspkit.tracker.importers.wording import read_theme_preamble
from cspkit.tracker.reports.model import NOT_RECORDED

_THEME_HEADING = re.compile(r"^(\d{1,2})\.?\s+(.+?)\s+ACTION\s+PLAN$", re.IGNORECASE)
_ROMAN_ITEM = re.compile(r"^([IVXL]{1,6})\.\s+(.+)$")
_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(.+)$")
_SUB_POINT = re.compile(r"^[a-z]\)\s+")
_UPDATE = re.compile(r"^UPDATE\s*[-:\u2013]\s*", re.IGNORECASE)
_OUTLINE = re.compile(r"^Pages?\s+\d+", re.IGNORECASE)
_SENTENCE_END = (".", ":", ";", "!", "?", ")")

NARRATIVE = "narrative paragraph, not in a table or a recommendations list"


def read_document(path: Path) -> ParsedDocument:
    """Everything ``path`` holds that belongs in a plan, and what did not fit."""
    lines = _join_broken_paragraphs(read_source(path))
    return _Reader(str(path), lines).read()


def _join_broken_paragraphs(lines: list[SourceLine]) -> list[SourceLine]:
    """Rejoin a paragraph a page break cut in two (it resumes in lower case).

    The pieces of each paragraph are gathered first and joined once, so a long run of
    such lines costs one pass, not one copy of the growing paragraph per line.
    """
    joined: list[SourceLine] = []
    pieces: dict[int, list[SourceLine]] = {}  # index in ``joined`` -> the lines it gathers
    last_text = -1  # index in ``joined`` of the last line that is not blank
    for line in lines:
        previous = pieces[last_text][-1] if last_text in pieces else None
        if (
            previous is not None
            and _is_plain(joined[last_text])
            and _is_plain(line)
            and line.text[:1].islower()
            and not previous.text.endswith(_SENTENCE_END)
        ):
            pieces[last_text].append(line)
            del joined[last_text + 1 :]
            continue
        joined.append(line)
        if not line.is_blank:
            last_text = len(joined) - 1
            pieces[last_text] = [line]
    for index, gathered in pieces.items():
        if len(gathered) > 1:
            first = gathered[0]
            joined[index] = SourceLine(
                first.where,
                first.line,
                (" ".join(piece.text for piece in gathered),),
                (" ".join(piece.raw_cells[0] for piece in gathered),),
            )
    return joined


def _is_plain(line: SourceLine) -> bool:
    return (
        not line.is_row
        and not line.is_blank
        and not line.heading_level
        and not line.emphasised
        and not line.bulleted
    )


class _Reader:
    def __init__(self, path: str, lines: list[SourceLine]) -> None:
        self.path = path
        self.lines = lines
        self.document = ParsedDocument(path=path)
        self.table: TableRows | None = None
        self.theme: ThemePlan | None = None
        self.preamble: list[str] | None = None
        self.section = ""
        self.in_recommendations = False
        self.recommendation: RecommendationRow | None = None
        self.recommendation_has_progress = False
        self.last_cover: CoverParagraph | None = None

    def read(self) -> ParsedDocument:
        for line in self.lines:
            if line.is_blank:
                continue
            if line.is_row:
                self._row(line)
                continue
            if line.table is not None and self.table is not None and line.table == self.table.table:
                self._unmapped(line, "merged row inside a table; the rows after it were read on")
                continue
            self._end_table()
            self._paragraph(line)
        self._end_table()
        self.document.dated = document_date(self.lines, title=self.document.title)
        return self.document

    # tables -----------------------------------------------------------------------------

    def _row(self, line: SourceLine) -> None:
        if self.table is not None and line.table == self.table.table:
            self.table.add(line)
            return
        self._end_table()
        layout = layout_from_header(line, path=self.path)
        self.table = TableRows(layout, line.table)
        if layout.kind is TableKind.ACTIONS:
            self._start_action_table(line)
        self.recommendation = None
        self.last_cover = None

    def _start_action_table(self, line: SourceLine) -> None:
        if self.theme is None:
            self.theme = ThemePlan(
                line.where, len(self.document.themes) + 1, self.section or "Action plan"
            )
            self.document.themes.append(self.theme)
        if self.preamble is not None:
            lead, legend = read_theme_preamble(" ".join(self.preamble))
            self.theme.thematic_lead = "" if lead.lower() == NOT_RECORDED else lead
            self.theme.lead_legend = legend
            self.preamble = None

    def _end_table(self) -> None:
        if self.table is None:
            return
        table, self.table = self.table, None
        document = self.document
        if table.kind is TableKind.ACTIONS and self.theme is not None:
            self.theme.actions.extend(table.actions(theme_number=self.theme.number))
        elif table.kind is TableKind.RECOMMENDATIONS:
            first = len(document.recommendations) + 1
            document.recommendations.extend(table.recommendations(first_number=first))
        elif table.kind is TableKind.DATA_REQUIREMENTS:
            first = len(document.data_requirements) + 1
            document.data_requirements.extend(table.data_requirements(first_number=first))
        document.unmapped.extend(table.unmapped)
        document.warnings.extend(table.warnings)

    # paragraphs -------------------------------------------------------------------------

    def _paragraph(self, line: SourceLine) -> None:
        text = line.text
        theme = _THEME_HEADING.match(text)
        if theme:
            self._start_theme(line, int(theme.group(1)), theme.group(2))
            return
        if self.preamble is not None:
            self.preamble.append(text)
            return
        if _UPDATE.match(text):
            self._update(line, _UPDATE.sub("", text))
            return
        if line.heading_level or line.emphasised:
            self._heading(line, text)
            return
        if self.in_recommendations and self._list_item(line, text):
            return
        if self.recommendation is not None and self.recommendation_has_progress:
            _add_progress(self.recommendation, text)
            return
        if self._cover(line, text):
            return
        if not self.document.title and not self._seen_content():
            self.document.title = text
            return
        if "recommendation" in text.lower() and text.endswith(":"):
            self.in_recommendations = True
            return
        reason = "outline entry of a document layout" if _OUTLINE.match(text) else NARRATIVE
        self._unmapped(line, reason)

    def _start_theme(self, line: SourceLine, number: int, title: str) -> None:
        self.theme = ThemePlan(line.where, number, title)
        self.document.themes.append(self.theme)
        self.preamble = []
        self.in_recommendations = False
        self.recommendation = None
        self.last_cover = None

    def _heading(self, line: SourceLine, text: str) -> None:
        roman = _ROMAN_ITEM.match(text)
        if roman and self.in_recommendations:
            self._start_recommendation(line, roman.group(1), roman.group(2), progress=True)
            return
        if not self.document.title and not self._seen_content():
            self.document.title = text
            return
        numbered = _NUMBERED.match(text)
        self.section = numbered.group(2) if numbered else text
        self.in_recommendations = "recommendation" in text.lower()
        self.recommendation = None
        self.last_cover = None
        if self.theme is not None and self.theme.actions:
            self.theme = None

    def _list_item(self, line: SourceLine, text: str) -> bool:
        numbered = _NUMBERED.match(text)
        if numbered:
            self._start_recommendation(line, numbered.group(1), numbered.group(2))
            return True
        if line.list_number is not None:
            self._start_recommendation(line, str(line.list_number), text)
            return True
        if line.bulleted:
            reference = f"R{len(self.document.recommendations) + 1}"
            self._start_recommendation(line, reference, text)
            return True
        return False

    def _start_recommendation(
        self, line: SourceLine, reference: str, text: str, *, progress: bool = False
    ) -> None:
        self.recommendation = RecommendationRow(
            where=line.where,
            reference=reference,
            text=text.rstrip(":").strip(),
            section=self.section,
        )
        self.recommendation_has_progress = progress
        self.document.recommendations.append(self.recommendation)

    def _update(self, line: SourceLine, text: str) -> None:
        if self.recommendation is None:
            self._unmapped(line, "update paragraph with no recommendation before it")
            return
        _add_progress(self.recommendation, text)

    def _cover(self, line: SourceLine, text: str) -> bool:
        if self.theme is not None or self.in_recommendations:
            return False
        numbered = _NUMBERED.match(text)
        if numbered or line.list_number is not None:
            number, body = (
                (int(numbered.group(1)), numbered.group(2))
                if numbered
                else (line.list_number, text)
            )
            self.last_cover = CoverParagraph(line.where, number, body)
            self.document.cover_paragraphs.append(self.last_cover)
            return True
        if self.last_cover is not None and _SUB_POINT.match(text):
            self.last_cover = CoverParagraph(
                self.last_cover.where, self.last_cover.number, f"{self.last_cover.text}\n{text}"
            )
            self.document.cover_paragraphs[-1] = self.last_cover
            return True
        return False

    def _seen_content(self) -> bool:
        document = self.document
        return bool(document.has_plan_items or document.cover_paragraphs or document.unmapped)

    def _unmapped(self, line: SourceLine, reason: str) -> None:
        self.last_cover = None
        self.document.unmapped.append(Unmapped(line.where, line.text, reason))


def _add_progress(recommendation: RecommendationRow, text: str) -> None:
    previous = recommendation.update
    recommendation.update = f"{previous}\n\n{text}" if previous else text
