"""Checks of what the board reads about places and peers, run on the demo borough here and
on the real Stockton assessment in test_real_stockton.py."""

from __future__ import annotations

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
