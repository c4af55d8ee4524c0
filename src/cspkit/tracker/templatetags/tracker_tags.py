"""Template helpers of the tracker's pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cspkit.tracker.status import RagStatus

register = template.Library()


@register.simple_tag
def status_tag(status: RagStatus | str, short: bool = False) -> SafeString:
    """A status as a coloured tag that always spells out its name (and, unless ``short``,
    what it means), so colour is never the only cue."""
    rag = RagStatus(status)
    tag = format_html('<strong class="tag tag--{}">{}</strong>', rag.value, rag.label)
    if short:
        return tag
    return format_html('{} <span class="tag-meaning">{}</span>', tag, rag.meaning)
