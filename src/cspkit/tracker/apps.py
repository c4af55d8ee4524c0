from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.apps import AppConfig
from django.db import connections


class TrackerConfig(AppConfig):
    name = "cspkit.tracker"
    label = "tracker"
    verbose_name = "Community Safety Plan tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the sign-in throttle's signal receiver, and create a new SQLite database
        file readable by its owner only, before SQLite creates it readable by everyone: it
        holds sessions and password hashes. (SQLite gives its WAL and shared-memory files
        the same permissions.)"""
        from cspkit.tracker import sign_in  # noqa: F401 - connects its signal receiver

        settings = connections["default"].settings_dict
        name = str(settings["NAME"])
        if settings["ENGINE"] != "django.db.backends.sqlite3" or name == ":memory:":
            return
        path = Path(name)
        if path.exists() or name.startswith("file:"):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process created it meanwhile
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
