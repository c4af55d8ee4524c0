"""``csp load-partner``: load partner exports through a column mapping."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cspkit.cli.options import WarehouseOption
from cspkit.defaults import DEFAULT_WAREHOUSE
from cspkit.errors import CspError

if TYPE_CHECKING:
    from cspkit.sources.partner.loading import PartnerLoadReport


def register(app: typer.Typer) -> None:
    """Add the ``load-partner`` command to ``app``."""
    app.command("load-partner")(load_partner_command)


def load_partner_command(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Partner exports (.csv or .xlsx), or folders of CSV exports.")] = None,
    mapping: Annotated[str | None, typer.Option(
        help="Built-in mapping (police_crime_extract, council_asb, fire_incidents, ae_istv, "
        "yos_first_time_entrants) or a mapping TOML file.")] = None,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    rejects: Annotated[Path | None, typer.Option(
        help="Where to write rejected rows (default: WAREHOUSE.rejects.csv beside the "
        "warehouse).")] = None,
    allow_cp1252: Annotated[bool, typer.Option(
        help="Read a CSV that is not UTF-8 as Windows-1252.")] = False,
    list_mappings: Annotated[bool, typer.Option(
        "--list-mappings", help="List the built-in mappings and stop.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Partnership configuration (TOML): incidents placed outside "
        "its areas are reported.")] = None,
) -> None:
    """Load partner exports (police extracts, council ASB, fire, A&E, YOS) through a mapping.

    The mapping says which column holds the date, time, category, location (LSOA code,
    postcode or coordinates), flags and people. Rows are placed by postcode through the ONS
    postcode lookup and by coordinates through the LSOA boundaries (csp load); rows loaded
    before the lookup are placed when it is loaded. The report gives rows read, incidents,
    people and rejected rows per file, why rows could not be placed, and the authorities
    rows were placed in (those outside the partnership, with --config). Rows that cannot be
    read are rejected, counted and written to the rejects file; an export already loaded is
    a notice and changes nothing; a failed load leaves the warehouse unchanged.
    Person keys must be the keyed hashes `csp pseudonymise` writes, and an export whose
    stored text holds names, phone numbers, e-mails, dates of birth, postcodes or addresses
    is refused.
    """
    from cspkit.assessment.config import load_config
    from cspkit.sources.partner.loading import load_partner
    from cspkit.sources.partner.mapping import builtin_mappings, load_mapping
    from cspkit.warehouse import connect

    if list_mappings:
        for name in builtin_mappings():
            m = load_mapping(name)
            typer.echo(f"{name}: {m.description} (source {m.source})")
        return
    if not paths or mapping is None:
        raise CspError("give the exports and --mapping NAME_OR_FILE",
                       hint="`csp load-partner --list-mappings` lists the built-in ones")
    chosen = load_mapping(mapping)
    areas = load_config(config).areas if config else []
    con = connect(warehouse)
    target = rejects or (warehouse.with_name(warehouse.name + ".rejects.csv")
                         if "://" not in str(warehouse) else Path("partner.rejects.csv"))
    report = load_partner(con, paths, mapping=chosen, rejects=target,
                          allow_cp1252=allow_cp1252, areas=areas)
    for line in load_partner_summary(report, warehouse):
        typer.echo(line)


def load_partner_summary(report: PartnerLoadReport, warehouse: Path | str) -> list[str]:
    """The lines ``csp load-partner`` prints: what was read, loaded, rejected and placed."""
    from cspkit.warehouse.placement import UNPLACED_REASONS

    lines = []
    if report.files:
        lines.append(f"Loaded {len(report.files)} file(s) with mapping {report.mapping} into "
                     f"{warehouse}: {report.rows_read:,} rows read, {report.incidents:,} "
                     f"incidents and {report.people:,} people loaded, {report.rejected:,} "
                     "rows rejected.")
    for f in report.files:
        lines.append(f"  {f.name} (read as {f.encoding}): {f.rows_read:,} rows, "
                     f"{f.incidents:,} incidents, {f.people:,} people, {f.rejected:,} rejected")
    lines += report.load.notices()
    if not report.files:
        return lines
    located = ", ".join(f"{how} {n:,}" for how, n in sorted(report.located.items()))
    lines.append(f"  location given by: {located}")
    lines.append(f"  could not be placed in an LSOA: {report.unplaced:,}")
    for why, n in report.unplaced_reasons.items():
        lines.append(f"    {n:,} with {UNPLACED_REASONS[why]}")
    placed = ", ".join(f"{a.lad_name or 'an LSOA in no loaded area lookup'}"
                       f"{f' ({a.lad_code})' if a.lad_code else ''} {a.incidents:,}"
                       for a in report.authorities)
    if placed:
        lines.append(f"  placed in: {placed}")
    if report.areas:
        outside = sum(a.incidents for a in report.outside_partnership)
        lines.append(f"  placed outside the partnership ({', '.join(report.areas)}): "
                     f"{outside:,}")
    elif report.authorities:
        lines.append("  (give --config to check them against the partnership's areas)")
    if report.rejected:
        lines.append(f"  {report.rejected:,} row(s) rejected, not loaded: see "
                     f"{report.rejects_path}")
    return lines
