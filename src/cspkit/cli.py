"""The `csp` command. Each command parses options, calls one library function, and turns a
CspError into a one-line message and a non-zero exit; any other error is reported on one line
with its traceback in a log file (:mod:`cspkit.cli_errors`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from cspkit import __version__
from cspkit.assessment import assess_commands, profile_commands, scan_commands
from cspkit.assessment import commands as assessment_commands
from cspkit.cli_errors import CspGroup, errors, print_error
from cspkit.errors import CspError
from cspkit.national import commands as national_commands
from cspkit.privacy import commands as privacy_commands
from cspkit.sources import fetch_commands
from cspkit.sources.partner import commands as partner_commands
from cspkit.tracker import commands as tracker_commands
from cspkit.tracker.importers import commands as import_commands
from cspkit.tracker.reports import commands as report_commands
from cspkit.warehouse import DEFAULT_WAREHOUSE

app = typer.Typer(
    name="csp",
    help="cspkit: a Community Safety Partnership's strategic assessment and plan, from real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=CspGroup,
)
console = Console()

WarehouseOption = Annotated[
    Path, typer.Option("--warehouse", "-w", help="Warehouse DuckDB file (or an Ibis URL).")
]


def fail(error: CspError, code: int = 1) -> typer.Exit:
    """Print a user error on one line (each file's error on its own line) and exit non-zero."""
    print_error(error)
    return typer.Exit(code)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full traceback of an unexpected error instead of writing it "
        "to a log file.")] = False,
) -> None:
    if version:
        console.print(f"cspkit {__version__}")
        raise typer.Exit()


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or .zip archives.")],
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Load data files into the warehouse (each file's kind is recognised from its header).

    Reads data.police.uk street, outcomes and stop-and-search files (.csv, .csv.gz, or the
    .zip archive as served), ONS LSOA→ward→LAD, LSOA 2011→2021 and postcode lookups, English Indices
    of Deprivation, Census 2021 and mid-year population, LSOA and ward boundaries (GeoJSON)
    and published count tables. A folder loads every file it recognises and lists the rest.
    A file already loaded changes nothing and is reported (not an error); a newer download
    of a month replaces it, and the report names the months with the rows before and after;
    loading reference data places every incident again (the postcode lookup places partner
    rows loaded before it); a file that fails validation leaves the warehouse exactly as it
    was.
    """
    from cspkit.warehouse import connect
    from cspkit.warehouse.load import load_paths

    try:
        con = connect(warehouse)
        with Progress(TextColumn("{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} files"),
                      console=errors, transient=True) as bar:
            task = bar.add_task("loading", total=None)

            def progress(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total,
                           description=f"loading {Path(name).name}"[:60])

            report = load_paths(con, paths, progress=progress)
    except CspError as exc:
        raise fail(exc) from None
    loaded = report.loaded
    if loaded or len(report.skipped) < len(report.files):
        rows = sum(f.rows for f in loaded)
        console.print(f"Loaded {len(loaded)} file(s), {rows:,} rows into {warehouse}.")
    by_kind: dict[str, int] = {}
    for f in loaded:
        by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
    for kind, n in sorted(by_kind.items()):
        console.print(f"  {kind}: {n} file(s)")
    for line in report.notices():
        console.print(line, highlight=False, soft_wrap=True)
    if report.not_recognised:
        console.print(f"Not loaded ({len(report.not_recognised)} file(s) not recognised):")
        for name, reason in report.not_recognised:
            console.print(f"  {name}: {reason}", highlight=False, soft_wrap=True)


@app.command()
def status(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show what the warehouse holds, and its gaps.

    Months per source and force (police data) and per source and local authority (every
    source, partner data included); months missing inside the range; rows that could not
    be placed, and why; LSOAs re-assigned from 2011 codes; reference data loaded.
    """
    from cspkit.warehouse import connect
    from cspkit.warehouse.placement import UNPLACED_REASONS
    from cspkit.warehouse.status import warehouse_status

    try:
        con = connect(warehouse, create=False)
        state = warehouse_status(con)
    except CspError as exc:
        raise fail(exc) from None
    if as_json:
        print(json.dumps(state.to_json(), indent=2, default=str))
        return
    console.print(f"[bold]{warehouse}[/bold]: {state.loads} file(s) loaded")
    _print_coverage("Coverage by source and force", state.coverage_by_force)
    _print_coverage("Coverage by source and local authority", state.coverage_by_lad)
    if not state.force_months.empty:
        table = Table(title="Rows per force and month", box=box.SIMPLE_HEAD,
                      title_justify="left")
        for column in state.force_months.columns:
            table.add_column(column.replace("police_", ""),
                             justify="left" if column in ("police_force", "month") else "right")
        for row in state.force_months.itertuples(index=False):
            table.add_row(*[f"{v:,}" if isinstance(v, int) else str(v) for v in row])
        console.print(table)
    console.print("[bold]Placement of incidents[/bold]")
    for how, n in state.placement.items():
        console.print(f"  {how}: {n:,}")
    console.print(f"  rows without an LSOA: {state.rows_without_lsoa:,}")
    for why, n in state.unplaced.items():
        console.print(f"  not placed: {n:,} with {UNPLACED_REASONS[why]}", highlight=False)
    if state.postcodes_held:
        console.print(f"  partner postcodes held until a postcode lookup places them: "
                      f"{state.postcodes_held:,}")
    console.print(f"  rows outside every known area: {state.rows_outside_known_areas:,}")
    console.print(f"  rows re-assigned from 2011 LSOAs: {state.rows_reassigned:,}")
    console.print("[bold]Reference data[/bold]")
    for name, text in state.reference.items():
        console.print(f"  {name}: {text}")
    if not state.reference:
        console.print("  none loaded: load the ONS lookups, IMD, population and boundaries")


def _print_coverage(title: str, rows: tuple) -> None:
    if not rows:
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("source", "area", "first…last", "months", "rows", "missing"):
        table.add_column(column, justify="right" if column in ("months", "rows") else "left",
                         no_wrap=column != "missing")
    for c in rows:
        missing = ", ".join(c.missing_months) if c.missing_months else "none"
        area = f"{c.area_name} ({c.area})" if c.area_name else c.area
        table.add_row(c.source.removeprefix("police_"), area,
                      f"{c.first_month}…{c.last_month}", str(c.months), f"{c.rows:,}", missing)
    console.print(table)


@app.command()
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

    try:
        result = run_demo(out, seed=seed, echo=console.print)
    except CspError as exc:
        raise fail(exc) from None
    for line in result.summary():
        console.print(line, highlight=False, soft_wrap=True)


assessment_commands.register(app)
assess_commands.register(app)
scan_commands.register(app)
profile_commands.register(app)
fetch_commands.register(app)
tracker_commands.register(app)
privacy_commands.register(app)
partner_commands.register(app)
national_commands.register(app)
tracker_app = typer.Typer(help="The Community Safety Plan tracker's data: import documents, "
                          "write progress reports.",
                          no_args_is_help=True)
import_commands.register(tracker_app)
report_commands.register(tracker_app)
app.add_typer(tracker_app, name="tracker")


if __name__ == "__main__":
    app()
