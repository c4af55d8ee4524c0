"""Write a progress report as one self-contained HTML page, and as PDF from that page.

The page carries its own print stylesheet (A4, landscape pages for the wide tables, page
numbers), so WeasyPrint turns the same HTML into the PDF and a browser prints it alike.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import IO

from jinja2 import Environment, PackageLoader, select_autoescape
from weasyprint import HTML

from cspkit.tracker.reports.model import (
    ACTION_COLUMNS,
    DATA_REQUIREMENT_COLUMNS,
    RECOMMENDATION_COLUMNS,
    SECTION_TITLES,
    ProgressReport,
    long_date,
    status_style,
)
from cspkit.tracker.status import RagStatus

_ENVIRONMENT = Environment(
    loader=PackageLoader("cspkit.tracker.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


def render_html(report: ProgressReport) -> str:
    """The report as an HTML document (UTF-8 text)."""
    css = files("cspkit.tracker.reports").joinpath("templates/progress_report.css").read_text()
    return _ENVIRONMENT.get_template("progress_report.html").render(
        report=report,
        css=css,
        titles=SECTION_TITLES,
        statuses=list(RagStatus),
        style=status_style,
        long_date=long_date,
        data_requirement_columns=DATA_REQUIREMENT_COLUMNS,
        recommendation_columns=RECOMMENDATION_COLUMNS,
        action_columns=ACTION_COLUMNS,
    )


def write_html(report: ProgressReport, target: Path) -> None:
    target.write_text(render_html(report), encoding="utf-8")


def write_pdf(report: ProgressReport, target: Path | IO[bytes]) -> None:
    """Save ``report`` as an A4 PDF with page numbers (rendered by WeasyPrint)."""
    HTML(string=render_html(report)).write_pdf(target)
