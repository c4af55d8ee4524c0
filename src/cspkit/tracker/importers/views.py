"""The import page: an administrator uploads a document, previews the report, imports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from cspkit.errors import CspError
from cspkit.tracker.importers.reader import read_document
from cspkit.tracker.importers.report import ImportReport
from cspkit.tracker.importers.services import import_allowed, import_document
from cspkit.tracker.importers.source import (
    MAX_FILE_BYTES,
    TEXT_SUFFIXES,
    WORD_SUFFIXES,
    megabytes,
)
from cspkit.tracker.reports.pages import render_page
from cspkit.tracker.selectors.access import administrator_required
from cspkit.tracker.selectors.plan import plan_get


class ImportForm(forms.Form):
    document = forms.FileField(
        label="Document",
        help_text="A Word document (.docx) or tab-separated text (.txt, .tsv) with action "
        "plan or register tables.",
        error_messages={"required": "Choose the document to import."},
    )
    preview = forms.BooleanField(
        label="Preview: read the document and show what would change, without saving",
        required=False,
        initial=True,
    )

    def clean_document(self) -> UploadedFile:
        document = self.cleaned_data["document"]
        if Path(document.name).suffix.lower() not in WORD_SUFFIXES + TEXT_SUFFIXES:
            raise forms.ValidationError("Choose a .docx, .txt or .tsv file.")
        if document.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The document is {megabytes(document.size)}; the import takes files up to "
                f"{megabytes(MAX_FILE_BYTES)}. Remove pictures or split the document."
            )
        return document


@login_required
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(fetched_by=request.user, pk=pk)
    administrator_required(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"plan": plan, "form": form}
    if request.method == "POST" and form.is_valid():
        preview = form.cleaned_data["preview"]
        try:
            context["report"] = _import_upload(
                request, plan_pk=plan.pk, upload=form.cleaned_data["document"], preview=preview
            )
            context["preview"] = preview
        except CspError as error:
            context["error"] = str(error)
    status = 400 if form.errors or "error" in context else 200
    return render_page(request, "import_page.html", context, status=status)


def _import_upload(
    request: HttpRequest, *, plan_pk: int, upload: UploadedFile, preview: bool
) -> ImportReport:
    """Import the upload from a private temporary folder; messages name the upload only.

    The file is read before the database transaction opens: on SQLite a transaction holds
    the database's write lock, and reading a large document must not keep everyone else
    from saving meanwhile.
    """
    name = Path(upload.name).name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            import_allowed(imported_by=request.user, path=path)
            document = read_document(path)
            with transaction.atomic():
                report = import_document(
                    document=document,
                    path=path,
                    plan=plan_get(fetched_by=request.user, pk=plan_pk),
                    imported_by=request.user,
                )
                if preview:
                    transaction.set_rollback(True)
        except CspError as error:
            raise CspError(str(error).replace(f"{folder}/", "")) from error
    report.path = name
    return report
