"""Findings: sentences built from figures, each with an importance score.

The executive summary leads with the most important findings. Importance is one documented
formula (:func:`importance`): the harm weight of what changed, times the size of the change
(its count and its percentage), scaled down when the change is not statistically significant
or rests on small numbers. The weights are :data:`HARM_WEIGHTS`, the one place to change them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from cspkit.analysis.places import PlaceRanking
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.assessment.config import Target
from cspkit.assessment.document import Finding
from cspkit.assessment.wording import Change, count_text, names_text, ordinal, percent_text

HARM_WEIGHTS: dict[str, float] = {
    "Violence and sexual offences": 2.0,
    "Robbery": 2.0,
    "Possession of weapons": 1.75,
    "Burglary": 1.75,
    "Criminal damage and arson": 1.25,
    "Drugs": 1.25,
    "Public order": 1.25,
    "Vehicle crime": 1.25,
    "Theft from the person": 1.25,
    ASB_CATEGORY: 1.25,
    "Shoplifting": 1.0,
    "Other theft": 1.0,
    "Bicycle theft": 1.0,
    "Other crime": 1.0,
}
"""Relative harm of each police.uk category, for ordering findings only (1 = least).

Ordered as the ONS Crime Severity Score ranks these offence groups (violence, robbery and
weapons highest; thefts lowest), compressed to 1–2 so that a large change in a low-harm
crime can still lead the summary. Anti-social behaviour, which the severity score does not
cover, is weighted with the middle group because partnerships treat it as a priority."""

TOTAL_WEIGHT = 2.5
"""Weight of total recorded crime: the headline figure of every assessment."""

NOT_SIGNIFICANT_FACTOR = 0.25
SMALL_NUMBER_FACTOR = 0.5


def harm_weight(categories: Iterable[str]) -> float:
    """The weight of a group of categories: that of its most harmful member.

    >>> harm_weight(["Shoplifting", "Burglary"])
    1.75
    """
    return max((HARM_WEIGHTS.get(c, 1.0) for c in categories), default=1.0)


def importance(change: Change, weight: float) -> float:
    """How strongly a change should lead the executive summary.

    Notes
    -----
    :math:`I = w \\,(1 + \\log_{10}(1 + |\\Delta|))\\,(1 + \\min(|p|, 100)/25)\\, s\\, m`,
    where :math:`w` is the harm weight, :math:`\\Delta` the change in count, :math:`p` the
    percentage change (taken as 50 when the previous count is 0), :math:`s` is 1 for a
    statistically significant change and :data:`NOT_SIGNIFICANT_FACTOR` otherwise, and
    :math:`m` is :data:`SMALL_NUMBER_FACTOR` when either count is a small number, else 1.

    Examples
    --------
    >>> round(importance(Change("Robbery", 319, 223, 0.0001), 2.0), 2)
    16.26
    >>> importance(Change("Robbery", 50, 50, 1.0), 2.0)
    0.5
    """
    pct = change.pct_change
    pct_term = 2.0 if math.isnan(pct) else min(abs(pct), 100.0) / 25.0
    score = weight * (1 + math.log10(1 + abs(change.change))) * (1 + pct_term)
    if not change.significant:
        score *= NOT_SIGNIFICANT_FACTOR
    if change.small:
        score *= SMALL_NUMBER_FACTOR
    return round(score, 4)


def _figures(change: Change) -> dict[str, float | int | str]:
    figures: dict[str, float | int | str] = {
        "group": change.name,
        "current": int(change.current),
        "previous": int(change.previous),
        "change": change.change,
        "p_value": float(change.p_value),
    }
    if not math.isnan(change.pct_change):
        figures["pct_change"] = float(change.pct_change)
    return figures


def change_finding(change: Change, *, weight: float, source_table: str) -> Finding:
    """A finding for a change between periods (rise, fall or no significant change)."""
    return Finding(
        sentence=change.sentence(),
        importance=importance(change, weight),
        kind=change.direction,  # type: ignore[arg-type]
        figures=_figures(change),
        source_table=source_table,
    )


def ward_findings(
    ranking: PlaceRanking, *, what: str, weight: float, source_table: str,
    changes_table: str, alpha: float, small_number: int, moved_places: int = 3,
) -> list[Finding]:
    """The ward with the most crime, and every ward whose change is statistically significant.

    Every ward's change is tested (``p_value`` of the ranking) and the p-values adjusted for
    testing all the wards at once (``q_value``, Benjamini–Hochberg); a ward's change is a
    finding only when its q-value is below ``alpha``, so that a ward is never featured for a
    change chance alone would often produce somewhere among many wards. Rises come first
    (where the partnership may need to act), then falls, each by :func:`importance`.

    Parameters
    ----------
    ranking
        Ward ranking (``analysis.places``), with ``p_value`` and ``q_value``.
    what
        What was counted, for the sentence ("recorded crime", "shoplifting").
    weight
        Harm weight of what was counted.
    source_table
        Id of the table holding the ranking (cited by the "most" finding).
    changes_table
        Id of the table of the significant ward changes (cited by the change findings).
    alpha, small_number
        Significance level (for the q-value) and small-number threshold.
    moved_places
        A significant change of a ward that climbed at least this many places into the top
        ``ranking.top_n`` also says so, and its importance is multiplied by
        ``1 + places / 5``.
    """
    table = ranking.table
    n_wards = len(table)
    out = []
    if n_wards and ranking.total:
        top = table.iloc[0]
        leaders = table[table["rank"] == 1]
        if len(leaders) == 1:
            sentence = (f"{top['name']} had the most {what} of the {n_wards} wards: "
                        f"{count_text(top['count'])}, {percent_text(100 * top['share'])} of "
                        f"the total ({ordinal(int(top['previous_rank']))} in the comparison "
                        "period).")
        else:
            sentence = (f"{names_text(leaders['name'].tolist())} had the most {what} of the "
                        f"{n_wards} wards: {count_text(top['count'])} each, "
                        f"{percent_text(100 * top['share'])} of the total each.")
        out.append(Finding(
            sentence=sentence,
            importance=round(weight * 1.5, 4),
            kind="highest",
            figures={"ward_code": str(top["code"]), "count": int(top["count"]),
                     "share": float(top["share"]), "rank": int(top["rank"]),
                     "previous_rank": int(top["previous_rank"])},
            source_table=source_table,
        ))
    changes = []
    for row in significant_wards(ranking, alpha).itertuples(index=False):
        change = Change(f"{what.capitalize()} in {row.name}", int(row.count),
                        int(row.previous_count), float(row.q_value), alpha, small_number)
        sentence = change.sentence()
        score = importance(change, weight)
        if row.top and row.movement >= moved_places:
            sentence = (f"{sentence[:-1]}; the ward moved from "
                        f"{ordinal(int(row.previous_rank))} to {ordinal(int(row.rank))} of "
                        f"{n_wards} wards.")
            score *= 1 + int(row.movement) / 5
        changes.append(Finding(
            sentence=sentence,
            importance=round(score, 4),
            kind=change.direction,  # type: ignore[arg-type]
            figures=_figures(change) | {
                "p_value": float(row.p_value), "q_value": float(row.q_value),
                "ward_code": str(row.code), "rank": int(row.rank),
                "previous_rank": int(row.previous_rank)},
            source_table=changes_table,
        ))
    return out + sorted(changes, key=lambda f: (f.kind != "rise", -f.importance, f.sentence))


def significant_wards(ranking: PlaceRanking, alpha: float) -> pd.DataFrame:
    """The rows of a ranking whose change is significant after the Benjamini–Hochberg
    adjustment across its places (``q_value < alpha``), in the ranking's order."""
    t = ranking.table
    return t[t["q_value"] < alpha].reset_index(drop=True)


def target_subject(target: Target, theme_names: dict[str, str]) -> str:
    """What a target is about, in words."""
    return theme_names[target.theme] if target.theme else str(target.crime_type)


def target_met(target: Target, change: Change) -> bool:
    """Whether the change reached the target (a reduction of at least ``percent``, or an
    increase of at least ``percent``)."""
    pct = change.pct_change
    if math.isnan(pct):
        return target.direction == "increase" and change.current > 0
    if target.direction == "reduce":
        return pct <= -target.percent
    return pct >= target.percent


def target_finding(target: Target, change: Change, *, subject: str, weight: float,
                   source_table: str) -> Finding:
    """Progress against a target, with the change worded by its significance."""
    met = target_met(target, change)
    aim = f"{target.direction} {subject.lower()} by {target.percent:g}%"
    status = "met" if met else "not met"
    sentence = f"Target to {aim}: **{status}**. {change.sentence()}"
    return Finding(
        sentence=sentence,
        importance=round(importance(change, weight) * (1.2 if not met else 1.0), 4),
        kind="target",
        figures=_figures(change) | {"target_percent": float(target.percent),
                                    "target_met": status},
        source_table=source_table,
    )
