"""Docs generated from code must match the code."""

from __future__ import annotations

from pathlib import Path

from cspkit.warehouse.schema import schema_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_schema_doc_is_generated_from_the_schema_module():
    assert (DOCS / "schema.md").read_text() == schema_markdown(), (
        "docs/schema.md is stale: run `python -m cspkit.warehouse.schema > docs/schema.md`")


def test_cli_reference_is_generated_from_the_commands():
    from cspkit.cli.docs import cli_markdown

    assert (DOCS / "cli.md").read_text() == cli_markdown(), (
        "docs/cli.md is stale: run `python -m cspkit.cli.docs > docs/cli.md`")


def test_readme_names_every_top_level_command():
    from cspkit.cli import app

    readme = (DOCS.parent / "README.md").read_text()
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    missing = [n for n in names if f"`csp {n}" not in readme]
    assert not missing, f"README's command table lacks: {missing}"


def test_readme_opens_with_the_two_set_up_commands():
    readme = (DOCS.parent / "README.md").read_text().splitlines()
    block = readme[readme.index("```") + 1: readme.index("```", readme.index("```") + 1)]
    assert block == ["make demo", "make test"]
