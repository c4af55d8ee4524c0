"""Find the date a progress paper was written: its signature line, else its title."""

from __future__ import annotations

import re
from datetime import date

from cspkit.tracker.importers.parsed import DocumentDate
from cspkit.tracker.importers.source import SourceLine

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = "(" + "|".join(_MONTHS) + ")"
_FULL_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b", re.I)
_SIGNATURE_LENGTH = 80


def document_date(lines: list[SourceLine], *, title: str) -> DocumentDate | None:
    """The day of a short signature-like line ("28th June 2010"), else the title's month.

    A month alone ("Action Plan Update August 2008") gives the first of that month.
    """
    for line in lines:
        if line.is_row or len(line.text) > _SIGNATURE_LENGTH:
            continue
        match = _FULL_DATE.search(line.text)
        if match:
            day, month, year = match.groups()
            value = _safe_date(int(year), _month_number(month), int(day))
            if value is not None:
                return DocumentDate(value, line.where, match.group(0))
    match = _MONTH_YEAR.search(title)
    if match:
        month, year = match.groups()
        return DocumentDate(date(int(year), _month_number(month), 1), "title", match.group(0))
    return None


def _month_number(name: str) -> int:
    return _MONTHS.index(name.lower()) + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_DATED_UPDATE = re.compile(rf"^(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}}):\s*", re.I)


def dated_update(text: str) -> tuple[date | None, str]:
    """Split "1 March 2026: Patrols started." (how progress reports date an update) into
    the date and the text; text without such a date comes back whole.

    >>> dated_update("1 March 2026: Patrols started.")
    (datetime.date(2026, 3, 1), 'Patrols started.')
    """
    match = _DATED_UPDATE.match(text)
    if match is None:
        return None, text
    day, month, year = match.groups()
    value = _safe_date(int(year), _month_number(month), int(day))
    return (value, text[match.end() :]) if value is not None else (None, text)
