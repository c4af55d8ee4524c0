"""docs/partner-data.md documents every built-in mapping and every column it reads."""

from __future__ import annotations

from pathlib import Path

from cspkit.sources.partner.mapping import builtin_mappings, load_mapping

DOC = Path(__file__).resolve().parents[3] / "docs" / "partner-data.md"


def test_every_builtin_mapping_and_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name in builtin_mappings():
        mapping = load_mapping(name)
        assert f"`{name}`" in text, name
        assert f"`{mapping.source}`" in text, mapping.source
        missing = [c for c in mapping.columns() if f"`{c}`" not in text]
        assert not missing, (name, missing)
        assert all(f"`{d}`" in text for d in mapping.details), name
