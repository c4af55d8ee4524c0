"""The options several commands share, declared once, and the parsing of option values."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cspkit.errors import CspError

ConfigOption = Annotated[Path, typer.Option(
    "--config", "-c", help="Partnership configuration (TOML), from csp init.")]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")]
def warehouse_value(text: str | Path) -> Path | str:
    """A --warehouse value: a DuckDB file as a Path, a URL (``spark://local[2]``,
    ``sc://host:15002``, ``postgres://...``) kept as written (a Path would fold its ``//``).

    >>> warehouse_value("sc://host:15002"), warehouse_value("w.duckdb")
    ('sc://host:15002', PosixPath('w.duckdb'))
    """
    if isinstance(text, Path):  # a command's default
        return text
    from cspkit.warehouse.spark import is_spark_url  # loads Ibis: only for a value given

    return text if "://" in text or is_spark_url(text) else Path(text)


WarehouseOption = Annotated[Path, typer.Option(
    "--warehouse", "-w", parser=warehouse_value,
    help="Warehouse DuckDB file, or a URL: spark://local[2], spark://HOST:7077, "
    "sc://HOST:15002 (Spark Connect), or any Ibis URL.")]


def parse_date(text: str | None, option: str, example: str) -> date | None:
    """The date an option gives as YYYY-MM-DD (None when not given).

    >>> parse_date("2026-03-31", "--date", "2026-03-31")
    datetime.date(2026, 3, 31)
    >>> parse_date("March", "--meeting", "2026-03-10")
    Traceback (most recent call last):
    ...
    cspkit.errors.CspError: --meeting 'March' is not a date. Write it as YYYY-MM-DD, e.g. 2026-03-10
    """
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CspError(f"{option} '{text}' is not a date",
                       hint=f"Write it as YYYY-MM-DD, e.g. {example}") from error
