"""``csp pseudonymise``: the tool a data owner runs before sharing an export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.errors import CspError


def register(app: typer.Typer) -> None:
    """Add the ``pseudonymise`` command to ``app``."""
    app.command()(pseudonymise)


def pseudonymise(
    export: Annotated[Path | None, typer.Argument(help="The export (CSV or .xlsx).")] = None,
    spec: Annotated[Path | None, typer.Option(help="TOML naming the columns to share and "
                                              "the people to key (see docs/privacy.md).")
                    ] = None,
    out: Annotated[Path | None, typer.Option(help="The pseudonymised CSV to share.")] = None,
    key_file: Annotated[Path | None, typer.Option(
        help="File holding your secret (else $CSP_PSEUDONYM_KEY).")] = None,
    postcode_lookup: Annotated[Path | None, typer.Option(
        help="ONS postcode → LSOA lookup, to keep home LSOA instead of the postcode.")] = None,
    allow_cp1252: Annotated[bool, typer.Option(
        help="Read a CSV that is not UTF-8 as Windows-1252.")] = False,
    sheet: Annotated[str | None, typer.Option(help="Worksheet of a workbook.")] = None,
    new_key: Annotated[Path | None, typer.Option(
        help="Write a new random secret to this file (readable by you only) and stop.")] = None,
) -> None:
    """Replace the people in an export by keyed hashes, before you share it.

    Only the columns the spec names are shared. Names and dates of birth become a person
    key (HMAC-SHA256 with your secret: the same person gets the same key in all your files,
    and nobody without the secret can reverse it); date of birth becomes age at the
    incident; address and postcode become home LSOA. The incident's location can be reduced
    to its LSOA or street. A shared column holding names, phone numbers, e-mails, dates of
    birth, postcodes or addresses stops the run, and nothing is written. The secret is
    never a command-line argument.
    """
    from cspkit.privacy.keys import read_secret, write_new_key
    from cspkit.privacy.pseudonymise import pseudonymise_file, read_spec
    from cspkit.sources.partner.postcodes import read_postcode_lookup

    if new_key is not None:
        write_new_key(new_key)
        typer.echo(f"Wrote a new secret to {new_key}. Keep it inside your organisation.")
        return
    if export is None or spec is None or out is None:
        raise CspError("give the EXPORT, --spec and --out (or --new-key FILE)")
    report = pseudonymise_file(
        export, out, spec=read_spec(spec), secret=read_secret(key_file),
        postcodes=read_postcode_lookup(postcode_lookup) if postcode_lookup else None,
        allow_cp1252=allow_cp1252, sheet=sheet)
    typer.echo(f"Wrote {report.rows_out:,} rows to {report.output} (read as "
               f"{report.encoding}).")
    typer.echo(f"  kept: {', '.join(report.kept) or 'none'}")
    typer.echo(f"  added: {', '.join(report.added)}")
    if report.location_reduced != "none":
        typer.echo("  incident location: " + (
            "house numbers taken off, postcode replaced by its LSOA"
            if report.location_reduced == "street" else "replaced by the LSOA of its postcode"))
    typer.echo(f"  left out: {', '.join(report.left_out) or 'none'}")
    for role in sorted({*report.keyed, *report.not_keyed, *report.birth_unreadable}):
        typer.echo(f"  {role}: {report.keyed.get(role, 0):,} keyed, "
                   f"{report.not_keyed.get(role, 0):,} without name or date of birth (no "
                   f"key), {report.birth_unreadable.get(role, 0):,} date of birth unreadable "
                   f"(kept, age not recorded), {report.no_age.get(role, 0):,} without age, "
                   f"{report.home_unplaced.get(role, 0):,} home postcode not found")
    if report.at_home or report.house_numbers:
        typer.echo(f"  {report.at_home:,} incident(s) at a person's own home postcode and "
                   f"{report.house_numbers:,} with a house number in the location"
                   + ("" if report.location_reduced != "none" else
                      ": consider incident.reduce_location (docs/privacy.md)"))
    if report.incident_unplaced:
        typer.echo(f"  {report.incident_unplaced:,} incident postcode(s) not in the lookup "
                   "(no Incident LSOA)")
    if report.rejected:
        typer.echo(f"  {report.rejected:,} row(s) left out (incident date empty or "
                   "unreadable)")
    if report.problems:
        typer.echo(f"  lines with problems listed in {report.problems}")
