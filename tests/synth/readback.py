"""Reading the written borough back, the way a test (not the loaders) would."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cspkit.synth import BoroughManifest


def read_csv(borough: BoroughManifest, relative: str) -> pd.DataFrame:
    """A written CSV as text columns (BOM stripped)."""
    return pd.read_csv(
        borough.out_dir / relative, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def read_police(borough: BoroughManifest, kind: str) -> pd.DataFrame:
    """All police files of one kind (street, outcomes, stop-and-search), concatenated."""
    frames = [
        pd.read_csv(borough.out_dir / path, dtype=str, keep_default_na=False).assign(
            file_month=path.parent.name
        )
        for path in borough.files
        if path.name.endswith(f"-{kind}.csv")
    ]
    return pd.concat(frames, ignore_index=True)


def published_lsoa_areas(borough: BoroughManifest) -> pd.DataFrame:
    """Published LSOA code (2011 or 2021) → ward and LAD, via the two written lookups.

    Both halves of a split 2011 LSOA lie in one ward, so a 2011 code has one ward.
    """
    lookup = read_csv(borough, "lookups/LSOA21_WD25_LAD25_EW_LU.csv")
    change = read_csv(borough, "lookups/lookup_lsoa11_lsoa21_ltla22.csv")
    columns = ["LSOA code", "WD25CD", "WD25NM", "LAD25CD"]
    published_2011 = change.merge(lookup, left_on="lsoa21_code", right_on="LSOA21CD").rename(
        columns={"lsoa11_code": "LSOA code"}
    )
    published_2021 = lookup.rename(columns={"LSOA21CD": "LSOA code"})
    both = pd.concat([published_2021[columns], published_2011[columns]])
    return both.drop_duplicates("LSOA code", ignore_index=True)

def all_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
