"""Django's model authentication, loading the signed-in user's person and agency in the
same query, since every page needs them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser


class TrackerBackend(ModelBackend):
    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        user = (
            get_user_model()
            ._default_manager.select_related("person__agency")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
