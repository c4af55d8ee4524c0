"""Download a plan's progress report for a meeting date as DOCX, PDF or HTML."""

from __future__ import annotations

import base64
import hashlib
import tempfile
from datetime import date
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.text import slugify

from cspkit.render import FORMATS
from cspkit.render.html import render_html
from cspkit.tracker.reports.build import build_progress_report
from cspkit.tracker.reports.document import progress_document
from cspkit.tracker.reports.pages import render_page
from cspkit.tracker.selectors.access import person_of
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
    meeting = _meeting(request)
    invalid = meeting is None
    meeting = meeting or timezone.localdate()
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
    meeting = _meeting(request)
    if meeting is None:
        return HttpResponseBadRequest("The meeting date must be written YYYY-MM-DD.")
    report = build_progress_report(
        plan=plan,
        meeting_date=meeting,
        signed_by=person_of(request.user),
        signed_on=min(timezone.localdate(), meeting),
    )
    document = progress_document(report)
    if file_format == "html":
        html = render_html(document)
        response = HttpResponse(html, content_type=CONTENT_TYPES["html"])
        response.headers["Content-Security-Policy"] = content_security_policy(html)
        return response
    with tempfile.TemporaryDirectory(prefix="csp-report-") as folder:
        path = Path(folder) / f"report.{file_format}"
        FORMATS[file_format][1](document, path)
        response = HttpResponse(path.read_bytes(), content_type=CONTENT_TYPES[file_format])
    name = f"{slugify(plan.title)}-progress-{meeting.isoformat()}.{file_format}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _meeting(request: HttpRequest) -> date | None:
    """The ``?meeting=YYYY-MM-DD`` date (today when not given); None when it is not a date."""
    text = request.GET.get("meeting", "")
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return None


def content_security_policy(html: str) -> str:
    """A policy that lets the page's one style block through and nothing else (it has no
    script, inline style attribute or outside resource)."""
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
