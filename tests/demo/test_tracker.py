"""``seed_demo``: the fictional Kestrel Vale plan, created once, with a login per role."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cspkit.demo.tracker import seed_demo
from cspkit.tracker.models import Action, ActionUpdate, DataRequirement, Recommendation, Theme


def test_the_demo_is_created_once(db: None) -> None:
    first = seed_demo()
    counts = (
        Theme.objects.count(),
        Action.objects.count(),
        ActionUpdate.objects.count(),
        Recommendation.objects.count(),
        DataRequirement.objects.count(),
    )
    second = seed_demo()
    assert first.created and not second.created
    assert first.partnership == "Kestrel Vale Community Safety Partnership"
    assert counts[0] == 6 and counts[1] >= 18 and counts[3] >= 6 and counts[4] >= 5
    assert counts == (
        Theme.objects.count(),
        Action.objects.count(),
        ActionUpdate.objects.count(),
        Recommendation.objects.count(),
        DataRequirement.objects.count(),
    )
    assert first.logins == second.logins


def test_every_demo_login_works_and_each_role_is_there(db: None) -> None:
    seed = seed_demo()
    assert {login.role for login in seed.logins} == {"Administrator", "Lead", "Member"}
    assert len({login.agency for login in seed.logins if login.role == "Lead"}) == 7
    for login in seed.logins:
        client = Client()
        response = client.post(
            reverse("login"), {"username": login.username, "password": login.password}
        )
        assert response.status_code == 302, login.username
    assert "admin" in seed.summary() and "never use this database for real data" in seed.summary()
