"""Every doctest under ``src/`` runs (``--doctest-modules`` in pyproject.toml).

The tracker's modules import Django models, so Django is set up with the test settings
before ``src/`` is collected (as ``tests/tracker/conftest.py`` does for the tracker's tests).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent / "src"

# Production settings need secrets from the environment; they hold no examples.
collect_ignore = ["src/cspkit/site/settings/production.py"]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    if file_path.suffix == ".py" and file_path.is_relative_to(SRC):
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.test")
        django.setup()
