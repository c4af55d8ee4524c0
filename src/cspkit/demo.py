"""`csp demo`: the whole yearly cycle for the fictional borough of Kestrel Vale, offline.

1. write the borough's data files in the real formats (police.uk, ONS, MHCLG);
2. load them into a warehouse through the same loaders real data uses, and the partners'
   exports (council ASB, fire, A&E, police extract, youth justice) through their mappings;
3. build the Partnership Strategic Assessment in every format;
4. scan the last month (the scanning bulletin) and profile the town centre's shoplifting, the
   borough's planted emerging issue (a problem profile);
5. seed the plan tracker with a plan, both registers and a user per role.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
    tracker_database: Path | None = None
    tracker_summary: str = ""
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
                            ("problem profile", self.profile_files)):
            if files:
                lines.append(f"  {name}:")
                lines += [f"    {p}" for p in files]
        if self.tracker_database:
            lines += [f"  tracker database: {self.tracker_database}",
                      f"  start the tracker: CSP_DATABASE_URL=sqlite:///{self.tracker_database}"
                      " csp serve", *["  " + s for s in self.tracker_summary.splitlines()]]
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        lines.append(f"  time: {timing}")
        return lines


DEMO_FORMATS = ("html", "docx")
"""The bulletin's and the profile's formats in the demo (the assessment shows the PDF; the
commands write all three)."""


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
    data = out / "data"
    warehouse = out / "kestrel-vale.duckdb"
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
    echo("Building the strategic assessment in every format…")
    from cspkit.assessment.demo_assessment import build_demo_assessment

    result.assessment_files = build_demo_assessment(
        out, area_code=manifest.borough.code, area_name=manifest.borough.name,
        last_month=manifest.months[-1], warehouse=warehouse)
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
    from cspkit.tracker.demo import seed_demo

    seed = seed_demo(database_url=f"sqlite:///{result.tracker_database}",
                     warehouse=str(warehouse.resolve()))
    result.tracker_summary = seed.summary()
    seconds["tracker"] = time.perf_counter() - start
    return result
