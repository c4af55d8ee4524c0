"""Django for the tracker's tests only: the rest of the suite never imports Django.

Settings are ``cspkit.site.settings.test`` (SQLite in memory, or the database named by
``CSP_TEST_DATABASE_URL``). Each test module creates its test database and drops it at the
end; each test runs inside a transaction that is rolled back (fixture ``db``), or commits
for real and empties the tables afterwards (fixture ``committed_db``).

Services the tests need but this machine lacks (PostgreSQL, Chromium, axe-core) skip
with a reason, except when ``CSP_REQUIRE_SERVICES=1`` (CI): then they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.test")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

from tests.tracker.world import World, build_world  # noqa: E402


def services_required() -> bool:
    return os.environ.get("CSP_REQUIRE_SERVICES") == "1"


def missing_service(reason: str) -> None:
    """Skip, or fail in CI, because something the test needs is not on this machine."""
    if services_required():
        pytest.fail(f"{reason} (CSP_REQUIRE_SERVICES=1, so this is a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def django_db_setup() -> Iterator[None]:
    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False)
    yield
    for connection in connections.all():
        connection.close()
    teardown_databases(names, verbosity=0)
    teardown_test_environment()


@pytest.fixture
def db(django_db_setup: None) -> Iterator[None]:
    """A test database whose changes are rolled back after the test."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def committed_db(django_db_setup: None) -> Iterator[None]:
    """Real commits (for tests with several connections); every table emptied afterwards."""
    yield
    for connection in connections.all():
        connection.close()
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def world(db: None) -> World:
    return build_world()
