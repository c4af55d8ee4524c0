"""Match the leads written in plan tables to the partnership's agencies and people.

Nothing is invented: a lead that matches no agency or person is reported, so the manager
can add it (as written in the table: "POLICE", "MW") and import the file again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cspkit.tracker.importers.wording import split_leads
from cspkit.tracker.models import Agency, Partnership, Person


@dataclass
class Leads:
    people: list[Person] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


class LeadIndex:
    """The partnership's agencies (by short name and name) and people (by initials)."""

    def __init__(self, partnership: Partnership) -> None:
        self.agencies: dict[str, Agency] = {}
        self.longest_agency = 0
        for agency in Agency.objects.filter(partnership=partnership):
            self.add_agency(agency)
        self.people = list(
            Person.objects.filter(agency__partnership=partnership).select_related("agency")
        )
        self.by_initials = {
            _key(person.initials): person for person in self.people if person.initials
        }

    def add_agency(self, agency: Agency) -> None:
        self.agencies.setdefault(_key(agency.short_name), agency)
        self.agencies.setdefault(_key(agency.name), agency)
        self.longest_agency = max(self.longest_agency, len(_key(agency.name).split()))

    def agencies_in(self, text: str) -> Leads:
        """Agencies named in a cell, including run-together ones: "POLICE SBC"."""
        found = Leads()
        for part in split_leads(text):
            self._scan_agencies(part, found)
        return found

    def action_leads(self, text: str, legend: dict[str, str]) -> Leads:
        """People (by initials, or by the legend's name) and agencies leading an action."""
        found = Leads()
        for part in split_leads(text):
            person = self.by_initials.get(_key(part)) or self._person_named(legend.get(part, ""))
            if person is not None:
                found.people.append(person)
            elif _key(part) in self.agencies:
                found.agencies.append(self.agencies[_key(part)])
            else:
                named = legend.get(part)
                found.unmatched.append(f"{part} ({named})" if named else part)
        return found

    def person_in(self, text: str) -> Person | None:
        """The person whose full name appears in ``text`` ("Ch Insp (Mick Williams)")."""
        lowered = text.lower()
        named = [p for p in self.people if p.full_name and p.full_name.lower() in lowered]
        return max(named, key=lambda p: len(p.full_name), default=None)

    def _person_named(self, name: str) -> Person | None:
        wanted = _key(name)
        return next((p for p in self.people if wanted and _key(p.full_name) == wanted), None)

    def _scan_agencies(self, part: str, found: Leads) -> None:
        words = part.split()
        position = 0
        leftover: list[str] = []
        while position < len(words):
            match = self._longest_agency_at(words, position)
            if match is None:
                leftover.append(words[position])
                position += 1
                continue
            agency, length = match
            if leftover:
                found.unmatched.append(" ".join(leftover))
                leftover = []
            if agency not in found.agencies:
                found.agencies.append(agency)
            position += length
        if leftover:
            found.unmatched.append(" ".join(leftover))

    def _longest_agency_at(self, words: list[str], start: int) -> tuple[Agency, int] | None:
        for length in range(min(self.longest_agency, len(words) - start), 0, -1):
            agency = self.agencies.get(_key(" ".join(words[start : start + length])))
            if agency is not None:
                return agency, length
        return None


def _key(text: str) -> str:
    return " ".join(text.lower().split())
