"""RAG status of an action or register entry, with what each colour means in words.

Importers read legacy tables through :func:`status_from_text`, which understands the words
partners type ("Green", "on track", "G", "Completed") and the symbols of the converted Word
tables in the seeds (a ``\\odot`` tick for done, an empty ``<u></u>`` cell for ongoing).
"""

from __future__ import annotations

from django.db import models


class RagStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    COMPLETE = "complete", "Complete"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def meaning(self) -> str:
        """What the status says about delivery, in words a board member reads."""
        return MEANINGS[self]

    @property
    def is_open(self) -> bool:
        """Still being worked on, so still expected to report progress."""
        return self not in (RagStatus.COMPLETE, RagStatus.WITHDRAWN)


MEANINGS: dict[RagStatus, str] = {
    RagStatus.NOT_STARTED: "not started yet",
    RagStatus.GREEN: "on track",
    RagStatus.AMBER: "some slippage, recoverable",
    RagStatus.RED: "off track, needs help",
    RagStatus.COMPLETE: "done",
    RagStatus.WITHDRAWN: "no longer pursued",
}

_TEXT_TO_STATUS: dict[str, RagStatus] = {
    "not started": RagStatus.NOT_STARTED,
    "not_started": RagStatus.NOT_STARTED,
    "ns": RagStatus.NOT_STARTED,
    "green": RagStatus.GREEN,
    "g": RagStatus.GREEN,
    "on track": RagStatus.GREEN,
    "amber": RagStatus.AMBER,
    "a": RagStatus.AMBER,
    "ongoing": RagStatus.AMBER,
    "in progress": RagStatus.AMBER,
    "some slippage": RagStatus.AMBER,
    "red": RagStatus.RED,
    "r": RagStatus.RED,
    "off track": RagStatus.RED,
    "complete": RagStatus.COMPLETE,
    "completed": RagStatus.COMPLETE,
    "done": RagStatus.COMPLETE,
    "c": RagStatus.COMPLETE,
    "withdrawn": RagStatus.WITHDRAWN,
    "closed": RagStatus.WITHDRAWN,
    # Symbols left by converting the seeds' Word tables: a tick/smiley glyph became
    # "\odot" on rows whose update reports the work done; an empty underlined cell
    # ("<u></u>") sits on rows whose update says work is ongoing.
    "\\odot": RagStatus.COMPLETE,
    "\u2299": RagStatus.COMPLETE,
    "\u2713": RagStatus.COMPLETE,
    "\u2714": RagStatus.COMPLETE,
    "\u263a": RagStatus.COMPLETE,
    "<u></u>": RagStatus.AMBER,
}


def status_from_text(value: str) -> RagStatus | None:
    """The status a legacy table cell stands for, or ``None`` when the cell says nothing.

    >>> status_from_text(" Amber ")
    RagStatus.AMBER
    >>> status_from_text("\\\\odot")
    RagStatus.COMPLETE
    >>> status_from_text("") is None
    True
    """
    return _TEXT_TO_STATUS.get(" ".join(value.split()).lower())
