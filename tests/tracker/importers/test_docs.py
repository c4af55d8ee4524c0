"""docs/tracker-import-and-reports.md stays in step with the code it describes."""

from __future__ import annotations

from pathlib import Path

from cspkit.tracker.importers.headers import HEADER_NAMES
from cspkit.tracker.reports.model import STATUS_STYLES
from cspkit.tracker.status import RagStatus, status_from_text

DOC = Path(__file__).resolve().parents[3] / "docs" / "tracker-import-and-reports.md"


def _between(text: str, name: str) -> list[str]:
    block = text.split(f"<!-- {name}:start -->", 1)[1].split(f"<!-- {name}:end -->", 1)[0]
    return block.strip().splitlines()[2:]  # without the table header


def test_doc_lists_exactly_the_accepted_column_headers() -> None:
    expected = [
        f"| {field.value} | " + ", ".join(f"`{name}`" for name in names) + " |"
        for field, names in HEADER_NAMES.items()
    ]
    assert _between(DOC.read_text(encoding="utf-8"), "headers") == expected


def test_every_status_word_in_the_doc_is_read_as_the_doc_says() -> None:
    rows = _between(DOC.read_text(encoding="utf-8"), "statuses")
    labels = {status.label: status for status in RagStatus}
    checked = 0
    for row in rows:
        written, status = (cell.strip() for cell in row.strip("|").split("|"))
        for word in written.split("`")[1::2]:
            assert status_from_text(word) == labels[status], word
            checked += 1
    assert checked >= 20


def test_doc_gives_every_status_colour() -> None:
    text = DOC.read_text(encoding="utf-8")
    for status, style in STATUS_STYLES.items():
        assert f"| {style.word} | `#{style.fill}` | `#{style.ink}` |" in text, status
