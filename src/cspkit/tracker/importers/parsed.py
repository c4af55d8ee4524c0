"""What a source document holds, as plain data: no database, no Django models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cspkit.tracker.status import RagStatus


@dataclass(frozen=True)
class Unmapped:
    """Something in the file that could not be put into the plan, or only with a doubt."""

    where: str
    text: str
    reason: str


@dataclass(frozen=True)
class SubActionRow:
    label: str
    text: str


@dataclass(frozen=True)
class ActionRow:
    where: str
    number: int
    lead: str
    text: str
    sub_actions: tuple[SubActionRow, ...]
    update: str
    status: RagStatus | None


@dataclass
class ThemePlan:
    where: str
    number: int
    title: str
    thematic_lead: str = ""
    lead_legend: dict[str, str] = field(default_factory=dict)
    actions: list[ActionRow] = field(default_factory=list)


@dataclass
class RecommendationRow:
    where: str
    reference: str
    text: str
    section: str = ""
    lead: str = ""
    update: str = ""
    status: RagStatus | None = None


@dataclass(frozen=True)
class DataRequirementRow:
    where: str
    reference: str
    data_gap: str
    lead: str
    action: str
    update: str
    status: RagStatus | None


@dataclass(frozen=True)
class CoverParagraph:
    where: str
    number: int
    text: str


@dataclass(frozen=True)
class DocumentDate:
    """The date a document carries (its signature or title), used for its updates."""

    value: date
    where: str
    text: str


@dataclass
class ParsedDocument:
    """Everything read from one file, in file order within each kind."""

    path: str
    title: str = ""
    cover_paragraphs: list[CoverParagraph] = field(default_factory=list)
    themes: list[ThemePlan] = field(default_factory=list)
    recommendations: list[RecommendationRow] = field(default_factory=list)
    data_requirements: list[DataRequirementRow] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    warnings: list[Unmapped] = field(default_factory=list)
    dated: DocumentDate | None = None

    @property
    def actions(self) -> list[ActionRow]:
        return [action for theme in self.themes for action in theme.actions]

    @property
    def has_plan_items(self) -> bool:
        return bool(self.themes or self.recommendations or self.data_requirements)
