"""One fictional borough, written once per test session and shared read-only."""

from __future__ import annotations

import pandas as pd
import pytest

from cspkit.synth import BoroughManifest, generate_borough
from tests.synth.readback import published_lsoa_areas, read_police


@pytest.fixture(scope="session")
def borough(tmp_path_factory: pytest.TempPathFactory) -> BoroughManifest:
    """Kestrel Vale with the default seed and months (2023-01 … 2025-12)."""
    return generate_borough(tmp_path_factory.mktemp("kestrel-vale"))


@pytest.fixture(scope="session")
def street(borough: BoroughManifest) -> pd.DataFrame:
    """Every street-file row as text, with the ward and LAD of its LSOA and the year."""
    rows = read_police(borough, "street").merge(
        published_lsoa_areas(borough), on="LSOA code", how="left"
    )
    return rows.assign(year=rows.Month.str[:4].astype(int))
