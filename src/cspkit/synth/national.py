"""A synthetic national police.uk archive: every force, every month, at real scale.

The archive is laid out exactly as data.police.uk's: one folder per month, one street file
per force (``2025-03/2025-03-cleveland-street.csv``), with the published columns. Counts
follow the real all-forces summary (``police-uk/all-forces-summary/`` of the shared data
folder, read at run time and never copied), by force × local authority × month × crime type:

* a force-month the summary counted (inventory status ``ok``) has exactly its counts;
* a force-month it lacks, for a force it has other months of, has Poisson counts around the
  force's mean month for that authority and crime type, times the national seasonal factor of
  the calendar month (2025 totals of the forces counted in all twelve months);
* a force absent from the summary altogether (Greater Manchester, the Metropolitan Police,
  West Midlands, West Yorkshire) has Poisson counts around the authority's Census 2021
  residents times the national rate per resident of each crime type, times the seasonal
  factor; its authorities are those of its police force area (fixed code ranges).

Rows are placed in the 2021 LSOAs of their authority (the ONS lookup), each LSOA chosen with
probability proportional to its Census 2021 residents; rows the summary counted without an
LSOA are written without one. Coordinates are left blank (the shared data hold no LSOA
centroids outside Cleveland) and 2021 LSOA codes are written for every month.
See docs/national.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cspkit.sources.names import FORCE_NAMES
from cspkit.synth.police import STREET_COLUMNS

SUMMARY = Path("police-uk/all-forces-summary")
LOOKUP = Path("lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz")
CENSUS = Path("population/census2021_usual_residents_lsoa21.csv.gz")
ASB = "Anti-social behaviour"
ABSENT_FORCE_AREAS: dict[str, tuple[str, ...]] = {
    "greater-manchester": tuple(f"E080000{i:02d}" for i in range(1, 11)),
    "metropolitan": tuple(f"E090000{i:02d}" for i in range(2, 34)),
    "west-midlands": tuple(f"E080000{i:02d}" for i in range(25, 32)),
    "west-yorkshire": tuple(f"E080000{i:02d}" for i in range(32, 37)),
}
"""Forces absent from the all-forces summary and the local authorities of their areas."""
OUTCOMES = (
    "Investigation complete; no suspect identified", "Unable to prosecute suspect",
    "Under investigation", "Status update unavailable", "Local resolution",
    "Awaiting court outcome", "Action to be taken by another organisation",
)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


@dataclass(frozen=True)
class NationalArchive:
    """What :func:`write_national_archive` wrote.

    Attributes
    ----------
    out_dir
        The archive folder.
    months
        Months written, oldest first.
    forces
        Force slugs written.
    files
        Street files written.
    rows
        Rows written (crime and anti-social behaviour).
    """

    out_dir: Path
    months: tuple[str, ...]
    forces: tuple[str, ...]
    files: int
    rows: int


def month_range(first: str, last: str) -> tuple[str, ...]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), inclusive.

    >>> month_range("2024-11", "2025-02")
    ('2024-11', '2024-12', '2025-01', '2025-02')
    """
    return tuple(str(p) for p in pd.period_range(first, last, freq="M"))


def _read_reference(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(counts, inventory, lsoas with lad_code and residents) from the shared data folder."""
    paths = [shared / SUMMARY / "lad_month_crimetype_counts.csv.gz",
             shared / SUMMARY / "file_inventory.csv", shared / LOOKUP, shared / CENSUS]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: not found; give the shared data folder that "
                                    "holds police-uk/all-forces-summary, lookups and population")
    counts = pd.read_csv(paths[0], dtype={"lad25_code": "string"}, keep_default_na=False)
    counts = counts.rename(columns={"force_file_slug": "force", "lad25_code": "lad_code"})
    inventory = pd.read_csv(paths[1], usecols=["month", "force_file_slug", "status"]).rename(
        columns={"force_file_slug": "force"})
    lookup = pd.read_csv(paths[2], usecols=["LSOA21CD", "LSOA21NM", "LAD25CD"],
                         encoding="utf-8-sig").rename(columns={
                             "LSOA21CD": "lsoa_code", "LSOA21NM": "lsoa_name",
                             "LAD25CD": "lad_code"})
    census = pd.read_csv(paths[3]).rename(columns={"lsoa21_code": "lsoa_code",
                                                   "total_residents": "residents"})
    lsoas = lookup.merge(census, on="lsoa_code", how="left").fillna({"residents": 0})
    return counts[["month", "force", "lad_code", "crime_type", "n"]], inventory, lsoas


def expected_counts(shared: Path, months: Sequence[str]) -> pd.DataFrame:
    """Counts (exact) or expected counts (derived) by month, force, LAD and crime type.

    Returns a frame with ``month``, ``force``, ``lad_code`` (empty for rows without an LSOA),
    ``crime_type``, ``expected`` and ``exact`` (True where the summary counted the file).
    """
    counts, inventory, lsoas = _read_reference(shared)
    ok = inventory[inventory["status"] == "ok"][["month", "force"]]
    counted = counts.merge(ok, on=["month", "force"])
    ok_months = ok.groupby("force")["month"].agg(set).to_dict()
    season = _seasonal_factors(counted, ok)
    # Each force's mean month for each authority and crime type, over its counted months.
    n_ok = ok.groupby("force").size()
    base = counted.groupby(["force", "lad_code", "crime_type"], as_index=False)["n"].sum()
    base["mean"] = base["n"] / base["force"].map(n_ok)
    rates = _rates_per_resident(counted, ok, lsoas)
    residents = lsoas.groupby("lad_code")["residents"].sum()
    frames = []
    for month in months:
        factor = season[int(month[5:])]
        exact = counted[counted["month"] == month]
        frames.append(exact.assign(expected=exact["n"].astype(float), exact=True))
        partial = base[~base["force"].map(lambda f, m=month: m in ok_months.get(f, set()))]
        frames.append(partial.assign(month=month, expected=partial["mean"] * factor,
                                     exact=False))
        for force, lads in ABSENT_FORCE_AREAS.items():
            grid = pd.MultiIndex.from_product([lads, rates.index],
                                              names=["lad_code", "crime_type"]).to_frame(
                                                  index=False)
            grid["expected"] = (grid["lad_code"].map(residents).fillna(0).to_numpy()
                                * grid["crime_type"].map(rates).to_numpy() * factor)
            frames.append(grid.assign(month=month, force=force, exact=False))
    out = pd.concat(frames, ignore_index=True)
    return out[["month", "force", "lad_code", "crime_type", "expected", "exact"]]


def _seasonal_factors(counted: pd.DataFrame, ok: pd.DataFrame) -> dict[int, float]:
    """Calendar month → 2025 national total of the forces counted in all twelve months,
    over its monthly mean."""
    in_2025 = ok[ok["month"].str.startswith("2025")]
    full = in_2025.groupby("force").size()
    forces = set(full[full == 12].index)
    rows = counted[counted["month"].str.startswith("2025") & counted["force"].isin(forces)]
    by_month = rows.groupby("month")["n"].sum()
    return {int(m[5:]): float(v / by_month.mean()) for m, v in by_month.items()}


def _rates_per_resident(counted: pd.DataFrame, ok: pd.DataFrame,
                        lsoas: pd.DataFrame) -> pd.Series:
    """Crime type → rows per resident per month, over the authorities whose main force was
    counted in every month of 2025."""
    in_2025 = ok[ok["month"].str.startswith("2025")]
    full = in_2025.groupby("force").size()
    forces = set(full[full == 12].index)
    rows = counted[counted["month"].str.startswith("2025") & (counted["lad_code"] != "")]
    main = (rows.groupby(["lad_code", "force"])["n"].sum().reset_index()
            .sort_values("n", ascending=False).drop_duplicates("lad_code"))
    lads = set(main.loc[main["force"].isin(forces), "lad_code"])
    people = lsoas.loc[lsoas["lad_code"].isin(lads), "residents"].sum()
    chosen = rows[rows["lad_code"].isin(lads)]
    return chosen.groupby("crime_type")["n"].sum() / (12 * people)


def write_national_archive(
    out_dir: str | Path,
    *,
    shared: str | Path,
    months: Sequence[str],
    forces: Sequence[str] | None = None,
    scale: float = 1.0,
    seed: int = 2026,
) -> NationalArchive:
    """Write the synthetic national archive in data.police.uk's layout.

    Parameters
    ----------
    out_dir
        Folder to write into (``YYYY-MM/YYYY-MM-<force>-street.csv``).
    shared
        The shared data folder (all-forces summary, ONS lookup, Census 2021 residents).
    months
        Months to write (``YYYY-MM``).
    forces
        Force slugs to write (default every force with counts).
    scale
        Multiplies every expected count (0.01 for a small sample; a scaled exact count is
        drawn binomially, so a sample stays proportionate).
    seed
        Random seed: the same arguments write the same bytes.

    Returns
    -------
    NationalArchive
    """
    out_dir, shared = Path(out_dir), Path(shared)
    expected = expected_counts(shared, months)
    if forces is not None:
        unknown = sorted(set(forces) - set(expected["force"]))
        if unknown:
            raise ValueError(f"no counts for force(s) {', '.join(unknown)}")
        expected = expected[expected["force"].isin(forces)]
    _, _, lsoas = _read_reference(shared)
    by_lad = {lad: g for lad, g in lsoas.groupby("lad_code")}
    files = rows = 0
    for month in months:
        for force, group in expected[expected["month"] == month].groupby("force", sort=True):
            rng = np.random.default_rng([seed, int(month.replace("-", "")),
                                         sorted(expected["force"].unique()).index(force)])
            frame = _street_rows(rng, group, by_lad, month, force, scale)
            if frame.empty:
                continue
            path = out_dir / month / f"{month}-{force}-street.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(path, index=False, lineterminator="\n")
            files += 1
            rows += len(frame)
    return NationalArchive(out_dir, tuple(months), tuple(sorted(expected["force"].unique())),
                           files, rows)


def _draw(rng: np.random.Generator, group: pd.DataFrame, scale: float) -> np.ndarray:
    exact = group["exact"].to_numpy()
    mean = group["expected"].to_numpy()
    n = np.where(exact, mean, 0).astype(np.int64)
    drawn = np.where(exact, rng.binomial(n, min(scale, 1.0)) if scale < 1 else n,
                     rng.poisson(mean * scale))
    return drawn.astype(np.int64)


def _street_rows(rng: np.random.Generator, group: pd.DataFrame, by_lad: dict[str, pd.DataFrame],
                 month: str, force: str, scale: float) -> pd.DataFrame:
    n = _draw(rng, group, scale)
    codes: list[np.ndarray] = []
    names: list[np.ndarray] = []
    types: list[np.ndarray] = []
    for lad, crime_type, k in zip(group["lad_code"], group["crime_type"], n, strict=True):
        if k == 0:
            continue
        lsoas = by_lad.get(lad)
        if lsoas is None or lsoas.empty:
            codes.append(np.full(k, "", dtype=object))
            names.append(np.full(k, "", dtype=object))
        else:
            weight = lsoas["residents"].to_numpy(float) + 1.0
            pick = rng.choice(len(lsoas), size=k, p=weight / weight.sum())
            codes.append(lsoas["lsoa_code"].to_numpy()[pick])
            names.append(lsoas["lsoa_name"].to_numpy()[pick])
        types.append(np.full(k, crime_type, dtype=object))
    if not types:
        return pd.DataFrame(columns=list(STREET_COLUMNS))
    crime_type = np.concatenate(types)
    total = len(crime_type)
    is_asb = crime_type == ASB
    ids = _hex_ids(rng, total)
    ids[is_asb] = ""
    name = FORCE_NAMES.get(force, force)
    outcome = np.array(OUTCOMES, dtype=object)[rng.integers(0, len(OUTCOMES), total)]
    outcome[is_asb] = ""
    code = np.concatenate(codes)
    has_lsoa = code != ""
    return pd.DataFrame({
        "Crime ID": ids,
        "Month": np.full(total, month, dtype=object),
        "Reported by": np.full(total, name, dtype=object),
        "Falls within": np.full(total, name, dtype=object),
        "Longitude": np.full(total, "", dtype=object),
        "Latitude": np.full(total, "", dtype=object),
        "Location": np.where(has_lsoa, "On or near Supermarket", "No location"),
        "LSOA code": code,
        "LSOA name": np.concatenate(names),
        "Crime type": crime_type,
        "Last outcome category": outcome,
        "Context": np.full(total, "", dtype=object),
    })


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random 64-hex-digit Crime IDs."""
    raw = np.frombuffer(rng.bytes(32 * n), dtype=np.uint8).reshape(n, 32)
    digits = np.empty((n, 64), dtype=np.uint8)
    digits[:, 0::2] = _HEX[raw >> 4]
    digits[:, 1::2] = _HEX[raw & 15]
    return digits.view("S64").ravel().astype(str).astype(object)
