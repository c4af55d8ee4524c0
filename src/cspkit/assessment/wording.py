"""How figures become words: counts, percentages and changes, worded honestly.

One rule governs every sentence about a change: a change that is not statistically
significant is never called a rise or a fall. It is written as "up 4% (120 → 125), not a
statistically significant change", so a reader quoting the sentence quotes the caveat too.
Counts below the small-number threshold carry a warning that the percentage is unreliable.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cspkit.analysis.periods import StrategicPeriod

NOT_SIGNIFICANT = "not a statistically significant change"
SMALL_NUMBERS = "small numbers, so treat the percentage with caution"


def count_text(value: int | float) -> str:
    """A count with thousands separators.

    >>> count_text(12345)
    '12,345'
    """
    return f"{int(value):,}"


def percent_text(value: float) -> str:
    """An unsigned percentage: whole numbers from 10% up, one decimal below.

    >>> percent_text(27.95), percent_text(-3.165), percent_text(0.04)
    ('28%', '3.2%', '0.0%')
    """
    size = abs(value)
    return f"{size:.0f}%" if round(size) >= 10 else f"{size:.1f}%"


def correlation_text(rho: float) -> str:
    """A rank correlation to two decimals, or why there is none.

    >>> correlation_text(0.4567), correlation_text(float("nan"))
    ('0.46', 'not defined (fewer than three LSOAs, or no variation)')
    """
    if math.isnan(rho):
        return "not defined (fewer than three LSOAs, or no variation)"
    return f"{rho:.2f}"


def rate_text(value: float) -> str:
    """A rate per 1,000 with one decimal.

    >>> rate_text(94.8659)
    '94.9'
    """
    return f"{value:,.1f}"


def share_text(fraction: float) -> str:
    """A share of a whole (0.364 → '36%').

    >>> share_text(0.3642)
    '36%'
    """
    return percent_text(100.0 * fraction)


def ordinal(n: int) -> str:
    """1 → '1st', 2 → '2nd', 11 → '11th'.

    >>> [ordinal(i) for i in (1, 2, 3, 4, 11, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def months_text(period: StrategicPeriod) -> str:
    """The months a period covers, as a column heading says them.

    >>> months_text(StrategicPeriod("2025-07", "2025-12"))
    'Jul–Dec 2025'
    >>> months_text(StrategicPeriod("2024-10", "2025-03")), months_text(
    ...     StrategicPeriod("2025-12", "2025-12"))
    ('Oct 2024–Mar 2025', 'Dec 2025')
    """
    (start_year, start_month), (end_year, end_month) = (
        (int(part) for part in month.split("-")) for month in (period.start, period.end))
    first, last = calendar.month_abbr[start_month], calendar.month_abbr[end_month]
    if period.start == period.end:
        return f"{last} {end_year}"
    if start_year == end_year:
        return f"{first}–{last} {end_year}"
    return f"{first} {start_year}–{last} {end_year}"


def names_text(names: Sequence[str]) -> str:
    """Names joined as a sentence lists them.

    >>> names_text(["Yarm"]), names_text(["Yarm", "Eaglescliffe", "Newtown"])
    ('Yarm', 'Yarm, Eaglescliffe and Newtown')
    """
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def most_text(counts: dict[str, int], *, of: int, noun: str) -> str:
    """Where the most of ``of`` things are, worded so that it is true of ``counts``.

    "most of them" only when one name holds more than half; otherwise the largest count
    with every name that holds it.

    >>> most_text({"Mandale": 7, "Newtown": 2}, of=9, noun="ward")
    'most of them (7) in Mandale'
    >>> most_text({"Mandale": 3, "Newtown": 2, "Yarm": 1}, of=6, noun="ward")
    '3 in Mandale, more than in any other ward'
    >>> most_text({"Mandale": 3, "Town Centre": 3, "Yarm": 1}, of=7, noun="ward")
    '3 each in Mandale and Town Centre, more than in any other ward'
    """
    top = max(counts.values())
    leaders = sorted(name for name, n in counts.items() if n == top)
    if len(leaders) == 1 and 2 * top > of:
        return f"most of them ({top}) in {leaders[0]}"
    if len(leaders) == len(counts):
        return f"{top} {'each ' if len(leaders) > 1 else ''}in {names_text(leaders)}"
    each = "each " if len(leaders) > 1 else ""
    return f"{top} {each}in {names_text(leaders)}, more than in any other {noun}"


def p_text(p_value: float) -> str:
    """A p-value for prose.

    >>> p_text(0.0000001), p_text(0.0519)
    ('p < 0.001', 'p = 0.052')
    """
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


@dataclass(frozen=True)
class Change:
    """A count in two periods with its exact-test p-value.

    Parameters
    ----------
    name
        What was counted, as the sentence should start ("Shoplifting").
    current, previous
        Counts in the strategic and comparison periods.
    p_value
        Two-sided exact Poisson test p-value.
    alpha
        Significance level.
    small_number
        Counts below this in either period are flagged.
    baseline
        The comparison period, when the sentence must name it ("Jul–Dec 2024"): written
        after the counts as "against Jul–Dec 2024".
    """

    name: str
    current: int
    previous: int
    p_value: float
    alpha: float = 0.05
    small_number: int = 20
    baseline: str = ""

    @property
    def change(self) -> int:
        return int(self.current) - int(self.previous)

    @property
    def pct_change(self) -> float:
        """Percentage change; NaN when the previous count is 0."""
        if self.previous == 0:
            return math.nan
        return 100.0 * self.change / self.previous

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha

    @property
    def small(self) -> bool:
        return min(self.current, self.previous) < self.small_number

    @property
    def direction(self) -> str:
        """``rise``, ``fall`` or ``no-significant-change`` (the finding kind)."""
        if not self.significant or self.change == 0:
            return "no-significant-change"
        return "rise" if self.change > 0 else "fall"

    def counts_text(self) -> str:
        return f"({count_text(self.previous)} → {count_text(self.current)})"

    def movement_text(self) -> str:
        """The change without a verb: "up 28% (1,760 → 2,252)"."""
        if self.change == 0:
            return f"unchanged at {count_text(self.current)}"
        way = "up" if self.change > 0 else "down"
        if self.previous == 0:
            return f"{way} from 0 to {count_text(self.current)}"
        return f"{way} {percent_text(self.pct_change)} {self.counts_text()}"

    def sentence(self) -> str:
        """The change as one sentence, worded by its significance.

        Examples
        --------
        >>> Change("Shoplifting", 2252, 1760, 8e-15).sentence()
        'Shoplifting rose by 28% (1,760 → 2,252), a statistically significant increase.'
        >>> Change("Theft from the person", 38, 22, 0.0519).sentence()
        'Theft from the person was up 73% (22 → 38), not a statistically significant change \
(p = 0.052).'
        >>> Change("Total recorded crime in Jul–Dec 2025", 11031, 10412, 3e-5,
        ...     baseline="Jul–Dec 2024").sentence()
        'Total recorded crime in Jul–Dec 2025 rose by 5.9% (10,412 → 11,031) against Jul–Dec \
2024, a statistically significant increase.'
        >>> Change("Robbery", 9, 3, 0.146).sentence()
        'Robbery was up 200% (3 → 9), not a statistically significant change (p = 0.146); \
small numbers, so treat the percentage with caution.'
        """
        against = f" against {self.baseline}" if self.baseline else ""
        if self.change == 0:
            text = f"{self.name} was {self.movement_text()}{against}"
        elif self.significant:
            verb, noun = ("rose", "increase") if self.change > 0 else ("fell", "decrease")
            if self.previous == 0:
                text = (f"{self.name} {verb} from 0 to {count_text(self.current)}{against}, "
                        f"a statistically significant {noun}")
            else:
                text = (f"{self.name} {verb} by {percent_text(self.pct_change)} "
                        f"{self.counts_text()}{against}, a statistically significant {noun}")
        else:
            text = (f"{self.name} was {self.movement_text()}{against}, {NOT_SIGNIFICANT} "
                    f"({p_text(self.p_value)})")
        if self.small and self.change != 0:
            text += f"; {SMALL_NUMBERS}"
        return text + "."

    def clause(self) -> str:
        """The change as a clause for a table cell or a list ("up 4%, not significant")."""
        if self.change == 0:
            return "no change"
        way = "up" if self.change > 0 else "down"
        amount = (f"{way} from 0" if self.previous == 0
                  else f"{way} {percent_text(self.pct_change)}")
        return f"{amount}, {'significant' if self.significant else 'not significant'}"


def slug(text: str) -> str:
    """Words as a key: lower case, runs of other characters as one hyphen.

    >>> slug("Violence and sexual offences")
    'violence-and-sexual-offences'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
