"""Progress report downloads. Include in the site's URLs:

``path("reports/", include("cspkit.tracker.reports.urls"))``
"""

from __future__ import annotations

from django.urls import path, register_converter

import cspkit.tracker.converters  # noqa: F401 - registers <id:…>
from cspkit.tracker.reports.views import (
    CONTENT_TYPES,
    progress_report_page_view,
    progress_report_view,
)


class ReportFormat:
    regex = "|".join(CONTENT_TYPES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportFormat, "report_format")

app_name = "tracker_reports"

urlpatterns = [
    path(
        "plans/<id:pk>/progress-report/",
        progress_report_page_view,
        name="progress_report_page",
    ),
    path(
        "plans/<id:pk>/progress-report.<report_format:file_format>",
        progress_report_view,
        name="progress_report",
    ),
]
