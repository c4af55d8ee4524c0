"""The Document model refuses what a renderer could not publish faithfully."""

from __future__ import annotations

import pandas as pd
import pytest

from cspkit.assessment.document import (
    Chart,
    Column,
    Document,
    Finding,
    Map,
    Metadata,
    Paragraph,
    Section,
    Table,
    emphasis_runs,
)
from tests.render.render_sample import crime_table, sample_document, trend_chart, ward_map


def test_dataframe_rows_become_plain_tuples_with_none_for_missing():
    frame = pd.DataFrame({"ward": ["A", "B"], "count": [3, None]})
    table = Table("t", "c", (Column("ward", "Ward"), Column("count", "N", "integer")), frame, "s")
    assert table.rows == (("A", 3.0), ("B", None))
    assert table.cell_text(1, "count") == "[x]"
    assert type(table.rows[0][1]) is float


def test_records_and_sequences_give_the_same_rows():
    columns = (Column("a", "A"), Column("b", "B", "integer"))
    by_key = Table("t", "c", columns, [{"a": "x", "b": 1}], "s")
    by_position = Table("t", "c", columns, [("x", 1)], "s")
    assert by_key.rows == by_position.rows == (("x", 1),)


def test_a_record_missing_a_column_is_refused():
    with pytest.raises(ValueError, match="row 0 has no key"):
        Table("t", "c", (Column("a", "A"), Column("b", "B")), [{"a": 1}], "s")


def test_table_id_must_be_a_safe_file_name():
    with pytest.raises(ValueError, match="lower-case"):
        Table("Crime by type", "c", (Column("a", "A"),), [], "s")


def test_number_formats_show_what_readers_expect():
    assert Column("x", "X", "integer").render(1234.0) == "1,234"
    assert Column("x", "X", "signed_integer").render(-87) == "-87"
    assert Column("x", "X", "percent").render(0.125) == "12.5%"
    assert Column("x", "X", "signed_percent").render(0.43) == "+43.0%"
    assert Column("x", "X", "p_value").render(0.0004) == "<0.001"
    assert Column("x", "X", "p_value").render(0.0612) == "0.061"
    assert Column("x", "X", "integer").render("[c]") == "[c]"


def test_chart_data_must_be_inline():
    with pytest.raises(ValueError, match="inline"):
        Chart("c", "t", {"data": {"url": "https://example.org/d.csv"}, "mark": "bar"}, "alt", "s")
    with pytest.raises(ValueError, match="inline"):
        Chart("c", "t", {"layer": [{"data": {"url": "d.csv"}}]}, "alt", "s")


def test_chart_and_map_need_alt_text():
    chart = trend_chart()
    with pytest.raises(ValueError, match="alt text"):
        Chart(chart.id, chart.title, chart.spec, " ", chart.source)


def test_map_class_outside_the_legend_is_refused():
    good = ward_map()
    with pytest.raises(ValueError, match="legend has 2 classes"):
        Map(
            good.id,
            good.title,
            good.features,
            good.legend[:2],
            good.legend_title,
            good.classification,
            good.alt_text,
            good.source,
        )


def test_child_section_must_be_one_level_deeper():
    with pytest.raises(ValueError, match="expected 2"):
        Section("a", "A", 1, (Section("b", "B", 3),))


def test_ids_are_unique_across_the_document():
    table = crime_table()
    section = Section("s", "S", 1, (table, table))
    with pytest.raises(ValueError, match="already used"):
        Document("T", "P", "period", (section,), Metadata("2024-10:2025-09", "2023-10:2024-09"))


def test_references_to_tables_must_exist():
    finding = Finding("x", 1.0, "note", source_table="no_such_table")
    with pytest.raises(ValueError, match="no_such_table"):
        Document("T", "P", "p", (Section("s", "S", 1, (finding,)),), Metadata("a", "b"))


def test_findings_come_most_important_first():
    document = sample_document()
    importances = [f.importance for f in document.findings()]
    assert importances == sorted(importances, reverse=True)


def test_walk_gives_every_block_with_its_section():
    document = sample_document()
    placed = {getattr(b, "id", None): (p.id if p else None) for p, b in document.walk()}
    assert placed["violence"] is None
    assert placed["violence_location"] == "violence"
    assert placed["crime_rate_map"] == "violence_location"


def test_emphasis_runs_leave_unmatched_stars_alone():
    assert emphasis_runs("3 * 4") == (("3 * 4", ""),)
    assert Paragraph("**a** b").runs() == (("a", "strong"), (" b", ""))
