"""The recommendations register and the data requirements register."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from cspkit.tracker.models.people import Agency
from cspkit.tracker.models.plan import Action, Plan, Theme, Update
from cspkit.tracker.status import RagStatus


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
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["plan", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"], name="recommendation_unique_reference"
            )
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


class DataRequirement(models.Model):
    """A data gap found by the assessment, the agency that must close it and how."""

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
        help_text="Key of the data-quality measure tracking this gap, if any.",
    )
    history = HistoricalRecords(m2m_fields=[lead_agencies])

    class Meta:
        ordering = ["plan", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"], name="data_requirement_unique_reference"
            )
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
