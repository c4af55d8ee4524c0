from __future__ import annotations

from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "cspkit.tracker"
    label = "tracker"
    verbose_name = "Community Safety Plan tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cspkit.tracker import sign_in  # noqa: F401 - connects its signal receiver
