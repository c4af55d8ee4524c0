"""assessment.pdf: A4 pages, numbered, with a contents page giving each chapter's page.

Every test runs on both PDF engines (Typst and WeasyPrint)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cspkit.assessment.document import Document
from cspkit.render import write_pdf
from cspkit.render.pdf import PDF_ENGINES
from tests.render.render_sample import sample_document

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (apt package poppler-utils) not installed"
)


@pytest.fixture(scope="module", params=PDF_ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def pdf(document: Document, engine: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pdf(document, tmp_path_factory.mktemp("pdf") / "assessment.pdf", engine=engine)


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def test_pdf_is_a_pdf_and_the_same_document_gives_the_same_bytes(pdf: Path, engine: str,
                                                                  tmp_path: Path):
    assert pdf.read_bytes().startswith(b"%PDF-")
    again = write_pdf(sample_document(), tmp_path / "again.pdf", engine=engine)
    assert again.read_bytes() == pdf.read_bytes()


@needs_poppler
def test_pdf_is_tagged_and_titled(document: Document, pdf: Path):
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "Tagged:          yes" in info.stdout
    assert f"Author:          {document.partnership}" in info.stdout
    assert document.title in info.stdout


@needs_poppler
def test_pdf_shows_every_heading_and_numbers_its_pages(document: Document, pdf: Path):
    pages = _pages(pdf)
    text = "\n".join(pages)
    for section in document.all_sections():
        assert section.title in text
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in page


@needs_poppler
def test_contents_page_gives_the_page_each_chapter_starts_on(document: Document, pdf: Path):
    pages = _pages(pdf)
    contents = next(p for p in pages if "Contents" in p)
    for section in document.sections:
        match = re.search(rf"{re.escape(section.title)}[ .]*(\d+)\s*$", contents, re.MULTILINE)
        assert match, section.title
        page = int(match.group(1))
        assert section.title in pages[page - 1]


@needs_poppler
def test_pages_are_a4_and_wide_tables_turn_landscape(document: Document, pdf: Path):
    found = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', _bbox(pdf))
    sizes = [(round(float(w)), round(float(h))) for w, h in found]
    portrait, landscape = (595, 842), (842, 595)  # A4 in points
    assert set(sizes) == {portrait, landscape}
    wide = [t for t in document.tables() if len(t.columns) > 7]
    assert wide and sizes.count(landscape) >= len(wide)


@needs_poppler
def test_no_text_runs_off_the_page(pdf: Path):
    bbox = _bbox(pdf)
    for page in re.split(r"<page ", bbox)[1:]:
        width = float(re.match(r'width="([\d.]+)"', page).group(1))
        right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', page)]
        assert max(right_edges) <= width - 20  # inside the page, clear of the edge


def _bbox(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_printed_page_gives_charts_and_maps_as_svg_pictures_with_their_alt_text(
        document: Document):
    import base64
    import html as html_module

    from cspkit.assessment.document import Chart
    from cspkit.render.charts import chart_svg
    from cspkit.render.html import render_html
    from cspkit.render.maps import map_svg

    page = render_html(document, paged=True)
    pictures = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)">', page)
    figures = document.figures()
    assert figures and len(pictures) == len(figures) and "<svg" not in page
    for figure, (data, alt) in zip(figures, pictures, strict=True):
        drawn = chart_svg(figure) if isinstance(figure, Chart) else map_svg(figure)
        assert base64.b64decode(data).decode("utf-8") == drawn
        assert html_module.unescape(alt) == figure.alt_text
