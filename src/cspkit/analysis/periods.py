"""Strategic periods: closed ranges of whole months, and the periods they are compared with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cspkit.errors import CspError

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

ComparisonRule = Literal["previous", "year-earlier"]


def month_index(month: str, *, field: str = "month") -> int:
    """Months since year 0 for a ``YYYY-MM`` string (so that month arithmetic is integer)."""
    match = _MONTH.match(str(month))
    if not match:
        raise CspError(
            f"{field} {month!r} is not a month",
            hint="Write months as YYYY-MM, e.g. 2025-01",
        )
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_from_index(index: int) -> str:
    """The ``YYYY-MM`` string for a month index made by :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shift_month(month: str, months: int) -> str:
    """The month ``months`` after ``month`` (negative for before).

    >>> shift_month("2025-01", -1)
    '2024-12'
    """
    return month_from_index(month_index(month) + months)


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def month_words(month: str) -> str:
    """A ``YYYY-MM`` month as readers write it.

    >>> month_words("2025-12")
    'December 2025'
    """
    index = month_index(month)
    return f"{MONTH_NAMES[index % 12]} {index // 12}"


@dataclass(frozen=True)
class StrategicPeriod:
    """A closed range of whole months, ``start`` to ``end`` inclusive.

    Parameters
    ----------
    start, end
        First and last month, ``YYYY-MM``.

    Examples
    --------
    >>> period = StrategicPeriod("2025-01", "2025-12")
    >>> period.n_months, period.previous().label
    (12, '2024-01 to 2024-12')
    >>> StrategicPeriod("2024-10", "2025-09").previous("year-earlier").label
    '2023-10 to 2024-09'
    """

    start: str
    end: str

    def __post_init__(self) -> None:
        if month_index(self.start, field="period start") > month_index(
            self.end, field="period end"
        ):
            raise CspError(
                f"period start {self.start} is after its end {self.end}",
                hint="A strategic period runs from its first month to its last",
            )

    @classmethod
    def ending(cls, end: str, months: int = 12) -> StrategicPeriod:
        """The ``months``-month period whose last month is ``end``."""
        if months < 1:
            raise CspError(f"a period needs at least one month, not {months}")
        return cls(shift_month(end, -(months - 1)), end)

    @property
    def n_months(self) -> int:
        return month_index(self.end) - month_index(self.start) + 1

    @property
    def months(self) -> tuple[str, ...]:
        """Every month of the period, in order."""
        first = month_index(self.start)
        return tuple(month_from_index(first + i) for i in range(self.n_months))

    @property
    def label(self) -> str:
        return f"{self.start} to {self.end}"

    @property
    def words(self) -> str:
        """The period as readers write it, the year said once when both ends share it.

        >>> StrategicPeriod("2025-01", "2025-12").words
        'January to December 2025'
        >>> StrategicPeriod("2024-11", "2025-02").words
        'November 2024 to February 2025'
        >>> StrategicPeriod("2025-03", "2025-03").words
        'March 2025'
        """
        if self.start == self.end:
            return month_words(self.start)
        if self.start[:4] == self.end[:4]:
            return f"{MONTH_NAMES[month_index(self.start) % 12]} to {month_words(self.end)}"
        return f"{month_words(self.start)} to {month_words(self.end)}"

    @classmethod
    def from_label(cls, label: str) -> StrategicPeriod:
        """The period a :attr:`label` names ("2025-01 to 2025-12").

        >>> StrategicPeriod.from_label("2024-11 to 2025-02").n_months
        4
        """
        start, sep, end = str(label).partition(" to ")
        if not sep:
            raise CspError(f"{label!r} is not a period", hint="Write it as YYYY-MM to YYYY-MM")
        return cls(start.strip(), end.strip())

    def previous(self, rule: ComparisonRule = "previous") -> StrategicPeriod:
        """The comparison period.

        ``"previous"``: the range of equal length just before this one;
        ``"year-earlier"``: the same months twelve months earlier.
        """
        if rule == "previous":
            step = self.n_months
        elif rule == "year-earlier":
            step = 12
        else:
            raise CspError(
                f"unknown comparison rule {rule!r}",
                hint="Use 'previous' (the equal period just before) or 'year-earlier'",
            )
        return StrategicPeriod(shift_month(self.start, -step), shift_month(self.end, -step))
