"""Small pieces of HTML the pages share."""

from __future__ import annotations

from functools import lru_cache

from django.utils.html import format_html
from django.utils.safestring import SafeString

from cspkit.tracker.status import RagStatus


def status_tag(status: RagStatus | str, short: bool = False) -> SafeString:
    """A status as a coloured tag that always spells out its name (and, unless ``short``,
    what it means), so colour is never the only cue."""
    return _status_tag(str(status), short)


@lru_cache(maxsize=64)
def _status_tag(status: str, short: bool) -> SafeString:
    """The few possible tags, each built once (pages list dozens)."""
    rag = RagStatus(status)
    tag = format_html('<strong class="tag tag--{}">{}</strong>', rag.value, rag.label)
    if short:
        return tag
    return format_html('{} <span class="tag-meaning">{}</span>', tag, rag.meaning)
