"""Where a theme's figures come from: places whose type explains a count, and which wards a
significant rise came from.

Two questions a board asks after a location table or a rise: "is that a prison?" and "where
did the extra robberies happen?". The first is answered from the police.uk map point names
that denote a kind of place; the second by splitting a crime type's change between wards,
with the false discovery rate controlled across the wards tested.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspkit.analysis.change import exact_poisson_test
from cspkit.analysis.hotspots import benjamini_hochberg
from cspkit.analysis.places import PlaceRanking
from cspkit.assessment.chapters.parts import CHANGE_COLUMNS, CHANGE_NOTE, unavailable_callout
from cspkit.assessment.document import Block, Column, Paragraph, Table
from cspkit.assessment.evidence import ThemeEvidence, Unavailable
from cspkit.assessment.locations import TopLocations
from cspkit.assessment.wording import count_text, percent_text

PLACE_TYPES: dict[str, tuple[str, str, str | None]] = {
    "On or near Prison": ("prison", "offences committed in prison", None),
    "On or near Police Station": (
        "police station", "offences recorded at police stations, many by people in custody",
        None),
    "On or near Hospital": ("hospital", "incidents on hospital sites", None),
    "On or near Nightclub": ("nightclub", "the night-time economy", None),
    "On or near Supermarket": ("supermarket", "shop theft", "Shoplifting"),
    "On or near Shopping Area": ("shopping area", "shop theft", "Shoplifting"),
    "On or near Petrol Station": ("petrol station", "fuel taken without paying", "Other theft"),
}
"""police.uk map point names that denote one site with a special use: the kind of place, what
its count mostly reflects, and the crime type the theme must cover for that to hold (None:
any theme)."""
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten"}

FDR = 0.05


def notable_places(loc: TopLocations, categories: tuple[str, ...]) -> Paragraph | None:
    """A sentence on the busiest map points that are one site with a special use (a prison,
    a police station, …) whose count reflects that use, or None when the table holds none.

    ``categories`` are the theme's crime types: shops explain shop theft, not drug offences.
    """
    types = {name: (kind, reflects) for name, (kind, reflects, needs) in PLACE_TYPES.items()
             if needs is None or needs in categories}
    t = loc.table[loc.table["location"].isin(list(types))]
    if t.empty:
        return None
    parts = []
    for name, rows in t.groupby("location", sort=False):
        kind, reflects = types[str(name)]
        where = "; ".join(f"{count_text(r['count'])} in {r['ward_name']}"
                          if isinstance(r["ward_name"], str) else count_text(r["count"])
                          for _, r in rows.iterrows())
        many = (f"{NUMBER_WORDS.get(len(rows), count_text(len(rows)))} {kind}s"
                if len(rows) > 1 else f"a {kind}")
        total = f", {count_text(rows['count'].sum())} in all" if len(rows) > 1 else ""
        parts.append(f"{many} ('{name}', {where}{total}: {reflects})")
    return Paragraph(
        "Some of the busiest points are single sites with a special use, whose counts reflect "
        "that use more than the streets around them: " + "; ".join(parts) + ".")


def ward_changes(ranking: PlaceRanking) -> pd.DataFrame:
    """Each ward with the crime type in either period: counts, change, the exact test's
    p-value and its Benjamini–Hochberg q-value across those wards, largest rise first."""
    t = ranking.table
    t = t[(t["count"] > 0) | (t["previous_count"] > 0)].copy()
    t["p_value"] = [exact_poisson_test(int(c), int(p))
                    for c, p in zip(t["count"], t["previous_count"], strict=True)]
    t["q_value"] = benjamini_hochberg(t["p_value"].to_numpy())
    t["significant_rise"] = (t["q_value"] <= FDR) & (t["change"] > 0)
    return (t.sort_values(["change", "name"], ascending=[False, True])
            .reset_index(drop=True))


def rise_by_ward_blocks(item: ThemeEvidence) -> list[Block]:
    """For each crime type of the theme that rose significantly: which wards it rose in, with
    the false discovery rate controlled across the wards."""
    blocks: list[Block] = []
    for crime_type, ranking in item.rises_by_ward.items():
        if isinstance(ranking, Unavailable):
            blocks.append(unavailable_callout(ranking))
            continue
        t = ward_changes(ranking)
        rise = ranking.total - ranking.previous_total
        table_id = f"{item.theme.id}_{_slug(crime_type)}_by_ward"
        what = crime_type.lower()
        leading = t[t["significant_rise"]]
        if leading.empty:
            top = t.head(3)
            text = (f"{crime_type} rose by {count_text(rise)} "
                    f"({count_text(ranking.previous_total)} → {count_text(ranking.total)}); "
                    f"no single ward's rise is statistically significant once the "
                    f"{len(t)} wards are tested together. The largest rises were in "
                    f"{_wards_text(top)}.")
        else:
            share = leading["change"].sum() / rise if rise else np.nan
            text = (f"{crime_type} rose by {count_text(rise)} "
                    f"({count_text(ranking.previous_total)} → {count_text(ranking.total)}). "
                    f"The rise is statistically significant in {_wards_text(leading)} "
                    f"(false discovery rate {FDR:.0%} across the {len(t)} wards with "
                    f"{what}), which {'together account' if len(leading) > 1 else 'accounts'} "
                    f"for {count_text(leading['change'].sum())} of the {count_text(rise)} "
                    f"({percent_text(100 * share)}).")
        blocks.append(Paragraph(text))
        blocks.append(Table(
            id=table_id, caption=f"{crime_type} by ward: strategic period against the "
            "comparison period",
            columns=(Column("name", "Ward"), *CHANGE_COLUMNS,
                     Column("q_value", "q-value (FDR)", "p_value")),
            rows=t.rename(columns={"count": "current", "previous_count": "previous"}).assign(
                pct_change=(100 * t["change"] / t["previous_count"]).where(
                    t["previous_count"] > 0)),
            source="places.ward_ranking",
            notes=(f"Wards with {what} in either period, largest rise first. q-values are "
                   "Benjamini-Hochberg adjusted across these wards; a rise is statistically "
                   f"significant when q is at most {FDR}.", CHANGE_NOTE)))
    return blocks


def _wards_text(rows: pd.DataFrame) -> str:
    parts = [f"{r['name']} ({int(r['change']):+,}, {count_text(r['previous_count'])} → "
             f"{count_text(r['count'])})" for _, r in rows.iterrows()]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")
