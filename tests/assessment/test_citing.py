"""Sources under tables and figures name data as a reader cites them, never a function;
forces are named as they name themselves."""

from __future__ import annotations

import re

from cspkit.assessment.document import Document
from tests.assessment.test_advice import document_texts

# A module path such as "change.compare_periods" (police.uk and file names are not one).
FUNCTION_NAME = re.compile(r"\b[a-z]+_?[a-z]*\.[a-z_]+\b")
ALLOWED_DOTTED = ("police.uk", "manifest.json")


def function_names(text: str) -> list[str]:
    for allowed in ALLOWED_DOTTED:
        text = text.replace(allowed, "")
    return FUNCTION_NAME.findall(text)


def assert_cites_data(document: Document, force: str) -> None:
    blocks = [*document.tables(), *document.figures()]
    for block in blocks:
        assert block.data_source, block.id
        assert function_names(block.cited_source) == [], (block.id, block.cited_source)
    police = [b for b in blocks if b.source == "change.compare_periods"]
    assert police and all(force in b.cited_source for b in police)
    assert all("police.uk street-level crime" in b.cited_source for b in police)


def test_demo_sources_name_the_data_and_the_force(document, borough):
    assert_cites_data(document, "Kestrel Fenmoor Police")
    ward_rates = [b for b in document.tables() if b.source == "places.ward_ranking"]
    assert all("Census 2021 usual residents" in b.cited_source for b in ward_rates)


def test_the_force_is_never_named_by_its_lower_case_identifier(document):
    assert not any(re.search(r"\bkestrel-fenmoor\b", t) for t in document_texts(document))


def test_files_loaded_are_listed_by_what_the_data_are(document):
    files = next(t for t in document.tables() if t.id == "input_files_by_kind")
    names = [row[0] for row in files.rows]
    assert "police.uk street-level crime and anti-social behaviour" in names
    assert not any("_" in name for name in names)


def test_manifest_keeps_the_analysis_beside_the_data(assessed):
    import json

    manifest = json.loads((assessed.written["csv"] / "manifest.json").read_text())
    table = next(t for t in manifest["tables"] if t["id"] == "performance_by_crime_type")
    assert table["analysis"] == "change.compare_periods"
    assert table["data"].startswith("police.uk street-level crime")
