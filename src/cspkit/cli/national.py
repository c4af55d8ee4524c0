"""``csp national``: the synthetic national archive, its streaming load, and every
partnership ranked with its most similar group."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cspkit.cli.options import WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE
from cspkit.errors import CspError

national_app = typer.Typer(
    help="Every community safety partnership at once: the national archive, its load, the "
    "national table and each partnership's comparator.", no_args_is_help=True)


@national_app.command("synth")
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the archive into.")],
    shared: Annotated[Path, typer.Option(
        help="Shared data folder holding police-uk/all-forces-summary, lookups and "
        "population.")] = Path("../shared/data"),
    first_month: Annotated[str, typer.Option(help="YYYY-MM.")] = "2023-01",
    last_month: Annotated[str, typer.Option(help="YYYY-MM.")] = "2025-12",
    forces: Annotated[str, typer.Option(
        help="Comma-separated force slugs (default every force).")] = "",
    scale: Annotated[float, typer.Option(
        help="Multiply every count (0.01 for a small sample).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2026,
    fictional: Annotated[bool, typer.Option(
        help="Without the shared data: write the fictional force area (three authorities) "
        "instead, its archive in OUT/police-uk and its reference files beside it.")] = False,
) -> None:
    """Write a synthetic national police.uk archive (one folder per month, one street file
    per force) whose counts follow the real all-forces summary."""
    from cspkit.synth import generate_borough
    from cspkit.synth.national import month_range, write_national_archive

    started = time.perf_counter()
    if fictional:
        manifest = generate_borough(out, seed=seed, first_month=first_month,
                                    last_month=last_month)
        typer.echo(f"Wrote the fictional force area ({len(manifest.files)} files) to {out}: "
                   f"load {out}/lookups, {out}/population and {out}/imd with `csp load`, then "
                   f"`csp national load {out}/police-uk`.")
        return
    try:
        archive = write_national_archive(
            out, shared=shared, months=month_range(first_month, last_month),
            forces=[f for f in forces.split(",") if f] or None, scale=scale, seed=seed)
    except (FileNotFoundError, ValueError) as exc:
        raise CspError(str(exc), hint="Give --shared the folder holding police-uk/, lookups/ "
                       "and population/, or use --fictional") from None
    typer.echo(f"Wrote {archive.files:,} files, {archive.rows:,} rows, "
               f"{len(archive.forces)} forces, {archive.months[0]} to {archive.months[-1]}, "
               f"to {archive.out_dir} in {time.perf_counter() - started:.1f} s.")


@national_app.command("load")
def load(
    archive: Annotated[Path, typer.Argument(help="The archive folder (month folders) or .zip.")],
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Load a national police.uk archive one month at a time (memory stays bounded; months
    already loaded are skipped without being read)."""
    from cspkit.national.load import MonthLoad, load_archive
    from cspkit.warehouse import connect

    def show(month: MonthLoad) -> None:
        what = f"{month.rows:,} rows" if month.report else "already loaded, skipped"
        typer.echo(f"  {month.month}: {month.files} files, {what}")

    started = time.perf_counter()
    con = connect(warehouse)
    done = load_archive(con, archive, progress=show)
    typer.echo(f"Loaded {sum(m.rows for m in done):,} rows from {len(done)} months in "
               f"{time.perf_counter() - started:.1f} s.")


@national_app.command("rank")
def rank(
    period_end: Annotated[str, typer.Option(help="Last month of the period, YYYY-MM.")],
    months: Annotated[int, typer.Option(help="Months in the period.")] = 12,
    compare: Annotated[str, typer.Option(help="previous or year-earlier.")] = "previous",
    group_size: Annotated[int, typer.Option(help="Authorities in each most similar group.")
                          ] = 15,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("national"),
    formats: Annotated[str, typer.Option(help="Formats of the national table.")
                       ] = "html,xlsx,csv",
    comparators: Annotated[bool, typer.Option(
        help="Write a one-page comparator for each partnership.")] = True,
    partnerships: Annotated[Path | None, typer.Option(
        help="CSV with columns lad_code, partnership: authorities forming one partnership "
        "(authorities not listed stand alone).", show_default=False)] = None,
    suppression_threshold: Annotated[int, typer.Option(
        help="Withhold counts from 1 to this minus one (and what would reveal them).",
        min=1)] = 5,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Rank every partnership on crime and ASB per 1,000 residents, with change, its most
    similar group and its place in it; write the national table and the comparators."""
    from cspkit.analysis.national import national_comparison
    from cspkit.analysis.periods import StrategicPeriod
    from cspkit.national.load import read_partnerships
    from cspkit.national.report import write_national
    from cspkit.warehouse import connect

    if compare not in ("previous", "year-earlier"):
        raise CspError(f"--compare is {compare!r}", hint="Use previous or year-earlier")
    started = time.perf_counter()
    grouping = read_partnerships(partnerships) if partnerships else None
    con = connect(warehouse, create=False)
    result = national_comparison(con, period=StrategicPeriod.ending(period_end, months),
                                 compare=compare, group_size=group_size,
                                 partnerships=grouping)
    computed = time.perf_counter() - started
    written = write_national(result, out, formats=tuple(f for f in formats.split(",") if f),
                             comparators=comparators, threshold=suppression_threshold)
    if not result.density_used:
        typer.echo("Most similar groups: population density not used (no land areas loaded; "
                   "load the ONS Standard Area Measurements for districts, "
                   "`csp fetch reference sam-lad`, with `csp load`).")
    typer.echo(f"Ranked {len(result.table)} partnerships in {computed:.1f} s; wrote "
               f"{len(written)} outputs to {out} in {time.perf_counter() - started:.1f} s.")




def register(app: typer.Typer) -> None:
    """Add ``csp national`` to the command line."""
    app.add_typer(national_app, name="national")
