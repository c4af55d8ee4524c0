"""Police outcomes: the street files' "Last outcome category" and the monthly outcomes files.

Each crime gets a final outcome (mix by crime type) and a delay in months. An outcome that
would fall after the last published month is not known yet, so the street file says
"Under investigation" — which is why recent months look unresolved, as in real downloads.
A charge shows in the street file as "Court result unavailable" ("Awaiting court outcome"
while recent) and in the outcomes file as "Suspect charged".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspkit.synth.profiles import (
    ASB,
    CHARGED,
    OUTCOME_DELAY,
    OUTCOME_DELAY_TAIL,
    REPEATED_OUTCOME_SHARE,
    STATUS_UNAVAILABLE,
    outcome_mix,
)

UNDER_INVESTIGATION = "Under investigation"
COURT_RESULT_UNAVAILABLE = "Court result unavailable"
AWAITING_COURT = "Awaiting court outcome"
# Charges this many months before the end of the data still await their court outcome.
_AWAITING_COURT_MONTHS = 4


@dataclass(frozen=True)
class Outcomes:
    """Outcomes of the simulated crimes.

    Attributes
    ----------
    last_outcome
        For each incident row: the street file's "Last outcome category" ("" for ASB).
    records
        Outcomes-file rows: ``incident`` (row in the incidents table), ``month_index``
        (month of the outcome), ``outcome_type``.
    """

    last_outcome: np.ndarray
    records: pd.DataFrame


def simulate_outcomes(
    rng: np.random.Generator, incidents: pd.DataFrame, months: list[str]
) -> Outcomes:
    """Draw the outcome of every crime (ASB rows have none)."""
    month_index = pd.Index(months).get_indexer(incidents.month)
    last_month = len(months) - 1
    final = np.full(len(incidents), "", dtype=object)
    for crime_type, rows in incidents.groupby("crime_type").indices.items():
        if crime_type == ASB:
            continue
        mix = outcome_mix(crime_type)
        final[rows] = rng.choice(list(mix), size=len(rows), p=list(mix.values()))
    delay = _delays(rng, len(incidents))
    outcome_month = month_index + delay
    is_crime = final != ""
    known = is_crime & (outcome_month <= last_month)

    last = final.copy()
    last[is_crime & ~known] = UNDER_INVESTIGATION
    charged = known & (final == CHARGED)
    recent = last_month - outcome_month < _AWAITING_COURT_MONTHS
    last[charged] = COURT_RESULT_UNAVAILABLE
    last[charged & recent] = AWAITING_COURT

    published = np.flatnonzero(known & (final != STATUS_UNAVAILABLE))
    records = pd.DataFrame(
        {
            "incident": published,
            "month_index": outcome_month[published],
            "outcome_type": final[published],
        }
    )
    again = records[
        (rng.uniform(size=len(records)) < REPEATED_OUTCOME_SHARE)
        & (records.month_index < last_month)
    ].assign(month_index=lambda r: r.month_index + 1)
    records = pd.concat([records, again], ignore_index=True)
    records = records.sort_values(["month_index", "incident"], ignore_index=True)
    return Outcomes(last_outcome=last, records=records)


def _delays(rng: np.random.Generator, n: int) -> np.ndarray:
    first, last = OUTCOME_DELAY_TAIL
    tail_share = 1.0 - sum(OUTCOME_DELAY)
    values = list(range(len(OUTCOME_DELAY))) + list(range(first, last + 1))
    probs = list(OUTCOME_DELAY) + [tail_share / (last - first + 1)] * (last - first + 1)
    return rng.choice(values, size=n, p=probs)
