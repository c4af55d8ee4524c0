"""docs/outputs.md names every output, manifest field and number format the code writes."""

from __future__ import annotations

from pathlib import Path

from cspkit.assessment.document import NUMBER_FORMATS
from cspkit.render import FORMATS
from cspkit.render.manifest import manifest
from tests.render.render_sample import sample_document

DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"


def test_every_format_and_file_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name, (file_name, _) in FORMATS.items():
        assert f"| `{name}` | `{file_name}" in text, name


def test_every_manifest_field_is_documented():
    text = DOC.read_text(encoding="utf-8")
    written = manifest(sample_document())
    fields = set(written)
    for key in ("tables", "figures", "data_gaps", "inputs"):
        fields |= set(written[key][0])
    for field in fields:
        assert f"`{field}`" in text, f"manifest field {field} is undocumented"


def test_every_number_format_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name in NUMBER_FORMATS:
        assert f"| `{name}` |" in text, name
