"""The import page. Include in the site's URLs:

``path("imports/", include("cspkit.tracker.importers.urls"))``
"""

from __future__ import annotations

from django.urls import path

import cspkit.tracker.converters  # noqa: F401 - registers <id:…>
from cspkit.tracker.importers.views import import_view

app_name = "tracker_imports"

urlpatterns = [path("plans/<id:pk>/", import_view, name="import")]
