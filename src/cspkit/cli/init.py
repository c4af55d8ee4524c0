"""``csp init``: write a commented partnership configuration to start from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.defaults import DEFAULT_CONFIG_FILE


def register(app: typer.Typer) -> None:
    """Add the ``init`` command to ``app``."""
    app.command("init")(init_command)


def init_command(
    name: Annotated[str, typer.Option("--name", help="The partnership's name.")],
    areas: Annotated[str, typer.Option(
        "--areas", help="Local authority district code(s), comma-separated: E06000004.")],
    period: Annotated[str, typer.Option(
        "--period", help="Strategic period, first and last month: YYYY-MM:YYYY-MM.")],
    compare: Annotated[str, typer.Option(
        "--compare", help="Compare with the 'previous' equal period or the same months a "
        "'year-earlier'.")] = "previous",
    out: Annotated[Path, typer.Option(
        "--out", help="Configuration file to write.")] = Path(DEFAULT_CONFIG_FILE),
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    """Write a commented default configuration for a typical English partnership: seven
    priority themes mapped to police.uk crime types, thresholds, outputs and targets."""
    from cspkit.assessment.config import write_default_config

    write_default_config(out, name=name, areas=areas.split(","), period=period,
                         compare=compare, force=force)
    typer.echo(f"Wrote {out}. Edit the themes and targets, then build the assessment.")


def init_options_markdown() -> str:
    """The options of ``csp init`` as a Markdown table, for docs/configuration.md."""
    from cspkit.cli import app

    command = typer.main.get_command(app).commands["init"]  # type: ignore[attr-defined]
    lines = ["| Option | Required | Default | Meaning |", "|---|---|---|---|"]
    for param in command.params:
        if param.name == "help":
            continue
        default = "" if param.required or param.default in (None, False) else f"`{param.default}`"
        required = "yes" if param.required else ""
        lines.append(f"| `{param.opts[0]}` | {required} | {default} | {param.help} |")
    return "\n".join(lines) + "\n"
