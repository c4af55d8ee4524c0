"""The demo's plan tracker: a fictional partnership with a plan, both registers and a user
per role, built through the tracker's own services.

Idempotent: a second run finds the partnership and only returns the logins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from cspkit.site.bootstrap import django_setup, migrate

if TYPE_CHECKING:
    from cspkit.tracker.models import Plan

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


def seed_demo(*, database_url: str | None = None, warehouse: str | None = None) -> DemoSeed:
    """Create (once) the Kestrel Vale demo in the database and return its logins.

    ``database_url`` is a ``CSP_DATABASE_URL`` (postgres://… or an SQLite path); without
    it the default SQLite file of the data dir is used. The schema is migrated first. The
    current plan is the financial year (1 April to 31 March) holding today. With
    ``warehouse`` (the demo borough's), the plan records it and its measures are computed.
    """
    django_setup(database_url=database_url)
    migrate()
    from django.db import transaction

    from cspkit.demo import content
    from cspkit.tracker.models import Partnership, Plan

    existing = Partnership.objects.filter(name=content.PARTNERSHIP).first()
    if existing is not None:
        plan = Plan.objects.filter(partnership=existing).order_by("-period_start").first()
        return DemoSeed(partnership=existing.name, plan=plan.title if plan else "",
                        created=False, logins=_logins(DEMO_PASSWORD))
    with transaction.atomic():
        plan = build_demo(today=date.today(), password=DEMO_PASSWORD)
    if warehouse is not None:
        from cspkit.tracker.cycle import compute_plan_measures

        Plan.objects.filter(pk=plan.pk).update(warehouse=warehouse)
        compute_plan_measures(warehouse=None, plan_id=plan.pk)
    return DemoSeed(partnership=content.PARTNERSHIP, plan=plan.title, created=True,
                    logins=_logins(DEMO_PASSWORD))


def _logins(password: str) -> list[DemoLogin]:
    from cspkit.demo import content
    from cspkit.tracker.models import Role

    agencies = {key: short for key, _, short, _ in content.AGENCIES}
    return [
        DemoLogin(
            username=username,
            password=password,
            full_name=full_name,
            role=Role(role).label,
            agency=agencies[agency],
        )
        for username, agency, full_name, _, _, role in content.PEOPLE
    ]


def _plan_title(start: date) -> str:
    return f"Community Safety Plan {start.year}–{str(start.year + 1)[2:]}"


def build_demo(*, today: date, password: str) -> Plan:
    """The partnership, its agencies, people, the previous and current plans, the registers
    and their updates (dates relative to ``today``)."""
    from django.contrib.auth.hashers import make_password

    from cspkit.demo import content
    from cspkit.synth.names import BOROUGH
    from cspkit.tracker.services.measures import measure_set
    from cspkit.tracker.services.people import agency_create, partnership_create, person_create
    from cspkit.tracker.services.plan import action_create, plan_create, theme_create
    from cspkit.tracker.services.registers import data_requirement_create, recommendation_create
    from cspkit.tracker.services.updates import (
        action_update_create,
        data_requirement_update_create,
        recommendation_update_create,
    )

    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    partnership = partnership_create(name=content.PARTNERSHIP, area_name=content.AREA)
    agencies = {
        key: agency_create(partnership=partnership, name=name, short_name=short, kind=kind)
        for key, name, short, kind in content.AGENCIES
    }
    # One hash for every demo account: the password is public anyway, and hashing once
    # keeps the demo quick with a deliberately slow hasher.
    password_hash = make_password(password)
    people = {
        username: person_create(
            agency=agencies[agency],
            full_name=full_name,
            job_title=job_title,
            initials=initials,
            role=role,
            username=username,
            password_hash=password_hash,
        )
        for username, agency, full_name, job_title, initials, role in content.PEOPLE
    }
    users = {username: person.user for username, person in people.items()}
    admin = users["admin"]

    previous_start = date(start.year - 1, 4, 1)
    previous = plan_create(
        created_by=admin,
        partnership=partnership,
        title=_plan_title(previous_start),
        period_start=previous_start,
        period_end=date(start.year, 3, 31),
    )
    plan = plan_create(
        created_by=admin,
        partnership=partnership,
        title=_plan_title(start),
        period_start=start,
        period_end=date(start.year + 1, 3, 31),
    )

    def days_ago(days: int) -> date:
        return max(start, today - timedelta(days=days))

    def days_into_previous_plan(days: int) -> date:
        return previous_start + timedelta(days=days)

    def write_updates(create, target: dict, item, updates, date_of) -> None:
        for days, author, status, text in updates:
            written_on = date_of(days)
            create(
                **target,
                author=users[author],
                text=text,
                status=status,
                expected_version=item.version,
                written_on=written_on,
            )

    themes = {}
    for number, title, thematic_lead, actions in content.THEMES:
        theme = theme_create(
            created_by=admin,
            plan=plan,
            number=number,
            title=title,
            thematic_lead=people[thematic_lead],
        )
        themes[number] = theme
        for leads, text, measure, due_days, sub_actions, updates in actions:
            action = action_create(
                created_by=admin,
                theme=theme,
                text=text,
                leads=[people[lead] for lead in leads],
                measure=measure,
                due_date=start + timedelta(days=due_days),
                sub_actions=sub_actions,
            )
            write_updates(action_update_create, {"action": action}, action, updates, days_ago)

    for number, action_number, label, categories, direction, percent in content.MEASURES:
        theme = themes[number]
        measure_set(
            set_by=admin,
            theme=theme if action_number is None else None,
            action=None if action_number is None else theme.actions.get(number=action_number),
            label=label, areas=[BOROUGH.code], categories=categories, direction=direction,
            target_percent=percent,
        )

    for register, register_plan, register_start, date_of in (
        (content.RECOMMENDATIONS, plan, start, days_ago),
        (content.PREVIOUS_RECOMMENDATIONS, previous, previous_start, days_into_previous_plan),
    ):
        for reference, section, theme_number, agency_keys, text, updates in register:
            entry = recommendation_create(
                created_by=admin,
                plan=register_plan,
                reference=reference,
                text=text,
                source=content.SOURCE.format(year=register_start.year),
                section=section,
                theme=themes.get(theme_number) if register_plan == plan else None,
                agencies=[agencies[key] for key in agency_keys],
            )
            write_updates(
                recommendation_update_create,
                {"recommendation": entry},
                entry,
                updates,
                date_of,
            )

    for reference, agency_keys, gap, action_text, measure, updates in content.DATA_REQUIREMENTS:
        entry = data_requirement_create(
            created_by=admin,
            plan=plan,
            reference=reference,
            data_gap=gap,
            action=action_text,
            lead_agencies=[agencies[key] for key in agency_keys],
            quality_measure=measure[0] if measure else "",
            quality_threshold=Decimal(measure[1]) if measure else None,
        )
        write_updates(
            data_requirement_update_create, {"data_requirement": entry}, entry, updates, days_ago
        )
    return plan
