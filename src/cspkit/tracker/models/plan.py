"""A Community Safety Plan: themes, numbered actions with sub-actions, and their updates."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from cspkit.tracker.models.people import Agency, Partnership, Person
from cspkit.tracker.status import RagStatus


class Plan(models.Model):
    """The plan for one strategic period (e.g. April 2025 to March 2026)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    update_every_days = models.PositiveSmallIntegerField(
        default=91, help_text="How often leads are expected to report progress."
    )
    warehouse = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "The warehouse the plan's measures are computed from: a DuckDB file or a database "
            "URL. Set when an assessment is published into the plan."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period_start"], name="plan_unique_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="plan_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Theme(models.Model):
    """A priority theme with its own action plan and thematic lead."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    thematic_lead = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_themes"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="theme_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Action(models.Model):
    """A numbered action of a theme's action plan.

    ``version`` grows by one on every change; a form carries the version it was opened at,
    so a stale submission is refused instead of overwriting someone else's change.
    """

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    leads = models.ManyToManyField(Person, blank=True, related_name="led_actions")
    lead_agencies = models.ManyToManyField(Agency, blank=True, related_name="led_actions")
    measure = models.TextField(
        "measure or target", blank=True, help_text="What shows the action is done."
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RagStatus.choices, default=RagStatus.NOT_STARTED
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[leads, lead_agencies])

    class Meta:
        ordering = ["theme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "number"], name="action_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.theme.number}.{self.number} {self.text[:60]}"

    @property
    def reference(self) -> str:
        return f"{self.theme.number}.{self.number}"

    @property
    def rag(self) -> RagStatus:
        return RagStatus(self.status)


class SubAction(models.Model):
    """A lettered step of an action: a), b), c) …"""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sub_actions")
    label = models.CharField(max_length=4)
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "label"]
        constraints = [
            models.UniqueConstraint(fields=["action", "label"], name="sub_action_unique_label")
        ]

    def __str__(self) -> str:
        return f"{self.label}) {self.text[:60]}"


class Update(models.Model):
    """A dated progress report with the RAG status it gives. Updates are never edited."""

    written_on = models.DateField()
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=RagStatus.choices)
    version = models.PositiveIntegerField(
        help_text="Version of the action or register entry this update produced."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["-written_on", "-created_at", "-id"]

    @property
    def rag(self) -> RagStatus:
        return RagStatus(self.status)


class ActionUpdate(Update):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")

    class Meta(Update.Meta):
        indexes = [models.Index(fields=["action", "written_on"])]

    def __str__(self) -> str:
        return f"Update to {self.action.reference} on {self.written_on}"
