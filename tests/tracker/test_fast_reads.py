"""The fixed-SQL reads behind the busiest pages give what the ORM gives.

Every read of :mod:`cspkit.tracker.selectors.pages`, the session store and the per-request
user lookup is compared, field by field and in order, with the ORM selector it stands in for,
over the whole demo plan, for every demo login. This module also runs on PostgreSQL
(``test_postgres.py``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cspkit.site.sessions import SessionStore
from cspkit.tracker.auth import TrackerBackend, user_with_person
from cspkit.tracker.demo import seed_demo
from cspkit.tracker.models import Action, Person, Plan, Recommendation, Theme
from cspkit.tracker.rows import fetch_all
from cspkit.tracker.selectors.access import action_can_update
from cspkit.tracker.selectors.pages import (
    action_page,
    action_page_can_update,
    my_actions_page,
    my_actions_rows,
    plan_chosen,
    plan_page,
)
from cspkit.tracker.selectors.plan import (
    action_get,
    my_actions,
    plan_current,
    plan_get,
    plan_list,
    plan_overview,
)
from cspkit.tracker.services.registers import recommendation_to_action
from cspkit.tracker.services.updates import action_update_create
from cspkit.tracker.status import RagStatus
from tests.tracker.world import sign_in


def fields(instance: Any) -> dict[str, Any]:
    """Every column value of a model instance, as loaded."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def person_fields(person: Person | None) -> tuple | None:
    if person is None:
        return None
    return (fields(person), fields(person.agency))


@pytest.fixture
def demo(db: None) -> list[User]:
    """The demo plan (two periods) and every user, signed in as each of them in turn."""
    seed_demo()
    # An update from another agency on one action, so authors differ within a timeline.
    action = Action.objects.order_by("pk").first()
    action_update_create(
        action=action,
        author=User.objects.get(username="admin"),
        text="Checked at the board.",
        status=RagStatus.AMBER,
        expected_version=action.version,
        written_on=date(2026, 1, 5),
    )
    recommendation = Recommendation.objects.filter(plan_action=None).order_by("pk").first()
    recommendation_to_action(
        recommendation=recommendation,
        converted_by=User.objects.get(username="admin"),
        theme=Theme.objects.filter(plan=recommendation.plan).order_by("number").first(),
        expected_version=recommendation.version,
    )
    users = [TrackerBackend().get_user(pk) for pk in User.objects.values_list("pk", flat=True)]
    assert len(users) >= 9
    return users


def test_the_plan_page_matches_the_orm(demo: list[User]) -> None:
    plans = list(Plan.objects.values_list("pk", flat=True))
    assert len(plans) >= 2
    for user in demo:
        for pk in plans:
            page = plan_page(fetched_by=user, pk=pk)
            expected = plan_get(fetched_by=user, pk=pk)
            assert fields(page.plan) == fields(expected)
            assert page.plan.partnership.name == expected.partnership.name
            assert [fields(p) for p in page.plans] == [
                fields(p) for p in plan_list(fetched_by=user)
            ]
            summaries = plan_overview(fetched_by=user, plan=expected)
            assert [fields(s.theme) for s in page.summaries] == [fields(s.theme) for s in summaries]
            assert [s.counts for s in page.summaries] == [s.counts for s in summaries]
            assert [person_fields(s.theme.thematic_lead) for s in page.summaries] == [
                person_fields(s.theme.thematic_lead) for s in summaries
            ]
            assert (
                sum(s.total for s in page.summaries)
                == Action.objects.filter(theme__plan_id=pk).count()
            )


def test_the_chosen_plan_matches_the_orm(demo: list[User]) -> None:
    user = demo[0]
    assert plan_chosen(fetched_by=user, pk=None).pk == plan_current(fetched_by=user).pk
    for pk in Plan.objects.values_list("pk", flat=True):
        assert fields(plan_chosen(fetched_by=user, pk=pk)) == fields(Plan.objects.get(pk=pk))
    missing = max(Plan.objects.values_list("pk", flat=True)) + 1
    with pytest.raises(Http404):
        plan_chosen(fetched_by=user, pk=missing)
    with pytest.raises(Http404):
        plan_page(fetched_by=user, pk=missing)


def test_every_action_page_matches_the_orm(demo: list[User]) -> None:
    user = demo[0]
    actions = list(Action.objects.values_list("pk", flat=True))
    linked = 0
    for pk in actions:
        page = action_page(fetched_by=user, pk=pk)
        expected = action_get(fetched_by=user, pk=pk)
        assert fields(page.action) == fields(expected)
        assert page.action.reference == expected.reference
        assert fields(page.action.theme) == fields(expected.theme)
        assert fields(page.plan) == fields(expected.theme.plan)
        assert [fields(s) for s in page.sub_actions] == [
            fields(s) for s in expected.sub_actions.all()
        ]
        assert [person_fields(p) for p in page.leads] == [
            person_fields(p) for p in expected.leads.all()
        ]
        assert [fields(a) for a in page.lead_agencies] == [
            fields(a) for a in expected.lead_agencies.all()
        ]
        assert [(fields(u), person_fields(u.author)) for u in page.updates] == [
            (fields(u), person_fields(u.author)) for u in expected.updates.all()
        ]
        recommendation = getattr(expected, "from_recommendation", None)
        if recommendation is None:
            assert page.recommendation is None
        else:
            linked += 1
            assert (page.recommendation.pk, page.recommendation.reference) == (
                recommendation.pk,
                recommendation.reference,
            )
    # The demo exercises every part of the page somewhere.
    pages = [action_page(fetched_by=user, pk=pk) for pk in actions]
    assert linked > 0
    assert any(len(p.updates) > 1 for p in pages)
    assert any(p.sub_actions for p in pages) and any(p.lead_agencies for p in pages)
    assert any(p.action.due_date for p in pages)
    assert all(timezone.is_aware(u.created_at) for p in pages for u in p.updates)


def test_who_may_update_an_action_is_decided_alike(demo: list[User]) -> None:
    allowed = 0
    for pk in Action.objects.values_list("pk", flat=True):
        expected_action = action_get(fetched_by=demo[0], pk=pk)
        page = action_page(fetched_by=demo[0], pk=pk)
        for user in demo:
            decision = action_page_can_update(user=user, page=page)
            assert decision == action_can_update(user=user, action=expected_action)
            allowed += decision
    assert 0 < allowed < len(demo) * Action.objects.count()


@pytest.mark.parametrize("days_after_start", [0, 100, 200, 400])
def test_my_actions_match_the_orm(demo: list[User], days_after_start: int) -> None:
    seen = 0
    for plan in Plan.objects.all():
        today = plan.period_start + timedelta(days=days_after_start)
        for user in demo:
            rows = my_actions_rows(fetched_by=user, plan=plan, today=today)
            expected = my_actions(fetched_by=user, plan=plan, today=today)
            assert [
                (
                    fields(r.action),
                    fields(r.action.theme),
                    r.last_update_on,
                    r.update_due_on,
                    r.is_overdue,
                    r.is_past_due_date,
                )
                for r in rows
            ] == [
                (
                    fields(r.action),
                    fields(r.action.theme),
                    r.last_update_on,
                    r.update_due_on,
                    r.is_overdue,
                    r.is_past_due_date,
                )
                for r in expected
            ], (user.username, plan.pk, today)
            seen += len(rows)
    assert seen > 0


def test_my_actions_page_matches_the_orm(demo: list[User]) -> None:
    today = date(2026, 11, 23)
    plans = list(Plan.objects.values_list("pk", flat=True))
    for user in demo:
        for pk in [None, *plans]:
            plan, rows = my_actions_page(fetched_by=user, pk=pk, today=today)
            expected_plan = (
                plan_current(fetched_by=user) if pk is None else plan_get(fetched_by=user, pk=pk)
            )
            assert fields(plan) == fields(expected_plan)
            assert plan.partnership.name == expected_plan.partnership.name
            expected = my_actions(fetched_by=user, plan=expected_plan, today=today)
            assert [(fields(r.action), r.last_update_on, r.is_overdue) for r in rows] == [
                (fields(r.action), r.last_update_on, r.is_overdue) for r in expected
            ]
    with pytest.raises(Http404):
        my_actions_page(fetched_by=demo[0], pk=max(plans) + 1, today=today)


def test_without_a_plan_my_actions_says_so(db: None, world: Any) -> None:
    Plan.objects.all().delete()
    for user in (world.admin, world.police_lead, world.member):
        assert my_actions_page(fetched_by=user, pk=None, today=date(2026, 5, 1)) == (None, [])
        assert plan_chosen(fetched_by=user, pk=None) is None
        client = Client()
        client.force_login(user)
        response = client.get(reverse("tracker:my_actions"))
        assert response.status_code == 200
        assert "no plan" in response.content.decode().lower()


def test_the_pages_take_few_queries(demo: list[User]) -> None:
    user = demo[0]
    plan = Plan.objects.order_by("-period_start").first()
    action = Action.objects.filter(theme__plan=plan).first()
    for read, expected in [
        (lambda: plan_page(fetched_by=user, pk=plan.pk), 3),
        (lambda: action_page(fetched_by=user, pk=action.pk), 5),
        (lambda: my_actions_rows(fetched_by=user, plan=plan, today=date(2026, 1, 1)), 1),
        (lambda: my_actions_page(fetched_by=user, pk=None, today=date(2026, 1, 1)), 2),
    ]:
        with CaptureQueriesContext(connection) as queries:
            read()
        assert len(queries) == expected


def test_reads_refuse_unlinked_accounts_and_unknown_actions(db: None, world: Any) -> None:
    with pytest.raises(PermissionDenied):
        action_page(fetched_by=world.unlinked, pk=world.police_action.pk)
    with pytest.raises(PermissionDenied):
        plan_page(fetched_by=world.unlinked, pk=world.plan.pk)
    with pytest.raises(PermissionDenied):
        my_actions_rows(fetched_by=world.unlinked, plan=world.plan, today=date(2026, 5, 1))
    with pytest.raises(Http404):
        action_page(fetched_by=world.admin, pk=Action.objects.order_by("-pk")[0].pk + 1)


def test_the_signed_in_user_comes_with_person_and_agency(db: None, world: Any) -> None:
    for user in User.objects.all():
        loaded = user_with_person(user.pk)
        assert fields(loaded) == fields(user)
        person = Person.objects.select_related("agency").filter(user=user).first()
        with CaptureQueriesContext(connection) as queries:
            if person is None:
                assert not hasattr(loaded, "person") or loaded.person is None
            else:
                assert person_fields(loaded.person) == person_fields(person)
                assert loaded.person.user is loaded
        if person is not None:
            assert len(queries) == 0
    assert user_with_person(User.objects.order_by("-pk")[0].pk + 1) is None
    assert user_with_person("not a number") is None
    world.member.is_active = False
    world.member.save()
    assert TrackerBackend().get_user(world.member.pk) is None


def test_sessions_load_until_they_expire(db: None, world: Any) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "police_lead", "password": "wrong"})
    assert client.get(reverse("tracker:home")).status_code == 302
    assert sign_in(client, world.police_lead.username)
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    assert int(store[SESSION_KEY]) == world.police_lead.pk
    assert client.get(reverse("tracker:home")).status_code == 302  # to the current plan
    assert client.get(reverse("tracker:my_actions")).status_code == 200
    # Past its expiry date the session no longer loads, and the user must sign in again.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    response = client.get(reverse("tracker:my_actions"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert SessionStore("no-such-session-key-at-all").load() == {}
    assert SessionStore(None).load() == {}


def test_statements_sent_together_fail_cleanly(committed_db: None) -> None:
    """A failing query among several (one pipeline on PostgreSQL) raises Django's database
    error, and the connection goes on working."""
    with pytest.raises(DatabaseError):
        fetch_all(
            connection,
            [("SELECT 1", []), ("SELECT * FROM no_such_table", []), ("SELECT 2", [])],
        )
    assert fetch_all(connection, [("SELECT 1", []), ("SELECT %s", [2])]) == [[(1,)], [(2,)]]
    assert fetch_all(connection, []) == []


def test_the_busiest_reads_are_prepared_on_postgresql(demo: list[User]) -> None:
    """On PostgreSQL the fixed reads are prepared after a few runs, so the server stops
    planning them again (on SQLite there is nothing to check)."""
    if connection.vendor != "postgresql":
        return
    action = Action.objects.order_by("pk").first()
    for _ in range(6):
        action_page(fetched_by=demo[0], pk=action.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) >= 5
    assert any("tracker_actionupdate" in statement for statement in prepared)
