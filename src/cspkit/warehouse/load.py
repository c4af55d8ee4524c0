"""Loading files into the warehouse: idempotent, replace-by-month, atomic.

1. Every input (file, folder, .gz, .zip) is read and recognised by its header.
2. Every recognised file is parsed and validated in memory. If any fails, nothing is written.
3. Files already in the ledger (same sha256) are skipped: loading twice changes nothing.
4. In one transaction: a newer download of the same force and month replaces the older
   one's rows; reference data of an older vintage than the one loaded is kept as
   superseded; rows are inserted; incidents are placed in LSOA 2021, ward and LAD.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from cspkit.errors import CspError, LoadError, LoadFailed
from cspkit.sources.base import ParsedFile
from cspkit.sources.files import RawFile, list_folder, read_header, read_path
from cspkit.sources.registry import describe_header, recognise
from cspkit.warehouse import next_load_id, transaction
from cspkit.warehouse.placement import PlacementReport, place_rows
from cspkit.warehouse.schema import TABLES

REFERENCE_DATASETS = {"area", "lsoa_change", "boundary", "population"}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FileResult:
    name: str
    kind: str
    status: str  # loaded, superseded, already_loaded
    rows: int
    load_id: int | None
    message: str = ""


@dataclass(frozen=True)
class LoadReport:
    files: tuple[FileResult, ...]
    not_recognised: tuple[tuple[str, str], ...]
    placement: PlacementReport | None = None
    replaced: tuple[int, ...] = field(default_factory=tuple)

    @property
    def loaded(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "loaded"]

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "already_loaded"]


@dataclass
class _Inputs:
    raws: list[RawFile] = field(default_factory=list)
    not_recognised: list[tuple[str, str]] = field(default_factory=list)


def _collect(paths: Sequence[str | Path]) -> _Inputs:
    inputs = _Inputs()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates, other = list_folder(path)
            inputs.not_recognised += [(str(p), "documentation, not data") for p in other]
            for file in candidates:
                inputs.raws += read_path(file)
            continue
        members = read_path(path)
        if path.suffix.lower() == ".zip" and not members:
            raise LoadError("the zip archive holds no CSV or GeoJSON files", path=str(path),
                            hint="Use the archive exactly as data.police.uk serves it")
        inputs.raws += members
    return inputs


def _recognise_all(inputs: _Inputs, paths: Sequence[str | Path]
                   ) -> tuple[list[ParsedFile], list[CspError]]:
    explicit = {str(Path(p)) for p in paths if not Path(p).is_dir()}
    parsed: list[ParsedFile] = []
    errors: list[CspError] = []
    recognised_in: dict[str, int] = {}
    for raw in inputs.raws:
        try:
            header = read_header(raw)
            kind = recognise(header)
            if kind is None:
                reason = f"not a recognised format ({describe_header(header)})"
                if raw.name in explicit:
                    raise LoadError(reason, path=raw.name,
                                    hint="See `csp load --help` for the formats cspkit reads")
                inputs.not_recognised.append((raw.name, reason))
                continue
            parsed.append(kind.parse(raw, header))
            recognised_in[raw.path] = recognised_in.get(raw.path, 0) + 1
        except CspError as exc:
            errors.append(exc)
    for path in explicit:
        if path.lower().endswith(".zip") and not recognised_in.get(path) and not errors:
            errors.append(LoadError(
                "the zip archive holds no data.police.uk or other recognised files",
                path=path, hint="Use the archive exactly as data.police.uk serves it"))
    return parsed, errors


def load_paths(
    con: BaseBackend,
    paths: Sequence[str | Path],
    *,
    progress: Progress | None = None,
) -> LoadReport:
    """Load files, folders and archives into the warehouse.

    Raises
    ------
    LoadFailed
        When any recognised file fails validation (nothing is written), or when every
        file given is already loaded (nothing to do).
    """
    if not paths:
        raise CspError("no files given", hint="Name files, folders or .zip archives to load")
    try:
        inputs = _collect(paths)
    except CspError as exc:
        raise LoadFailed([exc]) from None
    parsed, errors = _recognise_all(inputs, paths)
    if errors:
        raise LoadFailed(errors)

    ledger = con.table("load_ledger").to_pandas()
    known = dict(zip(ledger["sha256"], ledger["load_id"], strict=False))
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
    if not fresh:
        if not results:
            raise CspError("found no file to load", path=", ".join(map(str, paths)),
                           hint="Name police.uk, ONS, IMD, population or boundary files")
        first = results[0]
        raise LoadFailed([LoadError(
            f"{first.message}; nothing was changed", path=first.name,
            hint="Run `csp status` to see what is loaded")]
            + [LoadError(r.message, path=r.name) for r in results[1:]])

    # Reference data first, so events are placed against it; newest vintages last.
    order = {k: i for i, k in enumerate(("area", "lsoa_change", "boundary", "population"))}
    fresh.sort(key=lambda p: (order.get(p.dataset, 9), p.dataset, p.version or "",
                              p.months, p.raw.name))
    replaced: list[int] = []
    with transaction(con):
        next_id = next_load_id(con)
        for i, p in enumerate(fresh):
            if progress:
                progress(p.raw.name, i, len(fresh))
            result, gone = _apply(con, p, next_id)
            results.append(result)
            replaced += gone
            next_id += 1
        reference_changed = any(p.dataset in REFERENCE_DATASETS for p in fresh)
        placement = place_rows(con, everything=reference_changed)
    if progress:
        progress("", len(fresh), len(fresh))
    return LoadReport(tuple(results), tuple(inputs.not_recognised), placement, tuple(replaced))


def _apply(con: BaseBackend, p: ParsedFile, load_id: int) -> tuple[FileResult, list[int]]:
    ledger = con.table("load_ledger").filter(
        lambda t: (t.dataset == p.dataset) & (t.status == "loaded")).to_pandas()
    overlaps = ledger["scope"].map(lambda s: bool(set(s.split(",")) & set(p.scopes)))
    overlapping = ledger[overlaps.astype(bool)]
    newer = overlapping[overlapping["version"].fillna("") > (p.version or "")]
    if p.version and not newer.empty:
        note = (f"superseded: vintage {newer['version'].iloc[0]} (load "
                f"{int(newer['load_id'].iloc[0])}) is newer than {p.version}")
        _ledger_row(con, p, load_id, status="superseded", rows=0, note=note)
        return FileResult(p.raw.name, p.kind, "superseded", 0, load_id, note), []
    gone = []
    for old in overlapping.itertuples():
        old_scopes = set(old.scope.split(","))
        months = sorted({s.split("/", 1)[1] for s in old_scopes & set(p.scopes) if "/" in s})
        for table in _tables_with_rows_of(p):
            month_filter = ""
            if months and not old_scopes <= set(p.scopes) and "month" in TABLES[table].column_names:
                month_filter = " AND month IN (" + ",".join(f"'{m}'" for m in months) + ")"
            con.raw_sql(f"DELETE FROM {table} WHERE load_id = {int(old.load_id)}{month_filter}")
        status = "replaced" if old_scopes <= set(p.scopes) else "partly_replaced"
        con.raw_sql(f"UPDATE load_ledger SET status = '{status}', replaced_by = {load_id} "
                    f"WHERE load_id = {int(old.load_id)}")
        gone.append(int(old.load_id))
    for rows in p.rows:
        _insert(con, rows.table, rows.data, load_id)
    note = "; ".join(p.notes)
    if gone:
        note = "; ".join(filter(None, [note, "replaced load(s) " + ", ".join(map(str, gone))]))
    _ledger_row(con, p, load_id, status="loaded", rows=p.row_count, note=note)
    return FileResult(p.raw.name, p.kind, "loaded", p.row_count, load_id, note), gone


def _tables_with_rows_of(p: ParsedFile) -> list[str]:
    return sorted({r.table for r in p.rows})


def _insert(con: BaseBackend, table: str, data: pa.Table, load_id: int) -> None:
    target = TABLES[table].schema.to_pyarrow()
    data = data.append_column("load_id", pa.array([load_id] * data.num_rows, pa.int64()))
    data = data.select(target.names).cast(target)
    con.insert(table, data)


def _ledger_row(con: BaseBackend, p: ParsedFile, load_id: int, *, status: str, rows: int,
                note: str) -> None:
    row = {
        "load_id": load_id, "kind": p.kind, "dataset": p.dataset, "scope": ",".join(p.scopes),
        "version": p.version, "file_name": p.raw.name.rsplit("/", 1)[-1],
        "file_path": p.raw.name, "sha256": p.raw.sha256, "rows": rows,
        "first_month": p.months[0] if p.months else None,
        "last_month": p.months[-1] if p.months else None,
        "loaded_at": datetime.now(UTC).replace(tzinfo=None), "status": status,
        "replaced_by": None, "note": note or None,
    }
    frame = pd.DataFrame([row])
    con.insert("load_ledger", pa.Table.from_pandas(frame, preserve_index=False).cast(
        TABLES["load_ledger"].schema.to_pyarrow()))
