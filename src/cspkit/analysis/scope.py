"""What an analysis covers: areas resolved to LSOAs, the rows counted, and how to cite them.

Every analysis starts here: the caller names areas (local authority, ward or LSOA codes from
the loaded ``area`` lookup) and a strategic period; :func:`resolve_scope` checks both against
the warehouse once, so a wrong code or an unloaded month is an error rather than a table of
zeros, and every analysis takes the :class:`Scope` it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import ibis
import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.periods import ComparisonRule, StrategicPeriod, month_index
from cspkit.errors import CspError

CRIME = "police_crime"
ASB = "police_asb"

SOURCE_CRIME = "data.police.uk street-level crime (incident.source = police_crime)"
SOURCE_ASB = "data.police.uk anti-social behaviour (incident.source = police_asb)"
SOURCE_CENSUS = "ONS Census 2021 usual residents by LSOA 2021 (population)"
SOURCE_LOOKUP = "ONS LSOA 2021 to ward to local authority best-fit lookup (area)"
SOURCE_NAMES = {CRIME: SOURCE_CRIME, ASB: SOURCE_ASB}
"""The incident sources place analyses can count, and how a citation names them."""
SOURCE_WORDS = {CRIME: "crime", ASB: "anti-social behaviour"}
"""How a sentence names what the place analyses count."""
Compare = ComparisonRule | StrategicPeriod | None
"""A comparison: a rule, an explicit period, or none."""
T = TypeVar("T")
COUNTED = ("source", "month", "lsoa_code", "category")
"""The columns every table of counts behind :func:`count_incidents` is grouped by."""


@dataclass(frozen=True)
class Citation:
    """What a reader needs to cite a figure: when, where, from what, filtered how.

    Attributes
    ----------
    period, comparison
        The strategic period and the period it is compared with (``None`` when none).
    areas, area_names
        The area codes the caller asked for and their names.
    sources
        The data sets the figures come from.
    filters
        Every restriction applied, in words (e.g. ``category in ['Burglary']``).
    load_ids
        The ``load_ledger`` rows whose data were used.
    """

    period: StrategicPeriod
    comparison: StrategicPeriod | None
    areas: tuple[str, ...]
    area_names: tuple[str, ...]
    sources: tuple[str, ...]
    filters: tuple[str, ...]
    load_ids: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class Scope:
    """What an analysis covers, resolved against the warehouse once (:func:`resolve_scope`).

    Attributes
    ----------
    codes, names
        The area codes asked for and their names.
    lsoas
        One row per LSOA 2021 of the areas: ``lsoa_code, lsoa_name, ward_code, ward_name,
        lad_code, lad_name, load_id``.
    period, comparison
        The strategic period and the period it is compared with (``None``: no comparison).
    loaded
        Incident source → the months holding at least one of its rows (in any area).
    source
        The incident source every month of both periods holds (``None``: none checked).

    Notes
    -----
    Like the months loaded, what analyses read through a scope is read once: the counts
    behind :func:`count_incidents` and the residents of :func:`residents` are kept with the
    scope (and the scopes :meth:`over` and :meth:`within` make from it) for the warehouse
    they were read from (:meth:`reuse`). Resolve a new scope after loading more data.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    lsoas: pd.DataFrame
    period: StrategicPeriod
    comparison: StrategicPeriod | None
    loaded: Mapping[str, frozenset[str]]
    source: str | None = CRIME
    _reads: dict[Hashable, tuple[BaseBackend, Any]] = field(default_factory=dict, repr=False)

    def table(self, con: BaseBackend, name: str) -> ibis.Table:
        """The warehouse table ``name`` (``con.table``, which reads the table's schema from
        the engine on every call), read once per backend for this scope and those made
        from it."""
        return self.reuse(con, ("table", name), lambda: con.table(name))

    def in_areas(self, con: BaseBackend, column: ibis.Column) -> ibis.BooleanValue:
        """Whether ``column`` (LSOA 2021 codes) holds one of the scope's LSOAs.

        The codes are a small table the engine reads (kept for the backend as :meth:`table`
        is): the same rows as ``column.isin(self.lsoa_codes)``, whose hundred-odd literals
        Ibis takes about 10 ms to compile into every query.
        """
        codes = self.reuse(con, ("lsoa codes", tuple(self.lsoa_codes)), lambda: ibis.memtable(
            {"lsoa_code": self.lsoa_codes}, schema={"lsoa_code": "string"}))
        return column.isin(codes.lsoa_code)

    def reuse(self, con: BaseBackend, key: Hashable, read: Callable[[], T]) -> T:
        """``read()`` once per warehouse backend and ``key``: later calls return what it
        returned (shared with the scopes made from this one; a key must therefore name
        everything the read depends on, e.g. the LSOA codes). A read that raises is not kept.
        """
        kept = self._reads.get((id(con), key))
        if kept is not None and kept[0] is con:
            return kept[1]
        value = read()
        self._reads[(id(con), key)] = (con, value)
        return value

    @property
    def lsoa_codes(self) -> list[str]:
        return self.lsoas["lsoa_code"].tolist()

    @property
    def span(self) -> StrategicPeriod:
        """From the earlier period's first month to the strategic period's last."""
        first = min(self.period.start, (self.comparison or self.period).start)
        return StrategicPeriod(first, self.period.end)

    def months_loaded(self, source: str = CRIME) -> frozenset[str]:
        """The months holding at least one ``source`` row."""
        return self.loaded.get(source, frozenset())

    def require_months(self, months: Iterable[str], *, source: str = CRIME,
                       what: str = "period", hint: str | None = None) -> None:
        """Fail unless ``source`` has rows in every month given (no warehouse query).

        A month with no rows at all (in any area) was never loaded: counting it as zero would
        understate crime, so it is an error.

        Raises
        ------
        MonthsNotLoaded
            Naming the missing months and ``what`` needed them.
        """
        loaded = self.months_loaded(source)
        missing = [m for m in months if m not in loaded]
        if missing:
            span = (f"{len(loaded)} month(s) from {min(loaded)} to {max(loaded)}" if loaded
                    else "no months at all")
            raise MonthsNotLoaded(
                missing, what=what, source=source,
                hint=hint or f"The warehouse holds {span}; load the missing police.uk files "
                "or choose a period inside that range")

    def require_source(self, source: str, *, comparison: bool = True) -> None:
        """Fail unless ``source`` has rows in every month of the period (and the comparison
        period); the scope's own source was checked when it was resolved."""
        periods = [("period", self.period)]
        if comparison and self.comparison is not None:
            periods.append(("comparison period", self.comparison))
        for what, period in periods:
            self.require_months(period.months, source=source, what=f"{what} {period.label}")

    def over(self, period: StrategicPeriod, compare: Compare = "previous", *,
             what: str | None = None, hint: str | None = None) -> Scope:
        """The same areas over another period, its months of the scope's source checked.

        ``what`` (and ``hint``) name the two periods together in the error when a month is not
        loaded (default: "period …" or "comparison period …").
        """
        scoped = replace(self, period=period, comparison=comparison_of(period, compare))
        if self.source is None:
            return scoped
        if what is None:
            scoped.require_source(self.source)
        else:
            earlier = scoped.comparison.months if scoped.comparison else ()
            scoped.require_months([*earlier, *period.months], source=self.source, what=what,
                                  hint=hint)
        return scoped

    def within(self, areas: str | Sequence[str]) -> Scope:
        """The scope narrowed to wards or LSOAs of its areas (no warehouse query).

        Raises
        ------
        CspError
            A code naming no ward or LSOA of the scope.
        """
        codes = as_codes(areas)
        found = [_match(self.lsoas, code) for code in codes]
        for code, hit in zip(codes, found, strict=True):
            if hit is None:
                raise CspError(f"area {code!r} lies outside the partnership "
                               f"({' and '.join(self.names)})",
                               hint="Choose areas of the partnership only")
        lsoas = (pd.concat([rows for _, rows in found]).drop_duplicates("lsoa_code")
                 .sort_values("lsoa_code").reset_index(drop=True))
        return replace(self, codes=codes, names=tuple(name for name, _ in found), lsoas=lsoas)

    def cite(
        self,
        period: StrategicPeriod,
        comparison: StrategicPeriod | None,
        *,
        sources: Iterable[str],
        filters: Iterable[str] = (),
        load_ids: Iterable[int] = (),
    ) -> Citation:
        return Citation(
            period=period,
            comparison=comparison,
            areas=self.codes,
            area_names=self.names,
            sources=tuple(dict.fromkeys(sources)),
            filters=tuple(filters),
            # Distinct first: the ids often come one per counted row.
            load_ids=tuple(sorted({int(i) for i in set(load_ids) if pd.notna(i)})),
        )


def _match(lsoas: pd.DataFrame, code: str) -> tuple[str, pd.DataFrame] | None:
    """The name of a local authority, ward or LSOA code of ``lsoas`` and its LSOA rows."""
    for level in ("lad", "ward", "lsoa"):
        hit = lsoas[lsoas[f"{level}_code"] == code]
        if len(hit):
            return str(hit[f"{level}_name"].iloc[0]), hit
    return None


def comparison_of(period: StrategicPeriod, compare: Compare) -> StrategicPeriod | None:
    """The comparison period a rule (or an explicit period, or ``None``) gives."""
    if compare is None or isinstance(compare, StrategicPeriod):
        return compare
    return period.previous(compare)


def as_codes(areas: str | Sequence[str]) -> tuple[str, ...]:
    codes = (areas,) if isinstance(areas, str) else tuple(areas)
    if not codes:
        raise CspError("no areas given", hint="Name a local authority, ward or LSOA code")
    return tuple(dict.fromkeys(str(c).strip() for c in codes))


def resolve_scope(con: BaseBackend, *, areas: str | Sequence[str], period: StrategicPeriod,
                  compare: Compare = "previous", source: str | None = CRIME) -> Scope:
    """Resolve areas and periods once, for every analysis: two warehouse queries.

    Parameters
    ----------
    con
        Warehouse backend.
    areas
        Local authority, ward or LSOA 2021 codes (one or several).
    period
        The strategic period.
    compare
        ``"previous"`` (the equal period just before), ``"year-earlier"`` (the same months a
        year before), an explicit :class:`StrategicPeriod`, or ``None`` (no comparison).
    source
        The incident source every month of both periods must hold: recorded crime, unless
        the analyses read other sources only (``None``: each analysis checks its own).

    Raises
    ------
    CspError
        A code in no row of the loaded ``area`` lookup.
    MonthsNotLoaded
        A month of the period or the comparison period holding no ``source`` row.
    """
    codes, lsoas = area_lsoas(con, areas)
    incident = con.table("incident")
    months = incident.select("source", "month").distinct().to_pandas()
    loaded = {str(s): frozenset(g["month"]) for s, g in months.groupby("source")}
    everything = Scope(codes=codes, names=(), lsoas=lsoas, period=period, comparison=None,
                       loaded=loaded, source=source)
    return everything.within(codes).over(period, compare)


def loaded_months(con: BaseBackend, source: str = CRIME) -> frozenset[str]:
    """The months holding at least one ``source`` row (in any area), in one query."""
    incident = con.table("incident")
    months = incident.filter(incident.source == source).select("month").distinct().to_pandas()
    return frozenset(str(m) for m in months["month"])


def area_names(con: BaseBackend, areas: str | Sequence[str]) -> tuple[str, ...]:
    """The names of local authority, ward or LSOA codes, in their order (one query).

    Raises
    ------
    CspError
        A code in no row of the loaded ``area`` lookup.
    """
    codes, lsoas = area_lsoas(con, areas)
    return tuple(_match(lsoas, code)[0] for code in codes)


def area_lsoas(con: BaseBackend, areas: str | Sequence[str]
               ) -> tuple[tuple[str, ...], pd.DataFrame]:
    """The area codes, and the LSOA 2021 rows (with ward and local authority) they cover, in
    one query.

    Raises
    ------
    CspError
        A code in no row of the loaded ``area`` lookup.
    """
    codes = as_codes(areas)
    area = con.table("area")
    rows = (
        area.filter(area.lad_code.isin(list(codes)) | area.ward_code.isin(list(codes))
                    | area.lsoa_code.isin(list(codes)))
        .select("lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code", "lad_name",
                "load_id")
        .distinct()
        .to_pandas()
    )
    for code in codes:
        if _match(rows, code) is None:
            raise CspError(
                f"area code {code!r} is not in the loaded area lookup",
                hint="Use a local authority (E06…/E07…/E08…/E09…), ward (E05…) or LSOA 2021 "
                "(E01…) code, and load the ONS LSOA→ward→LAD lookup first (csp load)",
            )
    lsoas = (rows.sort_values(["lsoa_code", "load_id"])
             .drop_duplicates("lsoa_code", keep="last").reset_index(drop=True))
    return codes, lsoas


def month_list(months: Sequence[str], *, most: int = 6) -> str:
    """Months for a message: runs of consecutive months as ranges, at most ``most`` items.

    >>> month_list(["2023-02", "2023-03", "2023-04", "2023-09"])
    '2023-02 to 2023-04, 2023-09'
    """
    runs: list[list[str]] = []
    for month in sorted(months):
        if runs and month_index(month) == month_index(runs[-1][-1]) + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    items = [run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs]
    return ", ".join(items[:most]) + (" …" if len(items) > most else "")


class MonthsNotLoaded(CspError):
    """Months an analysis needs hold no rows of a source: they were never loaded.

    Attributes
    ----------
    missing
        The months with no rows, in order.
    what
        What needed them, in words (e.g. ``comparison period 2024-01 to 2024-12``).
    source
        The incident source looked for.
    """

    def __init__(self, missing: Sequence[str], *, what: str, source: str, hint: str) -> None:
        self.missing = tuple(missing)
        self.what = what
        self.source = source
        super().__init__(
            f"no {source} data loaded for {len(self.missing)} month(s) of the {what}: "
            f"{month_list(self.missing)}", hint=hint)


def incidents(
    con: BaseBackend,
    scope: Scope,
    months: Iterable[str],
    *,
    sources: Sequence[str] = (CRIME,),
    categories: Sequence[str] | None = None,
) -> ibis.Table:
    """Incident rows of ``sources`` in the scope's LSOAs and the given months."""
    t = scope.table(con, "incident")
    expr = t.filter(
        t.source.isin(list(sources)),
        t.month.isin(list(months)),
        scope.in_areas(con, t.lsoa_code),
    )
    if categories is not None:
        expr = expr.filter(expr.category.isin(list(categories)))
    return expr


def count_incidents(
    con: BaseBackend,
    scope: Scope,
    months: Iterable[str],
    *,
    by: Sequence[str],
    sources: Sequence[str] = (CRIME,),
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Counts grouped by ``by`` (plus ``load_id``), aggregated in the engine.

    Returns a DataFrame with the ``by`` columns, ``load_id`` and ``n`` (int64), sorted by
    them (a null key, as the engine groups it, sorts last).

    The engine counts the scope's incidents of every source and month once per set of
    ``by`` columns, by those columns and :data:`COUNTED` (:meth:`Scope.reuse`); each call
    sums the rows of that table its months, sources and categories select, so the analyses
    of one assessment ask the warehouse a few times instead of once each.
    """
    keys = tuple(dict.fromkeys([*COUNTED, *by]))
    months, sources = tuple(months), tuple(sources)
    chosen = None if categories is None else tuple(categories)

    def total() -> pd.DataFrame:
        counted = _counted(con, scope, keys)
        chosen_rows = counted.selecting("source", sources) & counted.selecting("month", months)
        if chosen is not None:
            chosen_rows &= counted.selecting("category", chosen)
        rows = counted.frame[chosen_rows]
        out = rows.groupby([*by, "load_id"], as_index=False, sort=True, dropna=False)["n"].sum()
        out["n"] = out["n"].astype("int64")
        return out

    # The same selection is counted by several analyses (a theme's ward ranking and its
    # concentration, …): summed once per scope.
    return scope.reuse(con, ("count", tuple(by), months, sources, chosen,
                             tuple(scope.lsoa_codes)), total).copy()


@dataclass(frozen=True, eq=False)
class _CountedRows:
    """Counted rows, with the codes of the columns :func:`count_incidents` selects on (so a
    selection compares small integers instead of text on every call)."""

    frame: pd.DataFrame
    codes: dict[str, tuple[np.ndarray, pd.Index]]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _CountedRows:
        return cls(frame, {c: pd.factorize(frame[c]) for c in ("source", "month", "category")})

    def selecting(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Whether each row's ``column`` is one of ``values`` (a null is none of them)."""
        codes, uniques = self.codes[column]
        wanted = uniques.get_indexer(list(values))
        return np.isin(codes, wanted[wanted >= 0])


def _counted(con: BaseBackend, scope: Scope, keys: tuple[str, ...]) -> _CountedRows:
    """The scope's incidents of every source and month counted by ``keys`` and ``load_id``
    (one query per scope's LSOAs, set of keys and backend)."""

    def read() -> _CountedRows:
        t = scope.table(con, "incident")
        expr = t.filter(scope.in_areas(con, t.lsoa_code))
        return _CountedRows.of(
            expr.group_by([*keys, "load_id"]).aggregate(n=expr.count()).to_pandas())

    return scope.reuse(con, ("counted", frozenset(keys), tuple(scope.lsoa_codes)), read)


def residents(con: BaseBackend, scope: Scope) -> pd.DataFrame:
    """Census 2021 usual residents per LSOA of the scope: ``lsoa_code, residents, load_id``.

    Raises
    ------
    CspError
        When an LSOA of the scope has no Census 2021 total loaded.
    """
    return scope.reuse(con, ("residents", tuple(scope.lsoa_codes)),
                       lambda: _residents(con, scope)).copy()


def _residents(con: BaseBackend, scope: Scope) -> pd.DataFrame:
    pop = scope.table(con, "population")
    rows = (
        pop.filter(
            pop.geography == "lsoa21",
            pop.source == "census2021",
            pop.sex == "persons",
            pop.age_min == 0,
            pop.age_max >= 90,
            scope.in_areas(con, pop.lsoa_code),
        )
        .group_by("lsoa_code")
        .aggregate(residents=lambda t: t["count"].max(), load_id=lambda t: t.load_id.max())
        .to_pandas()
    )
    missing = sorted(set(scope.lsoa_codes) - set(rows["lsoa_code"]))
    if missing:
        raise CspError(
            f"no Census 2021 residents loaded for {len(missing)} LSOA(s) of the areas "
            f"(e.g. {', '.join(missing[:3])})",
            hint="Load census2021_usual_residents_lsoa21.csv.gz (csp load) before rates",
        )
    rows["residents"] = rows["residents"].astype("int64")
    return rows.sort_values("lsoa_code").reset_index(drop=True)


def nothing_recorded(source: str, categories: Sequence[str] | None, period: StrategicPeriod,
                     consequence: str) -> CspError:
    """The error of an analysis with nothing to measure: no incident of the selection in the
    areas and period (an analysis the assessment then reports as not available)."""
    what = " or ".join(categories) if categories else SOURCE_WORDS[source]
    return CspError(f"no {what} recorded in the areas in {period.label}, so {consequence}")


def describe_categories(categories: Sequence[str] | None) -> list[str]:
    """A category filter in words, for a citation (nothing when all categories count)."""
    return [] if categories is None else [f"category in {sorted(categories)}"]


def describe_selection(source: str, categories: Sequence[str] | None) -> list[str]:
    """The incident filter (source and categories) in words, for a citation."""
    out = [] if source == CRIME else [f"source = {source} (anti-social behaviour)"]
    return out + describe_categories(categories)
