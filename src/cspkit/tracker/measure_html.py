"""How a measure's stored figures are shown: the on-course tag, the change in words and a
small monthly chart drawn as inline SVG (no script, nothing fetched)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

from cspkit.analysis.measures import (
    COURSE_WORDS,
    NO_DATA,
    NOT_ON_COURSE,
    ON_COURSE,
    TOO_EARLY,
)
from cspkit.analysis.periods import StrategicPeriod, month_words
from cspkit.assessment.wording import Change
from cspkit.errors import CspError
from cspkit.tracker.models import Measure, MeasureResult

COURSE_CLASSES = {ON_COURSE: "green", NOT_ON_COURSE: "red", TOO_EARLY: "not_started",
                  NO_DATA: "withdrawn"}


def course_tag(course: str) -> SafeString:
    """The measure's verdict as a tag whose word carries the meaning (colour only helps)."""
    return format_html('<strong class="tag tag--{}">{}</strong>', COURSE_CLASSES[course],
                       COURSE_WORDS[course])


def month_text(month: str) -> str:
    """A stored ``YYYY-MM`` month in words ("December 2025"); anything else as it is."""
    try:
        return month_words(month)
    except CspError:
        return month


def period_text(label: str) -> str:
    """A stored period label ("2025-01 to 2025-12") in words ("January to December 2025");
    anything else as it is."""
    try:
        return StrategicPeriod.from_label(label).words
    except CspError:
        return label


def area_text(measure: Measure) -> str:
    """The measure's areas by name, as the warehouse named them when the figures were
    computed; by code until then."""
    result = measure.stored
    names = list(result.area_names) if result else []
    return ", ".join(names if len(names) == len(measure.areas) else measure.areas)


def _change(result: MeasureResult) -> Change:
    return Change(result.measure.label, result.current, result.baseline, result.p_value,
                  baseline=period_text(result.baseline_period))


def change_sentence(result: MeasureResult) -> str:
    """The change worded by its significance, as the assessment words it."""
    return _change(result).sentence()


def change_clause(result: MeasureResult) -> str:
    """The change for a table cell: "down 7.7%, not significant"."""
    return _change(result).clause()


def sparkline(monthly: Sequence[Sequence[object]], *, title: str, width: int = 240,
              height: int = 48) -> SafeString:
    """Monthly counts as a small line chart (an ``img`` role with its figures in words).

    >>> "<svg" in sparkline([("2025-01", 3), ("2025-02", 5)], title="Burglary")
    True
    """
    counts = [int(n) for _, n in monthly]  # type: ignore[call-overload]
    if len(counts) < 2:
        return format_html("")
    top = max(max(counts), 1)
    pad = 4
    step = (width - 2 * pad) / (len(counts) - 1)
    points = [(pad + i * step, height - pad - (height - 2 * pad) * n / top)
              for i, n in enumerate(counts)]
    first, last = monthly[0], monthly[-1]
    label = (f"{title}: monthly counts from {month_text(str(first[0]))} to "
             f"{month_text(str(last[0]))}, lowest {min(counts)}, highest {max(counts)}, "
             f"latest {counts[-1]}")
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    x, y = points[-1]
    dot = format_html('<circle cx="{}" cy="{}" r="2.5"></circle>', f"{x:.1f}", f"{y:.1f}")
    return format_html(
        '<svg class="sparkline" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" '
        'height="{}"><polyline points="{}" fill="none" stroke="currentColor" '
        'stroke-width="1.5"></polyline>{}</svg>',
        label, width, height, width, height, line, dot)
