"""assessment.html: one self-contained, accessible page that shows the Document's figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cspkit.assessment.document import Chart, Document, Map, Section, plain_text
from cspkit.render import write_html
from cspkit.render.html import render_html
from cspkit.render.layout import EMPTY_SECTION_TEXT
from tests.render.html_outline import Outline
from tests.render.render_sample import sample_document


@pytest.fixture(scope="module")
def html(document: Document, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_html(document, tmp_path_factory.mktemp("html") / "assessment.html")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def outline(html: str) -> Outline:
    return Outline(html)


def test_page_needs_no_network(html: str, outline: Outline):
    assert outline.external == []
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert "@import" not in html
    assert "vegaEmbed" in html  # the chart library travels inside the page


def test_every_section_has_a_heading_at_its_level(document: Document, outline: Outline):
    by_id = {anchor: (level, text) for level, text, anchor in outline.headings}
    for section in document.all_sections():
        level, text = by_id[f"{section.id}-heading"]
        assert level == section.level + 1
        assert text.endswith(section.title)
    assert [level for level, _, _ in outline.headings].count(1) == 1


def test_heading_levels_never_skip(outline: Outline):
    levels = [level for level, _, _ in outline.headings]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_contents_links_to_every_chapter(document: Document, html: str):
    contents = html[html.index('<nav class="contents"') : html.index("</nav>")]
    for section in document.sections:
        assert f'href="#{section.id}"' in contents


def test_landmarks_and_language(outline: Outline):
    tags = {tag for tag, _ in outline.tags}
    assert {"header", "nav", "main", "footer"} <= tags
    html_attrs = next(attrs for tag, attrs in outline.tags if tag == "html")
    assert html_attrs["lang"] == "en-GB"


def test_tables_have_numbered_captions_and_scoped_headers(document: Document, outline: Outline):
    assert len(outline.tables) == len(document.tables())
    for number, (shown, table) in enumerate(
        zip(outline.tables, document.tables(), strict=True), start=1
    ):
        assert shown.caption == f"Table {number} {table.caption}"
        assert shown.header_scopes == ["col"] * len(table.columns)
        assert shown.rows[0] == [c.label for c in table.columns]


def test_table_cells_show_the_document_values(document: Document, outline: Outline):
    for shown, table in zip(outline.tables, document.tables(), strict=True):
        expected = [
            [c.render(v) for c, v in zip(table.columns, row, strict=True)] for row in table.rows
        ]
        assert shown.rows[1:] == expected


def test_figures_in_findings_equal_the_table_values(document: Document, outline: Outline):
    tables = {t.id: t for t in document.tables()}
    shown_tables = dict(zip(tables, outline.tables, strict=True))
    checked = 0
    for finding in document.findings():
        table = tables[finding.source_table]
        shown_sentence = next(s for s in outline.findings if plain_text(finding.sentence) in s)
        columns = {c.key: c for c in table.columns}
        keys = [k for k in finding.figures if k in columns]
        row = next(
            r
            for r in table.frame().to_dict("records")
            if all(r[k] == finding.figures[k] for k in keys)
        )
        shown_rows = shown_tables[table.id].rows[1:]
        shown_row = shown_rows[table.frame().to_dict("records").index(row)]
        for key in keys:
            text = columns[key].render(row[key])
            assert text in shown_row
            assert text.lstrip("+") in shown_sentence
            checked += 1
    assert checked >= 4


def test_charts_carry_a_static_picture_a_spec_and_alt_text(document: Document, html: str):
    for chart in (f for f in document.figures() if isinstance(f, Chart)):
        figure = html[html.index(f'<figure class="figure chart" id="{chart.id}"') :]
        figure = figure[: figure.index("</figure>")]
        assert "<svg" in figure
        assert f'<script type="application/json" id="{chart.id}-spec">' in figure
        assert f'aria-label="{chart.alt_text}"' in figure


def test_maps_are_inline_svg_with_title_description_and_legend(document: Document, html: str):
    for figure in (f for f in document.figures() if isinstance(f, Map)):
        start = html.index(f'<figure class="figure map" id="{figure.id}"')
        svg = html[start : html.index("</figure>", start)]
        assert 'role="img"' in svg
        assert f'<desc id="map-{figure.id}-desc">{figure.alt_text}</desc>' in svg
        for label in figure.legend:
            assert f">{label}</text>" in svg
        assert ">No data</text>" in svg
        assert svg.count("<path ") == len(figure.features)
        assert svg.count("<circle ") == len(figure.points) + 1  # points plus their legend mark


def test_empty_section_says_so(html: str):
    offenders = html[html.index('id="violence_offenders"') :]
    assert EMPTY_SECTION_TEXT in offenders[: offenders.index("</section>")]


def test_text_is_escaped_and_emphasis_is_markup():
    document = sample_document()
    hostile = Section("hostile", "Fish & <chips>", 1, ())
    html = render_html(
        Document(
            document.title,
            document.partnership,
            document.period_text,
            (hostile,),
            document.metadata,
        )
    )
    assert "Fish &amp; &lt;chips&gt;" in html
    assert "<chips>" not in html
    assert "<strong>rose by 43.0%</strong>" in render_html(document)


def test_same_document_gives_identical_bytes(document: Document, tmp_path: Path):
    first = write_html(document, tmp_path / "a.html").read_bytes()
    second = write_html(sample_document(), tmp_path / "b.html").read_bytes()
    assert first == second


def test_print_rules_are_included(html: str):
    assert "@media print" in html
    assert "thead { display: table-header-group; }" in html


def test_element_ids_are_unique_and_every_internal_link_resolves(html: str, outline: Outline):
    page = html[: html.index("<script>")] if "<script>" in html else html
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for tag, attrs in outline.tags:
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#"):
            assert href[1:] in ids, href
        for reference in (attrs.get("aria-labelledby") or "").split():
            assert reference in ids, reference
