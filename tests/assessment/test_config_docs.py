"""docs/configuration.md documents every key and `csp init` option, generated from the code."""

from __future__ import annotations

import re
from pathlib import Path

from cspkit.assessment.config import PartnershipConfig, Target, Theme, reference_markdown
from cspkit.cli.init import init_options_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
REGENERATE = "regenerate it with `python -m cspkit.assessment.config`"


def _block(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"docs/configuration.md has no {name} block"
    return match.group(1)


def test_key_table_is_generated_from_the_models():
    assert _block("keys") == reference_markdown(), f"the key table is stale: {REGENERATE}"


def test_every_key_is_documented():
    table = _block("keys")
    prefixes = ((PartnershipConfig, ""), (Theme, "themes[]."), (Target, "targets[]."))
    for model, prefix in prefixes:
        for name in model.model_fields:
            assert f"| `{prefix}{name}` |" in table, f"{prefix}{name} is undocumented"


def test_init_options_are_generated_from_the_command():
    assert _block("init-options") == init_options_markdown()
