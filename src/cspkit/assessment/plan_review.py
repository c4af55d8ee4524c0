"""Last year's plan as the next assessment reports on it: plain, frozen data.

The tracker fills these in (``cspkit.tracker.selectors.review``) and the command line hands
them to the assessment, which never imports the tracker or Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ReviewedRecommendation:
    """A recommendation of the plan's register with its latest status.

    ``status`` is the status's word ("Green", "Complete", …); ``update`` the latest progress
    update's text and ``updated_on`` its date (empty and None when there is none).
    """

    reference: str
    text: str
    status: str
    update: str = ""
    updated_on: date | None = None


@dataclass(frozen=True)
class ReviewedMeasure:
    """A measure of the plan with its figures as last computed from the data.

    ``course`` is one of :data:`cspkit.analysis.measures.COURSES`, or ``""`` when the
    measure was never computed; ``missing`` says which data were missing.
    """

    reference: str
    label: str
    aim: str
    course: str
    lead_status: str = ""
    current: int | None = None
    baseline: int | None = None
    p_value: float | None = None
    period: str = ""
    baseline_period: str = ""
    data_month: str = ""
    missing: str = ""


@dataclass(frozen=True)
class OpenEntry:
    """A register entry still open: ``register`` is "Recommendation" or "Data requirement"."""

    register: str
    reference: str
    text: str
    status: str


@dataclass(frozen=True)
class PlanReview:
    """Everything the assessment says about last year's plan, read on ``read_on``."""

    plan_title: str
    period_start: date
    period_end: date
    read_on: date
    recommendations: tuple[ReviewedRecommendation, ...] = ()
    measures: tuple[ReviewedMeasure, ...] = ()
    open_entries: tuple[OpenEntry, ...] = ()
