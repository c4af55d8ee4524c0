"""The Typst PDF engine: user text is shown literally, never run as markup; the paper layout;
choosing the engine."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cspkit.assessment.document import (
    Callout,
    Cell,
    Column,
    DataGap,
    Document,
    Paragraph,
    Section,
    Table,
)
from cspkit.errors import CspError
from cspkit.render.pdf import pdf_engine, write_pdf
from cspkit.render.typst_pdf import esc, typst_source

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (apt package poppler-utils) not installed"
)

HOSTILE = ('#let x = 1 $a^2$ @ref <lbl> \\ \\\\ [x] (y) {z} "q" \'r\' // c /* d */ -- e ... '
           '= f + g ~ h; i: j #strong[k] `l` m_n_ o*p')
"""Typst markup and code, escapes, brackets, quotes, comments and smart punctuation."""

IN_PROSE = HOSTILE.replace("/* d */ ", "")
"""The same without a pair of asterisks (prose gives ``*d*`` as emphasis, as the HTML does)."""

ONE_LINE = "= Heading? - list? + numbered? / term: 1. x"
"""Text that would start a heading or a list at the start of a Typst line."""


def _hostile_document(document: Document) -> Document:
    table = Table(id="hostile_table", caption=f"Caption {HOSTILE}",
                  columns=(Column("what", f"Label {HOSTILE}"), Column("n", "Count", "integer")),
                  rows=((Cell(f"Cell {HOSTILE}"), 3), (f"Row {HOSTILE}", 4)),
                  source=f"Source {HOSTILE}")
    section = Section(id="hostile", title=f"Chapter {HOSTILE}", level=1, children=(
        Paragraph(ONE_LINE), Paragraph(f"Text {IN_PROSE}"),
        Callout(title=f"Note {HOSTILE}", text="Body"),
        DataGap(missing=f"Gap {HOSTILE}", would_fill="x", owner="y"),
        table))
    return dataclasses.replace(document, title=f"Title {HOSTILE}",
                               partnership=f"Partner {HOSTILE}",
                               sections=(section, *document.sections))


def _text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(text.split())


@needs_poppler
def test_hostile_text_is_printed_literally(document: Document, tmp_path: Path):
    hostile = _hostile_document(document)
    pdf = write_pdf(hostile, tmp_path / "hostile.pdf", engine="typst")
    text = _text(pdf)
    assert f"Text {IN_PROSE}" in text
    for shown in ("Title", "Partner", "Chapter", "Note", "Gap", "Caption", "Label",
                  "Cell", "Row", "Source"):
        assert f"{shown} {HOSTILE}" in text, shown
    assert ONE_LINE in text
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert f"Title:           Title {HOSTILE}" in info
    assert f"Author:          Partner {HOSTILE}" in info


FLATTEN = """
#let flat(it) = if it.has("text") { it.text } else if it.has("children") {
  it.children.map(flat).join() } else if it.func() == [ ].func() { " " } else {
  panic("not plain text: " + repr(it)) }
"""
"""Typst: content back to its text, failing on anything but text and spaces."""


def test_escaped_text_is_plain_text_in_typst_markup():
    import json

    import typst

    for text in (HOSTILE, ONE_LINE, "a\nb\r\nc\u2028d", "\\", "x #y", "*b*"):
        source = f"{FLATTEN}\n#metadata(flat([{esc(text)}])) <t>"
        got = typst.query(source.encode(), "<t>", field="value", one=True)
        assert json.loads(got) == " ".join(text.splitlines()), text


def test_paper_layout_has_no_cover_page_contents_or_numbers(document: Document):
    paper = dataclasses.replace(document, layout="paper")
    source = typst_source(paper)
    assert "#outline(" not in source and "#num[" not in source
    assert "#outline(" in typst_source(document) and "#num[" in typst_source(document)


@needs_poppler
def test_paper_pdf_starts_with_its_title_and_numbers_every_page(document: Document,
                                                                 tmp_path: Path):
    paper = dataclasses.replace(document, layout="paper")
    pdf = write_pdf(paper, tmp_path / "paper.pdf", engine="typst")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")[:-1]
    assert paper.title in pages[0] and paper.sections[0].title in pages[0]
    assert "Contents" not in pages[0]
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"Page {number} of {len(pages)}\s*$", page), number


def test_engine_is_chosen_by_argument_then_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CSP_PDF_ENGINE", "weasyprint")
    assert pdf_engine() == "weasyprint" and pdf_engine("typst") == "typst"
    monkeypatch.setenv("CSP_PDF_ENGINE", "latex")
    with pytest.raises(CspError, match="unknown PDF engine 'latex' \\(CSP_PDF_ENGINE\\)"):
        pdf_engine()
    with pytest.raises(CspError, match="unknown PDF engine 'pdfkit'"):
        pdf_engine("pdfkit")


@needs_poppler
@pytest.mark.parametrize(("engine", "producer"), [("typst", "Typst"),
                                                  ("weasyprint", "WeasyPrint")])
def test_write_outputs_prints_through_the_chosen_engine(document: Document, tmp_path: Path,
                                                        engine: str, producer: str):
    from cspkit.render import write_outputs

    pdf = write_outputs(document, tmp_path, ["pdf"], pdf_engine=engine)[0]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(rf"^(Creator|Producer):\s+{producer} ", info, re.MULTILINE)


def test_configuration_offers_the_same_engines():
    from cspkit.assessment import config
    from cspkit.render import pdf

    assert config.PDF_ENGINES == pdf.PDF_ENGINES
    assert config.PartnershipConfig.model_fields["pdf_engine"].default is None


def test_pdf_engine_key_is_read_and_a_wrong_name_is_an_error_naming_the_line():
    from cspkit.assessment.config import ConfigError, default_config_text, parse_config

    text = default_config_text(name="Exampleton CSP", areas=["E06000004"],
                               period="2024-10:2025-09")
    assert parse_config(text).pdf_engine is None
    chosen = text.replace('# pdf_engine = "typst"', 'pdf_engine = "weasyprint"')
    assert chosen != text and parse_config(chosen).pdf_engine == "weasyprint"
    wrong = text.replace('# pdf_engine = "typst"', 'pdf_engine = "latex"')
    with pytest.raises(ConfigError) as caught:
        parse_config(wrong, path="csp.toml")
    line = next(n for n, row in enumerate(wrong.splitlines(), 1) if "latex" in row)
    message = str(caught.value)
    assert "pdf_engine" in message and f"csp.toml:{line}" in message, message
