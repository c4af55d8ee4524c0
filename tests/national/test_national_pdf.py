"""The national report and a comparator paper as PDFs (both engines): every heading, page
numbers, no heading stranded from its table."""

from __future__ import annotations

import pytest

from cspkit.analysis.national import national_comparison
from cspkit.national.report import comparator_document, national_document
from cspkit.render.pdf import PDF_ENGINES, write_pdf
from tests.national.conftest import GROUP_SIZE
from tests.national.test_national import PERIOD
from tests.render.page_breaks import pdf_pages, stranded_headings


@pytest.fixture(scope="module")
def result(national_sample):
    _, _, con = national_sample
    return national_comparison(con, period=PERIOD, group_size=GROUP_SIZE)


def _check(document, pdf):
    text = "\n".join(line for page in pdf_pages(pdf) for line in page)
    assert all(section.title in text for section in document.all_sections())
    assert pdf_pages(pdf)  # read back
    return stranded_headings(document, pdf)


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_comparator_paper_prints_with_its_headings_beside_their_tables(result, tmp_path,
                                                                       engine):
    document = comparator_document(result, "E06000004")
    found = _check(document, write_pdf(document, tmp_path / "comparator.pdf", engine=engine))
    assert found.headings_checked >= 1
    assert found.at_page_foot == [] and found.apart_from_content == []


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_national_report_keeps_its_heading_with_the_national_table(result, tmp_path, engine):
    document = national_document(result)
    found = _check(document, write_pdf(document, tmp_path / "national.pdf", engine=engine))
    assert found.at_page_foot == [] and found.apart_from_content == []
