"""``csp profile``: a problem profile of one topic in one area, in the SARA structure.

Scanning (how big, how it changed, its share of the partnership, the trend), Analysis (the
problem analysis triangle — victims, offenders, location — with time, repeat locations and
outcomes), Response (options from the shipped evidence base) and Assessment (the measures to
track). Every figure comes from :mod:`cspkit.analysis`; this module gathers the results and
writes them through :mod:`cspkit.render` with the assessment's manifest and disclosure rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.area_selection import AreaSelection, select_areas
from cspkit.analysis.involvement import COUNCIL_ASB
from cspkit.analysis.outcomes import OutcomeProfile, outcome_profile
from cspkit.analysis.people import PeopleProfile, people_profile
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.problem import ProblemSize, problem_size
from cspkit.analysis.repeats import Repeats, repeats
from cspkit.analysis.scope import Scope, resolve_scope
from cspkit.analysis.temporal import TemporalProfile, temporal_profile
from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.analysis.topics import Topic, resolve_topic
from cspkit.assessment.build import partnership_document, period_text
from cspkit.assessment.citing import DataCiter
from cspkit.assessment.config import PartnershipConfig, load_config
from cspkit.assessment.document import Document
from cspkit.assessment.evidence import Unavailable, optional
from cspkit.assessment.interventions import EvidenceBase, load_evidence_base
from cspkit.assessment.locations import TopLocations, top_locations
from cspkit.assessment.profile_sections import measures, profile_sections
from cspkit.render import write_csv_bundle, write_docx, write_html, write_pdf
from cspkit.sources.fetch import parse_months
from cspkit.warehouse import connect

ROLES = ("victim", "caller", "offender", "suspect")
"""``person_involvement`` roles a profile shows, in order."""
EVERY_LOCATION = 1_000_000
"""``top_n`` that keeps every location: the repeat-location figures need them all."""
WRITERS = {"html": write_html, "docx": write_docx, "pdf": write_pdf}


@dataclass(frozen=True, eq=False)
class ProfileEvidence:
    """Every result a problem profile is written from.

    ``people`` holds a profile per role that partner data link to the topic's incidents;
    ``repeats`` and ``timing`` are ``None`` when no partner data cover the topic;
    ``outcomes`` is ``None`` for topics police.uk publishes no outcomes for.
    """

    config: PartnershipConfig
    topic: Topic
    selection: AreaSelection
    size: ProblemSize
    people: dict[str, PeopleProfile | Unavailable]
    repeats: Repeats | Unavailable | None
    timing: TemporalProfile | Unavailable | None
    locations: TopLocations | Unavailable
    outcomes: OutcomeProfile | Unavailable | None
    partner_sources: tuple[str, ...]
    evidence_base: EvidenceBase
    citer: DataCiter
    ledger: pd.DataFrame = field(repr=False)

    @property
    def period(self) -> StrategicPeriod:
        return self.size.period

    @property
    def comparison(self) -> StrategicPeriod:
        return self.size.comparison

    @property
    def threshold(self) -> int:
        """Disclosure control: person counts (and partner counts) below this are withheld."""
        return self.config.suppression_threshold

    def results(self) -> list:
        """Every analysis result that ran (for the inputs list)."""
        found = [self.size, self.repeats, self.timing, self.locations, self.outcomes,
                 *self.people.values()]
        return [r for r in found if r is not None and not isinstance(r, Unavailable)]


def _topic_incidents(con: BaseBackend, topic: Topic, scope: Scope) -> ibis.Table:
    """The topic's incidents of every source in the area and period: for a crime type, the
    partners' records of it too (the police extract); for ASB, the council's ASB cases."""
    incident = con.table("incident")
    mine = incident.filter(incident.month.isin(list(scope.period.months)),
                           incident.lsoa_code.isin(scope.lsoa_codes))
    if topic.kind == "partner":
        return mine.filter(mine.source == topic.source)
    if topic.kind == "asb":
        return mine.filter(mine.category.isin([ASB_CATEGORY]) | (mine.source == COUNCIL_ASB))
    return mine.filter(mine.category.isin(list(topic.categories or ())))


def _people(con: BaseBackend, topic: Topic, scope: Scope
            ) -> tuple[dict[str, PeopleProfile | Unavailable], Repeats | Unavailable | None,
                       TemporalProfile | Unavailable | None, tuple[str, ...]]:
    """Profiles of each role partner data link to the topic, their repeats, when the
    topic's dated incidents happen, and the partner sources these read."""
    mine = _topic_incidents(con, topic, scope)
    person = con.table("person_involvement")
    linked = (person.join(mine.select("incident_id", incident_source=mine.source),
                          "incident_id")
              .select("role", "incident_source").distinct().to_pandas())
    timed = sorted(mine.filter(mine.occurred_at.notnull()).select("source").distinct()
                   .to_pandas()["source"])
    categories = list(topic.categories) if topic.kind == "crime_type" else None
    profiles: dict[str, PeopleProfile | Unavailable] = {}
    for role in ROLES:
        sources = tuple(sorted(linked.loc[linked["role"] == role, "incident_source"]))
        if sources:
            profiles[role] = optional("people", lambda role=role, sources=sources:
                                      people_profile(con, scope, role=role, sources=sources,
                                                     categories=categories))
    repeated = None
    if profiles:
        sources = tuple(sorted(set(linked["incident_source"])))
        repeated = optional("repeats", lambda: repeats(con, scope, sources=sources,
                                                      categories=categories))
    timing = optional("timing", lambda: temporal_profile(
        con, scope, sources=timed, categories=categories)) if timed else None
    used = set(linked["incident_source"]) | set(timed)
    return profiles, repeated, timing, tuple(sorted(used))


def _forces(con: BaseBackend, lsoas: list[str], months: Sequence[str]) -> list[str]:
    incident = con.table("incident")
    rows = incident.filter(incident.lsoa_code.isin(lsoas), incident.month.isin(list(months)),
                           incident.police_force.notnull())
    return sorted(rows.select("police_force").distinct().to_pandas()["police_force"])


def gather_profile(con: BaseBackend, config: PartnershipConfig, *, topic: str,
                   areas: Sequence[str], period: StrategicPeriod | None = None
                   ) -> ProfileEvidence:
    """Run every analysis a problem profile needs.

    Parameters
    ----------
    con
        Warehouse backend.
    config
        The partnership configuration (its areas, comparison rule, thresholds).
    topic
        A police.uk crime type, ``ASB`` or a loaded partner source
        (:func:`cspkit.analysis.topics.resolve_topic`).
    areas
        Ward or LSOA names or codes, or GeoJSON polygon files
        (:func:`cspkit.analysis.area_selection.select_areas`).
    period
        The period profiled (default the configuration's strategic period).

    Raises
    ------
    CspError
        An unknown topic or area, or a month of either period not loaded.
    """
    subject = resolve_topic(con, topic)
    partnership = resolve_scope(con, areas=config.areas, period=period or config.period(),
                                compare=config.compare)
    selection = select_areas(con, areas, within=partnership)
    size = problem_size(con, partnership, areas=selection.codes, topic=subject,
                        small_number=config.small_number_threshold)
    scope = partnership.within(selection.codes)
    people, repeated, timing, used = _people(con, subject, scope)
    locations = optional("locations", lambda: top_locations(
        con, scope, sources=[subject.source],
        categories=None if subject.categories is None else list(subject.categories),
        top_n=EVERY_LOCATION))
    outcomes = (optional("outcomes", lambda: outcome_profile(con, scope))
                if subject.kind == "crime_type" else None)
    ledger = con.table("load_ledger").to_pandas()
    span = partnership.span
    citer = DataCiter(ledger, _forces(con, partnership.lsoa_codes, span.months),
                      span.start, span.end)
    return ProfileEvidence(config=config, topic=subject, selection=selection, size=size,
                           people=people, repeats=repeated, timing=timing,
                           locations=locations, outcomes=outcomes, partner_sources=used,
                           evidence_base=load_evidence_base(), citer=citer, ledger=ledger)


def profile_document(evidence: ProfileEvidence) -> Document:
    """The problem profile as a Document (no warehouse access)."""
    return partnership_document(
        evidence.config,
        title=f"Problem profile: {evidence.topic.name} in {evidence.selection.label}",
        subtitle=f"Compared with {period_text(evidence.comparison)}",
        period=evidence.period, comparison=evidence.comparison,
        sections=profile_sections(evidence), results=evidence.results(),
        ledger=evidence.ledger, settings={"profile": {
            "topic": evidence.topic.name, "source": evidence.topic.source,
            "categories": list(evidence.topic.categories or ()),
            "areas": list(evidence.selection.codes),
            "lsoas": list(evidence.selection.lsoa_codes),
            "polygons": list(evidence.selection.polygons)}})


@dataclass
class ProfileRun:
    """What :func:`write_profile` wrote."""

    document: Document
    evidence: ProfileEvidence
    written: dict[str, Path]

    def summary(self) -> list[str]:
        """Lines for the command line."""
        doc = self.document
        lines = [f"{doc.title}, {doc.period_text}: {len(doc.tables())} tables, "
                 f"{len(doc.figures())} figures, {len(doc.data_gaps())} data gaps"]
        return lines + [f"  {name}: {path}" for name, path in self.written.items()]


def write_profile(config_path: str | Path, *, warehouse: str | Path, out_dir: str | Path,
                  topic: str, areas: Sequence[str], period: str | None = None,
                  formats: Sequence[str] = ("html", "docx", "pdf")) -> ProfileRun:
    """Build a problem profile and write ``profile.html``/``.docx``/``.pdf``,
    ``measures.json`` (the measures to track, ready for the plan tracker) and ``data/`` (every
    table as CSV with ``manifest.json``).

    Parameters
    ----------
    config_path
        The partnership configuration (TOML).
    warehouse
        Warehouse DuckDB file or Ibis URL.
    out_dir
        Folder for the outputs (created if missing).
    topic, areas
        What and where (see :func:`gather_profile`).
    period
        ``YYYY-MM:YYYY-MM``; default the configuration's strategic period.
    formats
        Which of ``html``, ``docx`` and ``pdf`` to write.

    Raises
    ------
    CspError
        A configuration, topic, area or warehouse problem; nothing is written.
    """
    config = load_config(config_path)
    chosen = StrategicPeriod(*parse_months(period)) if period else None
    con = connect(warehouse, create=False)
    try:
        evidence = gather_profile(con, config, topic=topic, areas=areas, period=chosen)
    finally:
        con.disconnect()
    document = profile_document(evidence)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in formats:
        written[name] = WRITERS[name](document, out / f"profile.{name}")
    path = out / "measures.json"
    path.write_text(json.dumps(measures(evidence), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    written["measures.json"] = path
    written["data"] = write_csv_bundle(document, out / "data")
    return ProfileRun(document=document, evidence=evidence, written=written)

