"""The RAG status enum and how legacy table cells map onto it."""

from __future__ import annotations

import pytest

from cspkit.tracker.status import RagStatus, status_from_text


def test_every_status_has_its_meaning_in_words() -> None:
    assert RagStatus.GREEN.meaning == "on track"
    assert RagStatus.AMBER.meaning == "some slippage, recoverable"
    assert RagStatus.RED.meaning == "off track, needs help"
    assert all(s.meaning for s in RagStatus)


def test_only_complete_and_withdrawn_are_closed() -> None:
    assert [s for s in RagStatus if not s.is_open] == [RagStatus.COMPLETE, RagStatus.WITHDRAWN]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Green", RagStatus.GREEN),
        (" amber ", RagStatus.AMBER),
        ("R", RagStatus.RED),
        ("On  track", RagStatus.GREEN),
        ("Completed", RagStatus.COMPLETE),
        ("\\odot", RagStatus.COMPLETE),
        ("<u></u>", RagStatus.AMBER),
        ("", None),
        ("30", None),
    ],
)
def test_legacy_cells_map_to_statuses(cell: str, expected: RagStatus | None) -> None:
    assert status_from_text(cell) == expected
