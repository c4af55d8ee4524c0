"""Template context every page needs: who is signed in, and whether they administer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cspkit.tracker.selectors.access import is_administrator, person_of


def tracker_person(request: HttpRequest) -> dict[str, Any]:
    """``tracker_person`` (None when nobody is signed in) and ``is_administrator``."""
    user = getattr(request, "user", None)
    if user is None:
        return {"tracker_person": None, "is_administrator": False}
    return {"tracker_person": person_of(user), "is_administrator": is_administrator(user)}
