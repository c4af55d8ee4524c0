"""``seed_demo``: a fictional partnership with a plan, both registers and a user per role.

Idempotent: a second run finds the partnership and only returns the logins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from cspkit.site.bootstrap import django_setup, migrate

DEMO_PASSWORD = "kestrel-vale-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    full_name: str
    role: str
    agency: str


@dataclass(frozen=True)
class DemoSeed:
    partnership: str
    plan: str
    created: bool
    logins: list[DemoLogin] = field(default_factory=list)

    def summary(self) -> str:
        """What ``csp demo`` prints: the plan and how to sign in."""
        state = "created" if self.created else "already present"
        lines = [f"{self.partnership}: {self.plan} ({state}).", "Sign in as:"]
        width = max(len(login.username) for login in self.logins)
        lines += [
            f"  {login.username:<{width}}  password {login.password}  "
            f"{login.role:<13} {login.full_name}, {login.agency}"
            for login in self.logins
        ]
        lines.append("Demo passwords are public: never use this database for real data.")
        return "\n".join(lines)


def current_period_start(today: date) -> date:
    """1 April of the financial year holding ``today``."""
    year = today.year if today.month >= 4 else today.year - 1
    return date(year, 4, 1)


def seed_demo(*, database_url: str | None = None, warehouse: str | None = None) -> DemoSeed:
    """Create (once) the Kestrel Vale demo in the database and return its logins.

    ``database_url`` is a ``CSP_DATABASE_URL`` (postgres://… or an SQLite path); without
    it the default SQLite file of the data dir is used. The schema is migrated first. With
    ``warehouse`` (the demo borough's), the plan records it and its measures are computed.
    """
    django_setup(database_url=database_url)
    migrate()
    from cspkit.tracker.demo_builder import build_demo

    seed = build_demo(today=date.today(), password=DEMO_PASSWORD)
    if warehouse is not None and seed.created:
        from cspkit.tracker.commands import compute_plan_measures
        from cspkit.tracker.models import Plan

        Plan.objects.filter(partnership__name=seed.partnership).update(warehouse=warehouse)
        compute_plan_measures(warehouse=None, plan_id=None)
    return seed


def period_bounds(start: date) -> tuple[date, date]:
    return start, date(start.year + 1, 3, 31)


def offset(start: date, days: int) -> date:
    return start + timedelta(days=days)
