"""Read a PDF back page by page (poppler's ``pdftotext -layout``) and find headings a reader
would find stranded: a heading at the foot of a page, or a heading whose table or figure
(after any lead paragraphs) starts on a later page."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cspkit.assessment.document import Chart, Document, Map, Paragraph, Section, Table
from cspkit.render.layout import section_numbers

FOOTER = re.compile(r"Page \d+ of \d+\s*$")
LEADER = re.compile(r"(\. ?){4,}")
"""Dot leaders of a contents line."""


def pdf_pages(pdf: Path) -> list[list[str]]:
    """Each page's non-empty lines, whitespace collapsed, without the running footer."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
            check=True, capture_output=True, text=True).stdout
        lines = [" ".join(line.split()) for line in text.splitlines()]
        pages.append([line for line in lines if line and not FOOTER.search(line)])
    return pages


def _heading_at(lines: list[str], index: int, heading: str) -> bool:
    """Whether ``heading`` is set at ``lines[index]``, alone or wrapped onto the next line."""
    one = lines[index]
    return one == heading or (index + 1 < len(lines) and heading.startswith(one + " ")
                              and f"{one} {lines[index + 1]}" == heading)


def _marker(block: Table | Chart | Map) -> str:
    """Text that shows where a table or figure starts on the page."""
    if isinstance(block, Table):
        return block.caption or " ".join(c.label for c in block.columns)
    return block.title


def _first_content(section: Section) -> Table | Chart | Map | None:
    """The table or figure a section's heading leads into, after its lead paragraphs."""
    for child in section.children:
        if isinstance(child, Paragraph):
            continue
        return child if isinstance(child, Table | Chart | Map) else None
    return None


@dataclass(frozen=True)
class Stranded:
    """What the check found: headings set apart from their content, and how many it read."""

    at_page_foot: list[tuple[int, str]]
    apart_from_content: list[tuple[str, int, int]]
    headings_checked: int


def stranded_headings(document: Document, pdf: Path) -> Stranded:
    """Headings of ``document`` the PDF sets at a page foot, or on an earlier page than the
    first table or figure of their section.

    Each heading is looked for as a line of its own (with its section number in a report
    layout, as the renderers number it), in document order, from the page after the contents
    page (where every heading is listed too); its content from the heading on, by its
    caption, its column labels (a table without a caption) or its title (a figure).
    """
    pages = pdf_pages(pdf)
    numbers = section_numbers(document) if document.layout == "report" else {}
    start = next((n + 1 for n, lines in enumerate(pages)
                  if any(LEADER.search(line) for line in lines)), 0)
    cursor = (start, 0)
    foot, apart, checked = [], [], 0
    for section in document.all_sections():
        if not section.title:
            continue
        heading = " ".join(f"{numbers.get(section.id, '')} {section.title}".split())
        found = next(((n, i) for n in range(cursor[0], len(pages))
                      for i in range(cursor[1] if n == cursor[0] else 0, len(pages[n]))
                      if _heading_at(pages[n], i, heading)), None)
        if found is None:
            continue
        page, line = found
        cursor = (page, line + 1)
        wrapped = 2 if pages[page][line] != heading else 1
        if page < len(pages) - 1 and line + wrapped == len(pages[page]):
            foot.append((page + 1, heading))
        content = _first_content(section)
        if content is None:
            continue
        marker = " ".join(_marker(content).split())
        after = [pages[page][line:], *pages[page + 1:]]
        content_page = next((page + n for n, lines in enumerate(after)
                             if marker in " ".join(lines)), None)
        if content_page is None:
            continue
        checked += 1
        if content_page != page:
            apart.append((heading, page + 1, content_page + 1))
    return Stranded(at_page_foot=foot, apart_from_content=apart, headings_checked=checked)
