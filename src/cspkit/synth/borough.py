"""``generate_borough``: write the whole fictional force area to a folder of real-format files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cspkit.analysis.periods import StrategicPeriod
from cspkit.synth import crime as crime_model
from cspkit.synth import files, places, police
from cspkit.synth.crime import CRIME_TYPES, CURRENT_YEAR, PREVIOUS_YEAR, PlantedTrend
from cspkit.synth.deprivation import deprivation_surface, imd_table
from cspkit.synth.geography import Geography, build_geography
from cspkit.synth.names import BOROUGH, FORCE_NAME, FORCE_SLUG, NEIGHBOURS
from cspkit.synth.outcomes import simulate_outcomes
from cspkit.synth.population import census_residents, single_year_of_age
from cspkit.synth.profiles import ASB
from cspkit.synth.stop_search import simulate_searches

_SEARCH_DRIVERS = ("Drugs", "Violence and sexual offences", "Possession of weapons")


@dataclass(frozen=True)
class Area:
    """A code and a name (LAD, ward or LSOA)."""

    code: str
    name: str


@dataclass(frozen=True)
class BoroughManifest:
    """What :func:`generate_borough` wrote and what it planted.

    Attributes
    ----------
    out_dir
        The folder written to.
    seed
        Seed used; the same seed writes byte-identical files.
    months
        Months of police data, ``YYYY-MM``, oldest first.
    force_name, force_slug
        "Falls within" value and the file-name slug of the police files.
    borough, neighbours
        The fictional borough and the two other authorities of the same force.
    files
        Every file written, relative to ``out_dir``, sorted.
    lsoa_count, ward_count
        LSOAs and wards of the borough.
    town_centre_ward
        The borough's town-centre ward (shoplifting, violence and public order concentrate).
    hotspot_lsoas
        Borough LSOAs with persistently high crime (town-centre core and deprived estates).
    split_lsoa11_codes
        2011 LSOA codes published before June 2023 that were split in two in 2021.
    planted
        Trends an assessment of the borough should find (empty when the months do not
        cover both 2024 and 2025).
    """

    out_dir: Path
    seed: int
    months: tuple[str, ...]
    force_name: str
    force_slug: str
    borough: Area
    neighbours: tuple[Area, ...]
    files: tuple[Path, ...]
    lsoa_count: int
    ward_count: int
    town_centre_ward: Area
    hotspot_lsoas: tuple[str, ...]
    split_lsoa11_codes: tuple[str, ...]
    planted: tuple[PlantedTrend, ...]

    def trend(self, key: str) -> PlantedTrend:
        """The planted trend called ``key`` (e.g. ``shoplifting_rise``)."""
        for trend in self.planted:
            if trend.key == key:
                return trend
        raise KeyError(f"no planted trend {key!r}; have {[t.key for t in self.planted]}")


def generate_borough(
    out_dir: Path,
    *,
    seed: int = 2026,
    first_month: str = "2023-01",
    last_month: str = "2025-12",
) -> BoroughManifest:
    """Write the fictional borough of Kestrel Vale, and its force area, in real file formats.

    Parameters
    ----------
    out_dir
        Folder to write into (created if missing). Layout: ``police-uk/YYYY-MM/``,
        ``lookups/``, ``imd/``, ``population/``, ``boundaries/``.
    seed
        Random seed; the same seed and months give byte-identical files.
    first_month, last_month
        Range of police months, ``YYYY-MM``, inclusive.

    Returns
    -------
    BoroughManifest
        The files written, the areas, and the planted trends.

    Examples
    --------
    >>> import tempfile
    >>> manifest = generate_borough(Path(tempfile.mkdtemp()), first_month="2025-11")
    >>> manifest.borough.name, manifest.lsoa_count
    ('Kestrel Vale', 120)
    """
    months = list(StrategicPeriod(first_month, last_month).months)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]
    geo_rng, dep_rng, pop_rng, point_rng, crime_rng, outcome_rng, search_rng = streams

    geography = build_geography(geo_rng)
    lsoas = geography.lsoas
    xy = lsoas[["x", "y"]].to_numpy()
    deprivation = deprivation_surface(dep_rng, xy)
    residents = census_residents(pop_rng, lsoas, deprivation)
    points = places.map_points(point_rng, lsoas)
    simulated = crime_model.simulate_crime(crime_rng, lsoas, residents, deprivation, months, points)
    incidents = simulated.incidents
    incidents["crime_id"] = police.crime_ids(outcome_rng, incidents.crime_type)
    outcomes = simulate_outcomes(outcome_rng, incidents, months)
    incidents["last_outcome"] = outcomes.last_outcome

    out_dir = Path(out_dir)
    written: list[Path] = []
    imd = imd_table(dep_rng, lsoas, deprivation)
    written.append(files.write_csv(imd, out_dir / "imd" / "imd2025_england_lsoa21.csv"))
    census = pd.DataFrame({"lsoa21_code": lsoas.lsoa21_code, "total_residents": residents})
    population_dir = out_dir / "population"
    written.append(
        files.write_csv(census, population_dir / "census2021_usual_residents_lsoa21.csv")
    )
    ages = single_year_of_age(pop_rng, lsoas, residents, deprivation)
    # Named like the real "population20_lsoa11_syoa.csv": the loader reads the year from it.
    written.append(files.write_csv(ages, population_dir / "population22_lsoa21_syoa.csv"))
    lookups = out_dir / "lookups"
    written.append(
        files.write_csv(
            files.ons_lookup(geography), lookups / "LSOA21_WD25_LAD25_EW_LU.csv", bom=True
        )
    )
    written.append(
        files.write_csv(
            files.lsoa11_lookup(geography), lookups / "lookup_lsoa11_lsoa21_ltla22.csv"
        )
    )
    written += files.write_boundaries(
        geography,
        out_dir / "boundaries" / "lsoa21_kestrel_vale.geojson",
        out_dir / "boundaries" / "wards25_kestrel_vale.geojson",
    )
    search_intensity = simulated.expected[
        :, :, [CRIME_TYPES.index(t) for t in _SEARCH_DRIVERS]
    ].sum(axis=(1, 2))
    for index, month in enumerate(months):
        folder = out_dir / "police-uk" / month
        stem = f"{month}-{FORCE_SLUG}"
        street = police.street_file(incidents, month, lsoas, points)
        written.append(files.write_csv(street, folder / f"{stem}-street.csv"))
        records = outcomes.records[outcomes.records.month_index == index]
        outcome_rows = police.outcomes_file(records, incidents, month, lsoas, points)
        written.append(files.write_csv(outcome_rows, folder / f"{stem}-outcomes.csv"))
        searches = simulate_searches(search_rng, month, residents, search_intensity, points)
        written.append(files.write_csv(searches, folder / f"{stem}-stop-and-search.csv"))

    borough_lsoas = lsoas[lsoas.lad_code == BOROUGH.code]
    centre = geography.town_centre_ward
    return BoroughManifest(
        out_dir=out_dir,
        seed=seed,
        months=tuple(months),
        force_name=FORCE_NAME,
        force_slug=FORCE_SLUG,
        borough=Area(BOROUGH.code, BOROUGH.name),
        neighbours=tuple(Area(a.code, a.name) for a in NEIGHBOURS),
        files=tuple(sorted(p.relative_to(out_dir) for p in written)),
        lsoa_count=len(borough_lsoas),
        ward_count=borough_lsoas.ward_code.nunique(),
        town_centre_ward=Area(centre, _ward_name(geography, centre)),
        hotspot_lsoas=tuple(
            sorted(borough_lsoas[borough_lsoas.role.isin(["town_centre_core", "estate"])]
                   .lsoa21_code)
        ),
        split_lsoa11_codes=tuple(sorted(set(lsoas[lsoas.change_code == "S"].lsoa11_code))),
        planted=_planted_trends(geography, simulated, months),
    )




def _ward_name(geography: Geography, ward_code: str) -> str:
    wards = geography.wards
    return str(wards.loc[wards.ward_code == ward_code, "ward_name"].iloc[0])


def _planted_trends(
    geography: Geography, simulated: crime_model.SimulatedCrime, months: list[str]
) -> tuple[PlantedTrend, ...]:
    years = {int(m[:4]) for m in months}
    if not {PREVIOUS_YEAR, CURRENT_YEAR} <= years or simulated.rising_ward is None:
        return ()
    lsoas = geography.lsoas
    rows = simulated.incidents.assign(
        year=simulated.incidents.month.str[:4].astype(int),
        lad_code=lsoas.lad_code.to_numpy()[simulated.incidents.lsoa],
        ward_code=lsoas.ward_code.to_numpy()[simulated.incidents.lsoa],
    )
    rows = rows[(rows.lad_code == BOROUGH.code) & rows.year.isin([PREVIOUS_YEAR, CURRENT_YEAR])]

    def borough_trend(key: str, crime_type: str, change: float, description: str) -> PlantedTrend:
        counts = rows[rows.crime_type == crime_type].groupby("year").size()
        return PlantedTrend(
            key=key,
            description=description,
            crime_type=crime_type,
            area_level="lad",
            area_code=BOROUGH.code,
            area_name=BOROUGH.name,
            previous_year=PREVIOUS_YEAR,
            current_year=CURRENT_YEAR,
            planted_change=change,
            previous_count=int(counts.get(PREVIOUS_YEAR, 0)),
            current_count=int(counts.get(CURRENT_YEAR, 0)),
        )

    crime = rows[rows.crime_type != ASB]
    ward_counts = crime.groupby(["year", "ward_code"]).size()
    ranks = {
        year: ward_counts.loc[year].rank(ascending=False, method="min").astype(int)
        for year in (PREVIOUS_YEAR, CURRENT_YEAR)
    }
    ward = simulated.rising_ward
    in_ward = (lsoas.ward_code == ward).to_numpy()
    crime_types = [t for t, name in enumerate(CRIME_TYPES) if name != ASB]
    year_of = np.array([int(m[:4]) for m in months])
    expected = {
        y: simulated.expected[np.ix_(in_ward, year_of == y, crime_types)].sum()
        for y in (PREVIOUS_YEAR, CURRENT_YEAR)
    }
    return (
        borough_trend(
            "shoplifting_rise", "Shoplifting", 0.28,
            "Shoplifting rose by about 28% in 2025 compared with 2024, most of it in the "
            "town centre: a large, significant increase.",
        ),
        borough_trend(
            "burglary_fall", "Burglary", -0.15,
            "Burglary fell by about 15% in 2025 compared with 2024: a significant decrease.",
        ),
        borough_trend(
            "small_number_rise", "Theft from the person", 0.72,
            "Theft from the person rose by about 70% on small counts: a big percentage that "
            "is not statistically significant.",
        ),
        PlantedTrend(
            key="rising_ward",
            description=(
                f"{_ward_name(geography, ward)} moved sharply up the ward ranking in 2025 as "
                "violence, drugs, public order, criminal damage and ASB rose there."
            ),
            crime_type=None,
            area_level="ward",
            area_code=ward,
            area_name=_ward_name(geography, ward),
            previous_year=PREVIOUS_YEAR,
            current_year=CURRENT_YEAR,
            planted_change=float(expected[CURRENT_YEAR] / expected[PREVIOUS_YEAR] - 1.0),
            previous_count=int(ward_counts.loc[(PREVIOUS_YEAR, ward)]),
            current_count=int(ward_counts.loc[(CURRENT_YEAR, ward)]),
            previous_rank=int(ranks[PREVIOUS_YEAR][ward]),
            current_rank=int(ranks[CURRENT_YEAR][ward]),
        ),
    )
