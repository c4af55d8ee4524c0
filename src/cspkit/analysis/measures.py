"""A plan's measures computed from the warehouse: the latest figure against its baseline.

A measure names what is counted (police.uk crime types, anti-social behaviour, or a partner
source), where (local authority, ward or LSOA codes), the direction and size of the target
and the baseline rule. :func:`compute_measure` counts it through the assessment's own
analyses (:func:`~cspkit.analysis.change.compare_periods` and
:func:`~cspkit.analysis.trends.monthly_series` for police data, the exact test of
:func:`~cspkit.analysis.change.exact_poisson_test` for partner sources), so a measure and the
assessment never disagree about a change or its significance. Plain Python: the tracker
stores the figures, the assessment reports them, neither needs the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from ibis.backends import BaseBackend

from cspkit.analysis.change import DEFAULT_SMALL_NUMBER, compare_periods, exact_poisson_test
from cspkit.analysis.involvement import (
    AE_ASSAULT,
    COUNCIL_ASB,
    FIRE,
    PARTNER_SOURCES,
    POLICE_EXTRACT,
    YOS_FTE,
)
from cspkit.analysis.periods import StrategicPeriod, month_index, shift_month
from cspkit.analysis.scope import (
    ASB,
    CRIME,
    MonthsNotLoaded,
    Scope,
    area_names,
    count_incidents,
    loaded_months,
    month_list,
    resolve_scope,
)
from cspkit.analysis.themes import ASB_CATEGORY, validate_categories
from cspkit.analysis.trends import monthly_series
from cspkit.errors import CspError

POLICE = "police"
"""The source of a measure counted from data.police.uk (crime types or anti-social
behaviour)."""
MEASURE_SOURCES = (POLICE, *PARTNER_SOURCES)
DATA_WORDS = {
    CRIME: "police.uk crime",
    ASB: "police.uk anti-social behaviour",
    POLICE_EXTRACT: "the police crime extract",
    COUNCIL_ASB: "the council's anti-social behaviour cases",
    FIRE: "the fire and rescue service's incidents",
    AE_ASSAULT: "A&E assault attendances",
    YOS_FTE: "the youth justice service's first-time entrants",
}
"""Each incident source as a reader names its data."""

Direction = Literal["reduce", "increase"]
BaselineRule = Literal["year-earlier", "previous", "fixed"]

ON_COURSE = "on course"
NOT_ON_COURSE = "not on course"
TOO_EARLY = "too early to say"
NO_DATA = "no data"
COURSES = (ON_COURSE, NOT_ON_COURSE, TOO_EARLY, NO_DATA)
"""What a measure says about its target: the last when its data are missing."""
COURSE_WORDS = {ON_COURSE: "On course", NOT_ON_COURSE: "Not on course",
                TOO_EARLY: "Too early to say", NO_DATA: "No figures"}
"""Each verdict as a page, a report or the assessment shows it."""
NOT_COMPUTED = "Not computed yet"
"""Shown for a measure whose figures were never computed."""

BASELINE_RULES: dict[str, str] = {
    "year-earlier": "the same months a year earlier",
    "previous": "the months just before",
    "fixed": "a fixed baseline period",
}


@dataclass(frozen=True)
class MeasureSpec:
    """What a measure counts and what it aims for.

    Parameters
    ----------
    label
        How the measure is named ("Burglary in Stockton-on-Tees").
    areas
        Local authority, ward or LSOA 2021 codes.
    categories
        For ``source="police"``: police.uk crime types, or ``("Anti-social behaviour",)``
        alone; none counts all recorded crime. For a partner source: its categories (none:
        all of them).
    source
        ``"police"`` or a partner incident source (``council_asb``, ``fire``, …).
    direction
        ``"reduce"`` or ``"increase"``: the way the partnership wants the count to move.
    target_percent
        The size of the change aimed for, in percent (``None``: a direction only).
    months
        Months in the current period (the latest loaded) and in the baseline.
    baseline
        ``"year-earlier"`` (the same months a year before), ``"previous"`` (the months just
        before) or ``"fixed"`` (the ``months`` months from ``baseline_start``).
    baseline_start
        First month of a fixed baseline (``YYYY-MM``).
    """

    label: str
    areas: tuple[str, ...]
    categories: tuple[str, ...] = ()
    source: str = POLICE
    direction: Direction = "reduce"
    target_percent: float | None = None
    months: int = 12
    baseline: BaselineRule = "year-earlier"
    baseline_start: str = ""

    def __post_init__(self) -> None:
        if self.source not in MEASURE_SOURCES:
            raise CspError(f"measure source {self.source!r} is not known",
                           hint=f"Use one of {', '.join(MEASURE_SOURCES)}")
        if self.direction not in ("reduce", "increase"):
            raise CspError(f"measure direction {self.direction!r} is neither reduce nor increase")
        if self.baseline not in BASELINE_RULES:
            raise CspError(f"baseline rule {self.baseline!r} is not known",
                           hint=f"Use one of {', '.join(BASELINE_RULES)}")
        if not 1 <= self.months <= 36:
            raise CspError(f"a measure covers 1 to 36 months, not {self.months}")
        if self.baseline == "fixed":
            month_index(self.baseline_start, field="baseline start")
        if (self.source == POLICE and ASB_CATEGORY in self.categories
                and len(self.categories) > 1):
            raise CspError("a measure counts anti-social behaviour or crime types, not both",
                           hint="Make two measures")
        if self.target_percent is not None and not 0 < self.target_percent <= 100:
            raise CspError(f"target size {self.target_percent}% is not between 0 and 100")

    @property
    def aim(self) -> str:
        """The target in words: "reduce by 5%", or "reduce" for a direction only."""
        if self.target_percent is None:
            return self.direction
        return f"{self.direction} by {self.target_percent:g}%"

    @property
    def counted(self) -> str:
        """What is counted, in words."""
        if self.source == POLICE:
            what = ", ".join(self.categories) if self.categories else "All recorded crime"
            return f"{what} (police.uk)"
        name = DATA_WORDS[self.source]
        if self.categories:
            return f"{', '.join(self.categories)} ({name})"
        return name[0].upper() + name[1:]


@dataclass(frozen=True)
class MeasureFigures:
    """A measure computed from the warehouse (or why it could not be).

    Attributes
    ----------
    spec
        The measure.
    data_month
        The latest month of the source loaded in the warehouse (``""`` when none).
    period, baseline_period
        The current period and its baseline (``None`` when the data are missing).
    current, baseline
        Counts in each period.
    p_value
        The exact Poisson test of the change (:func:`exact_poisson_test`).
    course
        One of :data:`COURSES` (:func:`course_of`).
    monthly
        ``(month, count)`` for every loaded month of the baseline and the current period.
    missing
        Which data and months are missing, in words (``""`` when the figures stand).
    small_numbers
        Either count below the small-number threshold.
    area_names
        The names of the measure's areas, in the order of its codes (empty when the
        warehouse was not asked).
    """

    spec: MeasureSpec
    data_month: str
    course: str
    period: StrategicPeriod | None = None
    baseline_period: StrategicPeriod | None = None
    current: int | None = None
    baseline: int | None = None
    p_value: float | None = None
    alpha: float = 0.05
    small_numbers: bool = False
    monthly: tuple[tuple[str, int], ...] = field(default=())
    missing: str = ""
    area_names: tuple[str, ...] = ()

    @property
    def change(self) -> int | None:
        if self.current is None or self.baseline is None:
            return None
        return self.current - self.baseline

    @property
    def pct_change(self) -> float | None:
        """Percentage change; ``None`` without figures or when the baseline is 0."""
        if self.change is None or not self.baseline:
            return None
        return 100.0 * self.change / self.baseline

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < self.alpha

    @property
    def target_reached(self) -> bool | None:
        """Whether the change is at least the target's size in its direction (``None``
        without figures or without a target size)."""
        if self.change is None or self.spec.target_percent is None:
            return None
        return target_reached(self.spec.direction, self.spec.target_percent,
                              current=self.current or 0, previous=self.baseline or 0)

    def to_json(self) -> dict[str, object]:
        """The figures as JSON values, for scripts and checks."""
        return {
            "label": self.spec.label,
            "counted": self.spec.counted,
            "areas": list(self.spec.areas),
            "area_names": list(self.area_names),
            "aim": self.spec.aim,
            "data_month": self.data_month or None,
            "period": self.period.label if self.period else None,
            "baseline_period": self.baseline_period.label if self.baseline_period else None,
            "current": self.current,
            "baseline": self.baseline,
            "change": self.change,
            "pct_change": None if self.pct_change is None else round(self.pct_change, 2),
            "p_value": self.p_value,
            "significant": self.significant if self.p_value is not None else None,
            "status": self.course,
            "missing": self.missing or None,
        }


def target_reached(direction: Direction, percent: float, *, current: int, previous: int
                   ) -> bool:
    """Whether a count moved by at least ``percent`` in ``direction``.

    From a baseline of 0 an increase target is reached by any count above 0 and a reduction
    target never is.

    >>> target_reached("reduce", 5, current=760, previous=894)
    True
    >>> target_reached("increase", 10, current=105, previous=100)
    False
    """
    if previous == 0:
        return direction == "increase" and current > 0
    pct = 100.0 * (current - previous) / previous
    return pct <= -percent if direction == "reduce" else pct >= percent


def course_of(direction: Direction, *, change: int, p_value: float, alpha: float = 0.05) -> str:
    """Whether a measure is on course for its target.

    A change in the direction aimed for that is statistically significant (exact Poisson
    test, ``p < alpha``) is on course; a significant change the other way is not on course;
    anything else (no change, or one within chance variation) is too early to say.

    >>> course_of("reduce", change=-134, p_value=0.001)
    'on course'
    >>> course_of("reduce", change=40, p_value=0.01)
    'not on course'
    >>> course_of("increase", change=16, p_value=0.052)
    'too early to say'
    """
    if change == 0 or math.isnan(p_value) or p_value >= alpha:
        return TOO_EARLY
    aimed = change < 0 if direction == "reduce" else change > 0
    return ON_COURSE if aimed else NOT_ON_COURSE


def measure_sources(spec: MeasureSpec) -> tuple[str, ...]:
    """The incident sources a measure reads."""
    if spec.source != POLICE:
        return (spec.source,)
    return (ASB,) if spec.categories == (ASB_CATEGORY,) else (CRIME,)


def measure_periods(spec: MeasureSpec, data_month: str) -> tuple[StrategicPeriod, StrategicPeriod]:
    """The current period (the ``months`` months up to ``data_month``) and its baseline.

    Raises
    ------
    CspError
        A fixed baseline whose period has not ended before the current one starts.

    Examples
    --------
    >>> spec = MeasureSpec("Burglary", ("E06000004",), ("Burglary",))
    >>> [p.label for p in measure_periods(spec, "2025-12")]
    ['2025-01 to 2025-12', '2024-01 to 2024-12']
    """
    period = StrategicPeriod.ending(data_month, spec.months)
    if spec.baseline != "fixed":
        return period, period.previous(spec.baseline)
    baseline = StrategicPeriod(spec.baseline_start, shift_month(spec.baseline_start,
                                                                spec.months - 1))
    if month_index(period.start) <= month_index(baseline.end):
        raise CspError(
            f"the latest {spec.months} months ({period.label}) overlap the baseline "
            f"{baseline.label}: data to {shift_month(baseline.end, spec.months)} are needed")
    return period, baseline


def compute_measure(con: BaseBackend, spec: MeasureSpec, *, alpha: float = 0.05,
                    small_number: int = DEFAULT_SMALL_NUMBER) -> MeasureFigures:
    """Count a measure in its current period and baseline, test the change, and judge it.

    The current period is the ``spec.months`` months up to the latest month of the source
    loaded in the warehouse (the data's as-of month). Missing data never give a number:
    when a month of either period is not loaded, or the source not at all, the figures are
    ``None``, ``course`` is :data:`NO_DATA` and ``missing`` names the data and months.

    Parameters
    ----------
    con
        Warehouse backend.
    spec
        The measure.
    alpha
        Significance level of the exact test.
    small_number
        Counts below this in either period are flagged.

    Returns
    -------
    MeasureFigures

    Raises
    ------
    CspError
        An area code or category the warehouse does not know (the measure is wrong, not its
        data).

    Notes
    -----
    Police data go through :func:`compare_periods` with the measure's crime types as one
    theme (its ``theme`` row), its ``asb`` row for anti-social behaviour, or its ``total``
    row for all crime; the monthly counts through :func:`monthly_series`. A partner source
    is counted by month in the areas' LSOAs and tested with :func:`exact_poisson_test`.
    """
    sources = measure_sources(spec)
    crime_types = spec.categories if sources == (CRIME,) else ()
    if crime_types:
        validate_categories(con, list(crime_types))
    # The measure's periods follow from the latest month of its source loaded; the scope is
    # then resolved over them. A wrong area code is an error whatever data are loaded.
    loaded = loaded_months(con, sources[0])
    if not loaded:
        return MeasureFigures(spec=spec, data_month="", course=NO_DATA, alpha=alpha,
                              missing=f"no data of {DATA_WORDS[sources[0]]} are loaded",
                              area_names=area_names(con, spec.areas))
    data_month = max(loaded)
    try:
        period, baseline = measure_periods(spec, data_month)
    except CspError as error:
        return MeasureFigures(spec=spec, data_month=data_month, course=NO_DATA, alpha=alpha,
                              missing=error.message, area_names=area_names(con, spec.areas))
    scope = resolve_scope(con, areas=spec.areas, period=period, compare=baseline, source=None)
    try:
        scope.require_months([*baseline.months, *period.months], source=sources[0],
                             what=f"measure ({period.label} against {baseline.label})")
    except MonthsNotLoaded as error:
        return MeasureFigures(
            spec=spec, data_month=data_month, course=NO_DATA, alpha=alpha,
            missing=f"{DATA_WORDS[error.source]} data are not loaded for "
            f"{month_list(error.missing)}", area_names=scope.names)
    shown = StrategicPeriod(min(baseline.start, period.start), period.end)
    if spec.source == POLICE:
        current, previous, p_value, monthly = _police_counts(con, spec, scope, shown,
                                                             alpha=alpha)
    else:
        counts = count_incidents(con, scope, shown.months, by=["month"], sources=sources,
                                 categories=list(spec.categories) or None)
        by_month = counts.groupby("month")["n"].sum()
        current = int(by_month.reindex(list(period.months), fill_value=0).sum())
        previous = int(by_month.reindex(list(baseline.months), fill_value=0).sum())
        p_value = exact_poisson_test(current, previous)
        monthly = tuple((m, int(by_month.get(m, 0))) for m in shown.months if m in loaded)
    return MeasureFigures(
        spec=spec, data_month=data_month, period=period, baseline_period=baseline,
        current=current, baseline=previous, p_value=p_value, alpha=alpha,
        small_numbers=min(current, previous) < small_number,
        course=course_of(spec.direction, change=current - previous, p_value=p_value,
                         alpha=alpha),
        monthly=monthly, area_names=scope.names,
    )


def _police_counts(con: BaseBackend, spec: MeasureSpec, scope: Scope,
                   shown: StrategicPeriod, *, alpha: float
                   ) -> tuple[int, int, float, tuple[tuple[str, int], ...]]:
    """Current and baseline counts, p-value and monthly counts from the assessment's own
    change table and monthly series."""
    asb = spec.categories == (ASB_CATEGORY,)
    themes = {spec.label: list(spec.categories)} if spec.categories and not asb else None
    kind = "asb" if asb else ("theme" if themes else "total")
    table = compare_periods(con, scope, themes=themes, alpha=alpha).table
    row = table[table["kind"] == kind].iloc[0]
    series = monthly_series(con, scope.over(shown, None), themes=themes).table
    series = series[series["kind"] == kind]
    monthly = tuple((str(m), int(n)) for m, n in zip(series["month"], series["count"],
                                                       strict=True))
    return int(row["current"]), int(row["previous"]), float(row["p_value"]), monthly

