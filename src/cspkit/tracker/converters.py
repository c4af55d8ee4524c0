"""``<id:pk>`` in the tracker's URLs: a row id, as Django's ``<int:…>`` but no larger than
the database's 64-bit ids, so a longer number is a page not found rather than an overflow
in the database driver."""

from __future__ import annotations

from django.urls import register_converter

LARGEST_ID = 2**63 - 1


def row_id(text: str) -> int:
    """``text`` as a row id: ASCII digits, at most ``LARGEST_ID``; else ValueError."""
    if not (text.isascii() and text.isdigit()) or int(text) > LARGEST_ID:
        raise ValueError(f"{text[:30]!r} is not a row id")
    return int(text)


class RowIdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return row_id(value)  # a ValueError makes the URL not match: 404

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowIdConverter, "id")
