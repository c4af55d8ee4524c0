"""The demo's yearly cycle closed: the assessment, the scan and the priorities published into
the plan, every computed figure of the plan refreshed, the progress report written with them,
and next year's assessment reporting on the plan.

Django must already be set up on the demo's tracker database
(:func:`cspkit.demo.tracker.seed_demo` does it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cspkit.errors import CspError

NEXT_CONFIG = "csp-next.toml"
NEXT_FORMATS = ("html",)
"""Next year's assessment in the demo is written as HTML only: the chapter on the plan is
the point, and the other formats of the same assessment are already in ``assessment/``."""

CONSULTATION_MARK = "# Residents' survey and setting priorities"
"""The comment opening the demo configuration's [survey] and [priorities] tables."""

ADMINISTRATOR = "admin"
"""The demo's administrator (:data:`cspkit.demo.content.PEOPLE`), who publishes."""


@dataclass
class CycleResult:
    """What closing the cycle wrote and did."""

    published: list[str] = field(default_factory=list)
    measures: int = 0
    quality: list[str] = field(default_factory=list)
    report_files: list[Path] = field(default_factory=list)
    next_files: list[Path] = field(default_factory=list)
    plan_reviewed: str = ""


def next_config_text(config_text: str, *, tracker_database: str) -> str:
    """The demo's configuration for next year's assessment: the same partnership and
    period (the demo borough has no later data), HTML only, and the tracker database named
    so the assessment adds its chapter on the plan. ``config_text`` is ``csp init``'s file,
    which sets both keys. This year's survey and priority setting (the tables after
    :data:`CONSULTATION_MARK`) are left out: next year brings its own.

    Examples
    --------
    >>> print(next_config_text('formats = ["html", "pdf"]\\ntracker_database = ""\\n',
    ...                        tracker_database="tracker.sqlite3"), end="")
    formats = ["html"]
    tracker_database = "tracker.sqlite3"
    """
    config_text = config_text.split(CONSULTATION_MARK)[0]
    values = {"formats": "[" + ", ".join(f'"{f}"' for f in NEXT_FORMATS) + "]",
              "tracker_database": f'"{tracker_database}"'}
    for key, value in values.items():
        config_text, found = re.subn(rf"^{key} = .*$", f"{key} = {value}", config_text,
                                     count=1, flags=re.MULTILINE)
        if not found:
            raise CspError(f"the demo's configuration sets no {key}")
    return config_text


def close_cycle(out: Path, *, area_code: str, today: date) -> CycleResult:
    """Publish ``<out>/assessment``, ``<out>/bulletin`` and the priorities the assessment
    proposed (``<out>/assessment/data/priorities_plan.json``) into the demo's current plan
    as its administrator, refresh the plan's measures and data-quality measures from the
    warehouse, write ``<out>/tracker/progress-report.{docx,pdf,html}`` as
    at ``today`` and build next year's assessment (``<out>/csp-next.toml`` →
    ``<out>/assessment-next/``)."""
    from django.utils import timezone

    from cspkit.assessment.run import assess
    from cspkit.tracker.cycle import (
        compute_plan_measures,
        compute_plan_quality,
        plan_review_for,
    )
    from cspkit.tracker.reports.document import REPORT_FORMATS, write_progress_report
    from cspkit.tracker.selectors.plan import plan_or_latest
    from cspkit.tracker.services.publishing import publish_folder

    result = CycleResult()
    for folder in (out / "assessment", out / "bulletin", out / "assessment" / "data"):
        result.published += publish_folder(folder=folder, username=ADMINISTRATOR, plan_id=None,
                                           now=timezone.now())
    plan = plan_or_latest(pk=None)
    result.measures = len(compute_plan_measures(warehouse=None, plan_id=plan.pk))
    result.quality = compute_plan_quality(warehouse=None, plan_id=plan.pk, areas=[area_code])

    reports = out / "tracker"
    reports.mkdir(parents=True, exist_ok=True)
    result.report_files = [
        write_progress_report(out=reports / f"progress-report.{kind}", meeting=today,
                              plan_id=plan.pk)
        for kind in REPORT_FORMATS
    ]

    config = out / NEXT_CONFIG
    config.write_text(next_config_text((out / "csp.toml").read_text(encoding="utf-8"),
                                       tracker_database="tracker.sqlite3"), encoding="utf-8")
    review = plan_review_for(config, today=today)
    result.plan_reviewed = review.plan_title if review is not None else ""
    run = assess(config, warehouse=plan.warehouse, out_dir=out / "assessment-next",
                 plan_review=review)
    result.next_files = [config, *run.written.values()]
    return result
