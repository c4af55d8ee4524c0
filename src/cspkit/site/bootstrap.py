"""Start Django from plain Python (the CLI, the demo, benchmarks) and migrate."""

from __future__ import annotations

import os

import django

from cspkit.errors import CspError, redact

DEFAULT_SETTINGS = "cspkit.site.settings.local"


def django_setup(*, database_url: str | None = None) -> None:
    """Configure Django once per process; ``database_url`` overrides ``CSP_DATABASE_URL``.

    Settings come from ``DJANGO_SETTINGS_MODULE`` (local settings when unset). Once Django
    is configured in a process its database cannot change: a different ``database_url``
    then raises :class:`~cspkit.errors.CspError` rather than silently writing elsewhere.
    """
    from django.conf import settings

    if settings.configured:
        if database_url and database_url != os.environ.get("CSP_DATABASE_URL"):
            raise CspError(
                "Django is already set up in this process with another database; "
                "run the command in a new process to use "
                f"{redact(database_url)!r}."
            )
        django.setup()
        return
    if database_url:
        os.environ["CSP_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    django.setup()


def migrate() -> None:
    """Bring the database schema up to date (quietly)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
