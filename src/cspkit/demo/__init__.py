"""The demo: the whole yearly cycle for the fictional borough of Kestrel Vale, offline.

The entry is :func:`run_demo` (``csp demo``):

1. write the borough's data files in the real formats (police.uk, ONS, MHCLG);
2. load them into a warehouse through the same loaders real data uses, and the partners'
   exports (council ASB, fire, A&E, police extract, youth justice) through their mappings;
3. write the residents' survey (about 4,000 returns in a survey tool's export layout) and
   build the Partnership Strategic Assessment in every format, with the survey weighted and
   analysed ("What residents told us") and the candidate priorities scored with the
   residents' concerns ("Setting priorities", ``data/priorities.csv`` and the plan's
   proposed themes in ``data/priorities_plan.json``);
4. scan the last month (the scanning bulletin) and profile the town centre's shoplifting, the
   borough's planted emerging issue (a problem profile);
5. seed the plan tracker with a plan, both registers and a user per role
   (:func:`cspkit.demo.tracker.seed_demo`, with the invented people of
   :mod:`cspkit.demo.content`);
6. close the cycle (:func:`cspkit.demo.cycle.close_cycle`): publish the assessment, the
   scan and the proposed priorities into the plan, refresh its measures and data-quality
   measures, write the progress report with those figures, and build next year's
   assessment reporting on the plan.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cspkit.analysis.periods import StrategicPeriod
from cspkit.assessment.config import write_default_config
from cspkit.assessment.priorities_run import PLAN_FILE, PRIORITIES_CSV
from cspkit.demo.cycle import CONSULTATION_MARK, CycleResult, close_cycle
from cspkit.errors import CspError
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.synth import generate_borough
from cspkit.synth.partners import EXPORTS, write_partner_exports
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

Echo = Callable[[str], None]


@dataclass
class DemoResult:
    out: Path
    warehouse: Path
    borough: str
    rows_loaded: int
    rows_rejected: int = 0
    assessment_files: list[Path] = field(default_factory=list)
    bulletin_files: list[Path] = field(default_factory=list)
    profile_files: list[Path] = field(default_factory=list)
    survey_files: list[Path] = field(default_factory=list)
    priorities_files: list[Path] = field(default_factory=list)
    tracker_database: Path | None = None
    tracker_summary: str = ""
    cycle: CycleResult | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> list[str]:
        lines = [
            f"Demo for {self.borough} written to {self.out}/",
            f"  data files (real formats): {self.out / 'data'}/",
            f"  warehouse: {self.warehouse} ({self.rows_loaded:,} rows loaded)",
        ]
        if self.rows_rejected:
            lines.append(f"  partner export rows rejected (with reasons): {self.rows_rejected:,}"
                         f" — see {self.out}/*.rejects.csv")
        if self.assessment_files:
            lines.append("  assessment:")
            lines += [f"    {p}" for p in self.assessment_files]
        for name, files in (("scanning bulletin", self.bulletin_files),
                            ("problem profile", self.profile_files),
                            ("residents' survey", self.survey_files),
                            ("setting priorities", self.priorities_files)):
            if files:
                lines.append(f"  {name}:")
                lines += [f"    {p}" for p in files]
        if self.tracker_database:
            lines += [f"  tracker database: {self.tracker_database}",
                      f"  start the tracker: CSP_DATABASE_URL=sqlite:///{self.tracker_database}"
                      " csp serve", *["  " + s for s in self.tracker_summary.splitlines()]]
        if self.cycle is not None:
            lines += self._cycle_lines(self.cycle)
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        lines.append(f"  time: {timing}")
        return lines

    @staticmethod
    def _cycle_lines(cycle: CycleResult) -> list[str]:
        lines = ["  published into the plan:", *[f"    {line}" for line in cycle.published],
                 f"  computed: {cycle.measures} measure(s) on actions and themes; "
                 "data quality:", *[f"    {line}" for line in cycle.quality],
                 "  progress report with these figures:",
                 *[f"    {p}" for p in cycle.report_files]]
        if cycle.next_files:
            lines += [f"  next year's assessment (HTML only, reporting on {cycle.plan_reviewed};"
                      " the same months, as the demo borough has no later data):",
                      *[f"    {p}" for p in cycle.next_files]]
        return lines


# The demo partnership's targets, so the assessment shows targets both met and missed.
DEMO_TARGETS = """
[[targets]]
crime_type = "Burglary"
direction = "reduce"
percent = 5

[[targets]]
crime_type = "Shoplifting"
direction = "reduce"
percent = 5

[[targets]]
theme = "violence"
direction = "reduce"
percent = 3
"""

DEMO_FORMATS = ("html", "docx")
"""The bulletin's and the profile's formats in the demo (the assessment shows the PDF; the
commands write all three)."""


CONSULTATION = "\n" + CONSULTATION_MARK + """: the assessment holds both chapters.
[survey]
export = "{export}"
mapping = "{mapping}"
coding = "{coding}"

[priorities]
scheme = "priority_scheme.toml"
"""
"""The demo configuration's last tables (paths relative to ``<out>``); next year's
assessment leaves them out (:func:`cspkit.demo.cycle.next_config_text`)."""

DEMO_CAPACITY = """
[capacity]
"theme:anti_social_behaviour" = 2
"theme:violence" = 3
"theme:acquisitive_crime" = 2
"theme:drugs" = 4
"""
"""The demo partnership's organisational position on its themes (1 well placed … 5 poorly
placed), appended to the default scheme."""


def _consultation(out: Path, *, warehouse: Path, town_centre: str, seed: int) -> str:
    """Write the borough's synthetic residents' survey under ``<out>/data/survey/``, load the
    population estimate by sex it is weighted to, write ``<out>/priority_scheme.toml`` (the
    default with the demo's capacity entries) and return the configuration's tables naming
    them."""
    from cspkit.analysis.priorities import default_scheme_text
    from cspkit.synth.survey import write_survey

    files = write_survey(out / "data", town_centre=town_centre, seed=seed)
    con = connect(warehouse)
    try:
        load_paths(con, [files.population])
    finally:
        con.disconnect()
    (out / "priority_scheme.toml").write_text(default_scheme_text() + DEMO_CAPACITY,
                                              encoding="utf-8")
    return CONSULTATION.format(**{name: getattr(files, name).relative_to(out).as_posix()
                                  for name in ("export", "mapping", "coding")})


def _assessment(out: Path, *, area_code: str, area_name: str, last_month: str,
                warehouse: Path, consultation: str) -> tuple[list[Path], list[Path],
                                                               list[Path]]:
    """Write ``<out>/csp.toml`` (``csp init``'s default, for the last 12 months loaded, with
    three targets, the residents' survey and setting priorities) and build the assessment
    into ``<out>/assessment/``; returns the paths written: the assessment's, the survey's
    tables and the priorities' files (all in the assessment's ``data/``)."""
    from cspkit.assessment.run import assess

    period = StrategicPeriod.ending(last_month, 12)
    config = write_default_config(
        out / "csp.toml", name=f"{area_name} Community Safety Partnership", areas=[area_code],
        period=f"{period.start}:{period.end}", compare="previous", force=True)
    with config.open("a", encoding="utf-8") as toml:
        toml.write(DEMO_TARGETS)
        toml.write(consultation)
    run = assess(config, warehouse=warehouse, out_dir=out / "assessment")
    data = out / "assessment" / "data"
    survey = sorted(data.glob("survey_*.csv"))
    priorities = [run.written[name] for name in (PRIORITIES_CSV, PLAN_FILE)]
    written = [p for name, p in run.written.items() if name not in (PRIORITIES_CSV, PLAN_FILE)]
    return [config, out / "priority_scheme.toml", *written], survey, priorities


def _bulletin_and_profile(out: Path, *, warehouse: Path, month: str, town_centre: str
                          ) -> tuple[list[Path], list[Path]]:
    """``csp scan`` of the last month into ``<out>/bulletin/`` and ``csp profile`` of
    shoplifting in the town-centre ward (the borough's planted rise) into ``<out>/profile/``,
    with the demo's configuration."""
    from cspkit.assessment.bulletin import write_bulletin
    from cspkit.assessment.profile import write_profile

    config = out / "csp.toml"
    bulletin = write_bulletin(config, warehouse=warehouse, out_dir=out / "bulletin",
                              month=month, formats=DEMO_FORMATS)
    profile = write_profile(config, warehouse=warehouse, out_dir=out / "profile",
                            topic="Shoplifting", areas=[town_centre], formats=DEMO_FORMATS)
    return list(bulletin.written.values()), list(profile.written.values())


def run_demo(out: Path, *, seed: int = 2026, echo: Echo = lambda _: None) -> DemoResult:
    """Build the demo into ``out`` (its data, warehouse and outputs are rebuilt each run)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CspError(f"{out} is a file, not a folder", hint="Give --out a folder")
    data = out / "data"
    # Absolute, as the plan records it when the assessment is published into the tracker.
    warehouse = (out / "kestrel-vale.duckdb").resolve()
    for stale in (data, warehouse, warehouse.with_suffix(".duckdb.wal")):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    echo("Writing the fictional borough's data files…")
    manifest = generate_borough(data, seed=seed)
    write_partner_exports(data, seed=seed)
    seconds["generate"] = time.perf_counter() - start

    start = time.perf_counter()
    echo("Loading them into the warehouse…")
    con = connect(warehouse)
    partners = data / "partners"
    report = load_paths(con, [p for p in sorted(data.iterdir()) if p != partners])
    rows = sum(f.rows for f in report.loaded)
    rejected = 0
    for name, pattern in EXPORTS.items():
        exports = sorted(partners.glob(pattern))
        if exports:
            partner = load_partner(con, exports, mapping=load_mapping(name),
                                   rejects=out / f"{name}.rejects.csv")
            rows += sum(f.rows for f in partner.load.loaded)
            rejected += partner.rejected
    con.disconnect()
    seconds["load"] = time.perf_counter() - start

    result = DemoResult(out=out, warehouse=warehouse, borough=manifest.borough.name,
                        rows_loaded=rows, rows_rejected=rejected, seconds=seconds)

    start = time.perf_counter()
    echo("Writing the residents' survey…")
    consultation = _consultation(out, warehouse=warehouse,
                                 town_centre=manifest.town_centre_ward.code, seed=seed)
    seconds["survey"] = time.perf_counter() - start

    start = time.perf_counter()
    echo("Building the strategic assessment in every format, with the residents' survey "
         "and the priority matrix…")
    result.assessment_files, result.survey_files, result.priorities_files = _assessment(
        out, area_code=manifest.borough.code, area_name=manifest.borough.name,
        last_month=manifest.months[-1], warehouse=warehouse, consultation=consultation)
    seconds["assessment"] = time.perf_counter() - start

    start = time.perf_counter()
    echo("Scanning the last month and profiling the town centre's shoplifting…")
    result.bulletin_files, result.profile_files = _bulletin_and_profile(
        out, warehouse=warehouse, month=manifest.months[-1],
        town_centre=manifest.town_centre_ward.code)
    seconds["bulletin and profile"] = time.perf_counter() - start

    start = time.perf_counter()
    echo("Seeding the plan tracker…")
    result.tracker_database = (out / "tracker.sqlite3").resolve()
    from cspkit.demo.tracker import seed_demo

    seed = seed_demo(database_url=str(result.tracker_database), warehouse=str(warehouse))
    result.tracker_summary = seed.summary()
    seconds["tracker"] = time.perf_counter() - start

    start = time.perf_counter()
    echo("Closing the cycle: publishing, measuring, reporting and next year's assessment…")
    result.cycle = close_cycle(out.resolve(), area_code=manifest.borough.code,
                               today=date.today())
    seconds["cycle"] = time.perf_counter() - start
    return result
