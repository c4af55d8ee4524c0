"""Reading the cached completeness measures of data requirements (never computing them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from cspkit.errors import CspError
from cspkit.sources.completeness import FIELDS, parse_measure_key
from cspkit.sources.names import source_name
from cspkit.tracker.models import DataRequirement, QualityReading

TREND_MONTHS = 6


@dataclass(frozen=True)
class QualityStatus:
    """A data requirement's completeness measure as last computed.

    Attributes
    ----------
    label
        The measure in words, e.g. "Last outcome in police.uk recorded crime".
    threshold
        The completeness (%) at which it is met, if one is set.
    trend
        The last :data:`TREND_MONTHS` months' readings, oldest first (empty: never computed,
        or the warehouse holds no such records).
    """

    label: str
    threshold: Decimal | None
    trend: tuple[QualityReading, ...]

    @property
    def latest(self) -> QualityReading | None:
        return self.trend[-1] if self.trend else None

    @property
    def computed_at(self) -> datetime | None:
        return self.latest.computed_at if self.latest else None

    @property
    def threshold_text(self) -> str:
        """The threshold without trailing zeros ("90", "92.5"); empty when none is set."""
        return "" if self.threshold is None else f"{self.threshold.normalize():f}"

    @property
    def met(self) -> bool | None:
        """Whether the latest month reaches the threshold (None: no threshold or no figure)."""
        if self.threshold is None or self.latest is None:
            return None
        return self.latest.share >= float(self.threshold)

    def describe(self) -> str:
        """One sentence for the progress report.

        Examples
        --------
        >>> QualityStatus("Date and time in fire and rescue service incident records",
        ...               Decimal("90"), ()).describe()
        'Date and time in fire and rescue service incident records: not measured yet (target 90%).'
        """
        target = (f" (target {self.threshold_text}%"
                  + ("" if self.met is None else ", met" if self.met else ", not met") + ")"
                  if self.threshold is not None else "")
        if self.latest is None:
            return f"{self.label}: not measured yet{target}."
        months = ", ".join(f"{r.share:.1f}%" for r in self.trend)
        latest = self.latest
        return (f"{self.label}: {latest.share:.1f}% of records in {latest.month}{target}; "
                f"last {len(self.trend)} months: {months}.")


def measure_label(key: str) -> str:
    """A measure key in words.

    Examples
    --------
    >>> measure_label("police_crime.last_outcome")
    'Last outcome in police.uk recorded crime'
    """
    try:
        source, field = parse_measure_key(key)
    except CspError:  # a key saved before keys were checked
        return f"{key} (not a measure the tracker can compute)"
    return f"{FIELDS[field].label} in {source_name(source)}"


def data_requirement_quality(
    entries: Iterable[DataRequirement],
) -> dict[int, QualityStatus]:
    """The measure of each entry that has one, by the entry's id, in one query."""
    linked = {e.pk: e for e in entries if e.quality_measure}
    readings: dict[int, list[QualityReading]] = {pk: [] for pk in linked}
    for reading in QualityReading.objects.filter(data_requirement_id__in=linked).order_by(
        "data_requirement_id", "month"
    ):
        readings[reading.data_requirement_id].append(reading)
    return {
        pk: QualityStatus(
            label=measure_label(entry.quality_measure),
            threshold=entry.quality_threshold,
            trend=tuple(readings[pk][-TREND_MONTHS:]),
        )
        for pk, entry in linked.items()
    }
