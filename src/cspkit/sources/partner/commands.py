"""``csp load-partner``: load partner exports through a column mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.errors import CspError
from cspkit.warehouse import DEFAULT_WAREHOUSE


def load_partner_command(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Partner exports (.csv or .xlsx), or folders of CSV exports.")] = None,
    mapping: Annotated[str | None, typer.Option(
        help="Built-in mapping (police_crime_extract, council_asb, fire_incidents, ae_istv, "
        "yos_first_time_entrants) or a mapping TOML file.")] = None,
    warehouse: Annotated[Path, typer.Option(
        "--warehouse", "-w", help="Warehouse DuckDB file (or an Ibis URL).")] = Path(
        DEFAULT_WAREHOUSE),
    rejects: Annotated[Path | None, typer.Option(
        help="Where to write rejected rows (default: WAREHOUSE.rejects.csv beside the "
        "warehouse).")] = None,
    allow_cp1252: Annotated[bool, typer.Option(
        help="Read a CSV that is not UTF-8 as Windows-1252.")] = False,
    list_mappings: Annotated[bool, typer.Option(
        "--list-mappings", help="List the built-in mappings and stop.")] = False,
) -> None:
    """Load partner exports (police extracts, council ASB, fire, A&E, YOS) through a mapping.

    The mapping says which column holds the date, time, category, location (LSOA code,
    postcode or coordinates), flags and people. Load the ONS postcode lookup and the LSOA
    boundaries first (csp load) to place rows by postcode or coordinates. Rows that cannot be
    read are rejected, counted and written to the rejects file; loading the same export
    twice changes nothing; a failed load leaves the warehouse unchanged. Person keys must be
    the keyed hashes `csp pseudonymise` writes, and an export whose stored text holds names,
    phone numbers, e-mails, dates of birth, postcodes or addresses is refused.
    """
    from cspkit.cli import fail
    from cspkit.sources.partner.loading import load_partner
    from cspkit.sources.partner.mapping import builtin_mappings, load_mapping
    from cspkit.warehouse import connect

    if list_mappings:
        for name in builtin_mappings():
            m = load_mapping(name)
            typer.echo(f"{name}: {m.description} (source {m.source})")
        return
    try:
        if not paths or mapping is None:
            raise CspError("give the exports and --mapping NAME_OR_FILE",
                           hint="`csp load-partner --list-mappings` lists the built-in ones")
        chosen = load_mapping(mapping)
        con = connect(warehouse)
        target = rejects or (warehouse.with_name(warehouse.name + ".rejects.csv")
                             if "://" not in str(warehouse) else Path("partner.rejects.csv"))
        report = load_partner(con, paths, mapping=chosen, rejects=target,
                              allow_cp1252=allow_cp1252)
    except CspError as exc:
        raise fail(exc) from None
    loaded = report.load.loaded
    typer.echo(f"Loaded {len(loaded)} file(s), {sum(f.rows for f in loaded):,} rows with "
               f"mapping {report.mapping} into {warehouse}.")
    for name, encoding in sorted(report.encodings.items()):
        typer.echo(f"  {name}: read as {encoding}")
    for f in report.load.skipped:
        typer.echo(f"  skipped: {f.name} ({f.message})")
    located = ", ".join(f"{how} {n:,}" for how, n in sorted(report.located.items()))
    typer.echo(f"  location given by: {located}")
    typer.echo(f"  could not be placed in an LSOA: {report.unplaced:,}")
    if report.rejected:
        typer.echo(f"  {report.rejected:,} row(s) rejected, not loaded: see "
                   f"{report.rejects_path}")


def register(app: typer.Typer) -> None:
    app.command("load-partner")(load_partner_command)
