"""Shared fixtures: the real open data, and the fictional borough of Kestrel Vale (built once
per session for every folder that uses it: assessment, analysis, scan and profile tests).

Real open data lives outside the project in ``../shared/data`` (or ``$CSP_SHARED_DATA``).
Tests that need it are marked ``real_data``: on a user's fresh clone they skip with a reason;
in CI (``CSP_REQUIRE_REAL_DATA=1``) a missing folder is a failure, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import duckdb

    from cspkit.assessment.config import PartnershipConfig
    from cspkit.assessment.profile import ProfileEvidence
    from cspkit.synth import BoroughManifest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_path() -> Path:
    return Path(os.environ.get("CSP_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def _require_real_data() -> bool:
    return os.environ.get("CSP_REQUIRE_REAL_DATA") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if (shared_data_path() / "MANIFEST.csv").exists():
        return
    reason = (
        f"real open data not found at {shared_data_path()} "
        "(set CSP_SHARED_DATA to the folder holding police-uk/, lookups/, imd/ …)"
    )
    if _require_real_data():
        return  # they run, and fail through the shared_data fixture
    for item in items:
        if "real_data" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """In CI (``CSP_REQUIRE_SERVICES=1``) nothing may be skipped: PostgreSQL, Chromium,
    poppler, Java and the real data are all installed there, so a skip is a failure."""
    outcome = yield
    report = outcome.get_result()
    if (os.environ.get("CSP_REQUIRE_SERVICES") == "1" and report.skipped
            and not hasattr(report, "wasxfail")):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be skipped: {reason}"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real open data folder (../shared/data)."""
    path = shared_data_path()
    if not (path / "MANIFEST.csv").exists():
        message = f"real open data not found at {path}"
        if _require_real_data():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def real_warehouse(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB warehouse file holding every real file in ../shared/data, loaded once.

    Tests must open it read-only in spirit: copy it (``shutil.copy``) before writing.
    """
    from cspkit.warehouse import connect
    from cspkit.warehouse.load import load_paths

    path = tmp_path_factory.mktemp("real") / "real.duckdb"
    con = connect(path)
    load_paths(
        con,
        [
            shared_data / "lookups",
            shared_data / "imd",
            shared_data / "population",
            shared_data / "boundaries",
            shared_data / "police-uk",
        ],
    )
    con.disconnect()
    return path


DEMO_PERIOD = "2025-01:2025-12"
ANALYST_TEXT = "Shop theft in the **town centre** is the partnership's main new concern."
TOWN_CENTRE = "Kestrel Central"


@dataclass(frozen=True)
class Borough:
    manifest: BoroughManifest
    warehouse: Path
    config_path: Path
    config: PartnershipConfig


@pytest.fixture(scope="session")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Borough:
    """Kestrel Vale written, loaded, and a `csp init` configuration for 2025 against 2024."""
    from cspkit.assessment.config import load_config, write_default_config
    from cspkit.synth import generate_borough
    from cspkit.warehouse import connect
    from cspkit.warehouse.load import load_paths

    root = tmp_path_factory.mktemp("kestrel")
    manifest = generate_borough(root / "data", seed=2026)
    warehouse = root / "kv.duckdb"
    con = connect(warehouse)
    load_paths(con, [root / "data"])
    con.disconnect()
    config_path = write_default_config(
        root / "csp.toml", name="Kestrel Vale Community Safety Partnership",
        areas=[manifest.borough.code], period=DEMO_PERIOD, compare="previous")
    text = config_path.read_text(encoding="utf-8")
    text = text.replace('analyst_text = ""', f'analyst_text = "{ANALYST_TEXT}"')
    text = text.replace("recommendations = []",
                        'recommendations = ["Commission a shoplifting problem profile."]')
    text += '\n[[targets]]\ncrime_type = "Burglary"\ndirection = "reduce"\npercent = 5\n'
    config_path.write_text(text, encoding="utf-8")
    return Borough(manifest, warehouse, config_path, load_config(config_path))


@pytest.fixture(scope="session")
def partner_warehouse(borough: Borough, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The borough's warehouse with the postcode lookup and every partner export loaded, as
    `csp demo` loads them."""
    import shutil

    from cspkit.sources.partner.loading import load_partner
    from cspkit.sources.partner.mapping import load_mapping
    from cspkit.synth.partners import EXPORTS, POSTCODE_LOOKUP, write_partner_exports
    from cspkit.warehouse import connect
    from cspkit.warehouse.load import load_paths

    root = tmp_path_factory.mktemp("kestrel_profile")
    warehouse = root / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    data = borough.manifest.out_dir
    write_partner_exports(data, seed=borough.manifest.seed)
    con = connect(warehouse, create=False)
    load_paths(con, [data / POSTCODE_LOOKUP])
    for name, pattern in EXPORTS.items():
        exports = sorted((data / "partners").glob(pattern))
        load_partner(con, exports, mapping=load_mapping(name),
                     rejects=root / f"{name}.rejects.csv")
    con.disconnect()
    return warehouse


@pytest.fixture(scope="session")
def shoplifting(borough: Borough, partner_warehouse: Path) -> ProfileEvidence:
    """Shoplifting in the town centre ward, 2025 against 2024, with partner data."""
    from cspkit.assessment.profile import gather_profile
    from cspkit.warehouse import connect

    con = connect(partner_warehouse, create=False)
    try:
        return gather_profile(con, borough.config, topic="Shoplifting", areas=[TOWN_CENTRE])
    finally:
        con.disconnect()


@pytest.fixture(scope="session")
def raw(borough: Borough) -> Iterator[duckdb.DuckDBPyConnection]:
    """Plain DuckDB views over the files the generator wrote (never the warehouse)."""
    import duckdb

    data = borough.manifest.out_dir
    db = duckdb.connect()
    db.execute(f"""CREATE VIEW street AS SELECT * FROM read_csv(
        '{data}/police-uk/*/*-street.csv', header=true, all_varchar=true)""")
    db.execute(f"""CREATE VIEW lookup AS SELECT * FROM read_csv(
        '{data}/lookups/LSOA21_WD25_LAD25_EW_LU.csv', header=true, all_varchar=true)""")
    db.execute(f"""CREATE VIEW census AS SELECT lsoa21_code, CAST(total_residents AS BIGINT) n
        FROM read_csv('{data}/population/census2021_usual_residents_lsoa21.csv', header=true,
                      all_varchar=true)""")
    yield db
    db.close()
