"""Checks of what the board reads about places and peers, run on the demo borough here and
on the real Stockton assessment in test_real_stockton.py."""

from __future__ import annotations

import re

import pytest

from cspkit.assessment.build import build_assessment
from cspkit.assessment.document import Document, Table
from cspkit.warehouse import connect


@pytest.fixture(scope="module")
def demo_document(borough) -> Document:
    """The demo borough's assessment as a Document (no files rendered)."""
    con = connect(borough.warehouse, create=False)
    document = build_assessment(con, borough.config)
    con.disconnect()
    return document


def hotspot_tables(document: Document) -> list[Table]:
    return [t for t in document.tables() if t.id.endswith("hotspots")]


def assert_hot_spot_tables_say_cold_spots_are_not_shown(document: Document) -> None:
    tables = hotspot_tables(document)
    assert tables
    for table in tables:
        note = " ".join(table.notes)
        assert "Cold spots" in note and "not shown" in note, table.id
        assert "permutations" not in note, table.id


def test_hot_spot_tables_say_cold_spots_are_not_shown(demo_document):
    assert_hot_spot_tables_say_cold_spots_are_not_shown(demo_document)


def assert_top_locations_are_map_points(document: Document) -> None:
    tables = [t for t in document.tables() if t.id.endswith("top_locations")]
    assert tables
    for table in tables:
        frame = table.frame()
        assert not frame.duplicated(["location", "point"]).any(), table.id
        assert "anonymised map points" in " ".join(table.notes), table.id
        repeated = frame["location"].duplicated().any()
        assert not repeated or "Different points can share a name" in table.notes[0], table.id


def test_top_locations_are_map_points(demo_document):
    assert_top_locations_are_map_points(demo_document)


def peer_texts(document: Document) -> tuple[list[str], list[str]]:
    """The peer chapter's sentences, and the bar labels of its chart."""
    from cspkit.assessment.document import Chart, Finding, Paragraph

    section = next(s for s in document.all_sections() if s.id == "peers")
    texts = [b.sentence if isinstance(b, Finding) else b.text for b in section.children
             if isinstance(b, Finding | Paragraph)]
    chart = next(b for b in section.children if isinstance(b, Chart))
    return texts, [v["area"] for v in chart.spec["data"]["values"]]


def assert_england_says_what_it_covers(document: Document, *, england: bool) -> None:
    """An England comparator is named with its coverage, in the text and on the chart; with
    no comparator, "England" appears only to say that no comparison is made."""
    texts, labels = peer_texts(document)
    coverage = [t for t in texts if t.startswith("The England comparison pools ")]
    england_labels = [label for label in labels if "England" in label]
    if england:
        assert len(coverage) == 1 and " of England's " in coverage[0]
        assert len(england_labels) == 1
        assert re.fullmatch(r"England \([\d,]+ of [\d,]+ authorities\)", england_labels[0])
        assert "England rate" not in " ".join(texts)
    else:
        assert coverage == [] and england_labels == []
        mentions = [t for t in texts if "England" in t or "English" in t]
        assert all(t.startswith("No comparison with England is made") for t in mentions)
        assert mentions


def test_the_demo_with_one_force_has_no_england_comparator(borough, demo_document):
    from cspkit.assessment.advice import analyst_advice

    assert_england_says_what_it_covers(demo_document, england=False)
    assert any(line.startswith("No England comparison: load the police.uk published counts")
               for line in analyst_advice(borough.config, demo_document))


NO_PEOPLE = "police.uk open data record where and when incidents happened, never who was involved"


def register_rows(document: Document) -> list[dict]:
    table = next(t for t in document.tables() if t.id == "data_requirements")
    return table.frame().to_dict("records")


def assert_register_has_one_entry_per_need_with_a_real_owner(document: Document) -> None:
    from cspkit.assessment.data_needs import OWNERS

    rows = register_rows(document)
    assert [r["reference"] for r in rows] == [f"D{i}" for i in range(1, len(rows) + 1)]
    for key in ("missing", "would_fill"):
        assert len({r[key] for r in rows}) == len(rows), key
    assert all(r["owner"] in OWNERS for r in rows)
    gaps = document.data_gaps()
    # each need is set out once, as a box, where it first arises
    assert sorted(g.missing for g in gaps) == sorted(r["missing"] for r in rows)
    texts = list(document_texts_of(document))
    lacking = [t for t in texts if re.match(r"No \w+ data are available", t)]
    assert sum(NO_PEOPLE in t for t in texts) == (1 if lacking else 0)
    referred = {ref for t in texts for ref in re.findall(r"\bD\d+\b", t)}
    assert referred == {r["reference"] for r in rows}


def document_texts_of(document: Document):
    from cspkit.assessment.document import Finding, Paragraph

    for _, block in document.walk():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Finding):
            yield block.sentence


def test_demo_register_has_one_entry_per_need_with_a_real_owner(demo_document):
    assert_register_has_one_entry_per_need_with_a_real_owner(demo_document)


def test_register_with_partner_data_has_one_entry_per_need(partner_document):
    assert_register_has_one_entry_per_need_with_a_real_owner(partner_document)


def test_the_register_reads_into_the_plan_tracker(demo_document, tmp_path):
    """The register's headings are the tracker's: imported, every entry keeps its number,
    gap, lead agency and action."""
    from cspkit.tracker.importers.reader import read_document

    table = next(t for t in demo_document.tables() if t.id == "data_requirements")
    lines = ["\t".join(c.label for c in table.columns)]
    lines += ["\t".join(table.cell_text(i, c.key) for c in table.columns)
              for i in range(len(table.rows))]
    path = tmp_path / "register.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = read_document(path)
    rows = register_rows(demo_document)
    assert [(d.reference, d.data_gap, d.lead, d.action) for d in parsed.data_requirements] == [
        (r["reference"], r["missing"], r["owner"], r["would_fill"]) for r in rows]


def section_of(document: Document, section_id: str):
    return next(s for s in document.all_sections() if s.id == section_id)


def assert_flagged_themes_say_first_what_police_uk_cannot_identify(document: Document,
                                                                  config) -> None:
    from cspkit.assessment.document import Paragraph

    flagged = [t for t in config.themes if t.flags and t.categories]
    assert flagged
    for theme in flagged:
        first = section_of(document, f"theme_{theme.id}").children[0]
        assert isinstance(first, Paragraph), theme.id
        assert "cannot be identified in police.uk data" in first.text, theme.id
        if "domestic" in theme.flags:
            assert first.text.startswith("Domestic abuse cannot be identified"), theme.id


def assert_significant_rises_are_split_by_ward(document: Document, config) -> None:
    """Every crime type of a several-type theme that rose significantly has its ward table,
    whose counts add up to the crime type's row in the theme's performance table."""
    for theme in config.themes:
        if len(theme.categories) < 2 or "places" not in theme.analyses:
            continue
        performance = next(t for t in document.tables()
                           if t.id == f"{theme.id}_performance").frame()
        rows = performance[performance["group"].isin(theme.categories)
                           & (performance["p_value"] < 0.05)
                           & (performance["current"] > performance["previous"])]
        for row in rows.itertuples():
            slug = "".join(c if c.isalnum() else "_" for c in row.group.lower())
            table = next(t for t in document.tables() if t.id == f"{theme.id}_{slug}_by_ward")
            wards = table.frame()
            assert (wards["current"].sum(), wards["previous"].sum()) == (
                row.current, row.previous), row.group
            assert list(wards["change"]) == sorted(wards["change"], reverse=True)


def test_flagged_themes_say_first_what_police_uk_cannot_identify(borough, demo_document):
    assert_flagged_themes_say_first_what_police_uk_cannot_identify(demo_document,
                                                                   borough.config)


def test_significant_rises_are_split_by_ward(borough, demo_document):
    assert_significant_rises_are_split_by_ward(demo_document, borough.config)
    assert any(t.id.endswith("_by_ward") for t in demo_document.tables())
