"""The executive summary: the analyst's own words, then the most important findings.

Findings come from every other chapter (:func:`top_findings` says which), so the summary's
figures are the chapters' figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from cspkit.analysis.themes import ASB_CATEGORY
from cspkit.assessment.chapters.overview import (
    RECENT_DIRECTION_TABLE,
    RECENT_TABLE,
    SUMMARY_TABLE,
)
from cspkit.assessment.config import Theme
from cspkit.assessment.document import Block, Finding, Paragraph, Section, Table
from cspkit.assessment.wording import names_text

TOTAL = "Total recorded crime"
HEADLINE = SUMMARY_TABLE
RECENT_TABLES = (RECENT_TABLE, RECENT_DIRECTION_TABLE)
OTHER_CHANGES = 3
"""How many changes the summary tells beyond total crime, the recent direction and the
priority themes' significant changes."""
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


def theme_groups(theme: Theme) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The rows of the comparison table that tell a theme's change, each with its parts.

    A theme of several crime types is told by its own row, whose parts are those types; a
    theme of one crime type by that type's row; anti-social behaviour by its own row.

    >>> theme_groups(Theme(id="acq", name="Acquisitive", categories=["Burglary", "Shoplifting"]))
    (('Acquisitive', ('Burglary', 'Shoplifting')),)
    >>> theme_groups(Theme(id="asb", name="ASB", categories=["Anti-social behaviour"]))
    (('Anti-social behaviour', ()),)
    """
    crime = tuple(c for c in theme.categories if c != ASB_CATEGORY)
    groups: list[tuple[str, tuple[str, ...]]] = []
    if len(crime) == 1:
        groups.append((crime[0], ()))
    elif crime:
        groups.append((theme.name, crime))
    if ASB_CATEGORY in theme.categories:
        groups.append((ASB_CATEGORY, ()))
    return tuple(groups)


def _is_period_change(finding: Finding) -> bool:
    """A borough-wide change between the strategic and comparison periods (not a ward's, a
    target's or a recent half-year's)."""
    return (finding.kind in ("rise", "fall", "no-significant-change")
            and "group" in finding.figures and "ward_code" not in finding.figures
            and finding.source_table not in RECENT_TABLES)


def _story(finding: Finding) -> tuple:
    f = finding.figures
    return (f.get("group"), f.get("current"), f.get("previous"), f.get("ward_code"))


def _with_part(parent: Finding, part: Finding) -> Finding:
    """The parent's change and its most important part in the same direction, one story:
    "Acquisitive crime fell by 7.3% (…), a statistically significant decrease; within it,
    vehicle crime fell by 22% (…), also a statistically significant decrease."."""
    text = part.sentence[0].lower() + part.sentence[1:]
    text = text.replace(", a statistically significant", ", also a statistically significant")
    figures = {**parent.figures, "part": part.figures["group"],
               "part_current": part.figures["current"],
               "part_previous": part.figures["previous"],
               "part_p_value": part.figures["p_value"]}
    return replace(parent, sentence=f"{parent.sentence[:-1]}; within it, {text}",
                   figures=figures)


def top_findings(chapters: Sequence[Section], themes: Sequence[Theme] = (),
                 others: int = OTHER_CHANGES) -> list[Finding]:
    """The findings of the executive summary, from the chapters' findings.

    In order:

    1. the change in total recorded crime (the headline figure of every assessment);
    2. the recent direction (the last months against the same months a year earlier) when
       the total shows no significant change, or when the recent direction is significant
       and differs from the total's: what a manager asks next;
    3. the significant change of every priority theme, and ``others`` more changes, most
       important first (half-year comparisons only by rule 2). A theme's change and a
       change of one of its crime types in the same direction are one story: the most
       important such part is told within the theme's sentence, the others left to the
       chapter. Place findings are limited to one per ward
       (a ward that rose in several themes is one story, told by its most important
       finding) and :data:`MAX_WARD_FINDINGS` in all, so that borough-wide changes are not
       crowded out by their parts; a target finding repeating a change's figures is not
       told twice;
    4. the :data:`CONTEXT_FINDINGS` most important context findings (:func:`is_context`)
       of different kinds (a hot spot, a deprivation or peer note), which rarely outscore a
       change but belong in a summary.
    """
    found: dict[str, Finding] = {}
    for chapter in chapters:
        for block in _walk(chapter):
            if isinstance(block, Finding) and block.sentence not in found:
                found[block.sentence] = block
    ranked = sorted(found.values(), key=lambda f: (-f.importance, f.sentence))
    period_changes = {f.figures["group"]: f for f in reversed(ranked) if _is_period_change(f)}

    lead: list[Finding] = []
    total = next((f for f in ranked if f.figures.get("group") == TOTAL
                  and f.source_table == HEADLINE), None)
    if total is not None:
        lead.append(total)
        recent = next((f for f in ranked if f.figures.get("group") == TOTAL
                       and f.source_table == RECENT_DIRECTION_TABLE), None)
        if recent is not None and (total.kind == "no-significant-change" or (
                recent.kind != "no-significant-change" and recent.kind != total.kind)):
            lead.append(recent)
    told = {_story(f) for f in lead}

    required: list[Finding] = []
    for theme in themes:
        for group, parts in theme_groups(theme):
            finding = period_changes.get(group)
            if finding is None or finding.kind == "no-significant-change":
                continue
            same_way = [period_changes[p] for p in parts
                        if p in period_changes and period_changes[p].kind == finding.kind]
            told |= {_story(finding), *(_story(p) for p in same_way)}
            if same_way:
                finding = _with_part(finding, max(same_way, key=lambda f: f.importance))
            required.append(finding)

    chosen: list[Finding] = []
    wards: set[str] = set()
    for finding in ranked:
        if len(chosen) >= others:
            break
        if (is_context(finding) or finding.kind == "no-significant-change"
                or finding.source_table in RECENT_TABLES or _story(finding) in told):
            continue
        told.add(_story(finding))
        ward = finding.figures.get("ward_code")
        if ward is not None:
            if ward in wards or len(wards) >= MAX_WARD_FINDINGS:
                continue
            wards.add(str(ward))
        chosen.append(finding)
    changes = sorted(required + chosen, key=lambda f: (-f.importance, f.sentence))
    context = list({f.kind: f for f in reversed(ranked) if is_context(f)}.values())
    context = sorted(context, key=lambda f: (-f.importance, f.sentence))[:CONTEXT_FINDINGS]
    return lead + changes + context


def _walk(section: Section):
    for child in section.children:
        if isinstance(child, Section):
            yield from _walk(child)
        else:
            yield child


def data_gap_paragraph(register: Table | None) -> Paragraph | None:
    """One sentence on the data the assessment lacked: how many entries the data
    requirements register (``register``, the table under Recommendations) holds, and the
    agencies it names as their owners."""
    if register is None or not register.rows:
        return None
    rows = register.frame()
    owners = sorted(set(rows["owner"]), key=str.lower)
    held = f", with the agencies that hold them ({names_text(owners)})" if owners else ""
    n = len(rows)
    return Paragraph(
        f"The data requirements register under Recommendations lists {n} "
        f"{'data requirement' if n == 1 else 'data requirements'}: data this assessment did "
        f"not have{held}.")


def summary_chapter(*, intro: str, analyst_text: str, chapters: Sequence[Section],
                    themes: Sequence[Theme] = (), register: Table | None = None) -> Section:
    """The executive summary chapter."""
    children: list[Block] = [Paragraph(intro)]
    children += analyst_paragraphs(analyst_text)
    children.append(Paragraph("**Key findings**, most important first (how they are chosen "
                              "is set out in Appendix B):"))
    children += top_findings(chapters, themes)
    gap_text = data_gap_paragraph(register)
    if gap_text is not None:
        children.append(gap_text)
    return Section(id="executive_summary", title="Executive summary", level=1,
                   children=tuple(children))
