"""Shared by the importer and report tests: the seed documents and a partnership like theirs.

The seeds are real documents of the Stockton-on-Tees partnership, read in place from
``../shared/seeds`` (or ``$CSP_SHARED_SEEDS``). Without them the tests that need them skip
with a reason, except in CI (``CSP_REQUIRE_REAL_DATA=1``), where they fail.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from cspkit.tracker.models import Agency, Partnership, Plan, Role
from cspkit.tracker.services.people import agency_create, partnership_create, person_create
from cspkit.tracker.services.plan import plan_create

SEEDS = Path(
    os.environ.get("CSP_SHARED_SEEDS", Path(__file__).resolve().parents[4] / "shared" / "seeds")
)


def seed(prefix: str) -> Path:
    """The seed document whose name starts with ``prefix`` ("000" … "004")."""
    if not SEEDS.is_dir():
        message = f"seed documents not found at {SEEDS} (set CSP_SHARED_SEEDS)"
        if os.environ.get("CSP_REQUIRE_REAL_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


@dataclass
class Stockton:
    partnership: Partnership
    plan: Plan
    manager: User
    police: Agency
    council: Agency


def build_stockton() -> Stockton:
    """Two agencies and two people named in the seeds; the manager administers the plan."""
    partnership = partnership_create(name="Safer Stockton Partnership", area_name="Stockton")
    police = agency_create(
        partnership=partnership,
        name="Cleveland Police",
        short_name="Police",
        kind=Agency.Kind.POLICE,
    )
    council = agency_create(
        partnership=partnership,
        name="Stockton-on-Tees Borough Council",
        short_name="SBC",
        kind=Agency.Kind.COUNCIL,
    )
    manager = person_create(
        agency=council,
        full_name="Community Safety Manager",
        initials="CS",
        role=Role.ADMINISTRATOR,
        username="manager",
    ).user
    person_create(
        agency=police,
        full_name="Mick Williams",
        job_title="Ch Insp Neighbourhoods",
        initials="MW",
        role=Role.LEAD,
    )
    plan = plan_create(
        created_by=manager,
        partnership=partnership,
        title="Community Safety Plan 2011-14",
        period_start=date(2011, 4, 1),
        period_end=date(2014, 3, 31),
    )
    return Stockton(partnership, plan, manager, police, council)
