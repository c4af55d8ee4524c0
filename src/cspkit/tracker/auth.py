"""Django's model authentication, loading the signed-in user's person and agency in the
same query, since every page shows them and every permission check needs them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser


class TrackerBackend(ModelBackend):
    """``ModelBackend`` whose per-request user lookup also loads ``person__agency``."""

    def get_user(self, user_id: object) -> AbstractBaseUser | None:
        """The active user with primary key ``user_id`` (from the session), or None."""
        users = get_user_model().objects.select_related("person__agency")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
