"""Two people submitting an update to the same action at the same moment, on two
database connections: one is saved, the other is refused as stale; nothing is lost."""

from __future__ import annotations

import threading

from django.db import connection

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
