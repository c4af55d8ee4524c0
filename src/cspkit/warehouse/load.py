"""Loading files into the warehouse: idempotent, replace-by-month, atomic.

1. Every input (file, folder, .gz, .zip) is read and recognised by its header.
2. Every recognised file is parsed and validated in memory. If any fails, nothing is written.
3. Files already in the ledger (same sha256) are skipped with a notice: loading twice changes
   nothing, and is not an error.
4. In one transaction: a newer download of the same force and month replaces the older
   one's rows (each replacement is reported with its months and row counts before and
   after); reference data of an older vintage than the one loaded is kept as superseded;
   rows are inserted; incidents are placed in LSOA 2021, ward and LAD.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import os
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends import BaseBackend

from cspkit.errors import CspError, LoadError, LoadFailed
from cspkit.sources import police_uk, published_counts
from cspkit.sources.base import ParsedFile
from cspkit.sources.files import RawFile, list_folder, read_header, read_path
from cspkit.sources.registry import describe_header, recognise
from cspkit.warehouse import delete_rows, release_memtable, transaction, update_rows
from cspkit.warehouse.placement import (
    PLACED_TABLES,
    CodeMap,
    PlacementReport,
    forget_placed_postcodes,
    place_rows,
)
from cspkit.warehouse.schema import TABLES

# Loading any of these re-places every incident (the postcode lookup places partner rows
# whose postcode was not known when they were loaded).
REFERENCE_DATASETS = {"area", "lsoa_change", "boundary", "population", "postcode"}
# Formats that never hold reference data.
EVENT_KINDS = (*police_uk.KINDS, *published_counts.KINDS)

Progress = Callable[[str, int, int], None]
Parser = Callable[[RawFile], ParsedFile | None]


@dataclass(frozen=True)
class FileResult:
    name: str
    kind: str
    status: str  # loaded, superseded, already_loaded
    rows: int
    load_id: int | None
    message: str = ""


@dataclass(frozen=True)
class Replacement:
    """A newer file taking the place of an older load, wholly or for some months.

    ``by_month`` holds (month, rows before, rows after) for each month replaced; reference
    data, which has no months, has one entry with month ``""``. Rows are those of the file's
    first table (incidents for a partner export).
    """

    file: str
    table: str
    replaced_load: int
    replaced_file: str
    by_month: tuple[tuple[str, int, int], ...]

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(m for m, _, _ in self.by_month if m)

    @property
    def rows_before(self) -> int:
        return sum(before for _, before, _ in self.by_month)

    @property
    def rows_after(self) -> int:
        return sum(after for _, _, after in self.by_month)

    def describe(self) -> str:
        """One line: what replaced what, for which months, with the counts."""
        months = self.months
        span = ("" if not months else f" for {months[0]}" if len(months) == 1
                else f" for {len(months)} months, {months[0]}…{months[-1]},")
        return (f"{self.file} replaces load {self.replaced_load} ({self.replaced_file})"
                f"{span} {self.table} rows {self.rows_before:,} → {self.rows_after:,}")


@dataclass(frozen=True)
class LoadReport:
    files: tuple[FileResult, ...]
    not_recognised: tuple[tuple[str, str], ...]
    placement: PlacementReport | None = None
    replaced: tuple[Replacement, ...] = field(default_factory=tuple)

    @property
    def loaded(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "loaded"]

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "already_loaded"]

    def notices(self) -> list[str]:
        """Lines for the user about files not loaded as given and loads replaced: a file
        already loaded is a notice, never an error (loading twice changes nothing)."""
        lines = []
        if self.files and not self.loaded and len(self.skipped) == len(self.files):
            lines.append("Nothing new to load: every file given is already loaded; the "
                         "warehouse is unchanged.")
        for f in self.files:
            if f.status == "superseded":
                lines.append(f"  kept, not used: {f.name} ({f.message})")
            elif f.status == "already_loaded":
                lines.append(f"  already loaded, nothing changed: {f.name} ({f.message})")
        lines += [f"  replaced: {r.describe()}" for r in self.replaced]
        if self.placement and self.placement.placed_by_postcode:
            lines.append(f"  placed {self.placement.placed_by_postcode:,} partner incident(s) "
                         "held for the postcode lookup")
        return lines


@dataclass
class _FileOutcome:
    parsed: list[ParsedFile] = field(default_factory=list)
    not_recognised: list[tuple[str, str]] = field(default_factory=list)
    errors: list[CspError] = field(default_factory=list)


def _input_files(paths: Sequence[str | Path]) -> tuple[list[tuple[Path, bool]], list]:
    """(file, named explicitly) for every input, and folder files that are clearly not data."""
    files: list[tuple[Path, bool]] = []
    documentation: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates, other = list_folder(path)
            documentation += [(str(p), "documentation, not data") for p in other]
            files += [(f, False) for f in candidates]
        else:
            files.append((path, True))
    return files, documentation


def _read_and_parse(path: Path, explicit: bool, parser: Parser | None = None) -> _FileOutcome:
    """Read one input (a zip may hold many files), recognise and parse each file in it.

    With a ``parser`` every file is parsed by it, whatever its header (partner exports read
    through a column mapping); it returns ``None`` for a file it does not want (another
    worksheet of a workbook), which is listed as not recognised.
    """
    outcome = _FileOutcome()
    try:
        raws = read_path(path)
    except CspError as exc:
        outcome.errors.append(exc)
        return outcome
    # An archive or workbook holds several files: the ones not recognised are listed.
    is_container = path.suffix.lower() in (".zip", ".xlsx")
    for raw in raws:
        if parser is not None:
            try:
                parsed = parser(raw)
            except CspError as exc:
                outcome.errors.append(exc)
                continue
            if parsed is None:
                outcome.not_recognised.append((raw.name, "a sheet the mapping does not read"))
            else:
                outcome.parsed.append(_without_bytes(parsed))
            continue
        try:
            header = read_header(raw)
            kind = recognise(header)
            if kind is None:
                reason = f"not a recognised format ({describe_header(header)})"
                if explicit and not is_container:
                    raise LoadError(reason, path=raw.name,
                                    hint="See `csp load --help` for the formats cspkit reads")
                outcome.not_recognised.append((raw.name, reason))
                continue
            outcome.parsed.append(_without_bytes(kind.parse(raw, header)))
        except CspError as exc:
            outcome.errors.append(exc)
    if is_container and explicit and not outcome.parsed and not outcome.errors:
        what = "zip archive" if path.suffix.lower() == ".zip" else "workbook"
        outcome.errors.append(LoadError(
            f"the {what} holds no data.police.uk or other recognised files",
            path=str(path), hint="Use the file exactly as its publisher serves it"))
    return outcome


def _without_bytes(parsed: ParsedFile) -> ParsedFile:
    """The parsed file without its raw bytes (only its name and SHA-256 are used from here
    on), so a month's files are not held twice while its rows are written."""
    return dataclasses.replace(parsed, raw=dataclasses.replace(parsed.raw, data=b""))


def _gather(outcomes: Sequence[Future[_FileOutcome]], documentation: list) -> _FileOutcome:
    """Every file's outcome, in the order given (waiting for those still being read)."""
    total = _FileOutcome(not_recognised=list(documentation))
    for future in outcomes:
        outcome = future.result()
        total.parsed += outcome.parsed
        total.not_recognised += outcome.not_recognised
        total.errors += outcome.errors
    return total


def _never_reference(path: Path) -> bool:
    """Whether a file's first line shows a format that never holds reference data (police.uk
    files, published counts): such files may still be parsed while the reference data is
    written. Anything not plainly one of them (an archive, GeoJSON, a file that does not
    read) counts as possible reference data, so only the order of work depends on this.
    """
    suffix = path.suffix.lower()
    if suffix in (".zip", ".xlsx"):
        return False
    try:
        with gzip.open(path) if suffix == ".gz" else path.open("rb") as file:
            head = file.read(65536)
        first_line, _, rest = head.partition(b"\n")
        if not rest:
            return False
        kind = recognise(read_header(RawFile(str(path), str(path), first_line, sha256="")))
    except (OSError, EOFError, zlib.error, CspError, ValueError):
        return False
    return kind in EVENT_KINDS


def _sift(parsed: Sequence[ParsedFile], known: dict[str, int]
          ) -> tuple[list[FileResult], list[ParsedFile]]:
    """(files already loaded or repeated, in the order given; the files to write, sorted for
    writing: reference data first, so events are placed against it; newest vintages last)."""
    results: list[FileResult] = []
    fresh: list[ParsedFile] = []
    seen: dict[str, str] = {}
    for p in parsed:
        if p.raw.sha256 in known:
            results.append(FileResult(p.raw.name, p.kind, "already_loaded", 0,
                                      int(known[p.raw.sha256]),
                                      f"already loaded as load {known[p.raw.sha256]}"))
        elif p.raw.sha256 in seen:
            results.append(FileResult(p.raw.name, p.kind, "already_loaded", 0, None,
                                      f"same content as {seen[p.raw.sha256]}"))
        else:
            seen[p.raw.sha256] = p.raw.name
            fresh.append(p)
    order = {k: i for i, k in enumerate(("area", "lsoa_change", "boundary", "population"))}
    fresh.sort(key=lambda p: (order.get(p.dataset, 9), p.dataset, p.version or "",
                              p.months, p.raw.name))
    return results, fresh


def load_paths(
    con: BaseBackend,
    paths: Sequence[str | Path],
    *,
    progress: Progress | None = None,
    parser: Parser | None = None,
) -> LoadReport:
    """Load files, folders and archives into the warehouse.

    ``parser``, when given, parses every file instead of recognising it by its header
    (see :func:`cspkit.sources.partner.loading.load_partner`).

    Files already loaded (the same bytes) are listed in the report as ``already_loaded``
    and change nothing, whether some or all of the files given are.

    Raises
    ------
    LoadFailed
        When any recognised file fails validation (nothing is written).
    """
    if not paths:
        raise CspError("no files given", hint="Name files, folders or .zip archives to load")
    files, documentation = _input_files(paths)
    # On DuckDB the reference data is written while police.uk files are still being parsed
    # (its insert and their parsing run on different cores); a file that then fails
    # validation rolls the whole load back.
    later = ({i for i, (path, _) in enumerate(files) if _never_reference(path)}
             if parser is None and con.name == "duckdb" else set())
    # Decompression and CSV parsing release the GIL: read files on every core, those that
    # may hold reference data first.
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        futures = {i: pool.submit(_read_and_parse, *files[i], parser)
                   for i in sorted(range(len(files)), key=lambda i: i in later)}
        outcomes = [futures[i] for i in range(len(files))]
        if later:
            first = _gather([futures[i] for i in range(len(files)) if i not in later], [])
            if not first.errors:
                return _load(con, paths, outcomes, documentation, progress,
                             early=first.parsed, pending=len(later))
        return _load(con, paths, outcomes, documentation, progress)


def _load(con: BaseBackend, paths: Sequence[str | Path],
          outcomes: Sequence[Future[_FileOutcome]], documentation: list,
          progress: Progress | None, *, early: Sequence[ParsedFile] = (),
          pending: int = 0) -> LoadReport:
    """Write the files read: with ``early``, the files that may hold reference data (read
    first, ``pending`` files still being read), that data is written before the rest is
    waited for."""
    ledger = _Ledger(con)
    known = dict(ledger.by_sha256)
    reference = [p for p in _sift(early, known)[1] if p.dataset in REFERENCE_DATASETS]
    if reference:
        with transaction(con):
            batch = _Batch(con, ledger)
            written = _write_reference(con, batch, reference, progress,
                                       total=len(early) + pending)
            inputs = _gather(outcomes, documentation)
            if inputs.errors:
                raise LoadFailed(inputs.errors)
            results, fresh = _sift(inputs.parsed, known)
            if ([p.raw.name for p in fresh if p.dataset in REFERENCE_DATASETS]
                    != [p.raw.name for p in reference]):
                raise RuntimeError("reference data found among files read after it")
            return _write_events(con, batch, fresh, results, written, inputs, progress)
    inputs = _gather(outcomes, documentation)
    if inputs.errors:
        raise LoadFailed(inputs.errors)
    results, fresh = _sift(inputs.parsed, known)
    if not fresh:
        if not results:
            raise CspError("found no file to load", path=", ".join(map(str, paths)),
                           hint="Name police.uk, ONS, IMD, population or boundary files")
        return LoadReport(tuple(results), tuple(inputs.not_recognised))
    with transaction(con):
        batch = _Batch(con, ledger)
        reference = [p for p in fresh if p.dataset in REFERENCE_DATASETS]
        written = _write_reference(con, batch, reference, progress,
                                   total=len(inputs.parsed), done=len(results))
        return _write_events(con, batch, fresh, results, written, inputs, progress)


@dataclass
class _Written:
    results: list[FileResult]
    placement: PlacementReport | None


def _write_reference(con: BaseBackend, batch: _Batch, reference: Sequence[ParsedFile],
                     progress: Progress | None, *, total: int, done: int = 0) -> _Written:
    """Write the reference files (sorted) and place every incident against them."""
    results = []
    for p in reference:
        results.append(batch.apply(p))
        if progress:
            progress(p.raw.name, done + len(results), total)
    batch.flush()
    placement = place_rows(con, everything=True) if reference else None
    _pause_if_asked("placed")
    return _Written(results, placement)


def _write_events(con: BaseBackend, batch: _Batch, fresh: Sequence[ParsedFile],
                  results: list[FileResult], written: _Written, inputs: _FileOutcome,
                  progress: Progress | None) -> LoadReport:
    """Write the files that are not reference data, placed; the report of the whole load."""
    results = results + written.results
    events = [p for p in fresh if p.dataset not in REFERENCE_DATASETS]
    code_map = CodeMap(con) if any(
        r.table in PLACED_TABLES for p in events for r in p.rows) else None
    for p in events:
        results.append(batch.apply(p))
        if progress:
            progress(p.raw.name, len(results), len(inputs.parsed))
    batch.flush(code_map)
    if any(r.table == "unplaced_postcode" for p in events for r in p.rows):
        forget_placed_postcodes(con)
    return LoadReport(tuple(results), tuple(inputs.not_recognised), written.placement,
                      tuple(batch.replaced))


class _Ledger:
    """The load ledger in memory, its live loads indexed by (dataset, scope).

    One query reads it; a file's overlapping loads are then found by its scopes (a national
    load's months hold thousands of ledger rows, so no scan of them per file).
    """

    COLUMNS = ("load_id", "dataset", "scope", "version", "status", "file_path", "sha256")

    def __init__(self, con: BaseBackend) -> None:
        table = con.sql(f"SELECT {', '.join(self.COLUMNS)} FROM load_ledger "
                        "ORDER BY load_id").to_pyarrow()
        self.rows: dict[int, dict] = {}
        self.live: dict[tuple[str, str], set[int]] = {}
        self.by_sha256: dict[str, int] = {}
        for row in table.to_pylist():
            self.add(row)
        self.next_id = max(self.rows, default=0) + 1

    def add(self, row: dict) -> None:
        row = {c: row[c] for c in self.COLUMNS}
        self.rows[int(row["load_id"])] = row
        self.by_sha256[row["sha256"]] = int(row["load_id"])
        if row["status"] == "loaded":
            for scope in row["scope"].split(","):
                self.live.setdefault((row["dataset"], scope), set()).add(int(row["load_id"]))

    def overlapping(self, dataset: str, scopes: Sequence[str]) -> list[dict]:
        """Live loads of ``dataset`` sharing a scope with ``scopes``, oldest first."""
        ids = set().union(*(self.live.get((dataset, s), ()) for s in set(scopes)))
        return [self.rows[i] for i in sorted(ids)]

    def retire(self, load_id: int, status: str) -> None:
        row = self.rows[load_id]
        row["status"] = status
        for scope in row["scope"].split(","):
            self.live.get((row["dataset"], scope), set()).discard(load_id)


class _Batch:
    """Writes for one load command, buffered so each table gets one insert."""

    def __init__(self, con: BaseBackend, ledger: _Ledger) -> None:
        self.con = con
        self.ledger = ledger
        self.next_id = ledger.next_id
        self.pending: list[tuple[str, int, pa.Table]] = []
        self.ledger_rows: list[dict] = []
        self.replaced: list[Replacement] = []
        self._month_tables: set[str] | None = None

    def apply(self, p: ParsedFile) -> FileResult:
        load_id = self.next_id
        self.next_id += 1
        overlapping = self.ledger.overlapping(p.dataset, p.scopes)
        newer = [r for r in overlapping if (r["version"] or "") > (p.version or "")]
        if p.version and newer:
            note = (f"superseded: vintage {newer[0]['version']} (load "
                    f"{int(newer[0]['load_id'])}) is newer than {p.version}")
            self._ledger(p, load_id, status="superseded", rows=0, note=note)
            return FileResult(p.raw.name, p.kind, "superseded", 0, load_id, note)
        gone = [self._replace(p, old, load_id) for old in overlapping]
        self.replaced += gone
        for rows in p.rows:
            self.pending.append((rows.table, load_id,
                                 _with_load_id(rows.table, rows.data, load_id)))
        note = "; ".join(p.notes)
        if gone:
            note = "; ".join(filter(None, [note, "replaced load(s) " + ", ".join(
                str(r.replaced_load) for r in gone)]))
        self._ledger(p, load_id, status="loaded", rows=p.row_count, note=note)
        return FileResult(p.raw.name, p.kind, "loaded", p.row_count, load_id, note)

    def _tables_with_months(self) -> set[str]:
        if self._month_tables is None:
            self._month_tables = {t for t in TABLES if "month" in self.con.table(t).columns}
        return self._month_tables

    def _replace(self, p: ParsedFile, old: dict, load_id: int) -> Replacement:
        """Remove an older load's rows, in every table, for the scopes the new file covers."""
        old_id, old_scopes = int(old["load_id"]), set(old["scope"].split(","))
        whole = old_scopes <= set(p.scopes)
        months = sorted({s.split("/", 1)[1] for s in old_scopes & set(p.scopes) if "/" in s})
        counted = self._counts(p, old_id, months)
        for table in sorted(TABLES):
            # A table without months cannot hold rows of a month-scoped load (an old
            # warehouse's person_involvement may still lack the column).
            by_month = not whole and bool(months)
            if table == "load_ledger" or (by_month and table not in self._tables_with_months()):
                continue
            month_filter = (" AND month IN (" + ",".join(f"'{m}'" for m in months) + ")"
                            if by_month else "")
            delete_rows(self.con, table, f"load_id = {old_id}{month_filter}")
            kept = []
            for name, pending_id, data in self.pending:
                if name == table and pending_id == old_id:
                    if not by_month:
                        continue
                    data = data.filter(pc.invert(pc.is_in(data["month"], pa.array(months))))
                kept.append((name, pending_id, data))
            self.pending = kept
        status = "replaced" if whole else "partly_replaced"
        self.ledger.retire(old_id, status)
        buffered = [row for row in self.ledger_rows if row["load_id"] == old_id]
        for row in buffered:
            row.update(status=status, replaced_by=load_id)
        if not buffered:
            update_rows(self.con, "load_ledger",
                        {"status": f"'{status}'", "replaced_by": str(load_id)},
                        f"load_id = {old_id}")
        return Replacement(p.raw.name, counted[0], old_id, str(old["file_path"]), counted[1])

    def _counts(self, p: ParsedFile, old_id: int, months: list[str]
                ) -> tuple[str, tuple[tuple[str, int, int], ...]]:
        """(table, (month, rows of the old load, rows of the new file)) before replacing."""
        table = p.rows[0].table
        new = p.rows[0].data
        old = [d for name, pending_id, d in self.pending if name == table and pending_id == old_id]
        if not months or "month" not in new.column_names:
            before = sum(d.num_rows for d in old) + int(self.con.sql(
                f"SELECT count(*) AS n FROM {table} WHERE load_id = {old_id}"
            ).execute()["n"].iloc[0])
            return table, (("", before, new.num_rows),)
        stored = self.con.sql(
            f"SELECT month, count(*) AS n FROM {table} WHERE load_id = {old_id} GROUP BY 1"
        ).execute()
        before = dict(zip(stored["month"], stored["n"].astype(int), strict=True))
        for data in old:
            for month, n in pd.Series(data["month"].to_pylist()).value_counts().items():
                before[month] = before.get(month, 0) + int(n)
        after = pd.Series(new["month"].to_pylist()).value_counts()
        return table, tuple((m, int(before.get(m, 0)), int(after.get(m, 0))) for m in months)

    def _ledger(self, p: ParsedFile, load_id: int, *, status: str, rows: int,
                note: str) -> None:
        row = {
            "load_id": load_id, "kind": p.kind, "dataset": p.dataset,
            "scope": ",".join(p.scopes), "version": p.version,
            "file_name": p.raw.base_name, "file_path": p.raw.name, "sha256": p.raw.sha256,
            "rows": rows, "first_month": p.months[0] if p.months else None,
            "last_month": p.months[-1] if p.months else None,
            "loaded_at": datetime.now(UTC).replace(tzinfo=None), "status": status,
            "replaced_by": None, "note": note or None,
        }
        self.ledger_rows.append(row)
        self.ledger.add(row)

    def flush(self, code_map: CodeMap | None = None) -> None:
        """Place and insert buffered rows, one insert per table, then the ledger rows."""
        tables = sorted({name for name, _, _ in self.pending})
        for table in tables:
            data = pa.concat_tables([d for name, _, d in self.pending if name == table])
            if code_map is not None and table in PLACED_TABLES:
                data = code_map.place(data)
            if self.con.name == "pyspark":  # Spark (Connect) takes one chunk per column
                data = data.combine_chunks()
            elif self.con.name == "duckdb":
                data = _in_row_groups(data)
            rows = ibis.memtable(data)
            self.con.insert(table, rows)
            release_memtable(self.con, rows)
        self.pending = []
        if self.ledger_rows:
            rows = ibis.memtable(pa.Table.from_pylist(
                self.ledger_rows, schema=_arrow_schema("load_ledger")))
            self.con.insert("load_ledger", rows)
            release_memtable(self.con, rows)
            self.ledger_rows = []


# DuckDB stores a table in row groups of this many rows (its default ROW_GROUP_SIZE).
DUCKDB_ROW_GROUP = 122_880


def _in_row_groups(data: pa.Table) -> pa.Table:
    """The rows in batches of one DuckDB row group each, where that costs no copy of a
    large chunk.

    DuckDB inserts an Arrow table batch by batch on every thread, and writes a batch of a
    whole row group straight to disk; smaller batches (a file's rows each, when many files
    are loaded) are written, then merged into row groups and compressed again. Runs of
    small chunks are joined (a copy of those rows only) and cut into row groups; a large
    chunk is cut without copying. Same rows, same order.
    """
    batches: list[pa.RecordBatch] = []
    small: list[pa.RecordBatch] = []

    def cut(table: pa.Table) -> None:
        batches.extend(table.to_batches(max_chunksize=DUCKDB_ROW_GROUP))

    for batch in data.to_batches():
        if batch.num_rows >= DUCKDB_ROW_GROUP:
            if small:
                cut(pa.Table.from_batches(small, schema=data.schema).combine_chunks())
                small = []
            cut(pa.Table.from_batches([batch], schema=data.schema))
        elif batch.num_rows:
            small.append(batch)
    if small:
        cut(pa.Table.from_batches(small, schema=data.schema).combine_chunks())
    return pa.Table.from_batches(batches, schema=data.schema)


def _pause_if_asked(point: str) -> None:
    """Stop here for good when a test asks to (``CSP_TEST_PAUSE_AT=placed``), so that it can
    kill the process at a known point inside a load: after the reference rows are appended
    and the stored incidents placed again (on Spark, rewritten with ``csp_undo_`` copies
    kept). Never set outside the tests."""
    if os.environ.get("CSP_TEST_PAUSE_AT") != point:
        return
    import sys
    import time

    print(f"csp: paused at {point}", file=sys.stderr, flush=True)
    while True:
        time.sleep(60)


@functools.cache
def _arrow_schema(table: str) -> pa.Schema:
    return TABLES[table].schema.to_pyarrow()


def _with_load_id(table: str, data: pa.Table, load_id: int) -> pa.Table:
    target = _arrow_schema(table)
    data = data.append_column("load_id", pa.repeat(pa.scalar(load_id, pa.int64()),
                                                   data.num_rows))
    return data.select(target.names).cast(target)
