"""Writes through the services: updates, concurrency, history, registers."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.models import Action, ActionUpdate, Plan, Recommendation
from cspkit.tracker.selectors.history import item_history
from cspkit.tracker.services.plan import action_edit, plan_create, theme_create
from cspkit.tracker.services.registers import (
    recommendation_carry_forward,
    recommendation_to_action,
)
from cspkit.tracker.services.updates import (
    action_update_create,
    data_requirement_update_create,
    recommendation_update_create,
)
from cspkit.tracker.status import RagStatus
from tests.tracker.world import World


def test_an_update_sets_the_status_and_moves_the_version_on(world: World) -> None:
    action = world.police_action
    update = action_update_create(
        action=action,
        author=world.police_lead,
        text="  Two patrols a week since May.  ",
        status=RagStatus.GREEN,
        expected_version=1,
        written_on=date(2026, 6, 1),
    )
    action.refresh_from_db()
    assert (action.status, action.version) == (RagStatus.GREEN, 2)
    assert (update.text, update.version, update.author.user) == (
        "Two patrols a week since May.",
        2,
        world.police_lead,
    )


def test_an_update_without_a_date_is_dated_today(world: World) -> None:
    update = action_update_create(
        action=world.police_action,
        author=world.police_lead,
        text="Started",
        status=RagStatus.GREEN,
        expected_version=1,
    )
    assert update.written_on == date.today()


def test_a_stale_update_is_refused_and_shows_the_other_persons_change(world: World) -> None:
    action = world.police_action
    action_update_create(
        action=action,
        author=world.admin,
        text="Patrols paused for the summer.",
        status=RagStatus.AMBER,
        expected_version=1,
    )
    stale_copy = Action.objects.get(pk=action.pk)
    with pytest.raises(StaleEditError) as caught:
        action_update_create(
            action=stale_copy,
            author=world.police_lead,
            text="All on track.",
            status=RagStatus.GREEN,
            expected_version=1,
        )
    error = caught.value
    assert error.current_version == 2
    assert [u.text for u in error.updates] == ["Patrols paused for the summer."]
    assert [(c.who, f.field, f.before, f.after) for c in error.changes for f in c.fields] == [
        ("Admin", "status", "Not started", "Amber")
    ]
    action.refresh_from_db()
    assert action.status == RagStatus.AMBER
    assert ActionUpdate.objects.filter(action=action).count() == 1


def test_resubmitting_against_the_current_version_is_accepted(world: World) -> None:
    action = world.police_action
    action_update_create(
        action=action, author=world.admin, text="A", status=RagStatus.AMBER, expected_version=1
    )
    action_update_create(
        action=action,
        author=world.police_lead,
        text="B",
        status=RagStatus.GREEN,
        expected_version=2,
    )
    assert list(action.updates.values_list("text", flat=True)) == ["B", "A"]


def test_an_empty_update_is_rejected(world: World) -> None:
    with pytest.raises(ValidationError):
        action_update_create(
            action=world.police_action,
            author=world.police_lead,
            text="   ",
            status=RagStatus.GREEN,
            expected_version=1,
        )
    assert not ActionUpdate.objects.exists()


def test_history_keeps_who_when_and_before_after(world: World) -> None:
    action = world.police_action
    action_update_create(
        action=action,
        author=world.police_lead,
        text="On track",
        status=RagStatus.GREEN,
        expected_version=1,
    )
    action_edit(
        action=action,
        edited_by=world.admin,
        expected_version=2,
        text="Patrol the five hot spots",
        measure="Reports down 5%",
        due_date=date(2027, 1, 31),
        leads=[world.person(world.police_lead)],
        lead_agencies=[world.council],
    )
    changes = item_history(fetched_by=world.member, item=action)
    newest = changes[0]
    assert newest.who == "Admin" and newest.kind == "changed"
    lead_change = next(i for i, c in enumerate(changes) if c.who == "Police Lead")
    edits = {f.field: (f.before, f.after) for c in changes[:lead_change] for f in c.fields}
    assert edits["text"] == ("Patrol the hot spots", "Patrol the five hot spots")
    assert edits["measure or target"] == ("(blank)", "Reports down 5%")
    assert edits["due date"] == ("(blank)", "2027-01-31")
    assert edits["lead agencies"] == ("Testshire Police", "Testshire Council, Testshire Police")
    status_change = next(c for c in changes if any(f.field == "status" for f in c.fields))
    assert status_change.who == "Police Lead"
    assert {c.item for c in changes} >= {"Action 1.1", "Update to action 1.1", "Sub-action 1.1 a)"}


def test_a_stale_action_edit_is_refused(world: World) -> None:
    action = world.police_action
    action_update_create(
        action=action, author=world.admin, text="A", status=RagStatus.RED, expected_version=1
    )
    with pytest.raises(StaleEditError):
        action_edit(
            action=action,
            edited_by=world.admin,
            expected_version=1,
            text="Something else",
            measure="",
            due_date=None,
            leads=[],
            lead_agencies=[],
        )
    action.refresh_from_db()
    assert action.text == "Patrol the hot spots"


def test_register_updates_work_like_action_updates(world: World) -> None:
    recommendation_update_create(
        recommendation=world.police_recommendation,
        author=world.police_lead,
        text="Field added to the case system",
        status=RagStatus.COMPLETE,
        expected_version=1,
    )
    data_requirement_update_create(
        data_requirement=world.council_data_requirement,
        author=world.council_lead,
        text="Age band agreed",
        status=RagStatus.AMBER,
        expected_version=1,
    )
    world.police_recommendation.refresh_from_db()
    world.council_data_requirement.refresh_from_db()
    assert world.police_recommendation.status == RagStatus.COMPLETE
    assert world.council_data_requirement.status == RagStatus.AMBER
    with pytest.raises(StaleEditError):
        data_requirement_update_create(
            data_requirement=world.council_data_requirement,
            author=world.council_lead,
            text="Again",
            status=RagStatus.GREEN,
            expected_version=1,
        )


def _next_plan(world: World) -> Plan:
    plan = plan_create(
        created_by=world.admin,
        partnership=world.plan.partnership,
        title="Plan 2027-28",
        period_start=date(2027, 4, 1),
        period_end=date(2028, 3, 31),
    )
    theme_create(created_by=world.admin, plan=plan, number=1, title="Anti-social behaviour")
    return plan


def test_carrying_forward_copies_the_entry_and_keeps_its_history(world: World) -> None:
    old = world.police_recommendation
    recommendation_update_create(
        recommendation=old,
        author=world.police_lead,
        text="Half done",
        status=RagStatus.AMBER,
        expected_version=1,
    )
    next_plan = _next_plan(world)
    copy = recommendation_carry_forward(
        recommendation=old, carried_by=world.admin, to_plan=next_plan, expected_version=2
    )
    assert copy.plan == next_plan and copy.carried_forward_from == old
    assert (copy.reference, copy.text, copy.status) == ("R1", old.text, RagStatus.AMBER)
    assert list(copy.agencies.all()) == [world.police]
    assert copy.theme.title == "Anti-social behaviour" and copy.theme.plan == next_plan
    assert [u.text for u in copy.carried_forward_from.updates.all()] == ["Half done"]
    with pytest.raises(ValidationError, match="already been carried forward"):
        recommendation_carry_forward(
            recommendation=old, carried_by=world.admin, to_plan=next_plan, expected_version=3
        )


def test_only_open_recommendations_go_forward_to_a_later_plan(world: World) -> None:
    recommendation_update_create(
        recommendation=world.police_recommendation,
        author=world.admin,
        text="Done",
        status=RagStatus.COMPLETE,
        expected_version=1,
    )
    with pytest.raises(ValidationError, match="nothing to carry forward"):
        recommendation_carry_forward(
            recommendation=world.police_recommendation,
            carried_by=world.admin,
            to_plan=_next_plan(world),
            expected_version=2,
        )
    with pytest.raises(ValidationError, match="later plan"):
        recommendation_carry_forward(
            recommendation=world.council_recommendation,
            carried_by=world.admin,
            to_plan=world.plan,
            expected_version=1,
        )


def test_a_recommendation_becomes_a_plan_action_led_by_its_agencies(world: World) -> None:
    action = recommendation_to_action(
        recommendation=world.council_recommendation,
        converted_by=world.admin,
        theme=world.theme,
        expected_version=1,
    )
    assert action.number == 3 and action.text == "Consult residents face to face"
    assert list(action.lead_agencies.all()) == [world.council]
    assert Recommendation.objects.get(pk=world.council_recommendation.pk).plan_action == action
    with pytest.raises(ValidationError, match="already a plan action"):
        recommendation_to_action(
            recommendation=world.council_recommendation,
            converted_by=world.admin,
            theme=world.theme,
            expected_version=2,
        )


def test_a_lead_person_brings_their_agency_to_the_action(world: World) -> None:
    assert list(world.police_action.lead_agencies.all()) == [world.police]
