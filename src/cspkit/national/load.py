"""Loading a national police.uk archive month by month, so memory stays bounded.

data.police.uk's archive holds one folder per month and one file per force and kind
(``2025-03/2025-03-cleveland-street.csv``). :func:`load_archive` loads one month folder at a
time through :func:`cspkit.warehouse.load.load_paths` (the same recognition, validation,
ledger, replacement and placement as ``csp load``; one transaction per month), so the rows
held in memory are never more than one month's. A month whose files are all in the ledger
already (same sha256) is skipped before its files are parsed, so loading the archive again
after one new month is added reads and writes only that month.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ibis.backends import BaseBackend

from cspkit.errors import CspError
from cspkit.warehouse.load import LoadReport, load_paths

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class MonthLoad:
    """One month of the archive: its files, and what loading them did.

    ``report`` is None when every file was already loaded (the month was not read).
    """

    month: str
    files: int
    report: LoadReport | None

    @property
    def rows(self) -> int:
        """Rows loaded (0 for a month already loaded)."""
        return sum(f.rows for f in self.report.loaded) if self.report else 0


def archive_months(folder: Path) -> list[tuple[str, list[Path]]]:
    """The month folders of an archive (oldest first) and the CSV files in each.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "2025-01").mkdir(), (root / "2025-01" / "2025-01-x-street.csv").touch()
    >>> [(m, [p.name for p in files]) for m, files in archive_months(root)]
    [('2025-01', ['2025-01-x-street.csv'])]
    """
    months = sorted(p for p in folder.iterdir() if p.is_dir() and _MONTH.match(p.name))
    if not months:
        raise CspError("no month folders (YYYY-MM) in the archive", path=str(folder),
                       hint="Give the folder data.police.uk's archive unzips to, or the .zip")
    return [(m.name, sorted(m.glob("*.csv")) + sorted(m.glob("*.csv.gz"))) for m in months]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _loaded_hashes(con: BaseBackend) -> set[str]:
    return set(con.sql("SELECT sha256 FROM load_ledger").to_pyarrow()["sha256"].to_pylist())


def load_archive(
    con: BaseBackend,
    archive: str | Path,
    *,
    months: set[str] | None = None,
    progress: Callable[[MonthLoad], None] | None = None,
) -> list[MonthLoad]:
    """Load a national police.uk archive (a folder of month folders, or its .zip).

    Parameters
    ----------
    con
        Warehouse backend.
    archive
        The archive folder, or the .zip data.police.uk serves (each month is extracted to a
        temporary folder in turn).
    months
        Only these months (default every month in the archive).
    progress
        Called after each month.

    Returns
    -------
    list of MonthLoad
        One per month, oldest first.

    Raises
    ------
    LoadFailed
        When a file of a month fails validation: that month is not written (months loaded
        before it stay loaded).
    """
    archive = Path(archive)
    if not archive.exists():
        raise CspError("no such archive", path=str(archive),
                       hint="Give the folder or .zip of data.police.uk's archive")
    if archive.suffix.lower() == ".zip":
        return _load_zip(con, archive, months, progress)
    done = []
    for month, files in archive_months(archive):
        if months is not None and month not in months:
            continue
        done.append(_load_month(con, month, files))
        if progress:
            progress(done[-1])
    return done


def _load_month(con: BaseBackend, month: str, files: list[Path]) -> MonthLoad:
    known = _loaded_hashes(con)
    if files and all(_sha256(f) in known for f in files):
        return MonthLoad(month, len(files), None)
    return MonthLoad(month, len(files), load_paths(con, files))


def _load_zip(con: BaseBackend, archive: Path, months: set[str] | None,
              progress: Callable[[MonthLoad], None] | None) -> list[MonthLoad]:
    with zipfile.ZipFile(archive) as bundle:
        by_month: dict[str, list[zipfile.ZipInfo]] = {}
        for info in bundle.infolist():
            parts = Path(info.filename).parts
            if len(parts) >= 2 and _MONTH.match(parts[-2]) and info.filename.endswith(".csv"):
                by_month.setdefault(parts[-2], []).append(info)
        if not by_month:
            raise CspError("the zip holds no month folders (YYYY-MM/...csv)",
                           path=str(archive), hint="Use the archive as data.police.uk serves it")
        done = []
        for month in sorted(by_month):
            if months is not None and month not in months:
                continue
            with tempfile.TemporaryDirectory(prefix=f"csp-{month}-") as tmp:
                files = [Path(bundle.extract(info, tmp)) for info in by_month[month]]
                done.append(_load_month(con, month, sorted(files)))
            if progress:
                progress(done[-1])
    return done


def read_partnerships(path: Path) -> dict[str, str]:
    """LAD code → partnership name from a CSV with ``lad_code`` and ``partnership`` columns."""
    import csv

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise CspError(f"cannot read the partnership grouping: {exc.strerror}",
                       path=str(path)) from None
    if not rows or not {"lad_code", "partnership"} <= set(rows[0]):
        raise CspError("the partnership grouping needs columns lad_code and partnership",
                       path=str(path), hint="One row per authority: lad_code,partnership")
    for line, row in enumerate(rows, start=2):
        if not (row["lad_code"] or "").strip() or not (row["partnership"] or "").strip():
            raise CspError("lad_code and partnership must both be given", path=str(path),
                           line=line)
    return {row["lad_code"].strip(): row["partnership"].strip() for row in rows}
