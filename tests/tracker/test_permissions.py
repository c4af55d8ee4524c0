"""Permission matrix: every role against every write, through the services and through
direct POSTs to the pages (including to another agency's action)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cspkit.tracker.models import Action, DataRequirement, Plan, Recommendation, Theme
from cspkit.tracker.services.plan import action_create, action_edit, plan_create, theme_create
from cspkit.tracker.services.registers import (
    data_requirement_create,
    recommendation_carry_forward,
    recommendation_create,
    recommendation_to_action,
)
from cspkit.tracker.services.updates import (
    action_update_create,
    data_requirement_update_create,
    recommendation_update_create,
)
from cspkit.tracker.status import RagStatus
from tests.tracker.world import World, sign_in

ROLES = ["admin", "police_lead", "police_colleague", "council_lead", "member", "unlinked"]
# Which of ROLES may do each write to the police agency's items.
ALLOWED = {
    "action_update_create": {"admin", "police_lead", "police_colleague"},
    "recommendation_update_create": {"admin", "police_lead", "police_colleague"},
    "data_requirement_update_create": {"admin", "police_lead", "police_colleague"},
    "action_edit": {"admin"},
    "action_create": {"admin"},
    "plan_create": {"admin"},
    "theme_create": {"admin"},
    "recommendation_create": {"admin"},
    "recommendation_carry_forward": {"admin"},
    "recommendation_to_action": {"admin"},
    "data_requirement_create": {"admin"},
}


def _next_plan(world: World) -> Plan:
    return plan_create(
        created_by=world.admin,
        partnership=world.plan.partnership,
        title="Plan 2027-28",
        period_start=date(2027, 4, 1),
        period_end=date(2028, 3, 31),
    )


def _writes(world: World) -> dict[str, Callable[[User], object]]:
    update = {"text": "Progress", "status": RagStatus.GREEN, "expected_version": 1}
    return {
        "action_update_create": lambda user: action_update_create(
            action=world.police_action, author=user, **update
        ),
        "recommendation_update_create": lambda user: recommendation_update_create(
            recommendation=world.police_recommendation, author=user, **update
        ),
        "data_requirement_update_create": lambda user: data_requirement_update_create(
            data_requirement=world.police_data_requirement, author=user, **update
        ),
        "action_edit": lambda user: action_edit(
            action=world.police_action,
            edited_by=user,
            expected_version=1,
            text="Rewritten",
            measure="",
            due_date=None,
            leads=[],
            lead_agencies=[world.council],
        ),
        "action_create": lambda user: action_create(
            created_by=user, theme=world.theme, text="New action"
        ),
        "plan_create": lambda user: plan_create(
            created_by=user,
            partnership=world.plan.partnership,
            title="Another plan",
            period_start=date(2030, 4, 1),
            period_end=date(2031, 3, 31),
        ),
        "theme_create": lambda user: theme_create(
            created_by=user, plan=world.plan, number=9, title="Fraud"
        ),
        "recommendation_create": lambda user: recommendation_create(
            created_by=user, plan=world.plan, reference="R9", text="More", source="PSA"
        ),
        "recommendation_carry_forward": lambda user: recommendation_carry_forward(
            recommendation=world.police_recommendation,
            carried_by=user,
            to_plan=Plan.objects.get(title="Plan 2027-28"),
            expected_version=1,
        ),
        "recommendation_to_action": lambda user: recommendation_to_action(
            recommendation=world.police_recommendation,
            converted_by=user,
            theme=world.theme,
            expected_version=1,
        ),
        "data_requirement_create": lambda user: data_requirement_create(
            created_by=user, plan=world.plan, reference="D9", data_gap="Gap"
        ),
    }


@pytest.mark.parametrize("write", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_service_permission_matrix(world: World, role: str, write: str) -> None:
    _next_plan(world)
    user = getattr(world, role)
    counts_before = _counts()
    if role in ALLOWED[write]:
        _writes(world)[write](user)
        assert _counts() != counts_before
    else:
        with pytest.raises(PermissionDenied):
            _writes(world)[write](user)
        assert _counts() == counts_before


def _counts() -> tuple[int, ...]:
    return (
        Action.objects.count(),
        Theme.objects.count(),
        Plan.objects.count(),
        Recommendation.objects.count(),
        DataRequirement.objects.count(),
        sum(a.version for a in Action.objects.all()),
        sum(r.version for r in Recommendation.objects.all()),
        sum(d.version for d in DataRequirement.objects.all()),
    )


def test_leads_can_update_their_own_agencys_items(world: World) -> None:
    """The mirror image: the council lead may update the council's action and entries."""
    update = {"text": "Progress", "status": RagStatus.AMBER, "expected_version": 1}
    action_update_create(action=world.council_action, author=world.council_lead, **update)
    recommendation_update_create(
        recommendation=world.council_recommendation, author=world.council_lead, **update
    )
    data_requirement_update_create(
        data_requirement=world.council_data_requirement, author=world.council_lead, **update
    )
    with pytest.raises(PermissionDenied):
        action_update_create(action=world.council_action, author=world.police_lead, **update)


def test_a_thematic_lead_can_update_every_action_of_their_theme(world: World) -> None:
    world.theme.thematic_lead = world.person(world.council_lead)
    world.theme.save()
    action_update_create(
        action=world.police_action,
        author=world.council_lead,
        text="Checked",
        status=RagStatus.GREEN,
        expected_version=1,
    )


# Direct POSTs to the pages ------------------------------------------------------------


def _post_requests(world: World) -> dict[str, tuple[str, dict[str, object]]]:
    update = {"status": "green", "text": "Progress by POST", "version": "1"}
    return {
        "action_update_create": (reverse("tracker:action", args=[world.police_action.pk]), update),
        "recommendation_update_create": (
            reverse("tracker:recommendation", args=[world.police_recommendation.pk]),
            update,
        ),
        "data_requirement_update_create": (
            reverse("tracker:data_requirement", args=[world.police_data_requirement.pk]),
            update,
        ),
        "action_edit": (
            reverse("tracker:action_edit", args=[world.police_action.pk]),
            {
                "text": "Rewritten by POST",
                "measure": "",
                "due_date": "",
                "lead_agencies": [world.council.pk],
                "version": "1",
            },
        ),
        "recommendation_carry_forward": (
            reverse("tracker:recommendation_carry_forward", args=[world.police_recommendation.pk]),
            {"version": "1"},
        ),
        "recommendation_to_action": (
            reverse("tracker:recommendation_to_action", args=[world.police_recommendation.pk]),
            {"version": "1", "theme": world.theme.pk},
        ),
        "action_create": (
            reverse("tracker:action_create", args=[world.theme.pk]),
            {"text": "A new action by POST", "lead_agencies": [world.police.pk]},
        ),
        "recommendation_create": (
            reverse("tracker:recommendation_create") + f"?plan={world.plan.pk}",
            {"reference": "R8", "text": "By POST", "source": "PSA"},
        ),
        "data_requirement_create": (
            reverse("tracker:data_requirement_create") + f"?plan={world.plan.pk}",
            {"reference": "D8", "data_gap": "By POST"},
        ),
    }


PAGE_WRITES = sorted(
    [
        "action_update_create",
        "recommendation_update_create",
        "data_requirement_update_create",
        "action_edit",
        "action_create",
        "recommendation_create",
        "data_requirement_create",
        "recommendation_carry_forward",
        "recommendation_to_action",
    ]
)


@pytest.mark.parametrize("write", PAGE_WRITES)
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_direct_post_permission_matrix(world: World, role: str, write: str) -> None:
    _next_plan(world)
    client = Client()
    if role != "anonymous":
        assert sign_in(client, role)
    url, data = _post_requests(world)[write]
    counts_before = _counts()
    response = client.post(url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert _counts() == counts_before
    elif role in ALLOWED[write]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert _counts() != counts_before
    else:
        assert response.status_code == 403
        assert _counts() == counts_before


def test_a_lead_sees_no_update_form_on_another_agencys_action(world: World) -> None:
    client = Client()
    sign_in(client, "council_lead")
    page = client.get(reverse("tracker:action", args=[world.police_action.pk]))
    assert page.status_code == 200
    assert "Add an update" not in page.content.decode()
    own = client.get(reverse("tracker:action", args=[world.council_action.pk]))
    assert "Add an update" in own.content.decode()


def test_an_account_not_linked_to_a_person_reads_nothing(world: World) -> None:
    client = Client()
    sign_in(client, "unlinked")
    assert client.get(reverse("tracker:plan", args=[world.plan.pk])).status_code == 403
    assert client.get(reverse("tracker:recommendations")).status_code == 403


def test_members_read_every_page(world: World) -> None:
    client = Client()
    sign_in(client, "member")
    for url in [
        reverse("tracker:plan", args=[world.plan.pk]),
        reverse("tracker:theme", args=[world.theme.pk]),
        reverse("tracker:action", args=[world.police_action.pk]),
        reverse("tracker:recommendations"),
        reverse("tracker:data_requirements"),
        reverse("tracker:history"),
    ]:
        assert client.get(url).status_code == 200, url


def test_a_refused_post_explains_why_on_the_sites_own_page(world: World) -> None:
    client = Client()
    sign_in(client, "council_lead")
    response = client.post(
        reverse("tracker:action", args=[world.police_action.pk]),
        {"status": "green", "text": "Not mine", "version": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert '<h1 class="heading-xl">You cannot do this</h1>' in page
    assert "You can only update actions you or your agency lead." in page
    assert "Council Lead, Council" in page  # the usual header: still signed in
