"""Partner data in a theme chapter: council ASB reports, deliberate fires, A&E assaults.

Each block appears in the chapter of the theme it belongs to (ASB, criminal damage and arson,
violence) when the partner's export covers the strategic period. A&E attendances are
patients, so their counts are published under the same disclosure control as the people
profiles.
"""

from __future__ import annotations

from cspkit.analysis.partner_sources import AeAssaults, AsbBySource, DeliberateFires
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.assessment.chapters.parts import (
    suppressed_counts,
    unavailable_callout,
    withheld_note,
)
from cspkit.assessment.document import SUPPRESSED, Block, Column, Paragraph, Table
from cspkit.assessment.evidence import Evidence, ThemeEvidence, Unavailable
from cspkit.assessment.wording import Change, count_text, percent_text

VIOLENCE = "Violence and sexual offences"
DAMAGE = "Criminal damage and arson"
SOURCE_LABELS = {"police_asb": "Police", "council_asb": "Council"}


def _asb(theme_id: str, result: AsbBySource) -> list[Block]:
    police, council = result.totals.get("police_asb", 0), result.totals.get("council_asb", 0)
    rows = result.table.assign(reported_to=result.table["source"].map(SOURCE_LABELS))
    return [
        Paragraph(
            f"Anti-social behaviour reported to the council: {count_text(council)} incidents "
            f"in the strategic period, beside {count_text(police)} reported to the police "
            "(one incident may be reported to both, so the two are not added)."),
        Table(id=f"{theme_id}_asb_by_source", caption="Anti-social behaviour by who received "
              "the report and category",
              columns=(Column("reported_to", "Reported to"), Column("category", "Category"),
                       Column("count", "Incidents", "integer"),
                       Column("share", "Share", "percent")),
              rows=rows, source="partner_sources.asb_by_source"),
    ]


def _fires(theme_id: str, result: DeliberateFires, small_number: int) -> list[Block]:
    text = (f"The fire and rescue service attended {count_text(result.deliberate)} deliberate "
            f"fires in the areas ({count_text(result.all_fires)} fires in all")
    text += (f"; motive not recorded for {count_text(result.motive_not_recorded)})."
             if result.motive_not_recorded else ").")
    if result.previous is not None and result.p_value is not None:
        change = Change("The number of deliberate fires", result.deliberate, result.previous,
                        result.p_value, small_number=small_number)
        text += " " + change.sentence()
    by_ward = result.by_ward[result.by_ward["deliberate"] > 0]
    blocks: list[Block] = [Paragraph(text)]
    if not by_ward.empty:
        blocks.append(Table(
            id=f"{theme_id}_deliberate_fires", caption="Deliberate fires by ward",
            columns=(Column("ward_name", "Ward"), Column("deliberate", "Deliberate fires",
                                                         "integer"),
                     Column("share", "Share", "percent")),
            rows=by_ward, source="partner_sources.deliberate_fires"))
    return blocks


def _ae(theme_id: str, result: AeAssaults, threshold: int) -> list[Block]:
    """A&E attendances are patients: small counts are withheld as in the people profiles, and
    the share not reported is given only when the yes and no counts behind it are shown."""
    if 0 < result.attendances < threshold:
        return [Paragraph(
            f"Hospital A&E recorded fewer than {threshold} assault attendances in the "
            "strategic period (Cardiff Model): too few to publish without identifying them.")]
    reported = suppressed_counts(
        result.reported.set_index("reported_to_police")["count"], threshold)["count"]
    answered = SUPPRESSED not in (reported["Yes"], reported["No"])
    share = ("" if not answered or result.share_not_reported != result.share_not_reported
             else f"; {percent_text(100 * result.share_not_reported)} of those asked said the "
             "assault was not reported to the police")
    rows = suppressed_counts(result.by_location_type.set_index("location_type")["count"],
                             threshold).reset_index(names="location_type")
    note = withheld_note(threshold)
    return [
        Paragraph(
            f"Hospital A&E recorded {count_text(result.attendances)} assault attendances in the "
            f"strategic period (Cardiff Model){share}: violence the police figures do not "
            "show."),
        Table(id=f"{theme_id}_ae_assaults", caption="A&E assault attendances by location type",
              columns=(Column("location_type", "Location type"),
                       Column("count", "Attendances", "integer"),
                       Column("share", "Share", "percent")),
              rows=rows, source="partner_sources.ae_assaults", notes=(note,)),
    ]


def partner_blocks(evidence: Evidence, item: ThemeEvidence) -> list[Block]:
    """The partner-data blocks that belong to this theme (none when not loaded)."""
    partner = evidence.partner
    theme_id = item.theme.id
    categories = set(item.theme.categories)
    wanted = [
        (ASB_CATEGORY in categories, partner.asb_by_source, lambda r: _asb(theme_id, r)),
        (DAMAGE in categories, partner.fires,
         lambda r: _fires(theme_id, r, evidence.change.small_number)),
        (VIOLENCE in categories, partner.ae_assaults,
         lambda r: _ae(theme_id, r, evidence.config.suppression_threshold)),
    ]
    blocks: list[Block] = []
    for belongs, result, build in wanted:
        if not belongs or result is None:
            continue
        blocks += ([unavailable_callout(result)] if isinstance(result, Unavailable)
                   else build(result))
    return blocks
