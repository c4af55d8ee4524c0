"""Every table as a CSV file named by its id, beside ``manifest.json``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from cspkit.assessment.document import Column, Document, Table
from cspkit.render.manifest import manifest_json

MANIFEST = "manifest.json"


def _value(column: Column, value: Any) -> str | int | float:
    """A cell as machine-readable CSV: raw numbers (whole numbers without ``.0`` in count
    columns), ISO dates, empty for not available."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and column.format.endswith("integer"):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table_csv(table: Table) -> str:
    """One table as CSV text: a header of column keys, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([_value(c, v) for c, v in zip(table.columns, row, strict=True)])
    return buffer.getvalue()


def write_csv_bundle(document: Document, directory: str | Path) -> Path:
    """Write ``<directory>/<table_id>.csv`` for every table and ``<directory>/manifest.json``.

    CSV files are UTF-8 with ``\\n`` line ends and column keys as headers; the manifest maps
    keys to labels and formats and records inputs, period, configuration, software version
    and the analysis behind each table and figure. The same Document gives the same bytes.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for table in document.tables():
        (directory / f"{table.id}.csv").write_text(table_csv(table), encoding="utf-8", newline="")
    (directory / MANIFEST).write_text(manifest_json(document), encoding="utf-8", newline="")
    return directory
