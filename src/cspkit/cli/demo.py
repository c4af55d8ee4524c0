"""``csp demo``: the whole yearly cycle for the fictional borough, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command to ``app``."""
    app.command()(demo)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's files.")] = Path(
        "demo-output"),
    seed: Annotated[int, typer.Option(help="Seed of the fictional borough.")] = 2026,
) -> None:
    """Build everything for the fictional borough of Kestrel Vale, offline.

    Its data files in the real formats, a warehouse loaded from them, the assessment in
    every format, the scanning bulletin of the last month, a problem profile of the town
    centre's shoplifting, and a seeded plan tracker with a user per role.
    """
    from cspkit.demo import run_demo

    console = Console()
    result = run_demo(out, seed=seed, echo=console.print)
    for line in result.summary():
        console.print(line, highlight=False, soft_wrap=True)
