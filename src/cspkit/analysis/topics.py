"""What a problem profile is about: a police.uk crime type, anti-social behaviour, or a partner
source loaded into the warehouse, resolved from the words an analyst types.

>>> normalise("Anti-Social  Behaviour")
'anti social behaviour'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from ibis.backends import BaseBackend

from cspkit.analysis.involvement import SOURCE_NAMES
from cspkit.analysis.scan import PARTNER_CATEGORIES
from cspkit.analysis.scope import ASB, CRIME
from cspkit.analysis.themes import ASB_CATEGORY, POLICE_UK_CRIME_TYPES
from cspkit.errors import CspError

TopicKind = Literal["crime_type", "asb", "partner"]
ASB_NAMES = ("asb", "anti social behaviour", "antisocial behaviour")
"""What an analyst may type for police-recorded anti-social behaviour (normalised)."""


@dataclass(frozen=True)
class Topic:
    """The incidents a problem profile counts.

    Attributes
    ----------
    name
        The topic as readers see it ("Shoplifting", "Anti-social behaviour", "ASB reported
        to the council").
    kind
        ``crime_type`` (a police.uk crime type), ``asb`` (police.uk anti-social behaviour)
        or ``partner`` (every incident of one partner source).
    source
        The ``incident.source`` counted.
    categories
        The categories counted (``None``: every incident of the source).
    """

    name: str
    kind: TopicKind
    source: str
    categories: tuple[str, ...] | None

    @property
    def filters(self) -> list[str]:
        """The selection in words, for a citation."""
        out = [f"source = {self.source}"]
        return out + ([] if self.categories is None else [f"category in {list(self.categories)}"])

    @property
    def source_name(self) -> str:
        """The data set the topic is counted from, as a citation names it."""
        return SOURCE_NAMES.get(self.source, f"incident.source = {self.source}")


def normalise(text: str) -> str:
    """Case, hyphens, underscores, ``&`` and runs of spaces do not matter in a name."""
    text = text.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[-_]", " ", text).split())


def loaded_partner_sources(con: BaseBackend) -> list[str]:
    """The partner sources (every source but police.uk's) with incidents in the warehouse."""
    incident = con.table("incident")
    rows = incident.filter(~incident.source.isin([CRIME, ASB])).select("source").distinct()
    return sorted(rows.to_pandas()["source"].dropna())


def partner_name(source: str) -> str:
    """A partner source's series name (its code when it has none)."""
    return PARTNER_CATEGORIES.get(source, source)


def resolve_topic(con: BaseBackend, text: str) -> Topic:
    """The topic an analyst named: a police.uk crime type, ``ASB``, or a loaded partner
    source (by its code, e.g. ``council_asb``, or its name, e.g. "ASB reported to the
    council"). Case, hyphens and spaces do not matter.

    Raises
    ------
    CspError
        When the words name none of these (naming the closest matches), or name a partner
        source that is not loaded.
    """
    wanted = normalise(text)
    for crime_type in POLICE_UK_CRIME_TYPES:
        if normalise(crime_type) == wanted:
            return Topic(crime_type, "crime_type", CRIME, (crime_type,))
    if wanted in ASB_NAMES:
        return Topic(ASB_CATEGORY, "asb", ASB, None)
    loaded = loaded_partner_sources(con)
    known = dict.fromkeys([*PARTNER_CATEGORIES, *loaded])
    for source in known:
        if wanted in (normalise(source), normalise(partner_name(source))):
            if source not in loaded:
                raise CspError(
                    f"topic {text!r} is partner data that is not loaded ({source})",
                    hint="Load the partner's export first (csp load-partner), or choose a "
                    "police.uk crime type or ASB")
            return Topic(partner_name(source), "partner", source, None)
    choices = [*POLICE_UK_CRIME_TYPES, "ASB", *(partner_name(s) for s in loaded)]
    close = difflib.get_close_matches(wanted, [normalise(c) for c in choices], n=3,
                                      cutoff=0.5)
    named = [c for c in choices if normalise(c) in close]
    guess = f"; close matches: {', '.join(named)}" if named else ""
    raise CspError(f"unknown topic {text!r}{guess}",
                   hint=f"Choose a police.uk crime type, ASB, or a partner source loaded "
                   f"({', '.join(partner_name(s) for s in loaded) or 'none loaded'})")
