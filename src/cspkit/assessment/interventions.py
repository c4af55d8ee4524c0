"""The evidence base of a problem profile's Response: interventions from the College of
Policing Crime Reduction Toolkit, shipped as ``interventions.toml``.

Ratings are the toolkit's, in the form the page cited publishes them (its current pages in
words, its earlier pages as an effect statement and a count of evidence-quality icons), with
the date the page was read. This module refuses a rating outside the scale of the page's
site, a rating without the date it was read, an entry whose ratings were never read
("rating not verified") and a page off the toolkit's site. The file's own header says how to
fill it.

>>> base = load_evidence_base()
>>> [i.id for i in base.options_for("Shoplifting")][:3]
['hot_spots_policing', 'cctv', 'cognitive_behavioural_programmes']
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
"""What an entry said before its rating was read; the loader refuses it."""
EFFECTS = ("Overall reduction", "Overall reduction, some rises")
"""Points of the effect scale of the toolkit's current pages met so far, in its words."""
QUALITIES = ("Very strong", "Strong", "Moderate", "Low", "No information")
"""The quality of evidence (of impact) on the toolkit's current pages, in its words."""
EARLIER_EFFECTS = ("Has reduced crime", "Can reduce crime")
"""Verdicts of the effect statement on the toolkit's earlier pages ("Overall, the evidence
suggests that <it> has reduced crime" / "can reduce crime")."""
EARLIER_QUALITIES = tuple(f"Evidence quality {n}" for n in range(5))
"""The earlier pages' count of evidence-quality icons for the impact on crime, as labelled."""
EARLIER_SITE = "whatworks.college.police.uk"
"""Host of the toolkit's earlier pages; some of its addresses now serve current pages."""
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
        The toolkit's ratings as the page at ``url`` publishes them: :data:`EFFECTS` and
        :data:`QUALITIES` on its current pages, :data:`EARLIER_EFFECTS` and
        :data:`EARLIER_QUALITIES` on its earlier ones (:attr:`earlier_page`).
    summary
        What the page says the evidence found, in one line of cspkit's words.
    checked
        The date the toolkit's page was read.
    url, reference
        The toolkit page the ratings were read on, and the review they rest on.
    """

    id: str
    name: str
    what: str
    applies_to: tuple[str, ...]
    effect: str
    evidence_quality: str
    summary: str
    checked: dt.date
    url: str
    reference: str

    @property
    def earlier_page(self) -> bool:
        """Whether the ratings are in the form of the toolkit's earlier pages."""
        return self.evidence_quality in EARLIER_QUALITIES

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
    unread = [f for f in ("effect", "evidence_quality") if entry[f] == NOT_VERIFIED]
    if unread:
        raise CspError(f"{where}: {' and '.join(unread)} not verified", path=FILE,
                       hint="Read the rating on the toolkit's page and write it as the page "
                       "publishes it, or remove the entry: an option is offered only with "
                       "ratings read on the toolkit")
    # A page publishes both ratings in one form: the current pages' words, or the earlier
    # pages' effect statement and icon count (the earlier addresses now serve current pages).
    earlier = (str(entry["evidence_quality"]).startswith("Evidence quality")
               or entry["effect"] in EARLIER_EFFECTS)
    scales = ((("effect", EARLIER_EFFECTS), ("evidence_quality", EARLIER_QUALITIES)) if earlier
              else (("effect", EFFECTS), ("evidence_quality", QUALITIES)))
    for name, scale in scales:
        if entry[name] not in scale:
            raise CspError(f"{where}: {name} '{entry[name]}' is not a rating of the scale of "
                           f"the toolkit's {'earlier' if earlier else 'current'} pages",
                           path=FILE, hint=f"Write one of {', '.join(scale)} as the page at "
                           "url publishes it, both ratings in the form of that page")
    try:
        checked = dt.date.fromisoformat(str(entry["checked"]))
    except ValueError:
        raise CspError(f"{where}: checked must be the date the page was read (YYYY-MM-DD)",
                       path=FILE) from None
    if not all(str(entry[f]).strip() for f in FIELDS):
        raise CspError(f"{where}: every field needs a value", path=FILE)
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
