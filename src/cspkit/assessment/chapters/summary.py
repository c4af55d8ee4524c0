"""The executive summary: the analyst's own words, then the most important findings.

Findings come from every other chapter; the summary repeats the :data:`SUMMARY_SIZE` most
important ones (each sentence once), so its figures are the chapters' figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cspkit.assessment.document import Block, DataGap, Finding, Paragraph, Section
from cspkit.assessment.findings import SUMMARY_SIZE

TOTAL = "Total recorded crime"
HEADLINE = "performance_summary"
MAX_WARD_FINDINGS = 2
CONTEXT_FINDINGS = 2

_BULLET = re.compile(r"^\s*[-*]\s+")
_HEADING = re.compile(r"^\s*#+\s*")


def analyst_paragraphs(text: str) -> list[Paragraph]:
    """Markdown text as paragraphs: blank lines separate paragraphs, a heading line becomes a
    bold paragraph, list items each become a paragraph; ``**strong**`` and ``*em*`` stay."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            out += [Paragraph("• " + _BULLET.sub("", line).strip()) for line in lines]
        elif _HEADING.match(lines[0]):
            out.append(Paragraph(f"**{_HEADING.sub('', lines[0]).strip()}**"))
            if lines[1:]:
                out.append(Paragraph(" ".join(line.strip() for line in lines[1:])))
        else:
            out.append(Paragraph(" ".join(line.strip() for line in lines)))
    return out


def is_context(finding: Finding) -> bool:
    """A finding about the borough's circumstances rather than a change: deprivation,
    vulnerable localities, peers, hot spots (not a ward's rank or change)."""
    return finding.kind in ("note", "hot-spot") or (
        finding.kind == "highest" and "ward_code" not in finding.figures)


def top_findings(chapters: Sequence[Section], size: int = SUMMARY_SIZE) -> list[Finding]:
    """The ``size`` most important findings of the chapters, each sentence once.

    The change in total recorded crime always leads (the headline figure of every
    assessment); the last :data:`CONTEXT_FINDINGS` places go to the most important context
    findings (:func:`is_context`) of different kinds (a hot spot, a deprivation or peer
    note), which rarely outscore a change but belong in a summary.
    Place findings are limited: one per ward (a ward that rose in several themes is one
    story, told by its most important finding) and :data:`MAX_WARD_FINDINGS` in all, so
    that borough-wide changes are not crowded out by their parts; and one change is told
    once (a target finding repeats its change's figures).
    """
    found: dict[str, Finding] = {}
    for chapter in chapters:
        for block in _walk(chapter):
            if isinstance(block, Finding) and block.sentence not in found:
                found[block.sentence] = block

    def order(finding: Finding) -> tuple:
        headline = finding.figures.get("group") == TOTAL and finding.source_table == HEADLINE
        return (not headline, -finding.importance, finding.sentence)

    ranked = sorted(found.values(), key=order)
    context = list({f.kind: f for f in reversed(ranked) if is_context(f)}.values())
    context = sorted(context, key=order)[:CONTEXT_FINDINGS]
    chosen: list[Finding] = []
    wards: set[str] = set()
    told: set[tuple] = set()
    for finding in ranked:
        if is_context(finding):
            continue
        figures = finding.figures
        story = (figures.get("group"), figures.get("current"), figures.get("previous"),
                 figures.get("ward_code"))
        if "current" in figures and story in told:
            continue  # a target finding repeats its change's figures: tell them once
        told.add(story)
        ward = figures.get("ward_code")
        if ward is not None:
            if ward in wards or len(wards) >= MAX_WARD_FINDINGS:
                continue
            wards.add(str(ward))
        chosen.append(finding)
    return chosen[:size - len(context)] + context


def _walk(section: Section):
    for child in section.children:
        if isinstance(child, Section):
            yield from _walk(child)
        else:
            yield child


def data_gap_paragraph(gaps: Sequence[DataGap]) -> Paragraph | None:
    """One sentence on the data the assessment lacked, by the agencies that hold it."""
    if not gaps:
        return None
    owners = sorted({g.owner for g in gaps})
    held = f", held by {', '.join(owners)}" if owners else ""
    kinds = len({g.missing for g in gaps})
    return Paragraph(
        f"The assessment names {kinds} data requirements{held}: data that would fill its "
        "gaps, listed under Recommendations for the data requirements register.")


def summary_chapter(*, intro: str, analyst_text: str, chapters: Sequence[Section],
                    gaps: Sequence[DataGap] = ()) -> Section:
    """The executive summary chapter."""
    children: list[Block] = [Paragraph(intro)]
    children += analyst_paragraphs(analyst_text)
    children.append(Paragraph("**Key findings**, most important first (how they are chosen "
                              "is set out in Appendix B):"))
    children += top_findings(chapters)
    gap_text = data_gap_paragraph(gaps)
    if gap_text is not None:
        children.append(gap_text)
    return Section(id="executive_summary", title="Executive summary", level=1,
                   children=tuple(children))
