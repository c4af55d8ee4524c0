"""Docs generated from code must match the code."""

from __future__ import annotations

from pathlib import Path

from cspkit.warehouse.schema import schema_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_schema_doc_is_generated_from_the_schema_module():
    assert (DOCS / "schema.md").read_text() == schema_markdown(), (
        "docs/schema.md is stale: run `python -m cspkit.warehouse.schema > docs/schema.md`")
