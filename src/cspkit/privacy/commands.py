"""``csp pseudonymise``: the tool a data owner runs before sharing an export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cspkit.errors import CspError


def pseudonymise(
    export: Annotated[Path | None, typer.Argument(help="The export (CSV or .xlsx).")] = None,
    spec: Annotated[Path | None, typer.Option(help="TOML naming the identifying columns "
                                              "(see docs/privacy.md).")] = None,
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

    Names and dates of birth become a person key (HMAC-SHA256 with your secret: the same
    person gets the same key in all your files, and nobody without the secret can reverse
    it); date of birth becomes age at the incident; address and postcode become home LSOA.
    Identifying columns are dropped. The secret is never a command-line argument.
    """
    from cspkit.cli import fail
    from cspkit.privacy.keys import read_secret, write_new_key
    from cspkit.privacy.pseudonymise import pseudonymise_file, read_spec
    from cspkit.sources.partner.postcodes import read_postcode_lookup

    try:
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
    except CspError as exc:
        raise fail(exc) from None
    typer.echo(f"Wrote {report.rows_out} rows to {report.output} (read as {report.encoding}); "
               f"dropped {', '.join(report.dropped)}.")
    for role in sorted({*report.keyed, *report.not_keyed}):
        typer.echo(f"  {role}: {report.keyed.get(role, 0)} keyed, "
                   f"{report.not_keyed.get(role, 0)} without name or date of birth (no key), "
                   f"{report.no_age.get(role, 0)} without age, "
                   f"{report.home_unplaced.get(role, 0)} home postcode not found")
    if report.rejects:
        typer.echo(f"  {report.rejected} row(s) rejected (unreadable date of birth): lines "
                   f"listed in {report.rejects}")


def register(app: typer.Typer) -> None:
    app.command()(pseudonymise)
