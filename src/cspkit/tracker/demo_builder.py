"""Builds the demo through the tracker's own services (needs Django set up first)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from cspkit.synth.names import BOROUGH
from cspkit.tracker import demo_content as content
from cspkit.tracker.demo import DemoLogin, DemoSeed, current_period_start, offset, period_bounds
from cspkit.tracker.models import Agency, Partnership, Person, Plan, Role
from cspkit.tracker.services.measures import measure_set
from cspkit.tracker.services.people import agency_create, partnership_create, person_create
from cspkit.tracker.services.plan import action_create, plan_create, theme_create
from cspkit.tracker.services.registers import data_requirement_create, recommendation_create
from cspkit.tracker.services.updates import (
    action_update_create,
    data_requirement_update_create,
    recommendation_update_create,
)


def _logins(password: str) -> list[DemoLogin]:
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


def build_demo(*, today: date, password: str) -> DemoSeed:
    start = current_period_start(today)
    existing = Partnership.objects.filter(name=content.PARTNERSHIP).first()
    if existing is not None:
        plan = Plan.objects.filter(partnership=existing).order_by("-period_start").first()
        return DemoSeed(
            partnership=existing.name,
            plan=plan.title if plan else "",
            created=False,
            logins=_logins(password),
        )
    with transaction.atomic():
        plan = _build(today=today, start=start, password=password)
    return DemoSeed(
        partnership=content.PARTNERSHIP, plan=plan.title, created=True, logins=_logins(password)
    )


def _build(*, today: date, start: date, password: str) -> Plan:
    partnership = partnership_create(name=content.PARTNERSHIP, area_name=content.AREA)
    agencies: dict[str, Agency] = {
        key: agency_create(partnership=partnership, name=name, short_name=short, kind=kind)
        for key, name, short, kind in content.AGENCIES
    }
    # One hash for every demo account: the password is public anyway, and hashing once
    # keeps the demo quick with a deliberately slow hasher.
    password_hash = make_password(password)
    people: dict[str, Person] = {
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
        period_end=period_bounds(previous_start)[1],
    )
    plan = plan_create(
        created_by=admin,
        partnership=partnership,
        title=_plan_title(start),
        period_start=start,
        period_end=period_bounds(start)[1],
    )

    def days_ago(days: int) -> date:
        return max(start, today - timedelta(days=days))

    def days_into_previous_plan(days: int) -> date:
        return offset(previous_start, days)

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
                due_date=offset(start, due_days),
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
            quality_measure=measure,
        )
        write_updates(
            data_requirement_update_create, {"data_requirement": entry}, entry, updates, days_ago
        )
    return plan
