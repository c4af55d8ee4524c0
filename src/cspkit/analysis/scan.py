"""Monthly scanning: every series of the partnership and its wards tested for an exceedance.

A *series* is the monthly count of one category — total recorded crime, each crime type,
anti-social behaviour, each partner source loaded — in one area: the partnership as a whole
or one of its wards. Each series is tested twice: its latest month against its own past
(:func:`cspkit.analysis.exceedance.month_exceedance`, a sudden exceedance) and its latest
three months against the same months a year earlier
(:func:`cspkit.analysis.exceedance.quarter_change`, a rise that has lasted). The false
discovery rate is controlled across every test
(:func:`cspkit.analysis.hotspots.benjamini_hochberg`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.detection import flag_rows
from cspkit.analysis.exceedance import (
    DEFAULT_SETTINGS,
    NOT_TESTED,
    ExceedanceSettings,
    expected_band,
    month_exceedance,
    quarter_change,
)
from cspkit.analysis.involvement import SOURCE_NAMES
from cspkit.analysis.periods import StrategicPeriod, shift_month
from cspkit.analysis.scope import (
    ASB,
    CRIME,
    SOURCE_LOOKUP,
    Citation,
    Scope,
    count_incidents,
    loaded_months,
)
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.errors import CspError

TOTAL_CRIME = "Total recorded crime"
PARTNER_CATEGORIES = {
    "council_asb": "ASB reported to the council",
    "fire": "Fire and rescue incidents",
    "ae_assault": "A&E assault attendances",
    "police_crime_extract": "Crimes in the police extract",
    "yos_fte": "Youth justice first-time entrants",
}
"""How a partner source's series is named (a source not listed is named by its code)."""

MONTH_TEST, QUARTER_TEST = "month", "quarter"
SCAN_COLUMNS = ("area_level", "area_code", "area_name", "source", "category", "test", "observed",
                "expected", "upper_limit", "p_value", "q_value", "flagged", "method",
                "baseline_months")


@dataclass(frozen=True, eq=False)
class Scan:
    """Every series tested for one month.

    Attributes
    ----------
    table
        One row per series and test, flagged first then by p-value: ``area_level``
        (``partnership`` or ``ward``), ``area_code``, ``area_name``, ``source``,
        ``category``, ``test`` (``month``: the month against its expected level;
        ``quarter``: the last three months against the same months a year earlier),
        ``observed``, ``expected``, ``upper_limit``, ``p_value``, ``q_value``
        (Benjamini–Hochberg across every test), ``flagged`` (``q_value <= fdr``,
        ``observed > expected`` and ``observed >= min_count``), ``method`` (``glm``,
        ``exact`` or ``year on year``), ``baseline_months``.
    counts
        The monthly counts behind the table, long format: ``area_code``, ``source``,
        ``category``, ``month``, ``count`` (NaN where the source was not loaded).
    month
        The month tested.
    n_series, n_tested, n_not_tested, n_flagged
        Series scanned; tests run (two per series at most); tests not run for want of
        loaded months; tests flagged.
    fdr, min_count
        The false discovery rate controlled and the smallest count that can be flagged.
    settings
        The exceedance test's parameters.
    sources_not_loaded
        Partner sources loaded at some time but not for the month tested (not scanned).
    citation
        Month, areas, sources, load ids.
    """

    table: pd.DataFrame
    counts: pd.DataFrame
    month: str
    n_series: int
    n_tested: int
    n_not_tested: int
    n_flagged: int
    fdr: float
    min_count: int
    settings: ExceedanceSettings
    sources_not_loaded: tuple[str, ...]
    citation: Citation

    @property
    def flagged(self) -> pd.DataFrame:
        """The flagged rows of :attr:`table`."""
        return self.table[self.table["flagged"]].reset_index(drop=True)

    def series(self, area_code: str, source: str, category: str) -> pd.Series:
        """One series' monthly counts, indexed by month."""
        c = self.counts
        rows = c[(c["area_code"] == area_code) & (c["source"] == source)
                 & (c["category"] == category)]
        return rows.set_index("month")["count"].sort_index()

    def band(self, area_code: str, source: str, category: str,
             months: int = 12) -> pd.DataFrame:
        """The expected level and upper limit as the scan would have computed them in each
        of the last ``months`` months of a series: ``month``, ``count``, ``expected``,
        ``upper_limit``."""
        values = self.series(area_code, source, category)
        tests = expected_band(values.to_numpy(), months, self.settings)
        shown = values.dropna().index[-len(tests):]
        return pd.DataFrame({"month": list(shown), "count": [t.observed for t in tests],
                             "expected": [t.expected for t in tests],
                             "upper_limit": [t.upper_limit for t in tests]})


def latest_month(con: BaseBackend, source: str = CRIME) -> str:
    """The latest month the warehouse holds for ``source``.

    Raises
    ------
    CspError
        When nothing of ``source`` is loaded.
    """
    months = loaded_months(con, source)
    if not months:
        raise CspError(f"no {source} data loaded", hint="Load police.uk files first (csp load)")
    return max(months)


def _series_frame(counts: pd.DataFrame, lsoa_ward: pd.Series) -> pd.DataFrame:
    """Counts per (source, category, ward, month): crime types, total crime, ASB and each
    partner source as one category."""
    counts = counts.assign(ward_code=counts["lsoa_code"].map(lsoa_ward))
    crime = counts[counts["source"] == CRIME]
    parts = [crime, crime.assign(category=TOTAL_CRIME)]
    others = counts[counts["source"] != CRIME]
    label = others["source"].map(lambda s: ASB_CATEGORY if s == ASB else
                                 PARTNER_CATEGORIES.get(s, s))
    parts.append(others.assign(category=label))
    return (pd.concat(parts).groupby(["source", "category", "ward_code", "month"])["n"]
            .sum().rename("count").reset_index())


def _long_counts(keys: list[tuple[str, str, str]], values: list[np.ndarray],
                 months: Sequence[str]) -> pd.DataFrame:
    """The series as one long table (``area_code, source, category, month, count``), built
    at once rather than one frame per series."""
    n = len(months)
    return pd.DataFrame({
        "area_code": [code for code, _, _ in keys for _ in range(n)],
        "source": [source for _, source, _ in keys for _ in range(n)],
        "category": [category for _, _, category in keys for _ in range(n)],
        "month": list(months) * len(keys),
        "count": np.concatenate(values) if values else np.array([], dtype=float),
    })


def scan(
    con: BaseBackend,
    scope: Scope,
    *,
    fdr: float = 0.05,
    min_count: int = 5,
    settings: ExceedanceSettings = DEFAULT_SETTINGS,
) -> Scan:
    """Test every series of the partnership and its wards in the last month of the scope.

    Parameters
    ----------
    con
        Warehouse backend.
    scope
        The partnership's areas and the month to test as its period
        (:func:`~cspkit.analysis.scope.resolve_scope`, e.g. the month of
        :func:`latest_month`, with no comparison).
    fdr
        False discovery rate controlled across every series tested.
    min_count
        A month with fewer incidents than this is never flagged, however unusual (a rise
        from 0 to 3 is a small number, not an emerging issue; Farrington et al. 1996 raise
        no alarm on fewer than five cases).
    settings
        The exceedance test's parameters (:class:`ExceedanceSettings`).

    Returns
    -------
    Scan

    Notes
    -----
    Series: total recorded crime, each crime type with a crime in the months read,
    anti-social behaviour (``police_asb``), and every other source loaded for the month
    (partner data, one series per source), each in the partnership and in each ward.
    Months a source was not loaded are missing, never zero; a partner source not loaded
    for the tested month is not scanned. Each series is tested by
    :func:`~cspkit.analysis.exceedance.month_exceedance`; q-values are Benjamini–Hochberg
    over every series tested (:func:`~cspkit.analysis.hotspots.benjamini_hochberg`).
    """
    month = scope.period.end
    first = shift_month(month, -(12 * settings.years + settings.window))
    months = StrategicPeriod(first, month).months
    loaded = {s: set(m) & set(months) for s, m in scope.loaded.items() if set(m) & set(months)}
    scanned = sorted(s for s, m in loaded.items() if month in m)
    not_loaded = tuple(sorted(set(loaded) - set(scanned)))
    counts = count_incidents(con, scope, months, by=["month", "source", "category",
                                                       "lsoa_code"], sources=scanned)
    lsoa_ward = scope.lsoas.set_index("lsoa_code")["ward_code"]
    frame = _series_frame(counts, lsoa_ward)
    wards = scope.lsoas.drop_duplicates("ward_code").sort_values("ward_code")
    partnership_code = "+".join(scope.codes)
    areas_list = [("partnership", partnership_code, " and ".join(scope.names), None)]
    areas_list += [("ward", r.ward_code, r.ward_name, r.ward_code)
                   for r in wards.itertuples(index=False)]
    rows, series_keys, series_values = [], [], []
    month_index = pd.Index(list(months))
    for (source, category), group in frame.groupby(["source", "category"], sort=True):
        is_loaded = np.array([m in loaded[source] for m in months])
        by_ward = group.pivot_table(index="month", columns="ward_code", values="count",
                                    aggfunc="sum", fill_value=0).reindex(month_index,
                                                                         fill_value=0)
        for level, code, name, ward in areas_list:
            if ward is None:
                values = by_ward.sum(axis=1).to_numpy(dtype=float)
            elif ward in by_ward.columns:
                values = by_ward[ward].to_numpy(dtype=float)
            else:
                values = np.zeros(len(months))
            values = np.where(is_loaded, values, np.nan)
            series_keys.append((code, source, category))
            series_values.append(values)
            for test, result in ((MONTH_TEST, month_exceedance(values, settings)),
                                 (QUARTER_TEST, quarter_change(values, settings))):
                rows.append({"area_level": level, "area_code": code, "area_name": name,
                             "source": source, "category": category, "test": test,
                             "observed": result.observed, "expected": result.expected,
                             "upper_limit": result.upper_limit, "p_value": result.p_value,
                             "method": result.method,
                             "baseline_months": result.baseline_months})
    table = pd.DataFrame(rows, columns=[c for c in SCAN_COLUMNS
                                        if c not in ("q_value", "flagged")])
    tested = table["method"] != NOT_TESTED
    n_not_tested = int((~tested).sum())
    table = table[tested].reset_index(drop=True)
    table["q_value"], table["flagged"] = flag_rows(
        table["p_value"].to_numpy(), table["observed"].to_numpy(),
        table["expected"].to_numpy(), fdr=fdr, min_count=min_count)
    table = (table.sort_values(["flagged", "p_value", "area_level", "area_code", "category",
                                "test"], ascending=[False, True, False, True, True, True])
             .reset_index(drop=True)[list(SCAN_COLUMNS)])
    return Scan(
        table=table,
        counts=_long_counts(series_keys, series_values, months),
        month=month,
        n_series=len(series_keys),
        n_tested=len(table),
        n_not_tested=n_not_tested,
        n_flagged=int(table["flagged"].sum()),
        fdr=fdr,
        min_count=min_count,
        settings=settings,
        sources_not_loaded=not_loaded,
        citation=scope.cite(
            StrategicPeriod(month, month), StrategicPeriod(first, shift_month(month, -1)),
            sources=[*(SOURCE_NAMES.get(s, s) for s in scanned), SOURCE_LOOKUP],
            filters=[f"exceedance at FDR {fdr}, at least {min_count} incidents"],
            load_ids=[*counts["load_id"], *scope.lsoas["load_id"]]),
    )

