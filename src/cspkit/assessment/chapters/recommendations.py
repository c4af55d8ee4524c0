"""Recommendations from the configuration, and the data requirements register."""

from __future__ import annotations

from collections.abc import Sequence

from cspkit.assessment.config import PartnershipConfig
from cspkit.assessment.document import (
    Block,
    Column,
    Paragraph,
    Recommendation,
    RecommendationList,
    Section,
    Table,
)
from cspkit.assessment.gaps import DataRequirement
from cspkit.assessment.wording import slug

DATA_REQUIREMENTS_TABLE = "data_requirements"


def themes_text(themes: Sequence[str], all_themes: Sequence[str]) -> str:
    """The themes a requirement serves, or "Every theme" when it serves them all.

    >>> themes_text(["Drugs"], ["Drugs", "Violence"]), themes_text(["A", "B"], ["B", "A"])
    ('Drugs', 'Every theme')
    """
    return "Every theme" if set(themes) == set(all_themes) else "; ".join(themes)


def config_key(text: str) -> str:
    """The stable key of a recommendation written in the configuration: its words, so the
    same recommendation next year is the same entry in the plan tracker.

    >>> config_key("Commission a problem profile of town-centre robbery.")
    'agreed:commission-a-problem-profile-of-town-centre-robbery'
    """
    return "agreed:" + slug(text)[:80]


def recommendation_blocks(config: PartnershipConfig,
                          drafts: Sequence[Recommendation]) -> list[Block]:
    """The agreed recommendations (the configuration's, then the drafts the partnership
    agreed), then the drafts still proposed, each with the findings it rests on."""
    agreed = [Recommendation(text, key=config_key(text)) for text in config.recommendations]
    agreed += [d for d in drafts if d.agreed]
    proposed = [d for d in drafts if not d.agreed]
    children: list[Block] = []
    if agreed:
        children += [
            Paragraph(f"{config.name} is asked to approve the following recommendations for "
                      "the coming strategic period."),
            RecommendationList(tuple(agreed)),
        ]
    elif not proposed:
        children.append(Paragraph("The recommendations are to be agreed by the partnership "
                                  "once it has discussed the findings of this assessment."))
    if proposed:
        children += [
            Paragraph("**Proposed for discussion.** The findings of this assessment suggest "
                      f"the following draft recommendations, which {config.name} has not yet "
                      "agreed. Each names the findings it rests on."),
            RecommendationList(tuple(proposed)),
        ]
    return children


def recommendations_chapter(config: PartnershipConfig, register: Sequence[DataRequirement],
                            drafts: Sequence[Recommendation] = ()) -> Section:
    """Recommendations for the board (agreed, then proposed from the findings), then the
    data requirements register: one row per distinct data need, with the agency that holds
    it and the themes it serves."""
    children = recommendation_blocks(config, drafts)
    names = [theme.name for theme in config.themes]
    register_blocks: list[Block] = [Paragraph(
        "The data requirements register: each data need the chapters name, once, with the "
        "agency that holds the data and the themes it would serve. The chapters refer to "
        "the entries by number.")]
    if register:
        register_blocks.append(Table(
            id=DATA_REQUIREMENTS_TABLE, caption="Data requirements",
            columns=(Column("reference", "Ref"), Column("missing", "Data gap"),
                     Column("would_fill", "Action required"),
                     Column("owner", "Lead agency"), Column("themes", "Theme")),
            rows=[{"reference": r.reference, "missing": r.missing,
                   "would_fill": r.need.would_fill, "owner": r.need.owner,
                   "themes": themes_text(r.themes, names)} for r in register],
            source="assessment chapters (data gaps)",
            notes=("Action required: the data the lead agency would supply.",)))
    else:
        register_blocks.append(Paragraph("The chapters name no data requirements."))
    return Section(
        id="recommendations", title="Recommendations", level=1,
        children=(*children,
                  Section(id="data_requirements_section", title="Data requirements", level=2,
                          children=tuple(register_blocks))))
