from __future__ import annotations

from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "cspkit.tracker"
    label = "tracker"
    verbose_name = "Community Safety Plan tracker"
    default_auto_field = "django.db.models.BigAutoField"
