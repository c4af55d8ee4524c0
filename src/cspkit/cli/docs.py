"""The CLI reference (docs/cli.md), generated from the commands' own help.

``python -m cspkit.cli.docs > docs/cli.md``; a test fails when the file is stale, so a
command or option cannot go undocumented.
"""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from cspkit.cli import app


def _commands(group: typer.Typer, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    found = []
    for command in group.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        found.append((*prefix, name))
    for sub in group.registered_groups:
        found += _commands(sub.typer_instance, (*prefix, sub.name))
    return found


def cli_markdown() -> str:
    runner = CliRunner()
    out = ["# Command reference", "",
           "Generated from the commands' own `--help` "
           "(`python -m cspkit.cli.docs > docs/cli.md`).", ""]
    for words in [(), *sorted(_commands(app, ()))]:
        result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "100",
                                                              "NO_COLOR": "1",
                                                              "TERM": "dumb"})
        title = "csp " + " ".join(words) if words else "csp"
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        out += [f"## `{title.strip()}`", "", "```", text.strip("\n"), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(cli_markdown(), end="")
