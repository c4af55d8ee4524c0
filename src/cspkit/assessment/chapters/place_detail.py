"""Where a theme's figures come from: places whose type explains a count, and which wards a
significant rise came from.

Two questions a board asks after a location table or a rise: "is that a prison?" and "where
did the extra robberies happen?". The first is answered from the police.uk map point names
that denote a kind of place; the second by splitting a crime type's change between wards,
each ward's exact test adjusted for testing every ward (the ward ranking's q-values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspkit.assessment.chapters.parts import CHANGE_COLUMNS, CHANGE_NOTE, unavailable_callout
from cspkit.assessment.document import Block, Column, Paragraph, Table
from cspkit.assessment.evidence import ThemeEvidence, Unavailable
from cspkit.assessment.locations import TopLocations
from cspkit.assessment.wording import count_text, names_text, percent_text

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

ALPHA = 0.05


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


def rise_by_ward_blocks(item: ThemeEvidence, alpha: float = ALPHA) -> list[Block]:
    """For each crime type of the theme that rose significantly: which wards it rose in. A
    ward's rise is significant when its q-value (its exact test adjusted across every ward,
    Benjamini–Hochberg, as for the theme's own ward changes) is below ``alpha``; the table
    gives every ward with the crime type in either period, largest rise first."""
    blocks: list[Block] = []
    for crime_type, ranking in item.rises_by_ward.items():
        if isinstance(ranking, Unavailable):
            blocks.append(unavailable_callout(ranking))
            continue
        t = ranking.table
        t = (t[(t["count"] > 0) | (t["previous_count"] > 0)]
             .sort_values(["change", "name"], ascending=[False, True]).reset_index(drop=True))
        rise = ranking.total - ranking.previous_total
        what = crime_type.lower()
        leading = t[(t["q_value"] < alpha) & (t["change"] > 0)]
        head = (f"{crime_type} rose by {count_text(rise)} "
                f"({count_text(ranking.previous_total)} → {count_text(ranking.total)})")
        if leading.empty:
            text = (f"{head}; no single ward's rise is statistically significant once all "
                    f"{len(ranking.table)} wards are tested together. The largest rises were "
                    f"in {_wards_text(t.head(3))}.")
        else:
            share = leading["change"].sum() / rise if rise else np.nan
            text = (f"{head}. The rise is statistically significant (allowing for testing all "
                    f"{len(ranking.table)} wards) in {_wards_text(leading)}, which "
                    f"{'together account' if len(leading) > 1 else 'accounts'} for "
                    f"{count_text(leading['change'].sum())} of the {count_text(rise)} "
                    f"({percent_text(100 * share)}).")
        falls = t[(t["q_value"] < alpha) & (t["change"] < 0)]
        if not falls.empty:
            text += (f" It fell significantly in "
                     f"{_wards_text(falls.sort_values(['change', 'name']))}.")
        blocks.append(Paragraph(text))
        blocks.append(Table(
            id=f"{item.theme.id}_{_slug(crime_type)}_by_ward",
            caption=f"{crime_type} by ward: strategic period against the comparison period",
            columns=(Column("name", "Ward"), *CHANGE_COLUMNS,
                     Column("q_value", "q-value (all wards)", "p_value")),
            rows=t.rename(columns={"count": "current", "previous_count": "previous"}).assign(
                pct_change=(100 * t["change"] / t["previous_count"]).where(
                    t["previous_count"] > 0)),
            source="places.ward_ranking",
            notes=(f"Wards with {what} in either period, largest rise first. q-values are "
                   "the p-values adjusted for testing every ward at once (Benjamini-Hochberg); "
                   f"a rise is statistically significant when its q-value is below {alpha:g}.",
                   CHANGE_NOTE)))
    return blocks


def _wards_text(rows: pd.DataFrame) -> str:
    return names_text([f"{r['name']} ({count_text(r['previous_count'])} → "
                       f"{count_text(r['count'])})" for _, r in rows.iterrows()])


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")
