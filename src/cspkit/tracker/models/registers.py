"""The recommendations register and the data requirements register, and the assessments
published into them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from cspkit.errors import CspError
from cspkit.sources.completeness import parse_measure_key
from cspkit.tracker.models.people import Agency, Partnership
from cspkit.tracker.models.plan import Action, Plan, Theme, Update
from cspkit.tracker.status import RagStatus

_NUMBERS = re.compile(r"(\d+)")


class _Referenced(Protocol):
    reference: str


Entry = TypeVar("Entry", bound=_Referenced)


def reference_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """A register reference as it sorts for readers: its text case-blind and its numbers by
    value, so DR2 comes before DR10, and 1.2 before 1.10.

    >>> sorted(["DR10", "DR2", "dr1", "R3"], key=reference_key)
    ['dr1', 'DR2', 'DR10', 'R3']
    >>> sorted(["1.10", "1.2", "10", "2"], key=reference_key)
    ['1.2', '1.10', '2', '10']
    """
    return tuple((1, int(part)) if part.isdigit() else (0, part.casefold())
                 for part in _NUMBERS.split(reference.strip()) if part)


def in_reference_order(entries: Iterable[Entry]) -> list[Entry]:
    """Register entries in the order of their references (:func:`reference_key`)."""
    return sorted(entries, key=lambda entry: reference_key(entry.reference))


class PublishedAssessment(models.Model):
    """An assessment or scanning bulletin published into a plan (``csp tracker publish``).

    Its period and manifest hash let publishing refuse an assessment older than one already
    published, and recognise the same assessment published again.
    """

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Strategic assessment"
        SCAN = "scan", "Scanning bulletin"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="published_assessments"
    )
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="published_assessments")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ASSESSMENT)
    title = models.CharField(max_length=200)
    period_start = models.CharField(max_length=7, help_text="First month, YYYY-MM.")
    period_end = models.CharField(max_length=7, help_text="Last month, YYYY-MM.")
    manifest_sha256 = models.CharField(max_length=64)
    warehouse = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_end", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "manifest_sha256"], name="published_assessment_unique_manifest"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """A recommendation of a strategic assessment, tracked in the plan period's register.

    Carried forward, it becomes a new entry in the next plan's register pointing back at
    this one (``carried_forward_from``), so its history stays readable; turned into an
    action, ``plan_action`` points at the action that delivers it.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recommendations")
    reference = models.CharField(max_length=20)
    section = models.CharField(max_length=200, blank=True, help_text="Section or theme name.")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    text = models.TextField()
    agencies = models.ManyToManyField(Agency, blank=True, related_name="recommendations")
    source = models.CharField(max_length=200, help_text="The assessment that made it.")
    status = models.CharField(
        max_length=20, choices=RagStatus.choices, default=RagStatus.NOT_STARTED
    )
    version = models.PositiveIntegerField(default=1)
    carried_forward_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_forward_to",
    )
    plan_action = models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_recommendation",
    )
    key = models.CharField(
        max_length=200,
        blank=True,
        help_text="Stable key of a published recommendation, kept from year to year.",
    )
    agreed = models.BooleanField(
        default=True, help_text="False: proposed by the assessment, not yet agreed."
    )
    findings = models.JSONField(
        default=list, blank=True, help_text="The findings behind it: sentence, figures, table."
    )
    published_in = models.ForeignKey(
        PublishedAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["plan", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"], name="recommendation_unique_reference"
            ),
            models.UniqueConstraint(
                fields=["plan", "key"],
                condition=~models.Q(key=""),
                name="recommendation_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:60]}"

    @property
    def rag(self) -> RagStatus:
        return RagStatus(self.status)


class RecommendationUpdate(Update):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )

    class Meta(Update.Meta):
        pass


def validate_measure_key(value: str) -> None:
    """Refuse a data-quality measure key that is not ``source.field`` with a measured field."""
    try:
        parse_measure_key(value)
    except CspError as error:
        raise ValidationError(f"{error.message}. {error.hint}.") from error


class DataRequirement(models.Model):
    """A data gap found by the assessment, the agency that must close it and how.

    ``quality_measure`` links it to the completeness of one field of one source in the
    warehouse (``police_crime.last_outcome``); the gap's measure is met when the latest
    month's completeness reaches ``quality_threshold`` per cent. The figures are cached in
    :class:`QualityReading` by ``csp tracker quality``, never computed by a page.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="data_requirements")
    reference = models.CharField(max_length=20)
    data_gap = models.TextField()
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="data_requirements")
    action = models.TextField(blank=True, help_text="What the lead agency will do.")
    status = models.CharField(
        max_length=20, choices=RagStatus.choices, default=RagStatus.NOT_STARTED
    )
    version = models.PositiveIntegerField(default=1)
    quality_measure = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_measure_key],
        help_text="The completeness measure tracking this gap, as source.field "
        "(e.g. police_crime.last_outcome), if any.",
    )
    quality_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Completeness (%) at which the measure is met.",
    )
    key = models.CharField(
        max_length=200, blank=True, help_text="The data need's key, for a published gap."
    )
    suggested_owner = models.CharField(
        max_length=200, blank=True, help_text="The agency the assessment names as holding the data."
    )
    published_in = models.ForeignKey(
        PublishedAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requirements",
    )
    closure_proposed_in = models.ForeignKey(
        PublishedAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closures_proposed",
        help_text="The later assessment that no longer lacks these data (they arrived).",
    )
    carried_forward_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_forward_to",
    )
    history = HistoricalRecords(m2m_fields=[lead_agencies])

    class Meta:
        ordering = ["plan", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"], name="data_requirement_unique_reference"
            ),
            models.UniqueConstraint(
                fields=["plan", "key"],
                condition=~models.Q(key=""),
                name="data_requirement_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.data_gap[:60]}"

    @property
    def rag(self) -> RagStatus:
        return RagStatus(self.status)


class DataRequirementUpdate(Update):
    data_requirement = models.ForeignKey(
        DataRequirement, on_delete=models.CASCADE, related_name="updates"
    )

    class Meta(Update.Meta):
        pass


class EmergingIssue(models.Model):
    """A series the monthly scan flagged, on the plan's emerging-issues watch list so the
    next meeting sees it. One entry per month and series (``key``)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="emerging_issues")
    month = models.CharField(max_length=7, help_text="The month scanned, YYYY-MM.")
    key = models.CharField(max_length=300, help_text="Area code, category and test.")
    area_code = models.CharField(max_length=12)
    area_name = models.CharField(max_length=200)
    category = models.CharField(max_length=200)
    test = models.CharField(max_length=40)
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    upper_limit = models.FloatField(null=True, blank=True)
    q_value = models.FloatField()
    published_in = models.ForeignKey(
        PublishedAssessment, on_delete=models.CASCADE, related_name="emerging_issues"
    )

    class Meta:
        ordering = ["-month", "q_value", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "month", "key"], name="emerging_issue_unique_month_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} in {self.area_name}, {self.month}"


class QualityReading(models.Model):
    """One month of a data requirement's completeness measure, as last computed."""

    data_requirement = models.ForeignKey(
        DataRequirement, on_delete=models.CASCADE, related_name="quality_readings"
    )
    month = models.CharField(max_length=7, help_text="YYYY-MM.")
    rows = models.PositiveIntegerField(help_text="Records of the source that month.")
    complete = models.PositiveIntegerField(help_text="Of them, records holding the field.")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["data_requirement", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_requirement", "month"], name="quality_reading_unique_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_requirement.reference} {self.month}: {self.share:.1f}%"

    @property
    def share(self) -> float:
        """Completeness in per cent."""
        return 100.0 * self.complete / self.rows if self.rows else 0.0
