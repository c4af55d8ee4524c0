"""Template context every page needs: who is signed in, as which role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cspkit.tracker.selectors.access import person_of


def tracker_person(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"tracker_person": person_of(user) if user is not None else None}
