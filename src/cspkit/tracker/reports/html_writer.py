"""Write a progress report as one self-contained HTML page, and as PDF from that page.

The page carries its own print stylesheet (A4, landscape pages for the wide tables, page
numbers), so WeasyPrint turns the same HTML into the PDF and a browser prints it alike.
It has no script and no inline style attributes: served by the tracker, its one style
block is allowed by hash (:func:`content_security_policy`), nothing else.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import IO

from jinja2 import Environment, PackageLoader, select_autoescape

from cspkit.tracker.reports.model import (
    ACTION_COLUMNS,
    DATA_REQUIREMENT_COLUMNS,
    NO_UPDATE,
    NOT_RECORDED,
    RECOMMENDATION_COLUMNS,
    SECTION_TITLES,
    STATUS_STYLES,
    ProgressReport,
    long_date,
    status_style,
    theme_heading,
)
from cspkit.tracker.status import RagStatus

_ENVIRONMENT = Environment(
    loader=PackageLoader("cspkit.tracker.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


@cache
def stylesheet() -> str:
    """The report's CSS: the layout file plus one rule per status colour."""
    layout = files("cspkit.tracker.reports").joinpath("templates/progress_report.css")
    rules = [
        f".status-{status.value} {{ background: #{style.fill}; color: #{style.ink}; }}"
        for status, style in STATUS_STYLES.items()
    ]
    return layout.read_text(encoding="utf-8") + "\n".join(rules) + "\n"


def content_security_policy() -> str:
    """A policy that lets the report's own style block through and nothing else."""
    digest = hashlib.sha256(stylesheet().encode("utf-8")).digest()
    style_hash = base64.b64encode(digest).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{style_hash}'; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def render_html(report: ProgressReport) -> str:
    """The report as an HTML document (UTF-8 text)."""
    return _ENVIRONMENT.get_template("progress_report.html").render(
        report=report,
        css=stylesheet(),
        titles=SECTION_TITLES,
        statuses=list(RagStatus),
        style=status_style,
        long_date=long_date,
        data_requirement_columns=DATA_REQUIREMENT_COLUMNS,
        recommendation_columns=RECOMMENDATION_COLUMNS,
        action_columns=ACTION_COLUMNS,
        theme_heading=theme_heading,
        no_update=NO_UPDATE,
        not_recorded=NOT_RECORDED,
    )


def write_html(report: ProgressReport, target: Path) -> None:
    target.write_text(render_html(report), encoding="utf-8")


def write_pdf(report: ProgressReport, target: Path | IO[bytes]) -> None:
    """Save ``report`` as an A4 PDF with page numbers (rendered by WeasyPrint)."""
    # WeasyPrint takes over a second to import; only PDF writing needs it.
    from weasyprint import HTML

    HTML(string=render_html(report)).write_pdf(target)
