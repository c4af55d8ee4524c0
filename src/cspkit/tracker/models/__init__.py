"""Tracker models. Import them from here: ``from cspkit.tracker.models import Action``."""

from cspkit.tracker.models.measures import Measure, MeasureResult
from cspkit.tracker.models.people import Agency, Partnership, Person, Role
from cspkit.tracker.models.plan import Action, ActionUpdate, Plan, SubAction, Theme
from cspkit.tracker.models.registers import (
    DataRequirement,
    DataRequirementUpdate,
    EmergingIssue,
    PublishedAssessment,
    QualityReading,
    Recommendation,
    RecommendationUpdate,
    in_reference_order,
    reference_key,
)

__all__ = [
    "Action",
    "ActionUpdate",
    "Agency",
    "DataRequirement",
    "DataRequirementUpdate",
    "EmergingIssue",
    "Measure",
    "MeasureResult",
    "Partnership",
    "Person",
    "Plan",
    "PublishedAssessment",
    "QualityReading",
    "Recommendation",
    "RecommendationUpdate",
    "Role",
    "SubAction",
    "Theme",
    "in_reference_order",
    "reference_key",
]
