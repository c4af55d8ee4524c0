"""Structured measures of actions and themes, and their figures computed from the warehouse.

A :class:`Measure` says what is counted, where, and what the partnership aims for; its
:class:`MeasureResult` is the latest computation (by ``csp tracker measures``), kept so that
a page shows it at once with its date and never waits on the warehouse.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from cspkit.analysis.measures import (
    BASELINE_RULES,
    COURSES,
    MEASURE_SOURCES,
    MeasureSpec,
)
from cspkit.tracker.models.plan import Action, Theme


class Measure(models.Model):
    """The structured measure of one action or one theme (exactly one of the two)."""

    class Direction(models.TextChoices):
        REDUCE = "reduce", "Reduce"
        INCREASE = "increase", "Increase"

    action = models.OneToOneField(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="structured_measure"
    )
    theme = models.OneToOneField(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="structured_measure"
    )
    label = models.CharField(max_length=200, help_text="What the measure is called.")
    source = models.CharField(
        max_length=40, default="police", choices=[(s, s) for s in MEASURE_SOURCES]
    )
    categories = models.JSONField(
        default=list, blank=True, help_text="Crime types, anti-social behaviour or partner "
        "categories; none: all of the source."
    )
    areas = models.JSONField(
        default=list, help_text="Local authority, ward or LSOA 2021 codes."
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.REDUCE
    )
    target_percent = models.FloatField(null=True, blank=True)
    months = models.PositiveSmallIntegerField(default=12)
    baseline = models.CharField(
        max_length=20, default="year-earlier", choices=list(BASELINE_RULES.items())
    )
    baseline_start = models.CharField(max_length=7, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(action__isnull=False, theme__isnull=True)
                    | models.Q(action__isnull=True, theme__isnull=False)
                ),
                name="measure_of_action_or_theme",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def reference(self) -> str:
        """The action's reference ("1.2"), or "Theme 1" for a theme's measure."""
        return self.action.reference if self.action else f"Theme {self.theme.number}"

    @property
    def stored(self) -> MeasureResult | None:
        """The stored figures, or None when they have not been computed yet."""
        try:
            return self.result
        except MeasureResult.DoesNotExist:
            return None

    def spec(self) -> MeasureSpec:
        """The measure as the analysis reads it (raises CspError when it is not valid)."""
        return MeasureSpec(
            label=self.label,
            areas=tuple(self.areas),
            categories=tuple(self.categories),
            source=self.source,
            direction=self.direction,  # type: ignore[arg-type]
            target_percent=self.target_percent,
            months=self.months,
            baseline=self.baseline,  # type: ignore[arg-type]
            baseline_start=self.baseline_start,
        )


class MeasureResult(models.Model):
    """The latest figures of a measure, as computed at ``computed_at`` from ``warehouse``.

    ``current``, ``baseline`` and ``p_value`` are empty when the data were missing;
    ``missing`` then says which data and months. ``area_names`` are the names the warehouse
    gave the measure's area codes, so that a page names the areas without reading it.
    """

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="result")
    computed_at = models.DateTimeField()
    warehouse = models.CharField(max_length=500)
    data_month = models.CharField(max_length=7, blank=True)
    period = models.CharField(max_length=40, blank=True)
    baseline_period = models.CharField(max_length=40, blank=True)
    current = models.IntegerField(null=True, blank=True)
    baseline = models.IntegerField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    significant = models.BooleanField(default=False)
    small_numbers = models.BooleanField(default=False)
    target_reached = models.BooleanField(null=True, blank=True)
    course = models.CharField(max_length=20, choices=[(c, c) for c in COURSES])
    monthly = models.JSONField(default=list, blank=True)
    missing = models.TextField(blank=True)
    area_names = models.JSONField(
        default=list, blank=True, help_text="The names of the measure's areas when computed."
    )

    def __str__(self) -> str:
        return f"{self.measure}: {self.course}"
