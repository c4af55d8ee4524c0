"""Finding and reading input files: plain, gzip, zip archives and folders.

A :class:`RawFile` holds the decompressed bytes of one input, so every format reader sees the
same thing whether the user gave ``x.csv``, ``x.csv.gz`` or a data.police.uk ``.zip``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from isal import igzip, isal_zlib

from cspkit.errors import LoadError

# Files in folders that are never data (documentation next to the data).
_NOT_DATA_SUFFIXES = {".md", ".txt", ".pdf", ".html", ".py", ".docx", ".toml"}


@dataclass(frozen=True)
class RawFile:
    """One input file, decompressed.

    ``name`` is what the user would recognise: the path, or ``archive.zip!member``.
    """

    name: str
    path: str
    data: bytes
    sha256: str = field(repr=False)

    @classmethod
    def from_bytes(cls, name: str, path: str, data: bytes) -> RawFile:
        return cls(name=name, path=path, data=data, sha256=hashlib.sha256(data).hexdigest())

    @property
    def base_name(self) -> str:
        """The member or file name without folders or a .gz suffix."""
        base = self.name.rsplit("!", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]
        return base[:-3] if base.endswith(".gz") else base

    def text(self) -> str:
        """The file as text (UTF-8, an optional BOM removed); bad bytes name the line."""
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = self.data.count(b"\n", 0, exc.start) + 1
            bad = self.data[exc.start:exc.start + 4]
            raise LoadError(
                f"bytes that are not UTF-8 at byte {exc.start} ({bad!r})",
                path=self.name,
                line=line,
                hint="Save the file as UTF-8 (in Excel: Save As › CSV UTF-8) and load it again",
            ) from None


@dataclass(frozen=True)
class Header:
    """What a file's first line (or GeoJSON properties) says about its format."""

    format: str  # "csv" or "geojson"
    columns: tuple[str, ...]


def read_header(raw: RawFile) -> Header:
    """Read the column names of a CSV, or the feature property names of a GeoJSON file."""
    if not raw.data or raw.data.isspace():  # (isspace stops at the first other byte)
        raise LoadError("the file is empty", path=raw.name, hint="Download it again")
    head = raw.data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        try:
            doc = json.loads(raw.text())
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"not valid JSON ({exc.msg})", path=raw.name, line=exc.lineno,
                hint="Download the GeoJSON file again",
            ) from None
        features = doc.get("features") if isinstance(doc, dict) else None
        if not features:
            raise LoadError(
                "a JSON file that is not a GeoJSON FeatureCollection with features",
                path=raw.name,
            )
        props = features[0].get("properties") or {}
        return Header("geojson", tuple(props))
    end = raw.data.find(b"\n")  # (not split: that would copy the rest of the file)
    first_line = raw.data[:end if end >= 0 else len(raw.data)].rstrip(b"\r")
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raw.text()  # raises with the position
        raise
    columns = next(csv.reader([text]), [])
    return Header("csv", tuple(c.strip() for c in columns))


def _decompress_gzip(path: Path, data: bytes) -> bytes:
    try:
        return igzip.decompress(data)  # ISA-L: the same bytes as zlib for half its CPU
    except (EOFError, OSError, isal_zlib.error) as exc:
        raise LoadError(
            f"the gzip file is truncated or corrupt ({exc})",
            path=str(path),
            hint="Download it again; the copy on disk is incomplete",
        ) from None


def _zip_members(path: Path) -> list[RawFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise LoadError(
            "not a readable zip archive (truncated or corrupt)",
            path=str(path),
            hint="Download the archive again",
        ) from None
    members: list[RawFile] = []
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or Path(info.filename).name.startswith("."):
                continue
            lower = info.filename.lower()
            if not (lower.endswith(".csv") or lower.endswith(".csv.gz")
                    or lower.endswith(".geojson")):
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise LoadError(
                    f"member {info.filename} cannot be read ({exc})",
                    path=str(path),
                    hint="Download the archive again",
                ) from None
            if lower.endswith(".gz"):
                data = _decompress_gzip(Path(f"{path}!{info.filename}"), data)
            members.append(RawFile.from_bytes(f"{path}!{info.filename}", str(path), data))
    return members


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


HEADER_SEARCH_ROWS = 20


def header_row(rows: Sequence[Sequence[str | None]], needed: Sequence[str] = ()) -> int:
    """Which of ``rows`` is the header: exports and published workbooks put titles and notes
    above the table.

    Among the first ``HEADER_SEARCH_ROWS`` rows, the first that names every ``needed``
    column; else (or with nothing needed) the first with the most filled cells.

    Examples
    --------
    >>> header_row([["ASB cases, 2025", ""], ["Ref", "Date"], ["A1", "03/01/2025"]])
    1
    """
    top = [[(c or "").strip() for c in row] for row in rows[:HEADER_SEARCH_ROWS]]
    if needed:
        for i, row in enumerate(top):
            if set(needed) <= set(row):
                return i
    filled = [sum(1 for c in row if c) for row in top]
    return filled.index(max(filled)) if filled else 0


def _xlsx_sheets(path: Path) -> list[RawFile]:
    """Each worksheet of an Excel file as CSV text, starting at its header row
    (:func:`header_row`)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise LoadError(f"not a readable Excel workbook ({exc})", path=str(path),
                        hint="Open it in Excel and save it again as .xlsx") from None
    sheets = []
    try:
        for sheet in book.worksheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            while rows and not any(rows[-1]):
                rows.pop()
            if not rows:
                continue
            start = header_row(rows)
            width = max(i + 1 for i, v in enumerate(rows[start]) if v)
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for row in rows[start:]:
                if any(row):
                    writer.writerow((row + [""] * width)[:width])
            sheets.append(RawFile.from_bytes(f"{path}!{sheet.title}", str(path),
                                             buffer.getvalue().encode("utf-8")))
    finally:
        book.close()
    return sheets


def read_path(path: Path) -> list[RawFile]:
    """Read one file (plain, .gz, .zip, or each sheet of an .xlsx) into RawFiles."""
    if not path.exists():
        raise LoadError("no such file or folder", path=str(path), hint="Check the path")
    if path.suffix.lower() == ".xlsx":
        return _xlsx_sheets(path)
    if path.suffix.lower() == ".zip":
        return _zip_members(path)
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        data = _decompress_gzip(path, data)
    return [RawFile.from_bytes(str(path), str(path), data)]


def list_folder(folder: Path) -> tuple[list[Path], list[Path]]:
    """Files under a folder, sorted: (candidate data files, files that are clearly not data)."""
    candidates: list[Path] = []
    other: list[Path] = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        suffixes = [s.lower() for s in p.suffixes]
        if suffixes and suffixes[-1] in _NOT_DATA_SUFFIXES:
            other.append(p)
        else:
            candidates.append(p)
    return candidates, other


def csv_bytes(raw: RawFile) -> io.BytesIO:
    """The file's bytes without a UTF-8 BOM, ready for a CSV reader (which checks UTF-8)."""
    data = raw.data[3:] if raw.data.startswith(b"\xef\xbb\xbf") else raw.data
    return io.BytesIO(data)
