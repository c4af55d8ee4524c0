"""Every community safety partnership at once: rates, change and most similar groups.

A partnership is a local authority district. For each, crime and anti-social behaviour per
1,000 residents by crime type, the change from the comparison period with its exact test
(:func:`cspkit.analysis.change.comparison_table`, the one implementation of change), a
national rank, and its most similar group: the authorities nearest to it on standardised
characteristics (population density, age structure and deprivation), with its position
within that group.
See docs/national.md for the method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.change import DEFAULT_SMALL_NUMBER, comparison_table
from cspkit.analysis.peers import lad_residents
from cspkit.analysis.periods import ComparisonRule, StrategicPeriod
from cspkit.analysis.scope import ASB, CRIME, resolve_scope
from cspkit.errors import CspError

DEFAULT_GROUP_SIZE = 15
"""Authorities in a most similar group besides the partnership itself (as iQuanta's)."""
CHARACTERISTICS = {
    "pct_aged_0_15": "Residents aged 0 to 15 (%)",
    "pct_aged_16_24": "Residents aged 16 to 24 (%)",
    "pct_aged_65_plus": "Residents aged 65 and over (%)",
    "imd_score": "Mean IMD 2025 score (residents-weighted)",
    "log_density": "Residents per km² of land (natural log)",
}
"""The characteristics most similar groups are built from, and their labels. Density is
used when a land area table (ONS Standard Area Measurements) is loaded."""
DENSITY = "log_density"
AGE_BANDS = {"pct_aged_0_15": (0, 15), "pct_aged_16_24": (16, 24),
             "pct_aged_65_plus": (65, 120)}


@dataclass(frozen=True, eq=False)
class NationalComparison:
    """Every local authority's crime and anti-social behaviour, and its most similar group.

    Attributes
    ----------
    table
        One row per authority with residents, sorted by code: ``lad_code``, ``lad_name``,
        ``residents``, ``crime``, ``crime_previous``, ``crime_rate`` (per 1,000 residents),
        ``crime_pct_change``, ``crime_p_value``, ``crime_significant``, the same five for
        ``asb``, ``national_rank`` (crime rate, 1 = highest), ``group_size``,
        ``group_rank`` (crime rate among the authority and its group, 1 = highest),
        ``group_mean_rate`` (mean crime rate of the group's members, the authority
        excluded) and ``ratio_to_group`` (its rate over that mean). Group columns are null
        for an authority without every characteristic.
    by_type
        One row per authority and crime type (anti-social behaviour included): ``lad_code``,
        ``crime_type``, ``current``, ``previous``, ``rate``, ``pct_change``, ``p_value``,
        ``significant``, ``small_numbers`` and ``national_rank`` (rate, 1 = highest).
    characteristics
        One row per authority: ``lad_code`` and each characteristic of
        :data:`CHARACTERISTICS` the groups were built from (``log_density`` only when land
        areas are loaded: see :attr:`density_used`).
    groups
        ``lad_code``, ``member`` (a most similar authority), ``distance`` (Euclidean, on
        z-scores) and ``order`` (1 = most similar).
    period, previous
        The periods compared.
    """

    table: pd.DataFrame
    by_type: pd.DataFrame
    characteristics: pd.DataFrame
    groups: pd.DataFrame
    period: StrategicPeriod
    previous: StrategicPeriod

    @property
    def density_used(self) -> bool:
        """Whether population density was one of the characteristics (land areas loaded)."""
        return DENSITY in self.characteristics.columns


def lad_land_area(con: BaseBackend) -> pd.Series | None:
    """Land area in km² (ONS SAM ``AREALHECT`` / 100) by local authority code, from the
    newest vintage loaded of the ``area_measure`` table; None when none is loaded."""
    if "area_measure" not in con.list_tables():
        return None
    t = con.table("area_measure")
    land = t.filter(t.land_hectares.notnull()).select("lad_code", "vintage", "land_hectares")
    frame = land.to_pandas()
    if frame.empty:
        return None
    frame = frame.sort_values(["lad_code", "vintage"]).drop_duplicates("lad_code", keep="last")
    return (frame.set_index("lad_code")["land_hectares"].astype(float) / 100.0).sort_index()


def log_density(residents: pd.Series, land_km2: pd.Series) -> pd.Series:
    r""":math:`\ln(n / A)`: Census 2021 residents per km² of land, natural log (null where the
    land area is unknown or not positive).

    >>> log_density(pd.Series([1000, 50]), pd.Series([10.0, 0.0])).round(4).tolist()
    [4.6052, nan]
    """
    area = land_km2.astype(float).where(land_km2 > 0)
    return np.log(residents.astype(float) / area)


def lad_characteristics(con: BaseBackend) -> pd.DataFrame:
    """Age structure and mean deprivation of every local authority in the loaded lookup.

    Ages come from the latest mid-year estimate by age loaded (by LSOA 2021, or by LSOA 2011
    each counted in the authority of its first LSOA 2021 in the ONS LSOA 2011 → 2021
    lookup); the IMD score is the mean of the authority's LSOA 2021 IoD2025 scores weighted
    by Census 2021 residents (England only: a Welsh authority's is null).

    Raises
    ------
    CspError
        When no mid-year estimate by age is loaded.
    """
    pop = con.table("population")
    ages = pop.filter(pop.source == "mid_year_estimate", pop.sex == "persons",
                      ~((pop.age_min == 0) & (pop.age_max >= 90)))
    latest = ages.group_by(["year", "geography"]).aggregate(n=ages.count()).to_pandas()
    if latest.empty:
        raise CspError("no mid-year population estimate by age is loaded",
                       hint="Load the ONS mid-year LSOA estimates, e.g. "
                       "population20_lsoa11_syoa.csv.gz, with `csp load`")
    year, geography = latest.sort_values(["year", "geography"]).iloc[-1][["year", "geography"]]
    ages = ages.filter(ages.year == int(year), ages.geography == str(geography))
    area = con.table("area").select("lsoa_code", "lad_code").distinct()
    if geography == "lsoa21":
        joined = ages.join(area, ages.lsoa_code == area.lsoa_code)
    else:
        change = con.table("lsoa_change")
        placed = change.join(area, change.lsoa21_code == area.lsoa_code)
        first = placed.group_by("lsoa11_code").aggregate(lad_code=placed.lad_code.min())
        joined = ages.join(first, ages.lsoa_code == first.lsoa11_code)
    sums = {"total": joined["count"].sum()}
    for name, (low, high) in AGE_BANDS.items():
        sums[name] = joined["count"].sum(where=joined.age_min.between(low, high))
    by_age = joined.group_by("lad_code").aggregate(**sums).to_pandas()
    for name in AGE_BANDS:
        by_age[name] = 100.0 * by_age[name].astype(float) / by_age["total"].astype(float)
    dep = con.table("deprivation")
    imd = dep.filter(dep.edition == "IoD2025", dep.domain == "imd", dep.geography == "lsoa21")
    census = pop.filter(pop.geography == "lsoa21", pop.source == "census2021",
                        pop.sex == "persons", pop.age_min == 0, pop.age_max >= 90)
    scored = imd.join(census, imd.lsoa_code == census.lsoa_code).join(
        area, imd.lsoa_code == area.lsoa_code)
    weighted = scored.group_by("lad_code").aggregate(
        weighted=(scored.score * scored["count"]).sum(), people=scored["count"].sum()
    ).to_pandas()
    weighted["imd_score"] = weighted["weighted"].astype(float) / weighted["people"].astype(float)
    out = by_age[["lad_code", *AGE_BANDS]].merge(
        weighted[["lad_code", "imd_score"]], on="lad_code", how="outer")
    return out.sort_values("lad_code", ignore_index=True)[["lad_code", *AGE_BANDS, "imd_score"]]


def most_similar_groups(characteristics: pd.DataFrame,
                        size: int = DEFAULT_GROUP_SIZE) -> pd.DataFrame:
    """Each authority's ``size`` nearest authorities on standardised characteristics.

    Every characteristic is turned into a z-score over the authorities that have all of
    them, :math:`z = (x - \\bar x) / s` (population standard deviation); the distance
    between two authorities is the Euclidean distance between their z-score vectors, and an
    authority's group is the ``size`` others nearest to it (ties broken by code). An
    authority missing a characteristic has no group and is in none.

    Examples
    --------
    >>> chars = pd.DataFrame({"lad_code": ["A", "B", "C", "D"], "x": [0.0, 1.0, 5.0, 6.0]})
    >>> most_similar_groups(chars, size=1)[["lad_code", "member"]].values.tolist()
    [['A', 'B'], ['B', 'A'], ['C', 'D'], ['D', 'C']]
    """
    values = characteristics.dropna().sort_values("lad_code", ignore_index=True)
    x = values.drop(columns="lad_code").to_numpy(float)
    spread = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    distance = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(distance, np.inf)
    codes = values["lad_code"].to_numpy()
    size = min(size, len(codes) - 1)
    rows = []
    for i, code in enumerate(codes):
        nearest = np.lexsort((codes, distance[i]))[:size]
        rows += [(code, codes[j], float(distance[i, j]), k + 1) for k, j in enumerate(nearest)]
    return pd.DataFrame(rows, columns=["lad_code", "member", "distance", "order"])


def _counts(con: BaseBackend, period: StrategicPeriod, previous: StrategicPeriod
            ) -> pd.DataFrame:
    t = con.table("incident")
    rows = t.filter(t.source.isin([CRIME, ASB]), t.lad_code.notnull(),
                    t.month.isin([*period.months, *previous.months]))
    rows = rows.mutate(current=rows.month.isin(list(period.months)))
    out = rows.group_by(["lad_code", "source", "category", "current"]).aggregate(
        n=rows.count()).to_pandas()
    return out.astype({"n": "int64", "current": bool})


def national_comparison(
    con: BaseBackend,
    *,
    period: StrategicPeriod,
    compare: ComparisonRule | StrategicPeriod = "previous",
    group_size: int = DEFAULT_GROUP_SIZE,
    small_number: int = DEFAULT_SMALL_NUMBER,
    alpha: float = 0.05,
    partnerships: Mapping[str, str] | None = None,
) -> NationalComparison:
    """Rank every local authority on crime and anti-social behaviour, with its group.

    Parameters
    ----------
    con
        Warehouse backend (DuckDB, Spark, … through Ibis).
    period
        The strategic period.
    compare
        ``"previous"``, ``"year-earlier"`` or an explicit period of the same length.
    group_size
        Authorities in each most similar group besides the authority itself.
    small_number, alpha
        As in :func:`cspkit.analysis.change.comparison_table`.
    partnerships
        Local authority code → partnership name, for partnerships covering several
        authorities; authorities not named stand alone. A grouped partnership's code is
        its authorities' codes joined by ``+``.

    Returns
    -------
    NationalComparison

    Raises
    ------
    CspError
        A month of either period not loaded, periods of different lengths, or no
        population estimate by age.

    Notes
    -----
    Rate :math:`1000\\, y / n` with Census 2021 residents :math:`n`; an authority's counts
    are every row placed in it, whichever force recorded it. A grouped partnership sums its
    authorities' counts and residents; its characteristics are its authorities' weighted by
    Census 2021 residents. Change and its exact
    conditional Poisson test: :func:`cspkit.analysis.change.exact_poisson_test`.
    """
    previous = compare if isinstance(compare, StrategicPeriod) else period.previous(compare)
    if previous.n_months != period.n_months:
        raise CspError(f"comparison period {previous.label} has {previous.n_months} months "
                       f"but {period.label} has {period.n_months}",
                       hint="Compare periods of equal length")
    # Every authority of the lookup, resolved once: a month of either period not loaded fails.
    every_lad = con.table("area").select("lad_code").distinct().to_pandas()["lad_code"]
    resolve_scope(con, areas=sorted(every_lad), period=period, compare=previous)
    counts = _counts(con, period, previous)
    lads = lad_residents(con)
    lads = lads[lads["residents"] > 0].sort_values("lad_code", ignore_index=True)
    chars = lad_characteristics(con)
    chars = chars[chars["lad_code"].isin(lads["lad_code"])].reset_index(drop=True)
    land = lad_land_area(con)
    if land is not None:
        lads = lads.assign(land_km2=lads["lad_code"].map(land))
    if partnerships:
        counts, lads, chars = _grouped(partnerships, counts, lads, chars)
    if land is not None:
        density = log_density(lads["residents"], lads["land_km2"])
        chars[DENSITY] = chars["lad_code"].map(dict(zip(lads["lad_code"], density,
                                                        strict=True)))
    by_type = _by_type(counts, lads, small_number, alpha)
    groups = most_similar_groups(chars, group_size)
    table = _national_table(by_type, lads, groups)
    return NationalComparison(table, by_type, chars, groups, period, previous)


def _grouped(partnerships: Mapping[str, str], counts: pd.DataFrame, lads: pd.DataFrame,
             chars: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Counts, residents and characteristics of partnerships grouping several authorities."""
    unknown = sorted(set(partnerships) - set(lads["lad_code"]))
    if unknown:
        raise CspError(f"partnership grouping names unknown local authority code(s): "
                       f"{', '.join(unknown)}",
                       hint="Use LAD codes of the loaded lookup (e.g. E06000004)")
    members: dict[str, list[str]] = {}
    for code, name in partnerships.items():
        members.setdefault(name, []).append(code)
    code_of = {c: "+".join(sorted(m)) for m in members.values() for c in m}
    name_of = {"+".join(sorted(m)): name for name, m in members.items()}
    key = lads["lad_code"].map(lambda c: code_of.get(c, c))
    sums = {"lad_name": ("lad_name", "first"), "residents": ("residents", "sum")}
    if "land_km2" in lads:  # a partnership's land is its authorities' (unknown if any is)
        sums["land_km2"] = ("land_km2", lambda a: a.sum() if a.notna().all() else np.nan)
    grouped = lads.assign(lad_code=key).groupby("lad_code", as_index=False).agg(**sums)
    grouped["lad_name"] = grouped["lad_code"].map(name_of).fillna(grouped["lad_name"])
    counts = counts.assign(lad_code=counts["lad_code"].map(lambda c: code_of.get(c, c)))
    counts = counts.groupby(["lad_code", "source", "category", "current"], as_index=False)[
        "n"].sum()
    weight = chars["lad_code"].map(lads.set_index("lad_code")["residents"])
    names = [c for c in chars.columns if c != "lad_code"]
    values = chars[names].mul(weight, axis=0)
    keys = chars["lad_code"].map(lambda c: code_of.get(c, c))
    summed = values.groupby(keys).sum(min_count=1)
    people = chars[names].notna().mul(weight, axis=0).groupby(keys).sum()
    mean = (summed / people.where(people > 0)).rename_axis("lad_code").reset_index()
    return counts, grouped.sort_values("lad_code", ignore_index=True), mean


def _by_type(counts: pd.DataFrame, lads: pd.DataFrame, small_number: int,
             alpha: float) -> pd.DataFrame:
    frames = []
    crime = counts[counts["source"] == CRIME]
    asb = counts[counts["source"] == ASB].groupby(["lad_code", "current"])["n"].sum()
    for code in lads["lad_code"]:
        mine = crime[crime["lad_code"] == code]
        table = comparison_table(
            mine[mine["current"]].groupby("category")["n"].sum(),
            mine[~mine["current"]].groupby("category")["n"].sum(),
            themes={}, asb=(int(asb.get((code, True), 0)), int(asb.get((code, False), 0))),
            small_number=small_number, alpha=alpha)
        frames.append(table.assign(lad_code=code))
    out = pd.concat(frames, ignore_index=True).rename(columns={"group": "crime_type"})
    out["rate"] = 1000.0 * out["current"] / out["lad_code"].map(
        lads.set_index("lad_code")["residents"]).astype(float)
    out["national_rank"] = out.groupby("crime_type")["rate"].rank(
        ascending=False, method="min").astype("int64")
    cols = ["lad_code", "kind", "crime_type", "current", "previous", "rate", "pct_change",
            "p_value", "significant", "small_numbers", "national_rank"]
    return out[cols].sort_values(["lad_code", "kind", "crime_type"], ignore_index=True)


def _national_table(by_type: pd.DataFrame, lads: pd.DataFrame,
                    groups: pd.DataFrame) -> pd.DataFrame:
    table = lads[["lad_code", "lad_name", "residents"]].copy()
    for kind, prefix in (("total", "crime"), ("asb", "asb")):
        rows = by_type[by_type["kind"] == kind].set_index("lad_code")
        table[prefix] = table["lad_code"].map(rows["current"]).astype("int64")
        table[f"{prefix}_previous"] = table["lad_code"].map(rows["previous"]).astype("int64")
        table[f"{prefix}_rate"] = table["lad_code"].map(rows["rate"])
        table[f"{prefix}_pct_change"] = table["lad_code"].map(rows["pct_change"])
        table[f"{prefix}_p_value"] = table["lad_code"].map(rows["p_value"])
        table[f"{prefix}_significant"] = table["lad_code"].map(rows["significant"])
    table["national_rank"] = table["crime_rate"].rank(ascending=False, method="min").astype(
        "int64")
    rate = table.set_index("lad_code")["crime_rate"]
    member_rate = groups.assign(rate=groups["member"].map(rate))
    stats = member_rate.groupby("lad_code").agg(group_size=("member", "size"),
                                                group_mean_rate=("rate", "mean"))
    above = member_rate.assign(own=member_rate["lad_code"].map(rate))
    higher = (above["rate"] > above["own"]).groupby(above["lad_code"]).sum()
    table["group_size"] = table["lad_code"].map(stats["group_size"]).astype("Int64")
    table["group_rank"] = (table["lad_code"].map(higher) + 1).astype("Int64")
    table["group_mean_rate"] = table["lad_code"].map(stats["group_mean_rate"])
    table["ratio_to_group"] = table["crime_rate"] / table["group_mean_rate"]
    return table.reset_index(drop=True)
