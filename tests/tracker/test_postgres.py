"""The tracker's core tests again, on the PostgreSQL server (marker ``postgres``).

They run in a fresh pytest process whose test settings point at PostgreSQL; Django creates
a throwaway database there (``test_csp_tracker_<pid>``) and drops it afterwards. The server
is ``CSP_TEST_POSTGRES_URL``, by default the local one on 127.0.0.1:5432.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.tracker.conftest import missing_service

pytestmark = pytest.mark.postgres

HERE = Path(__file__).parent
CORE_TESTS = [
    "test_services.py",
    "test_permissions.py",
    "test_concurrency.py",
    "test_selectors.py",
    "test_views.py",
    "test_bad_parameters.py",
    "../demo/test_tracker.py",
    "test_publishing.py",
    "test_quality.py",
    "test_measures.py",
]


def server_url() -> str:
    return os.environ.get("CSP_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname=parts.path.lstrip("/") or "postgres",
            connect_timeout=3,
        ):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


def test_core_tracker_tests_pass_on_postgresql() -> None:
    url = server_url()
    problem = reachable(url)
    if problem:
        missing_service(f"PostgreSQL not reachable at {url} ({problem}); set CSP_TEST_POSTGRES_URL")
    parts = urlsplit(url)
    test_url = urlunsplit(parts._replace(path=f"/csp_tracker_{os.getpid()}"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *CORE_TESTS],
        cwd=HERE,
        env={**os.environ, "CSP_TEST_DATABASE_URL": test_url},
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in summary and "skipped" not in summary, summary
