"""A small partnership for tests: two agencies, a person of each role, one action, one
recommendation and one data requirement led by each agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from cspkit.tracker.models import (
    Action,
    Agency,
    DataRequirement,
    Person,
    Plan,
    Recommendation,
    Role,
    Theme,
)
from cspkit.tracker.services.people import agency_create, partnership_create, person_create
from cspkit.tracker.services.plan import action_create, plan_create, theme_create
from cspkit.tracker.services.registers import data_requirement_create, recommendation_create

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    police: Agency
    council: Agency
    admin: User
    police_lead: User
    police_colleague: User
    council_lead: User
    member: User
    unlinked: User
    plan: Plan
    theme: Theme
    police_action: Action
    council_action: Action
    police_recommendation: Recommendation
    council_recommendation: Recommendation
    police_data_requirement: DataRequirement
    council_data_requirement: DataRequirement

    def person(self, user: User) -> Person:
        return Person.objects.get(user=user)


def build_world() -> World:
    partnership = partnership_create(name="Testshire CSP", area_name="Testshire")
    police = agency_create(
        partnership=partnership, name="Testshire Police", short_name="Police", kind="police"
    )
    council = agency_create(
        partnership=partnership, name="Testshire Council", short_name="Council", kind="council"
    )
    password_hash = make_password(PASSWORD)

    def user(username: str, agency: Agency, role: Role) -> User:
        person = person_create(
            agency=agency,
            full_name=username.replace("_", " ").title(),
            role=role,
            username=username,
            password_hash=password_hash,
        )
        return person.user

    admin = user("admin", council, Role.ADMINISTRATOR)
    police_lead = user("police_lead", police, Role.LEAD)
    police_colleague = user("police_colleague", police, Role.LEAD)
    council_lead = user("council_lead", council, Role.LEAD)
    member = user("member", council, Role.MEMBER)
    unlinked = User.objects.create_user("unlinked", password=PASSWORD)

    plan = plan_create(
        created_by=admin,
        partnership=partnership,
        title="Plan 2026-27",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
    )
    theme = theme_create(created_by=admin, plan=plan, number=1, title="Anti-social behaviour")
    police_action = action_create(
        created_by=admin,
        theme=theme,
        text="Patrol the hot spots",
        leads=[Person.objects.get(user=police_lead)],
        sub_actions=[("a", "Map the hot spots"), ("b", "Brief the teams")],
    )
    council_action = action_create(
        created_by=admin, theme=theme, text="Run mediation", lead_agencies=[council]
    )
    return World(
        police=police,
        council=council,
        admin=admin,
        police_lead=police_lead,
        police_colleague=police_colleague,
        council_lead=council_lead,
        member=member,
        unlinked=unlinked,
        plan=plan,
        theme=theme,
        police_action=police_action,
        council_action=council_action,
        police_recommendation=recommendation_create(
            created_by=admin,
            plan=plan,
            reference="R1",
            text="Record the school of young perpetrators",
            source="PSA 2026",
            section="ASB",
            theme=theme,
            agencies=[police],
        ),
        council_recommendation=recommendation_create(
            created_by=admin,
            plan=plan,
            reference="R2",
            text="Consult residents face to face",
            source="PSA 2026",
            section="Consultation",
            agencies=[council],
        ),
        police_data_requirement=data_requirement_create(
            created_by=admin,
            plan=plan,
            reference="D1",
            data_gap="Victim ethnicity missing",
            lead_agencies=[police],
        ),
        council_data_requirement=data_requirement_create(
            created_by=admin,
            plan=plan,
            reference="D2",
            data_gap="Caller age missing",
            lead_agencies=[council],
        ),
    )


def sign_in(client: Client, username: str, password: str = PASSWORD) -> bool:
    """Sign in through the sign-in page, as a person does: django-axes needs the request,
    which ``Client.login`` does not pass on."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302
