"""Crime categories and themes (named groups of categories), checked against the warehouse."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from cspkit.errors import CspError

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

ASB_CATEGORY = "Anti-social behaviour"

POLICE_UK_CRIME_TYPES = (
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
"""The crime types data.police.uk publishes (anti-social behaviour is not a crime type)."""

Themes = Mapping[str, Sequence[str]]


def known_categories(con: BaseBackend) -> set[str]:
    """police.uk crime types plus any other crime category present in the warehouse."""
    from cspkit.analysis.scope import CRIME  # here: the configuration reads this module

    incident = con.table("incident")
    loaded = (
        incident.filter(incident.source == CRIME).select("category").distinct().to_pandas()
    )
    return set(POLICE_UK_CRIME_TYPES) | set(loaded["category"].dropna())


def _check(names: Sequence[str], known: Callable[[], set[str]], where: str
           ) -> tuple[str, ...]:
    """The names, each a police.uk crime type or (asking ``known()`` only then) another
    crime category loaded."""
    names = tuple(dict.fromkeys(names))
    if not names:
        raise CspError(f"{where} lists no crime categories")
    for name in names:
        if name == ASB_CATEGORY:
            raise CspError(
                f"{where} names {ASB_CATEGORY!r}, which is not a crime category",
                hint="Anti-social behaviour is never part of total crime; it is reported "
                "separately",
            )
        if name not in POLICE_UK_CRIME_TYPES and name not in known():
            raise CspError(
                f"{where} names unknown crime category {name!r}",
                hint="Use police.uk crime types: " + ", ".join(sorted(known())),
            )
    return names


def validate_categories(
    con: BaseBackend, categories: Sequence[str] | None
) -> tuple[str, ...] | None:
    """Check a category filter; ``None`` (all crime) passes through."""
    if categories is None:
        return None
    if isinstance(categories, str):
        categories = [categories]
    return _check(categories, lambda: known_categories(con), "the category filter")


def validate_selection(
    con: BaseBackend, source: str, categories: Sequence[str] | None
) -> tuple[str, ...] | None:
    """Check what a place analysis counts: crime (optionally some categories) or ASB.

    Raises
    ------
    CspError
        For an unknown source, an unknown category, or a category filter on anti-social
        behaviour (which has a single category).
    """
    from cspkit.analysis.scope import ASB, SOURCE_NAMES

    if source not in SOURCE_NAMES:
        raise CspError(
            f"unknown incident source {source!r}",
            hint="Use 'police_crime' (recorded crime) or 'police_asb' (anti-social behaviour)",
        )
    if source == ASB:
        if categories is not None:
            raise CspError(
                "a category filter applies to crime, not to anti-social behaviour",
                hint="Leave categories out when counting anti-social behaviour",
            )
        return None
    return validate_categories(con, categories)


def validate_themes(con: BaseBackend, themes: Themes | None) -> dict[str, tuple[str, ...]]:
    """Check every theme's categories; returns the themes in the order given.

    Raises
    ------
    CspError
        When a theme names a category the warehouse does not know, or anti-social behaviour.
    """
    if not themes:
        return {}
    known = functools.cache(lambda: known_categories(con))
    out = {}
    for name, categories in themes.items():
        if isinstance(categories, str):
            categories = [categories]
        out[str(name)] = _check(categories, known, f"theme {name!r}")
    return out
