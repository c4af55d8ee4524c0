"""Reading the dates and date-times of partner exports, for pseudonymising and for loading.

One rule for both ``csp pseudonymise`` and ``csp load-partner``. A value is read with the
given ``strftime`` format, or as ISO (``2025-01-03``, ``2025-01-03 14:30:00``: what an Excel
cell becomes). A value that carries a time of day after its date (``03/01/2025 14:30``,
as a "Reported On" column does) gives that time, whether or not the format names it; a
value with no time gives the date only. Midnight written as a time (``03/01/2025 00:00``,
or an Excel cell formatted as a date and time) is a time, not "no time".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

# strftime directives that carry a time of day.
_TIME_DIRECTIVE = re.compile(r"%[HIMSpXTRc]")
_TIME_SUFFIXES = (" %H:%M", " %H:%M:%S")


@dataclass(frozen=True)
class DateValue:
    """A date read from an export, and its time of day when the value gave one."""

    day: date
    clock: time | None = None


def _formats(date_format: str) -> list[str]:
    """The formats a value is tried in: as given, with a time after it, and, when the format
    has a time, its date part alone (a row whose time was not recorded)."""
    found = _TIME_DIRECTIVE.search(date_format)
    if found:
        return [date_format, date_format[:found.start()].rstrip(" T,")]
    return [date_format, *(date_format + suffix for suffix in _TIME_SUFFIXES)]


def read_date(value: str, date_format: str | None = None) -> DateValue:
    """The date (and time of day, when written) of ``value``.

    Parameters
    ----------
    value
        Non-blank text from the export.
    date_format
        ``strftime`` format the export writes dates in (``%d/%m/%Y``,
        ``%d/%m/%Y %H:%M``); ISO values are always read too.

    Returns
    -------
    DateValue

    Raises
    ------
    ValueError
        When the value is a date in neither the format nor ISO.

    Examples
    --------
    >>> read_date("03/01/2025 14:30", "%d/%m/%Y")
    DateValue(day=datetime.date(2025, 1, 3), clock=datetime.time(14, 30))
    >>> read_date("2025-01-03 00:00:00").clock, read_date("2025-01-03").clock
    (datetime.time(0, 0), None)
    """
    text = value.strip()
    for fmt in _formats(date_format) if date_format else []:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        timed = _TIME_DIRECTIVE.search(fmt) is not None
        return DateValue(parsed.date(), time(parsed.hour, parsed.minute) if timed else None)
    parsed = datetime.fromisoformat(text)  # raises ValueError
    timed = len(text) > 10
    return DateValue(parsed.date(), time(parsed.hour, parsed.minute) if timed else None)
