"""The `csp` command: one module per command group, each command parsing its options and
calling one library function. Every error goes through :mod:`cspkit.cli.errors`: a
:class:`~cspkit.errors.CspError` is one line naming the file (and line) and what to do; any
other error is one line with its traceback in a log file (``csp --debug`` prints it).
Library packages never import from here."""

from __future__ import annotations

from typing import Annotated

import typer

from cspkit import __version__
from cspkit.cli import (
    assess,
    demo,
    fetch,
    init,
    national,
    partner,
    priorities,
    privacy,
    profile,
    scan,
    serve,
    survey,
    synth,
    tracker,
    warehouse,
)
from cspkit.cli.errors import CspGroup

app = typer.Typer(
    name="csp",
    help="cspkit: a Community Safety Partnership's strategic assessment and plan, from real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=CspGroup,
)


def _show_version(value: bool) -> None:
    """Print the version and stop, before Click asks for a command (the option is eager)."""
    if value:
        typer.echo(f"cspkit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", help="Show the version and exit.", callback=_show_version,
        is_eager=True)] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full traceback of an unexpected error instead of writing it "
        "to a log file.")] = False,
) -> None:
    """The options before the command (``--debug`` is read by :class:`CspGroup`)."""


for module in (warehouse, demo, synth, init, assess, scan, profile, priorities, survey, fetch,
               serve, privacy, partner, tracker, national):
    module.register(app)
