"""Shared fixtures.

Real open data lives outside the project in ``../shared/data`` (or ``$CSP_SHARED_DATA``).
Tests that need it are marked ``real_data``: on a user's fresh clone they skip with a reason;
in CI (``CSP_REQUIRE_REAL_DATA=1``) a missing folder is a failure, never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
