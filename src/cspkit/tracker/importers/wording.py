"""Small readers for the free text around and inside plan tables."""

from __future__ import annotations

import re

from cspkit.tracker.importers.parsed import SubActionRow

_LABELS = re.compile(r"THEMATIC\s+LEAD\s*:|ACTION\s+POINT\s+LEADS?\s*:", re.IGNORECASE)
# "MW - Mick Williams", "EC – Emma Champley": capitals, a dash, then the name.
_LEGEND_CODE = re.compile(r"(?<![\w&])([A-Z][A-Z&]{1,5})\s+[-\u2013\u2014]\s+")
_SUB_ACTION = re.compile(r"(?:^|(?<=\s))([a-z])\)\s+")


def split_sub_actions(text: str) -> tuple[str, tuple[SubActionRow, ...]]:
    """Split "Do X: a) first b) second" into the action and its lettered sub-actions.

    Letters must run a), b), c) … in order, so "(see a) above)"-like text in the middle of a
    sentence is not mistaken for a list.

    >>> split_sub_actions("Tackle ASB: a) Use data b) Register POPs")
    ('Tackle ASB:', (SubActionRow(label='a', text='Use data'), SubActionRow(label='b', \
text='Register POPs')))
    """
    starts: list[re.Match[str]] = []
    for match in _SUB_ACTION.finditer(text):
        if ord(match.group(1)) == ord("a") + len(starts):
            starts.append(match)
    if not starts:
        return text.strip(), ()
    main = text[: starts[0].start()].strip()
    subs = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        subs.append(SubActionRow(match.group(1), text[match.end() : end].strip()))
    return main, tuple(subs)


def read_theme_preamble(text: str) -> tuple[str, dict[str, str]]:
    """The thematic lead and the initials legend from the text above an action table.

    Converted documents scatter these: the lead may come before its label, the legend may
    straddle the "ACTION POINT LEADS:" label. The lead is whatever text is not a legend
    entry; each legend entry is initials, a dash and a name.

    >>> read_theme_preamble("THEMATIC LEAD: Ch Insp (Mick Williams) "
    ...                     "ACTION POINT LEADS: MW - Mick Williams CS - Community Safety")
    ('Ch Insp (Mick Williams)', {'MW': 'Mick Williams', 'CS': 'Community Safety'})
    """
    flat = " ".join(_LABELS.sub(" ", text).split())
    codes = list(_LEGEND_CODE.finditer(flat))
    lead = flat[: codes[0].start()].strip() if codes else flat
    legend: dict[str, str] = {}
    for index, match in enumerate(codes):
        end = codes[index + 1].start() if index + 1 < len(codes) else len(flat)
        legend.setdefault(match.group(1), flat[match.end() : end].strip(" ;,"))
    return lead, legend


def split_leads(text: str) -> list[str]:
    """The separate leads named in one cell: "TA & CS" → ["TA", "CS"]; "A&E" stays whole.

    >>> split_leads("TA & CS, Police/SBC and A&E")
    ['TA', 'CS', 'Police', 'SBC', 'A&E']
    """
    parts = re.split(r"\s*[,;/]\s*|\s+(?:[&+]|and)\s+", text)
    return [part.strip() for part in parts if part.strip()]
