"""Recommendations from the configuration, and the data requirements the chapters found."""

from __future__ import annotations

from collections.abc import Sequence

from cspkit.assessment.config import PartnershipConfig
from cspkit.assessment.document import (
    Block,
    Column,
    DataGap,
    Paragraph,
    Recommendation,
    RecommendationList,
    Section,
    Table,
)

DATA_REQUIREMENTS_TABLE = "data_requirements"


def recommendations_chapter(config: PartnershipConfig, gaps: Sequence[DataGap]) -> Section:
    """Recommendations for the board, then every data gap as a data requirements register."""
    children: list[Block]
    if config.recommendations:
        children = [
            Paragraph(f"{config.name} is asked to approve the following recommendations for "
                      "the coming strategic period."),
            RecommendationList(tuple(Recommendation(text) for text in config.recommendations)),
        ]
    else:
        children = [Paragraph("The recommendations are to be agreed by the partnership once it "
                              "has discussed the findings of this assessment.")]
    register: list[Block] = [Paragraph(
        "Each data gap named in the chapters, for the data requirements register: what is "
        "missing, the data that would fill it and the agency that would supply it.")]
    unique = list(dict.fromkeys((g.missing, g.would_fill, g.owner, g.theme or "") for g in gaps))
    if unique:
        register.append(Table(
            id=DATA_REQUIREMENTS_TABLE, caption="Data requirements",
            columns=(Column("theme", "Theme"), Column("missing", "Data gap"),
                     Column("would_fill", "Data that would fill it"),
                     Column("owner", "Suggested owner")),
            rows=[{"missing": m, "would_fill": w, "owner": o, "theme": t}
                  for m, w, o, t in unique],
            source="assessment chapters (data gaps)"))
    return Section(
        id="recommendations", title="Recommendations", level=1,
        children=(*children,
                  Section(id="data_requirements_section", title="Data requirements", level=2,
                          children=tuple(register))))
