"""Progress report benchmark: a plan of 6 themes, 300 actions and 3,000 updates.

Prints the wall time (median of --repeat runs) of building the report from the database
(`build_progress_report` and `progress_document`) and of writing it with `cspkit.render` as
DOCX, HTML and PDF. The target for build + DOCX is under 3 s. The plan is made with bulk
inserts in a fresh SQLite test database; the setup is not timed.
Run: .venv/bin/python benchmarks/tracker_reports.py [--repeat 3] [--pdf]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.test")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_databases, setup_test_environment  # noqa: E402

from cspkit.render import write_docx, write_pdf  # noqa: E402
from cspkit.render.html import render_html  # noqa: E402
from cspkit.tracker.models import (  # noqa: E402
    Action,
    ActionUpdate,
    Agency,
    Partnership,
    Person,
    Plan,
    SubAction,
    Theme,
)
from cspkit.tracker.reports.build import build_progress_report  # noqa: E402
from cspkit.tracker.reports.document import progress_document  # noqa: E402
from cspkit.tracker.status import RagStatus  # noqa: E402

THEMES, ACTIONS_PER_THEME, UPDATES_PER_ACTION = 6, 50, 10
MEETING = date(2026, 3, 31)
STATUSES = [RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED, RagStatus.COMPLETE]


def make_plan() -> Plan:
    partnership = Partnership.objects.create(name="Benchmark CSP", area_name="Benchmarkshire")
    agency = Agency.objects.create(
        partnership=partnership, name="Benchmark Police", short_name="Police", kind="police"
    )
    person = Person.objects.create(agency=agency, full_name="Lead Person", initials="LP")
    plan = Plan.objects.create(
        partnership=partnership,
        title="Community Safety Plan 2025-28",
        period_start=date(2025, 4, 1),
        period_end=date(2028, 3, 31),
    )
    sentence = "Work with partners to reduce repeat victimisation in the top five wards. "
    for theme_number in range(1, THEMES + 1):
        theme = Theme.objects.create(plan=plan, number=theme_number, title=f"Theme {theme_number}")
        actions = Action.objects.bulk_create(
            Action(theme=theme, number=n, text=sentence * 2)
            for n in range(1, ACTIONS_PER_THEME + 1)
        )
        SubAction.objects.bulk_create(
            SubAction(action=action, label=label, text=sentence)
            for action in actions
            for label in "abc"
        )
        ActionUpdate.objects.bulk_create(
            ActionUpdate(
                action=action,
                written_on=date(2025, 4, 1) + timedelta(days=30 * k),
                author=person,
                text=sentence * 3,
                status=STATUSES[(action.number + k) % len(STATUSES)],
                version=k + 2,
            )
            for action in actions
            for k in range(UPDATES_PER_ACTION)
        )
        for action in actions:
            action.leads.add(person)
    return plan


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="Also time the PDF (slow).")
    args = parser.parse_args()
    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)
    plan = make_plan()
    print(
        f"plan: {Theme.objects.count()} themes, {Action.objects.count()} actions, "
        f"{ActionUpdate.objects.count()} updates"
    )
    def build_document() -> object:
        return progress_document(build_progress_report(plan=plan, meeting_date=MEETING))

    document = build_document()
    folder = Path(tempfile.mkdtemp(prefix="csp-report-bench-"))
    build = median_seconds(build_document, args.repeat)
    docx = median_seconds(lambda: write_docx(document, folder / "r.docx"), args.repeat)
    html = median_seconds(lambda: render_html(document), args.repeat)
    print(f"build (report + Document): {build:.2f} s")
    print(f"write_docx:            {docx:.2f} s")
    print(f"build + DOCX:          {build + docx:.2f} s (target < 3 s)")
    print(f"render_html:           {html:.2f} s")
    print(
        f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(other processes slow the figures)"
    )
    if args.pdf:
        pdf = median_seconds(lambda: write_pdf(document, folder / "r.pdf"), 1)
        print(f"write_pdf:             {pdf:.2f} s")


if __name__ == "__main__":
    main()
