"""The Jinja2 environment of the tracker's pages: Django's url/static, status tags and the
few filters the templates use (dates in British style, plurals, word truncation)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.template.defaultfilters import linebreaks_filter
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from jinja2 import Environment

from cspkit.tracker.html import status_tag


def url(name: str, *args: Any) -> str:
    return _reverse(get_script_prefix(), name, args)


@lru_cache(maxsize=8192)
def _reverse(prefix: str, name: str, args: tuple[Any, ...]) -> str:
    """URLs never change while the server runs, and reversing one is a large share of
    rendering a long list, so each is worked out once per script prefix."""
    return reverse(name, args=args)


def long_date(value: date | None) -> str:
    """5 March 2027."""
    return f"{value.day} {value:%B %Y}" if value else ""


@lru_cache(maxsize=4096)
def short_date(value: date | None) -> str:
    """5 Mar 2027."""
    return f"{value.day} {value:%b %Y}" if value else ""


def long_datetime(value: datetime) -> str:
    """5 March 2027 14:03, in the site's time zone."""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y %H:%M}"


def pluralize(count: int, forms: str = "s") -> str:
    """Django's pluralize: ``"s"``, ``"y,ies"`` or ``"is,are"``."""
    singular, _, plural = forms.rpartition(",") if "," in forms else ("", "", forms)
    return singular if count == 1 else plural


@lru_cache(maxsize=4096)
def truncatewords(value: str, count: int) -> str:
    """The first ``count`` words (Django's ``truncatewords``), each text worked out once."""
    return Truncator(value).words(count, truncate=" …")


def environment(**options: Any) -> Environment:
    env = Environment(**options)
    from cspkit.tracker.measure_html import (
        area_text,
        change_clause,
        change_sentence,
        course_tag,
        month_text,
        period_text,
        sparkline,
    )

    env.globals.update(url=url, static=static, status_tag=status_tag, course_tag=course_tag,
                       sparkline=sparkline, change_sentence=change_sentence,
                       change_clause=change_clause, area_text=area_text)
    env.filters.update(
        long_date=long_date,
        short_date=short_date,
        long_datetime=long_datetime,
        pluralize=pluralize,
        truncatewords=truncatewords,
        linebreaks=linebreaks_filter,
        capfirst=capfirst,
        month_text=month_text,
        period_text=period_text,
    )
    return env
