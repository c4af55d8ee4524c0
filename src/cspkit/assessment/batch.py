"""Every partnership's assessment in one run: ``csp assess --all`` and ``csp assess --batch``.

Each partnership is assessed by :func:`cspkit.assessment.run.assess`, in a pool of worker
processes that open the warehouse read-only (DuckDB lets any number of processes read one
file, none while another writes it). A partnership's folder is written under a temporary
name and renamed when complete, with ``batch-run.json`` recording what produced it, so a
folder is either complete or absent: a re-run skips the complete ones whose configuration,
warehouse and software are unchanged and redoes the rest. One partnership failing never
stops the others; ``batch.csv`` in the output folder lists each one's outcome.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from ibis.backends import BaseBackend

from cspkit import __version__
from cspkit.analysis.peers import lad_residents
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import ASB, CRIME
from cspkit.assessment.config import PartnershipConfig, analyst_summary, load_config
from cspkit.errors import CspError
from cspkit.warehouse import connect

STAMP_FILE = "batch-run.json"
"""Written last into a partnership's folder: what produced it (its presence means complete)."""
SUMMARY_FILE = "batch.csv"
"""The batch's outcome, one row per partnership, in the output folder."""
LOG_FOLDER = "batch-logs"
"""Where the traceback of a partnership's unexpected error (not a CspError) is written."""
PARTNERSHIPS_PER_PROCESS = 4
"""A worker process is replaced after this many assessments, so memory that libraries hold
until a process exits (Ibis' in-memory tables, the chart engine) cannot build up over a
national run; the fresh process costs a few seconds of imports."""
SUMMARY_COLUMNS = ("folder", "partnership", "areas", "status", "reason", "seconds",
                   "cpu_seconds")


@dataclass(frozen=True)
class Partnership:
    """One assessment of a batch.

    Attributes
    ----------
    folder
        Its folder under the output folder (a LAD code, codes joined by ``+`` for a grouped
        partnership, or the configuration file's name without ``.toml``).
    config
        Its configuration.
    config_path
        The file the configuration was read or derived from: files it names (analyst text,
        survey, tracker database) are relative to it.
    """

    folder: str
    config: PartnershipConfig
    config_path: Path


@dataclass(frozen=True)
class Outcome:
    """What became of one partnership: ``status`` is ``done``, ``skipped`` (its folder was
    already complete) or ``failed`` (``reason`` says why, in one line)."""

    folder: str
    partnership: str
    areas: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class BatchRun:
    """A batch's outcomes, in the order the partnerships were given, and its summary file."""

    outcomes: tuple[Outcome, ...]
    summary_path: Path

    def count(self, status: str) -> int:
        """How many partnerships ended with ``status``."""
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")


@dataclass(frozen=True)
class WarehousePartnerships:
    """The partnerships a warehouse can assess for a period.

    Attributes
    ----------
    found
        (folder, name, areas) of each, sorted by folder.
    left_out
        Names of authorities holding a few police records, in under
        :data:`MIN_LSOA_COVERAGE` of their LSOAs: records a neighbouring force placed over
        its boundary, not that authority's own force's data.
    """

    found: list[tuple[str, str, tuple[str, ...]]]
    left_out: list[str]


MIN_LSOA_COVERAGE = 0.5
"""An authority is assessed when at least this share of its LSOAs hold a police record in
the period. Where its force's files are loaded nearly every LSOA does (all of them in each
Cleveland authority in 2025); where only a neighbouring force's are, a handful do (4 of
North Yorkshire's 379, 2 of County Durham's 330 in the Cleveland files)."""


def warehouse_partnerships(con: BaseBackend, period: StrategicPeriod,
                           grouping: Mapping[str, str] | None = None
                           ) -> WarehousePartnerships:
    """The partnerships the warehouse can assess for ``period``.

    Every local authority of the loaded lookup with police-recorded crime or anti-social
    behaviour in at least :data:`MIN_LSOA_COVERAGE` of its LSOAs in the period stands alone
    as "<its name> Community Safety Partnership", unless ``grouping`` (LAD code →
    partnership name, :func:`cspkit.national.load.read_partnerships`) puts it in a
    partnership with others: that partnership covers every authority the grouping gives it,
    and its folder is their codes joined by ``+``, as in ``csp national rank``.

    Raises
    ------
    CspError
        The grouping names an authority the loaded lookup does not hold.
    """
    names = lad_residents(con).set_index("lad_code")["lad_name"]
    grouping = dict(grouping or {})
    unknown = sorted(set(grouping) - set(names.index))
    if unknown:
        raise CspError(f"the partnership grouping names local authority code(s) the loaded "
                       f"lookup does not hold: {', '.join(unknown)}",
                       hint="Use LAD codes of the loaded lookup, or load its lookup first")
    area = con.table("area")
    lsoas = area.group_by("lad_code").aggregate(lsoas=area.lsoa_code.nunique()).to_pandas()
    t = con.table("incident")
    rows = t.filter(t.source.isin([CRIME, ASB]), t.lad_code.notnull(),
                    t.month.isin(list(period.months)))
    recorded = rows.group_by("lad_code").aggregate(with_rows=rows.lsoa_code.nunique()
                                                   ).to_pandas()
    share = (recorded.set_index("lad_code")["with_rows"]
             / lsoas.set_index("lad_code")["lsoas"]).dropna()
    members: dict[str, list[str]] = {}
    for code, partnership in grouping.items():
        members.setdefault(partnership, []).append(code)
    found: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for code in sorted(share.index[share >= MIN_LSOA_COVERAGE].intersection(names.index)):
        if code in grouping:
            areas = tuple(sorted(members[grouping[code]]))
            found["+".join(areas)] = ("+".join(areas), grouping[code], areas)
        else:
            found[code] = (code, f"{names[code]} Community Safety Partnership", (code,))
    left_out = sorted(names[c] for c in share.index[share < MIN_LSOA_COVERAGE]
                      if c in names.index and c not in grouping)
    return WarehousePartnerships([found[key] for key in sorted(found)], left_out)


def partnerships_from_template(template_path: Path, *, warehouse: str | Path,
                               grouping: Mapping[str, str] | None = None
                               ) -> tuple[list[Partnership], list[str]]:
    """One :class:`Partnership` per partnership the warehouse holds data for
    (:func:`warehouse_partnerships`), each the template configuration with its ``name`` and
    ``areas`` replaced; and the names of the authorities left out.

    Raises
    ------
    CspError
        The template is not a valid configuration, names a tracker database (that is one
        partnership's plan), or the warehouse holds no partnership with data in its period.
    """
    template = load_config(template_path)
    if template.tracker_database:
        raise CspError("the template names a tracker_database, which holds one "
                       "partnership's plan", path=str(template_path),
                       hint="Empty tracker_database in the template for --all, or list each "
                       "partnership's own configuration in a --batch file")
    if template.survey is not None or (template.priorities is not None
                                         and template.priorities.concern):
        raise CspError("the template names a residents' survey ([survey] or "
                       "priorities.concern), which belongs to one partnership",
                       path=str(template_path),
                       hint="Leave [survey] and priorities.concern out of the template for "
                       "--all, or list each partnership's own configuration in a --batch "
                       "file")
    con = connect(warehouse, read_only=True)
    try:
        held = warehouse_partnerships(con, template.period(), grouping)
    finally:
        con.disconnect()
    if not held.found:
        raise CspError(f"the warehouse holds no police-recorded crime or anti-social "
                       f"behaviour for {template.period().label}", path=str(warehouse),
                       hint="Load the police data for the template's strategic_period")
    fields = template.model_dump()
    return [Partnership(folder, PartnershipConfig.model_validate(
        {**fields, "name": name, "areas": list(areas)}), template_path)
        for folder, name, areas in held.found], held.left_out


def read_batch_file(path: Path) -> list[Partnership]:
    """The partnerships a batch file lists: one configuration file per line (relative to
    the batch file; blank lines and lines starting with ``#`` are ignored). Each is written
    to a folder named after its file (``stockton.toml`` → ``stockton/``).

    Raises
    ------
    CspError
        Naming the batch file and line: a configuration missing or not valid, or two with
        the same file name.
    """
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise CspError(f"cannot read the batch file: {exc.strerror}", path=str(path),
                       hint="Give a text file listing one configuration file per line"
                       ) from None
    partnerships: list[Partnership] = []
    used: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        config_path = path.parent / entry
        try:
            config = load_config(config_path)
        except CspError as exc:
            raise CspError(str(exc), path=str(path), line=number) from None
        folder = config_path.stem
        if folder in used:
            raise CspError(f"{entry} would write to folder {folder}/, as line {used[folder]} "
                           "does", path=str(path), line=number,
                           hint="Give each configuration file its own name")
        used[folder] = number
        partnerships.append(Partnership(folder, config, config_path))
    if not partnerships:
        raise CspError("the batch file lists no configuration file", path=str(path),
                       hint="Write one configuration file (TOML) per line")
    return partnerships


def warehouse_state(warehouse: str | Path) -> str:
    """A fingerprint of what the warehouse holds: the SHA-256 of its load ledger (every
    file loaded, by load id and content hash). Loading or replacing a file changes it."""
    con = connect(warehouse, read_only=True)
    try:
        ledger = con.table("load_ledger").select("load_id", "sha256").to_pandas()
    finally:
        con.disconnect()
    rows = ledger.sort_values("load_id").astype(str).itertuples(index=False)
    return hashlib.sha256("\n".join(f"{i} {s}" for i, s in rows).encode()).hexdigest()


def fingerprint(partnership: Partnership, state: str) -> dict[str, str]:
    """What a partnership's folder was produced from: its configuration (with the analyst's
    text it reads from a file), the warehouse state and the software version."""
    config = partnership.config
    text = config.model_dump_json() + analyst_summary(config, partnership.config_path)
    return {"config_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "warehouse_state": state, "software_version": __version__}


def is_complete(folder: Path, expected: Mapping[str, str]) -> bool:
    """Whether ``folder`` holds a finished assessment produced from ``expected``."""
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(stamp.get(key) == value for key, value in expected.items())


_interrupted = False
"""Set in a worker process once it has received Ctrl-C (SIGINT)."""


def _note_interrupts() -> None:
    """Worker start-up: remember an interrupt before raising it as usual, since a library
    busy at the time may turn it into an error of its own (DuckDB's query interrupted)."""
    def interrupt(signum: int, frame: object) -> None:
        global _interrupted
        _interrupted = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def assess_into_folder(partnership: Partnership, *, warehouse: str | Path, out_dir: Path,
                       stamp: Mapping[str, str]) -> Outcome:
    """Assess one partnership into ``out_dir/<folder>``: written under a temporary name,
    stamped, then renamed over any older or half-written folder. Never raises: a failure
    is an :class:`Outcome` with its one-line reason (an unexpected error's traceback goes to
    ``batch-logs/<folder>.log``), and leaves no temporary folder."""
    from cspkit.assessment.run import assess
    from cspkit.tracker.cycle import plan_review_for

    started, cpu = time.perf_counter(), _cpu_seconds()
    final = out_dir / partnership.folder
    partial = out_dir / f".{partnership.folder}.partial"
    replaced = out_dir / f".{partnership.folder}.replaced"
    for leftover in (partial, replaced):
        shutil.rmtree(leftover, ignore_errors=True)
    status, reason = "done", ""
    try:
        review = plan_review_for(partnership.config_path, today=date.today())
        run = assess(partnership.config_path, config=partnership.config, warehouse=warehouse,
                     out_dir=partial, plan_review=review, read_only=True)
        record = {**stamp, "partnership": partnership.config.name,
                  "areas": partnership.config.areas,
                  "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                  "written": {name: path.relative_to(partial).as_posix()
                              for name, path in run.written.items()}}
        (partial / STAMP_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
        if final.exists():
            final.rename(replaced)
        partial.rename(final)
        shutil.rmtree(replaced, ignore_errors=True)
    except CspError as exc:
        status, reason = "failed", str(exc)
    except Exception as exc:  # any other failure is this partnership's alone
        if _interrupted:
            raise KeyboardInterrupt from exc
        log = out_dir / LOG_FOLDER / f"{partnership.folder}.log"
        log.parent.mkdir(exist_ok=True)
        log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        status, reason = "failed", f"{type(exc).__name__}: {exc} (traceback in {log})"
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return Outcome(partnership.folder, partnership.config.name,
                   " ".join(partnership.config.areas), status, " ".join(reason.split()),
                   round(time.perf_counter() - started, 2), round(_cpu_seconds() - cpu, 2))


def run_batch(partnerships: Sequence[Partnership], *, warehouse: str | Path, out_dir: Path,
              jobs: int | None = None, force: bool = False,
              on_outcome: Callable[[Outcome], None] | None = None) -> BatchRun:
    """Assess every partnership, ``jobs`` at a time (default: one per core), and write
    ``batch.csv`` into ``out_dir``.

    Parameters
    ----------
    partnerships
        From :func:`partnerships_from_template` or :func:`read_batch_file`.
    warehouse
        The warehouse file (opened read-only by every worker) or Ibis URL.
    out_dir
        The output folder: one folder per partnership, and ``batch.csv``.
    jobs
        Worker processes (default ``os.cpu_count()``).
    force
        Redo partnerships whose folder is already complete.
    on_outcome
        Called with each partnership's outcome as it is known (skipped ones first).

    Returns
    -------
    BatchRun
        Failures included: one partnership failing never stops the others. On an
        interruption (Ctrl-C) the summary of what finished is written before it propagates.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    state = warehouse_state(warehouse)
    outcomes: dict[str, Outcome] = {}
    to_do: list[tuple[Partnership, dict[str, str]]] = []
    for partnership in partnerships:
        stamp = fingerprint(partnership, state)
        if not force and is_complete(out_dir / partnership.folder, stamp):
            outcomes[partnership.folder] = Outcome(
                partnership.folder, partnership.config.name,
                " ".join(partnership.config.areas), "skipped",
                "already complete for this configuration and warehouse")
            if on_outcome is not None:
                on_outcome(outcomes[partnership.folder])
        else:
            to_do.append((partnership, stamp))
    summary = out_dir / SUMMARY_FILE
    try:
        if to_do:
            _run_pool(to_do, warehouse=warehouse, out_dir=out_dir,
                      jobs=jobs or os.cpu_count() or 1, outcomes=outcomes,
                      on_outcome=on_outcome)
    finally:
        ordered = tuple(outcomes[p.folder] for p in partnerships if p.folder in outcomes)
        write_summary(ordered, summary)
    return BatchRun(ordered, summary)


def _run_pool(to_do: Sequence[tuple[Partnership, dict[str, str]]], *, warehouse: str | Path,
              out_dir: Path, jobs: int, outcomes: dict[str, Outcome],
              on_outcome: Callable[[Outcome], None] | None) -> None:
    # spawn, not fork: the parent has used DuckDB, whose threads a fork would not carry.
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(to_do)),
                               mp_context=multiprocessing.get_context("spawn"),
                               max_tasks_per_child=PARTNERSHIPS_PER_PROCESS,
                               initializer=_note_interrupts)
    running: dict[Future[Outcome], Partnership] = {}
    try:
        for partnership, stamp in to_do:
            running[pool.submit(assess_into_folder, partnership, warehouse=str(warehouse),
                                out_dir=out_dir, stamp=stamp)] = partnership
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                partnership = running[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker process itself died (e.g. memory)
                    outcome = Outcome(partnership.folder, partnership.config.name,
                                      " ".join(partnership.config.areas), "failed",
                                      f"the worker process died: {type(exc).__name__}: {exc}")
                del running[future]
                outcomes[partnership.folder] = outcome
                if on_outcome is not None:
                    on_outcome(outcome)
    finally:
        # On an interruption the queued partnerships are cancelled; one already handed to a
        # worker may still finish, and is recorded as it ended.
        pool.shutdown(wait=True, cancel_futures=True)
        for future, partnership in running.items():
            if future.done() and not future.cancelled():
                error = future.exception()
                outcomes[partnership.folder] = future.result() if error is None else Outcome(
                    partnership.folder, partnership.config.name,
                    " ".join(partnership.config.areas), "failed",
                    "interrupted")


def write_summary(outcomes: Sequence[Outcome], path: Path) -> None:
    """Write the outcomes as CSV (:data:`SUMMARY_COLUMNS`), replacing ``path`` whole."""
    frame = pd.DataFrame([asdict(o) for o in outcomes], columns=list(SUMMARY_COLUMNS))
    partial = path.with_name(f".{path.name}.partial")
    frame.to_csv(partial, index=False, quoting=csv.QUOTE_MINIMAL)
    partial.replace(path)
