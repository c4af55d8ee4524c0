"""Two people submitting an update to the same action at the same moment, on two
database connections: one is saved, the other is refused as stale; nothing is lost.
Guesses at passwords sent in parallel get no more tries than one after another."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from cspkit.tracker.errors import StaleEditError
from cspkit.tracker.models import Action, ActionUpdate
from cspkit.tracker.services.updates import action_update_create
from cspkit.tracker.status import RagStatus
from tests.tracker.world import build_world


def test_simultaneous_updates_save_one_and_refuse_the_other(committed_db: None) -> None:
    world = build_world()
    action_id = world.police_action.pk
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def submit(user, text: str, status: RagStatus) -> None:
        try:
            action = Action.objects.get(pk=action_id)  # both read version 1
            start.wait(timeout=10)
            action_update_create(
                action=action, author=user, text=text, status=status, expected_version=1
            )
            outcomes[text] = "saved"
        except StaleEditError as error:
            outcomes[text] = f"stale at version {error.current_version}"
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=submit, args=(world.police_lead, "Lead says green", RagStatus.GREEN)
        ),
        threading.Thread(target=submit, args=(world.admin, "Admin says red", RagStatus.RED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["saved", "stale at version 2"]
    (saved_text,) = [text for text, outcome in outcomes.items() if outcome == "saved"]
    action = Action.objects.get(pk=action_id)
    assert action.version == 2
    assert list(ActionUpdate.objects.values_list("text", flat=True)) == [saved_text]
    assert action.status == (RagStatus.GREEN if saved_text.startswith("Lead") else RagStatus.RED)


class CountingHasher(MD5PasswordHasher):
    """The test hasher, as slow as a real one (Argon2 takes tens of milliseconds), counting
    the passwords it checks: every check is a guess evaluated."""

    checks = 0
    counting = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher.counting:
            CountingHasher.checks += 1
        time.sleep(0.05)
        return super().verify(password, encoded)


@pytest.mark.parametrize(
    "usernames",
    [
        ["police_lead"] * 16,
        ["admin", "police_lead", "police_colleague", "council_lead", "member"] * 3 + ["admin"],
    ],
    ids=["one account", "spraying accounts"],
)
@override_settings(PASSWORD_HASHERS=["tests.tracker.test_concurrency.CountingHasher"])
def test_parallel_wrong_passwords_never_get_more_guesses_than_the_limit(
    committed_db: None, usernames: list[str]
) -> None:
    build_world()
    CountingHasher.checks = 0
    start = threading.Barrier(len(usernames))
    statuses: list[int] = []

    def guess(username: str) -> None:
        try:
            client = Client()
            start.wait(timeout=10)
            response = client.post(reverse("login"), {"username": username, "password": "guess"})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(name,)) for name in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    limit = settings.AXES_FAILURE_LIMIT
    assert CountingHasher.checks == limit
    assert sorted(statuses) == [200] * (limit - 1) + [429] * (len(usernames) - limit + 1)
