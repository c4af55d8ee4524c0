"""``load_partner``: load partner exports through a mapping, with the warehouse's guarantees.

A file already loaded (the same bytes) changes nothing and is reported, never an error;
atomic (a file that fails leaves the warehouse as it was); replace-by-month (a newer export
of the same source and months replaces the older one's incidents, people and details, and
the report says which months, with the counts before and after); rejected rows counted and
written, up to ``REJECTS_SAMPLE`` per file, to a rejects CSV; incidents that could not be
placed counted by why; and incidents placed outside the partnership's areas reported.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ibis.backends import BaseBackend

from cspkit.errors import CspError
from cspkit.sources.partner.mapping import PartnerMapping
from cspkit.sources.partner.parse import ExportParser, Reject
from cspkit.sources.partner.postcodes import PostcodeIndex
from cspkit.warehouse.load import LoadReport, Progress, load_paths
from cspkit.warehouse.placement import unplaced_reasons
from cspkit.warehouse.schema import TABLES
from cspkit.warehouse.status import AuthorityCount, placed_by_authority

REJECTS_SAMPLE = 1000


@dataclass(frozen=True)
class PartnerFileCounts:
    """One export loaded: data rows read, incidents and people it brought in, rows rejected.

    Rows and incidents differ when an export has one row per incident and person (a police
    extract repeats a crime on each offender's row), or when rows were rejected.
    """

    name: str
    encoding: str
    rows_read: int
    incidents: int
    people: int
    rejected: int


@dataclass(frozen=True)
class PartnerLoadReport:
    """What a partner load did.

    Attributes
    ----------
    load
        The warehouse's :class:`~cspkit.warehouse.load.LoadReport` (files loaded, skipped).
    mapping
        The mapping's name.
    encodings
        File → encoding it was read in (``utf-8``, ``utf-8-sig``, ``cp1252``).
    rejected
        Rows rejected in the files loaded (all of them, not just the sample written).
    rejects_path
        The rejects CSV (``None`` when nothing was rejected or no path was given).
    located
        Incidents by how their location was given: ``lsoa``, ``postcode``,
        ``postcode_not_found``, ``coordinates``, ``none``.
    placement
        Incidents loaded by ``lsoa_assignment`` after placement (``no_lsoa`` and
        ``unknown_lsoa`` could not be placed).
    files
        Per file loaded: rows read, incidents, people, rows rejected.
    unplaced_reasons
        Incidents loaded that could not be placed, by why
        (:data:`cspkit.warehouse.placement.UNPLACED_REASONS`).
    authorities
        Incidents loaded and placed, by local authority.
    areas
        The partnership's local authorities, when given: incidents placed elsewhere are
        :attr:`outside_partnership`.
    """

    load: LoadReport
    mapping: str
    encodings: dict[str, str]
    rejected: int
    rejects_path: Path | None
    located: dict[str, int]
    placement: dict[str, int]
    files: tuple[PartnerFileCounts, ...] = ()
    unplaced_reasons: dict[str, int] = field(default_factory=dict)
    authorities: tuple[AuthorityCount, ...] = ()
    areas: tuple[str, ...] = ()

    @property
    def unplaced(self) -> int:
        return sum(n for how, n in self.placement.items() if how in ("no_lsoa", "unknown_lsoa"))

    @property
    def incidents(self) -> int:
        return sum(f.incidents for f in self.files)

    @property
    def people(self) -> int:
        return sum(f.people for f in self.files)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def outside_partnership(self) -> tuple[AuthorityCount, ...]:
        """Authorities other than the partnership's holding incidents loaded (none when no
        areas were given)."""
        if not self.areas:
            return ()
        return tuple(a for a in self.authorities if a.lad_code not in self.areas)


def postcode_lookup(con: BaseBackend) -> PostcodeIndex:
    """Postcode → LSOA 2021 from the loaded ``postcode`` table (empty when none is loaded)."""
    rows = con.sql("SELECT postcode, lsoa_code FROM postcode WHERE lsoa_code IS NOT NULL"
                   ).to_pyarrow()
    return PostcodeIndex(rows["postcode"].to_numpy(zero_copy_only=False),
                         rows["lsoa_code"].to_numpy(zero_copy_only=False))


def load_partner(
    con: BaseBackend,
    paths: Sequence[str | Path],
    *,
    mapping: PartnerMapping,
    rejects: Path | None = None,
    allow_cp1252: bool = False,
    progress: Progress | None = None,
    areas: Sequence[str] = (),
) -> PartnerLoadReport:
    """Load partner exports (CSV or .xlsx) read through ``mapping``.

    Parameters
    ----------
    con
        Warehouse backend.
    paths
        Export files (or folders of CSV exports).
    mapping
        :func:`cspkit.sources.partner.mapping.load_mapping`.
    rejects
        Where to write the rejected rows (file, line, column, reason, value).
    allow_cp1252
        Read CSVs that are not UTF-8 as Windows-1252, whatever the mapping says.
    areas
        The partnership's local authority codes (the configuration's ``areas``): incidents
        placed in another authority are reported.

    Returns
    -------
    PartnerLoadReport

    Raises
    ------
    LoadFailed
        When a file cannot be read with the mapping (a mapped column is missing, every row
        is rejected, the bytes are in no allowed encoding): nothing is loaded.
    """
    _upgrade_person_involvement(con)
    needs_postcodes = mapping.incident.postcode is not None
    parser = ExportParser(mapping, postcode_lookup(con) if needs_postcodes else
                          PostcodeIndex([], []),
                          allow_cp1252=allow_cp1252)
    report = load_paths(con, paths, progress=progress, parser=parser)
    loaded = {f.name: f.load_id for f in report.loaded}
    stats = {name: s for name, s in parser.stats.items() if name in loaded}
    found = [r for s in stats.values() for r in s.rejects]
    located: dict[str, int] = {}
    for s in stats.values():
        for how, n in s.location.items():
            located[how] = located.get(how, 0) + n
    written = None
    if found and rejects is not None:
        written = write_rejects(rejects, [r for s in stats.values()
                                          for r in s.rejects[:REJECTS_SAMPLE]])
    load_ids = [i for i in loaded.values() if i is not None]
    return PartnerLoadReport(
        load=report, mapping=mapping.name,
        encodings={name: s.encoding for name, s in stats.items()},
        rejected=len(found), rejects_path=written, located=located,
        placement=_placement(con, load_ids),
        files=_file_counts(con, loaded, stats),
        unplaced_reasons=unplaced_reasons(con, load_ids),
        authorities=placed_by_authority(con, load_ids), areas=tuple(areas))


def _file_counts(con: BaseBackend, loaded: dict[str, int | None],
                 stats: dict) -> tuple[PartnerFileCounts, ...]:
    """Rows read and rejected (from parsing), incidents and people (in the warehouse)."""
    ids = [i for i in loaded.values() if i is not None]
    if not ids:
        return ()
    listed = ", ".join(map(str, ids))
    counts = {}
    for table in ("incident", "person_involvement"):
        rows = con.sql(f"SELECT load_id, count(*) AS n FROM {table} WHERE load_id IN "
                       f"({listed}) GROUP BY 1").execute()
        counts[table] = dict(zip(rows["load_id"].astype(int), rows["n"].astype(int),
                                 strict=True))
    return tuple(PartnerFileCounts(
        name=name, encoding=stats[name].encoding, rows_read=stats[name].rows,
        incidents=counts["incident"].get(load_id, 0),
        people=counts["person_involvement"].get(load_id, 0),
        rejected=len(stats[name].rejects))
        for name, load_id in loaded.items() if load_id is not None and name in stats)


def _upgrade_person_involvement(con: BaseBackend) -> None:
    """Give a warehouse made before partner loading the ``month`` column of its (then always
    empty) ``person_involvement`` table.

    Raises
    ------
    CspError
        When that old table somehow holds rows: they cannot be given months.
    """
    if "month" in con.table("person_involvement").columns:
        return
    if con.table("person_involvement").count().execute():
        raise CspError("the warehouse's person_involvement table has rows but no month "
                       "column", hint="Load partner data into a new warehouse")
    con.drop_table("person_involvement")
    con.create_table("person_involvement", schema=TABLES["person_involvement"].schema)


def write_rejects(path: Path, rejects: Sequence[Reject]) -> Path:
    """Write rejected rows as CSV: file, line, column, reason, value."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "line", "column", "reason", "value"])
        writer.writerows((r.file, r.line, r.column, r.reason, r.value) for r in rejects)
    return path


def _placement(con: BaseBackend, load_ids: list[int]) -> dict[str, int]:
    if not load_ids:
        return {}
    rows = con.sql("SELECT lsoa_assignment AS how, count(*) AS n FROM incident WHERE load_id "
                   f"IN ({', '.join(map(str, load_ids))}) GROUP BY 1 ORDER BY 1").execute()
    return {str(r.how): int(r.n) for r in rows.itertuples()}
