"""What an import did: counts per kind of item, and everything it could not map."""

from __future__ import annotations

from dataclasses import dataclass, field

from cspkit.tracker.importers.parsed import CoverParagraph, Unmapped

KINDS = (
    "agencies",
    "themes",
    "actions",
    "sub-actions",
    "recommendations",
    "data requirements",
    "updates",
)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    removed: int = 0  # sub-actions no longer in the file


@dataclass
class UnmatchedLead:
    """A lead named in the file that matches no agency or person of the partnership."""

    what: str
    name: str
    wheres: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of importing one file into one plan.

    ``skipped`` counts items already in the plan exactly as the file has them: importing
    the same file twice gives a second report with everything skipped.
    """

    path: str
    plan: str
    title: str = ""
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    cover_paragraphs: list[CoverParagraph] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    warnings: list[Unmapped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmatched_leads: list[UnmatchedLead] = field(default_factory=list)

    def unmatched_lead(self, *, what: str, name: str, where: str) -> None:
        """Record a lead nobody matches, once per name however many rows name it."""
        for lead in self.unmatched_leads:
            if (lead.what, lead.name) == (what, name):
                lead.wheres.append(where)
                return
        self.unmatched_leads.append(UnmatchedLead(what, name, [where]))

    def count(self, kind: str, outcome: str) -> None:
        counts = self.counts[kind]
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def skipped(self) -> int:
        return sum(c.skipped for c in self.counts.values())

    def lines(self) -> list[str]:
        """The report as plain lines, for the command line and logs."""
        out = [f"{self.path} → {self.plan}" + (f" ({self.title})" if self.title else "")]
        for kind, counts in self.counts.items():
            if counts.created or counts.updated or counts.skipped or counts.removed:
                removed = f", {counts.removed} removed" if counts.removed else ""
                out.append(
                    f"  {kind}: {counts.created} created, {counts.updated} updated, "
                    f"{counts.skipped} unchanged{removed}"
                )
        if self.cover_paragraphs:
            out.append(
                f"  cover paragraphs found: {len(self.cover_paragraphs)} "
                "(not stored; pass them to the progress report to reuse them)"
            )
        out.extend(f"  note: {note}" for note in self.notes)
        out.extend(f"  check {item.where}: {item.reason}" for item in self.warnings)
        if self.unmatched_leads:
            out.append(
                f"  leads not linked ({len(self.unmatched_leads)}): add them to the partnership "
                "as written, then import again to link them"
            )
            out.extend(
                f"    {lead.what} '{lead.name}': {', '.join(lead.wheres)}"
                for lead in self.unmatched_leads
            )
        if self.unmapped:
            out.append(f"  not imported ({len(self.unmapped)}):")
            out.extend(
                f"    {item.where}: {item.reason}: {_short(item.text)}" for item in self.unmapped
            )
        return out


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
