"""The tracker's test database, for the demo's tracker seeding."""

from tests.tracker.conftest import db, django_db_setup  # noqa: F401  (fixtures)
