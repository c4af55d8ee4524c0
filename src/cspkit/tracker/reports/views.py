"""Download a plan's progress report for a meeting date as DOCX, PDF or HTML."""

from __future__ import annotations

import io
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.text import slugify

from cspkit.tracker.reports.build import build_progress_report
from cspkit.tracker.reports.docx_writer import write_docx
from cspkit.tracker.reports.html_writer import content_security_policy, render_html, write_pdf
from cspkit.tracker.reports.pages import render_page
from cspkit.tracker.selectors.plan import plan_get

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@login_required
def progress_report_page_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the meeting date, then download the report in one of the formats."""
    plan = plan_get(fetched_by=request.user, pk=pk)
    meeting_text = request.GET.get("meeting", "")
    try:
        meeting = date.fromisoformat(meeting_text) if meeting_text else timezone.localdate()
        invalid = False
    except ValueError:
        meeting, invalid = timezone.localdate(), True
    return render_page(
        request,
        "progress_report_page.html",
        {"plan": plan, "meeting": meeting, "invalid": invalid},
        status=400 if invalid else 200,
    )


@login_required
def progress_report_view(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """``?meeting=YYYY-MM-DD`` (default today): the report as it stood on that date."""
    plan = plan_get(fetched_by=request.user, pk=pk)
    meeting_text = request.GET.get("meeting", "")
    try:
        meeting = date.fromisoformat(meeting_text) if meeting_text else timezone.localdate()
    except ValueError:
        return HttpResponseBadRequest("The meeting date must be written YYYY-MM-DD.")
    report = build_progress_report(plan=plan, meeting_date=meeting)
    if file_format == "html":
        response = HttpResponse(render_html(report), content_type=CONTENT_TYPES["html"])
        response.headers["Content-Security-Policy"] = content_security_policy()
        return response
    buffer = io.BytesIO()
    (write_docx if file_format == "docx" else write_pdf)(report, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[file_format])
    name = f"{slugify(plan.title)}-progress-{meeting.isoformat()}.{file_format}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
