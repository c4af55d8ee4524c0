"""The evidence base of a problem profile's Response: interventions from the College of
Policing Crime Reduction Toolkit, shipped as ``interventions.toml``.

Ratings are the toolkit's, in the words of its scales, with the date its pages were read;
where nobody has read a rating, the file says "rating not verified". This module refuses a
rating outside the toolkit's scales, a rating without the date it was read, and a page off
the toolkit's site. The file's own header says how to fill it.

>>> base = load_evidence_base()
>>> [i.id for i in base.options_for("Shoplifting")][:3]
['problem_oriented_policing', 'hot_spots_policing', 'cctv']
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from cspkit.analysis.involvement import AE_ASSAULT, COUNCIL_ASB, FIRE
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.analysis.topics import Topic
from cspkit.assessment.config import INCIDENT_CATEGORIES
from cspkit.errors import CspError

FILE = "interventions.toml"
NOT_VERIFIED = "rating not verified"
EFFECTS = ("Overall reduction", "Overall reduction, some rises")
"""Points of the toolkit's effect scale met so far, in its words."""
QUALITIES = ("Very strong", "Strong", "Moderate")
"""The toolkit's ratings of the quality of the evidence, in its words."""
TOOLKIT_SITE = "college.police.uk"
EVERY_TOPIC = "*"
FIELDS = ("id", "name", "what", "applies_to", "effect", "evidence_quality", "summary",
          "checked", "url", "reference")
PARTNER_CATEGORIES = {COUNCIL_ASB: ASB_CATEGORY, FIRE: "Criminal damage and arson",
                      AE_ASSAULT: "Violence and sexual offences"}
"""The crime type whose options a partner source's topic is offered."""


@dataclass(frozen=True)
class Intervention:
    """One response option and where its evidence is published.

    Attributes
    ----------
    id, name, what
        Identifier, name and a one-sentence description.
    applies_to
        Crime types (and "Anti-social behaviour") it is offered for; ``*`` for all.
    effect, evidence_quality
        The toolkit's ratings in its words (:data:`EFFECTS`, :data:`QUALITIES`), or
        :data:`NOT_VERIFIED`.
    summary
        What the evidence found, in one line of cspkit's words.
    checked
        The date the toolkit's page was read (``None`` if never).
    url, reference
        The toolkit page, and the review or guide the option rests on.
    """

    id: str
    name: str
    what: str
    applies_to: tuple[str, ...]
    effect: str
    evidence_quality: str
    summary: str
    checked: dt.date | None
    url: str
    reference: str

    def applies(self, category: str | None) -> bool:
        """Whether the option is offered for a crime type (``None``: only the options
        offered for every topic)."""
        return EVERY_TOPIC in self.applies_to or category in self.applies_to


@dataclass(frozen=True)
class EvidenceBase:
    """The interventions file: the toolkit's name and address, and every option."""

    toolkit: str
    toolkit_url: str
    interventions: tuple[Intervention, ...]

    def options_for(self, category: str | None) -> list[Intervention]:
        """The options offered for a crime type, in the file's order."""
        return [i for i in self.interventions if i.applies(category)]


def topic_category(topic: Topic) -> str | None:
    """The crime type whose options a topic is offered (``None``: only the general ones)."""
    if topic.kind == "partner":
        return PARTNER_CATEGORIES.get(topic.source)
    return topic.name


def _intervention(entry: dict, number: int) -> Intervention:
    where = f"intervention {number} ({entry.get('id', 'no id')})"
    missing = [f for f in FIELDS if f not in entry]
    extra = sorted(set(entry) - set(FIELDS))
    if missing or extra:
        raise CspError(f"{where}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else [])
            + ([f"unknown {', '.join(extra)}"] if extra else [])), path=FILE)
    unknown = [c for c in entry["applies_to"] if c not in (*INCIDENT_CATEGORIES, EVERY_TOPIC)]
    if unknown or not entry["applies_to"]:
        raise CspError(f"{where}: applies_to must list police.uk crime types, "
                       f"'{ASB_CATEGORY}' or '*', not {unknown or 'nothing'}", path=FILE)
    address = urlsplit(str(entry["url"]))
    host = address.hostname or ""
    if address.scheme != "https" or not (host == TOOLKIT_SITE
                                         or host.endswith("." + TOOLKIT_SITE)):
        raise CspError(f"{where}: url must be an https:// address of the toolkit's page on "
                       f"{TOOLKIT_SITE}", path=FILE)
    for name, scale in (("effect", EFFECTS), ("evidence_quality", QUALITIES)):
        if entry[name] not in (*scale, NOT_VERIFIED):
            raise CspError(f"{where}: {name} '{entry[name]}' is not a rating of the toolkit's "
                           f"scale", path=FILE,
                           hint=f"Write one of {', '.join(scale)} as the toolkit's page does, "
                           f"or '{NOT_VERIFIED}'")
    checked = None
    if entry["checked"]:
        try:
            checked = dt.date.fromisoformat(str(entry["checked"]))
        except ValueError:
            raise CspError(f"{where}: checked must be a date (YYYY-MM-DD) or empty",
                           path=FILE) from None
    rated = [f for f in ("effect", "evidence_quality") if entry[f] != NOT_VERIFIED]
    if rated and checked is None:
        raise CspError(f"{where}: {' and '.join(rated)} given without the date it was read "
                       f"on the toolkit", path=FILE,
                       hint=f"Read the rating on the toolkit's page and set checked, or write "
                       f"'{NOT_VERIFIED}'")
    if not all(str(entry[f]).strip() for f in FIELDS if f != "checked"):
        raise CspError(f"{where}: every field but checked needs a value", path=FILE)
    return Intervention(
        id=entry["id"], name=entry["name"], what=entry["what"],
        applies_to=tuple(entry["applies_to"]), effect=entry["effect"],
        evidence_quality=entry["evidence_quality"], summary=entry["summary"],
        checked=checked, url=entry["url"],
        reference=entry["reference"])


def load_evidence_base(text: str | None = None) -> EvidenceBase:
    """Read and check the interventions file (the shipped one when ``text`` is ``None``).

    Raises
    ------
    CspError
        Naming the entry and field that break the rules in the file's header.
    """
    if text is None:
        text = resources.files("cspkit.assessment").joinpath(FILE).read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CspError(f"not valid TOML: {exc}", path=FILE) from None
    entries = data.get("intervention") or []
    interventions = tuple(_intervention(entry, n + 1) for n, entry in enumerate(entries))
    ids = [i.id for i in interventions]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise CspError(f"intervention id(s) used twice: {', '.join(repeated)}", path=FILE)
    return EvidenceBase(toolkit=data.get("toolkit", ""), toolkit_url=data.get("toolkit_url", ""),
                        interventions=interventions)
