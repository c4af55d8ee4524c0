"""Failed sign-ins, kept for login throttling (see ``cspkit.tracker.throttle``)."""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    client_address = models.CharField(max_length=64, db_index=True)
    failed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.client_address} at {self.failed_at}"
