"""The partnership, its agencies and the people who lead, update and read the plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    area_name = models.CharField(max_length=200, help_text="The borough or district covered.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A partner organisation (police, council, fire, health, probation, …)."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        COUNCIL = "council", "Local authority"
        FIRE = "fire", "Fire and rescue"
        HEALTH = "health", "Health"
        PROBATION = "probation", "Probation"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        SUBSTANCE_MISUSE = "substance_misuse", "Drug and alcohol services"
        HOUSING = "housing", "Housing"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, help_text="As written in plan tables: 'Police'.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_unique_name"),
            models.UniqueConstraint(
                fields=["partnership", "short_name"], name="agency_unique_short_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a signed-in person may do (decided in selectors and services)."""

    ADMINISTRATOR = "administrator", "Administrator"
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]


ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.ADMINISTRATOR: "community safety team: manages the plan and both registers",
    Role.LEAD: "updates the actions and register entries they or their agency lead",
    Role.MEMBER: "reads the plan, the registers and their history",
}


class Person(models.Model):
    """Someone named in the plan; with a ``user`` they can also sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    initials = models.CharField(
        max_length=12, blank=True, help_text="As used in plan tables, e.g. 'MW'."
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name
