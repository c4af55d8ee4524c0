"""Errors the tracker's services raise for the views to explain to the user."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspkit.tracker.models.plan import Update
    from cspkit.tracker.selectors.history import Change


class StaleEditError(Exception):
    """Someone else changed the item after the form was opened; nothing was saved.

    ``updates`` are the progress updates added since, ``changes`` the other edits (field,
    before, after), and ``current_version`` the version to resubmit against once the user
    has read them.
    """

    def __init__(
        self,
        *,
        current_version: int,
        updates: Sequence[Update],
        changes: Sequence[Change],
    ) -> None:
        super().__init__("someone else updated this since you opened it")
        self.current_version = current_version
        self.updates = list(updates)
        self.changes = list(changes)
