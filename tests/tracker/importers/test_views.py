"""The import page and the progress report page, through Django's test client."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from docx import Document

from cspkit.tracker.importers.source import MAX_FILE_BYTES
from cspkit.tracker.models import Action, Agency, Role, SubAction
from cspkit.tracker.services.people import agency_create, person_create
from tests.tracker.fixtures_import import Stockton, build_stockton

urlpatterns = [
    path("", include("cspkit.site.urls")),
    path("imports/", include("cspkit.tracker.importers.urls")),
    path("reports/", include("cspkit.tracker.reports.urls")),
]


@pytest.fixture
def stockton(db: None) -> Iterator[Stockton]:
    with override_settings(ROOT_URLCONF=__name__):
        yield build_stockton()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plan_docx(tmp_path: Path) -> bytes:
    document = Document()
    document.add_heading("1. ASB action plan", level=1)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["No", "Lead", "Action"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["1", "MW", "Patrol a) days b) nights"], strict=True
    ):
        cell.text = text
    path = tmp_path / "asb.docx"
    document.save(str(path))
    return path.read_bytes()


def _post(
    client: Client, stockton: Stockton, name: str, content: bytes, **fields: object
) -> HttpResponse:
    url = reverse("tracker_imports:import", args=[stockton.plan.pk])
    return client.post(url, {"document": SimpleUploadedFile(name, content), **fields})


def test_the_page_offers_the_form_to_administrators(stockton: Stockton) -> None:
    response = _client(stockton.manager).get(
        reverse("tracker_imports:import", args=[stockton.plan.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import a document into Community Safety Plan 2011-14" in html
    assert 'type="file"' in html and "checked" in html  # preview is ticked by default


def test_preview_shows_the_report_and_saves_nothing(stockton: Stockton, tmp_path: Path) -> None:
    response = _post(_client(stockton.manager), stockton, "asb.docx", _plan_docx(tmp_path),
                     preview="on")  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview of asb.docx: nothing was saved" in html
    assert '<th scope="row">Actions</th><td class="numeric">1</td>' in html
    assert Action.objects.count() == 0


def test_import_saves_and_reports(stockton: Stockton, tmp_path: Path) -> None:
    response = _post(_client(stockton.manager), stockton, "asb.docx", _plan_docx(tmp_path))
    assert response.status_code == 200
    assert "asb.docx was imported" in response.content.decode()
    assert Action.objects.get().text == "Patrol"
    assert SubAction.objects.count() == 2


def test_a_bad_document_names_the_upload_and_the_header(stockton: Stockton) -> None:
    content = b"No\tBudget\n1\t5k\n"
    response = _post(_client(stockton.manager), stockton, "odd.txt", content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "odd.txt:1: line 1, column 2: unknown column header &#39;Budget&#39;" in html
    assert "/tmp" not in html and "Nothing was saved" in html


def test_other_file_types_are_refused_by_the_form(stockton: Stockton) -> None:
    response = _post(_client(stockton.manager), stockton, "plan.pdf", b"%PDF-1.4")
    assert response.status_code == 400
    assert "Choose a .docx, .txt or .tsv file." in response.content.decode()


def test_members_may_not_import(stockton: Stockton, tmp_path: Path) -> None:
    member = person_create(
        agency=stockton.police, full_name="Board Member", role=Role.MEMBER, username="member"
    ).user
    response = _post(_client(member), stockton, "asb.docx", _plan_docx(tmp_path))
    assert response.status_code == 403
    assert Action.objects.count() == 0


def test_report_page_links_each_format_for_the_meeting(stockton: Stockton) -> None:
    client = _client(stockton.manager)
    url = reverse("tracker_reports:progress_report_page", args=[stockton.plan.pk])
    response = client.get(url, {"meeting": "2026-03-10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Download for 10 March 2026" in html
    for file_format in ("docx", "pdf", "html"):
        link = reverse(
            "tracker_reports:progress_report",
            kwargs={"pk": stockton.plan.pk, "file_format": file_format},
        )
        assert f'href="{link}?meeting=2026-03-10"' in html
    assert client.get(url, {"meeting": "10/03/2026"}).status_code == 400


def test_a_document_over_the_size_cap_is_refused_by_the_form(stockton: Stockton) -> None:
    content = b"No\tAction\n" + b"x" * MAX_FILE_BYTES
    response = _post(_client(stockton.manager), stockton, "huge.txt", content)
    assert response.status_code == 400
    assert "The document is 10.0 MB; the import takes files up to 10.0 MB." in (
        response.content.decode()
    )


def test_malformed_word_xml_is_a_clear_error_naming_the_upload(
    stockton: Stockton, tmp_path: Path
) -> None:
    good = io.BytesIO(_plan_docx(tmp_path))
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as out:
        for member in source.infolist():
            data = source.read(member.filename)
            out.writestr(member, data[:-40] if member.filename == "word/document.xml" else data)
    response = _post(_client(stockton.manager), stockton, "asb.docx", broken.getvalue())
    assert response.status_code == 400
    html = response.content.decode()
    assert "asb.docx: word/document.xml in the Word document is not valid XML" in html
    assert "/tmp" not in html


def test_others_can_save_while_an_import_is_being_read(committed_db: None) -> None:
    """Reading a large document takes seconds; on SQLite a transaction holds the database's
    write lock, so the file must be read before the import's transaction opens."""
    with override_settings(ROOT_URLCONF=__name__):
        stockton = build_stockton()
        narrative = "".join(f"Narrative paragraph {n} of the plan.\n" for n in range(100_000))
        content = f"No\tLead\tAction\n1\tMW\tPatrol the parks\n{narrative}".encode()
        answers: list[int] = []

        def import_in_the_background() -> None:
            try:
                response = _post(
                    _client(stockton.manager), stockton, "long.txt", content, preview="on"
                )
                answers.append(response.status_code)
            finally:
                connection.close()

        importer = threading.Thread(target=import_in_the_background)
        importer.start()
        time.sleep(1.5)  # the upload is in; reading it takes several seconds more
        assert importer.is_alive()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 300")  # give up fast if the lock is held
        started = time.perf_counter()
        agency_create(partnership=stockton.partnership, name="Fire", short_name="Fire", kind="fire")
        waited = time.perf_counter() - started
        importer.join(timeout=120)
        connection.close()  # back to the configured busy timeout
        assert answers == [200]
        assert waited < 1
        assert Agency.objects.filter(name="Fire").exists()
