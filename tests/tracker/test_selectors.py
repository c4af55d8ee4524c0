"""Reads: overview counts and when each of a lead's actions is due for an update."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cspkit.tracker.selectors.plan import my_actions, plan_current, plan_overview
from cspkit.tracker.services.updates import action_update_create
from cspkit.tracker.status import RagStatus
from tests.tracker.world import World


def test_overview_counts_every_status_of_every_theme(world: World) -> None:
    action_update_create(
        action=world.council_action,
        author=world.council_lead,
        text="Done",
        status=RagStatus.COMPLETE,
        expected_version=1,
    )
    (summary,) = plan_overview(fetched_by=world.member, plan=world.plan)
    assert summary.counts[RagStatus.NOT_STARTED] == 1
    assert summary.counts[RagStatus.COMPLETE] == 1
    assert summary.total == 2


def test_an_action_never_updated_is_due_one_interval_after_the_period_starts(
    world: World,
) -> None:
    (row,) = my_actions(fetched_by=world.police_lead, plan=world.plan, today=date(2026, 7, 2))
    assert row.action == world.police_action
    assert row.last_update_on is None
    assert row.update_due_on == date(2026, 7, 1)  # 1 April + 91 days
    assert row.is_overdue


def test_a_recent_update_makes_the_next_one_due_later(world: World) -> None:
    action_update_create(
        action=world.police_action,
        author=world.police_lead,
        text="Fine",
        status=RagStatus.GREEN,
        expected_version=1,
        written_on=date(2026, 6, 30),
    )
    (row,) = my_actions(fetched_by=world.police_lead, plan=world.plan, today=date(2026, 7, 2))
    assert row.last_update_on == date(2026, 6, 30)
    assert row.update_due_on == date(2026, 9, 29)
    assert not row.is_overdue


def test_finished_actions_are_never_overdue(world: World) -> None:
    world.police_action.due_date = date(2026, 5, 1)
    world.police_action.save()
    action_update_create(
        action=world.police_action,
        author=world.police_lead,
        text="Done",
        status=RagStatus.COMPLETE,
        expected_version=1,
        written_on=date(2026, 4, 2),
    )
    (row,) = my_actions(fetched_by=world.police_lead, plan=world.plan, today=date(2027, 1, 1))
    assert not row.is_overdue and not row.is_past_due_date


def test_an_open_action_past_its_due_date_is_flagged(world: World) -> None:
    world.police_action.due_date = date(2026, 5, 1)
    world.police_action.save()
    (row,) = my_actions(fetched_by=world.police_lead, plan=world.plan, today=date(2026, 5, 2))
    assert row.is_past_due_date and not row.is_overdue


def test_a_colleague_in_the_lead_agency_sees_the_agencys_actions(world: World) -> None:
    rows = my_actions(fetched_by=world.police_colleague, plan=world.plan, today=date(2026, 5, 1))
    assert [row.action for row in rows] == [world.police_action]


def test_administrators_see_every_open_action_overdue_first(world: World) -> None:
    action_update_create(
        action=world.police_action,
        author=world.police_lead,
        text="Fine",
        status=RagStatus.GREEN,
        expected_version=1,
        written_on=date(2026, 6, 30),
    )
    rows = my_actions(fetched_by=world.admin, plan=world.plan, today=date(2026, 7, 2))
    assert [(row.action, row.is_overdue) for row in rows] == [
        (world.council_action, True),
        (world.police_action, False),
    ]


def test_members_lead_nothing_and_unlinked_accounts_read_nothing(world: World) -> None:
    assert my_actions(fetched_by=world.member, plan=world.plan, today=date(2026, 7, 2)) == []
    with pytest.raises(PermissionDenied):
        plan_current(fetched_by=world.unlinked)
