"""``csp load`` and ``csp status``: fill the warehouse and show what it holds; and
``csp undo-interrupted-load``: undo a Spark load whose machine is lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from cspkit.cli.errors import errors
from cspkit.cli.options import WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE

console = Console()


def register(app: typer.Typer) -> None:
    """Add the ``load``, ``status`` and ``undo-interrupted-load`` commands to ``app``."""
    app.command()(load)
    app.command()(status)
    app.command("undo-interrupted-load")(undo_interrupted_load)


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

    con = connect(warehouse)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} files"),
                  console=errors, transient=True, disable=not errors.is_terminal) as bar:
        task = bar.add_task("loading", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total,
                       description=f"loading {Path(name).name}"[:60])

        report = load_paths(con, paths, progress=progress)
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


def status(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show what the warehouse holds, and its gaps.

    Months per source and force (police data) and per source and local authority (every
    source, partner data included); months missing inside the range; rows that could not
    be placed, and why; LSOAs re-assigned from 2011 codes; reference data loaded; the
    completeness of the fields that matter and the rows rejected at load, for the last six
    months of each source (docs/data-quality.md).
    """
    from cspkit.analysis.quality import data_quality, recent_table
    from cspkit.warehouse import connect
    from cspkit.warehouse.placement import UNPLACED_REASONS
    from cspkit.warehouse.status import warehouse_status

    con = connect(warehouse, create=False)
    unfinished = _unfinished_load(con, warehouse)
    state = warehouse_status(con)
    quality = data_quality(con)
    if as_json:
        data = state.to_json() | {"completeness": quality.completeness.to_dict("records"),
                                  "rejected": quality.rejected.to_dict("records"),
                                  "unfinished_load": unfinished}
        print(json.dumps(data, indent=2, default=str))
        return
    console.print(f"[bold]{warehouse}[/bold]: {state.loads} file(s) loaded")
    if unfinished is not None:
        console.print(f"[bold]Unfinished load[/bold]: {unfinished['load']}; its tables stand "
                      f"half loaded until it is undone. {unfinished['advice']}.",
                      highlight=False, soft_wrap=True)
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
    recent = recent_table(quality)
    if not recent.empty:
        table = Table(title="Data quality: completeness and rows rejected, last six months",
                      box=box.SIMPLE_HEAD, title_justify="left")
        for column in recent.columns:
            table.add_column(column, justify="left" if column in ("source", "measure")
                             else "right")
        for row in recent.itertuples(index=False):
            table.add_row(*row)
        console.print(table)
    undated = int(quality.rejected.loc[quality.rejected["month"].isna(), "rows"].sum())
    if undated:
        console.print(f"  rows rejected whose date could not be read: {undated:,}")


def _unfinished_load(con, warehouse: Path | str) -> dict | None:
    """The load left unfinished in a Spark warehouse (its marker), with what to do about it;
    ``None`` when there is none, and always on other warehouses (whose loads are
    transactions)."""
    import socket

    from cspkit.warehouse.spark import is_spark
    from cspkit.warehouse.spark_undo import read_marker, shown_url

    marker = read_marker(con) if is_spark(con) else None
    if marker is None:
        return None
    shown = shown_url(str(warehouse))
    here = marker.host == socket.gethostname()
    return {"load": marker.describe(), "first_load_id": marker.first_load_id,
            "host": marker.host, "pid": marker.pid, "started_at": marker.started_at,
            "advice": marker.advice(shown),
            "undo_command": None if here else marker.undo_command(shown)}


def undo_interrupted_load(
    host: Annotated[str, typer.Option(
        "--host", help="The host that ran the unfinished load, as `csp status` names it.")],
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Undo a load on a Spark warehouse left unfinished by a machine that is lost for good.

    A Spark load whose process is killed is undone by the next csp command on its host
    (docs/national.md, "A load whose process was killed"); a load from another host is never
    undone automatically, since it may still be running there, and new loads refuse to start
    while it is left. When that host is gone (a VM deleted, a laptop reimaged), name it here:
    the warehouse is restored to its state before that load, exactly as the automatic undo
    does it, and the tables put back and rows removed are printed. Nothing is changed when no
    load is left, when --host is not the host that ran it, or when it is still running (on
    this host, or holding the lock of a local Spark warehouse). On DuckDB a load is one
    transaction and an interrupted one leaves nothing to undo.
    """
    from cspkit.errors import CspError
    from cspkit.warehouse import resolve_url
    from cspkit.warehouse.spark import connect_spark, is_spark_url, table_format
    from cspkit.warehouse.spark_undo import undo_lost_load

    resolved = resolve_url(warehouse)
    if not is_spark_url(resolved):
        kind = "a DuckDB" if resolved.startswith("duckdb://") else "not a Spark"
        raise CspError(f"{warehouse} is {kind} warehouse: a load there is one database "
                       "transaction, so a load interrupted on any host left nothing behind "
                       "(the database discarded it), and there is nothing to undo",
                       hint="Run the load again; only Spark warehouses can hold an "
                       "unfinished load")
    con = connect_spark(resolved, recover=False)
    console.print(undo_lost_load(con, table_format(con), host), highlight=False,
                  soft_wrap=True)


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
