"""What the analyst could add to the configuration or the warehouse, said to the analyst.

The assessment is a board paper: it says in the reader's words what it does not cover
("The partnership has not set targets for this period"). How to change that ("add
[[targets]] blocks to csp.toml") is for the person running the tool, so ``csp assess``
prints these lines after writing the outputs, and the document never carries them.
"""

from __future__ import annotations

from cspkit.assessment.chapters.parts import WARD_MAP_MISSING
from cspkit.assessment.chapters.peers import NO_ENGLAND
from cspkit.assessment.config import PartnershipConfig
from cspkit.assessment.document import Callout, Document, Paragraph, RecommendationList

LOCATION_ANALYSES = ("places", "hotspots", "concentration", "deprivation")


def analyst_advice(config: PartnershipConfig, document: Document, *,
                   config_name: str = "the configuration") -> list[str]:
    """One line per thing the analyst could add, naming the setting or command.

    Parameters
    ----------
    config
        The partnership configuration the document was built from.
    document
        The assessment (its figures show whether boundaries were loaded).
    config_name
        How to name the configuration file in the advice ("csp.toml").

    """
    lines = []
    if not config.targets:
        lines.append(f"No targets are set: add [[targets]] blocks to {config_name} to report "
                     "progress against them.")
    if not config.recommendations:
        lines.append("No recommendations are set: once the partnership has discussed the "
                     f"findings, list them in recommendations = [...] in {config_name}.")
    shown = [item for _, b in document.walk() if isinstance(b, RecommendationList)
             for item in b.items]
    proposed = [item.key for item in shown if not item.agreed]
    if proposed:
        lines.append(f"{len(proposed)} draft recommendation(s) are proposed from the findings "
                     f"({', '.join(proposed)}): agree (optionally in your words) or drop each "
                     f"with a [[draft_recommendations]] block (key = \"…\") in "
                     f"{config_name}.")
    keys = {item.key for item in shown}
    for decision in config.draft_recommendations:
        if decision.decision == "agree" and decision.key not in keys:
            lines.append(f"Draft recommendation {decision.key} is agreed in {config_name}, "
                         "but this assessment's findings no longer propose it: add its "
                         "wording to recommendations = [...] to keep it.")
    if not config.peers:
        lines.append(f"No peer comparison: set peers = ['force', 'england'] in {config_name} "
                     "(or local authority codes) to compare rates.")
    for theme in config.themes:
        if not theme.categories:
            lines.append(f"Theme {theme.id!r} covers no police.uk category: list crime types in "
                         f"its categories in {config_name} to follow police-recorded crime.")
        if not set(theme.analyses) & set(LOCATION_ANALYSES):
            lines.append(f"Theme {theme.id!r} asks for no location analyses: add places or "
                         f"hotspots to its analyses in {config_name}.")
    if any(isinstance(b, Paragraph) and b.text.startswith(NO_ENGLAND)
           for _, b in document.walk()):
        lines.append("No England comparison: load the police.uk published counts for every "
                     "force (counts by local authority and by force, with their file "
                     "inventory) with csp load.")
    callouts = [b for _, b in document.walk() if isinstance(b, Callout)]
    if any(c.title == WARD_MAP_MISSING for c in callouts):
        lines.append("Wards are not mapped: load the ward boundary GeoJSON with csp load.")
    return lines
