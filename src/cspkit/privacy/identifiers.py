"""Finding people's identifiers in columns about to be shared or stored.

One check for ``csp pseudonymise`` (over every column it keeps) and ``csp load-partner``
(over the details and free-text columns a mapping reads, and its person keys): a column
holding names, phone numbers, e-mail addresses, dates of birth, full postcodes or
house-number addresses is refused, naming the column and the kinds found, never a value.

Each non-empty value is tested; a column is flagged for a kind when enough of its values
hold it (``THRESHOLDS``, documented in docs/privacy.md):

- **phone numbers, e-mail addresses, full postcodes, house-number addresses, a date after
  "DOB" or "born"**: one value is enough. The patterns are specific (a UK number of 10 or
  11 digits from ``0`` or ``+44``; a postcode whose inward letters are ones Royal Mail
  uses; a number followed by capitalised words and a street word), so a match is an
  identifier, and a single one is a leak.
- **names**: a title and a capitalised word (``Mrs Kowalska``), or a known given name
  followed by a known surname (``Zoë Brontë``, ``SMITH, John``), from the lists shipped
  in ``cspkit/privacy/names/``. Ordinary text meets such pairs by accident (a dog called
  Jack Russell), so a column is flagged when two different names are found, or when names
  are in at least 5% of its values. A column whose values are mostly single known names
  (at least half, five different ones) is a forename or surname column. A pair followed
  by a street word is a street named after someone (``Harold Wilson Road``).
- **dates of birth**: besides a date after "DOB" or "born", a column named for birth
  dates, or a column of dates (at least 80% of values) spread over 15 years or more
  between its 10th and 90th percentile: incidents of an export span a few years, dates
  of birth a lifetime.

A **location** column (where the incident happened) is expected to hold postcodes,
addresses and place names: it is checked for names, phones, e-mails and dates of birth
only, and there a place that is also a name (Stockton, Preston, Norton, listed in
``places.txt``) or a surname that is also a landscape word (Green, Hill) is read as a
place.

This is a safety net, not a proof: a name in no list, or a house name without a number,
passes. The guarantee is the allow-list of ``csp pseudonymise``: only columns the data
owner names are shared.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import numpy as np

NAMES = "names"
PHONES = "phone numbers"
EMAILS = "e-mail addresses"
BIRTH_DATES = "dates of birth"
POSTCODES = "full postcodes"
ADDRESSES = "house-number addresses"
KINDS = (NAMES, PHONES, EMAILS, BIRTH_DATES, POSTCODES, ADDRESSES)
LOCATION_KINDS = (NAMES, PHONES, EMAILS, BIRTH_DATES)


@dataclass(frozen=True)
class Threshold:
    """A column is flagged when ``share`` of its non-empty values hold the kind, or when
    ``distinct`` different values do."""

    share: float
    distinct: int


THRESHOLDS = {
    PHONES: Threshold(share=0.0, distinct=1),
    EMAILS: Threshold(share=0.0, distinct=1),
    POSTCODES: Threshold(share=0.0, distinct=1),
    ADDRESSES: Threshold(share=0.0, distinct=1),
    BIRTH_DATES: Threshold(share=0.0, distinct=1),
    NAMES: Threshold(share=0.05, distinct=2),
}
SINGLE_NAME_COLUMN = Threshold(share=0.5, distinct=5)
DATE_COLUMN_SHARE = 0.8
BIRTH_DATE_SPREAD_YEARS = 15

# Person keys as `csp pseudonymise` writes them: HMAC-SHA256 as 64 hex characters.
PERSON_KEY = re.compile(r"[0-9a-fA-F]{64}")

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
# Words that end a street or a building's name; never a surname ("Albert Park").
STREET_WORDS = frozenset([
    "road", "rd", "street", "st", "avenue", "ave", "lane", "ln", "close", "drive", "way",
    "court", "ct", "crescent", "cres", "grove", "gardens", "gdns", "terrace", "place",
    "pl", "square", "sq", "walk", "view", "row", "mews", "parade", "rise", "park",
    "centre", "center", "estate", "precinct", "arcade", "station", "school", "academy",
    "college", "church", "chapel", "hall", "house", "hospital", "surgery", "library",
    "shop", "shops", "stores", "club", "pub", "inn", "arms", "hotel", "yard", "wharf",
    "quay", "market", "boulevard", "circus", "wynd", "chare", "garth", "lodge", "cottage",
    "cottages", "farm", "manor", "grange", "pastures", "paddock", "approach", "university",
    "infirmary", "stadium", "theatre", "museum", "gallery", "leisure", "sports", "retail",
    "shopping", "business", "industrial", "medical", "health", "community", "memorial",
    "primary", "junior", "infant", "nursery",
])
# Surnames that are also landscape words: read as places in a location ("Lincoln Green").
LANDSCAPE_WORDS = frozenset([
    "green", "hill", "hills", "wood", "woods", "field", "fields", "bank", "banks", "cross",
    "marsh", "brook", "brooks", "dale", "ford", "moor", "heath", "vale", "gate", "gates",
    "well", "wells", "mill", "mills", "croft", "lea", "leigh", "end", "side", "top",
    "bridge", "common", "meadow", "meadows",
])

_EMAIL = re.compile(r"[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"(?<![\w+/])(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)(?:[\s\-()]*\d){9,10}"
                    r"(?![\d/])")
# Inward letters are never C, I, K, M, O or V; "1ST", "2ND", "3RD", "4TH" are ordinals.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*(?!1ST|2ND|3RD|[04-9]TH)"
                       r"[0-9][ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
_STREET = "|".join(sorted(STREET_WORDS | {"hill", "green", "bank", "gate", "vale"}, key=len,
                          reverse=True))
# A house number (after a flat number, or a range "12-14") and the street it is on.
_ADDRESS = re.compile(
    rf"(?<![\w/.:£$-])(?P<number>(?:(?i:flat|apartment|apt|unit)\s*\w{{1,4}},?\s+)?"
    rf"\d{{1,4}}[A-Za-z]?(?:\s*[-–/]\s*\d{{1,4}}[A-Za-z]?)?),?\s+"
    rf"(?P<street>(?:[A-Z][\w'’-]*\s+){{0,3}}(?i:{_STREET})\b)")
_DATE = r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})"
_BIRTH_IN_TEXT = re.compile(rf"(?i:\b(?:d\.?\s?o\.?\s?b\.?|date of birth|born(?: on)?)"
                            rf"[\s:.-]*{_DATE}|\bborn (?:in )?(?:19|20)\d\d\b)")
_BIRTH_HEADER = re.compile(r"(?i)\b(?:d\.?o\.?b\.?|birth|born)\b")
_DATE_VALUE = re.compile(r"^\s*(?:(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|(\d{4})-(\d{2})-(\d{2}))"
                         r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass(frozen=True)
class IdentifierFinding:
    """One kind of identifier found in a column: in ``found`` of its ``values`` non-empty
    values."""

    column: str
    kind: str
    found: int
    values: int


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).replace("’", "'").casefold()


@cache
def _names(file: str) -> frozenset[str]:
    text = resources.files("cspkit.privacy").joinpath("names", file).read_text("utf-8")
    return frozenset(_fold(line.strip()) for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def is_person_key(value: str) -> bool:
    """Whether ``value`` looks like a key ``csp pseudonymise`` writes (64 hex characters).

    Examples
    --------
    >>> is_person_key("9f" * 32), is_person_key("John Smith")
    (True, False)
    """
    return PERSON_KEY.fullmatch(value.strip()) is not None


def has_house_number(text: str) -> bool:
    """Whether ``text`` holds a house number on a street (``"12a Mill Lane"``)."""
    return _ADDRESS.search(text) is not None


def without_house_number(text: str) -> str:
    """``text`` with house and flat numbers taken off the streets it names.

    Examples
    --------
    >>> without_house_number("Flat 3, 12a Acacia Avenue, Kestrel Vale")
    'Acacia Avenue, Kestrel Vale'
    >>> without_house_number("outside 27-29 Victoria Road")
    'outside Victoria Road'
    """
    return _ADDRESS.sub(lambda match: match.group("street"), text)


def _name_in(value: str, *, location: bool) -> str | None:
    """The first person's name in ``value`` (normalised), or ``None``."""
    forenames, surnames, places = (_names("forenames.txt"), _names("surnames.txt"),
                                   _names("places.txt"))
    tokens = list(_TOKEN.finditer(value))
    folded = [_fold(t.group()) for t in tokens]
    capital = [t.group()[0].isupper() for t in tokens]

    def gap(i: int) -> str:
        return value[tokens[i].end():tokens[i + 1].start()]

    def street_after(i: int) -> bool:
        return i + 1 < len(tokens) and gap(i).isspace() and folded[i + 1] in STREET_WORDS

    def place(i: int) -> bool:
        return location and (folded[i] in places or folded[i] in LANDSCAPE_WORDS)

    for i in range(len(tokens) - 1):
        a, b = folded[i], folded[i + 1]
        if not (capital[i] and capital[i + 1]) or b in STREET_WORDS or len(b) < 2:
            continue
        between = gap(i)
        if a in TITLES and re.fullmatch(r"\.?\s+", between):
            after_word = i > 0 and capital[i - 1] and gap(i - 1).isspace()
            if not (a == "dr" and after_word):  # "Oak Dr Middlesbrough" is an address
                return f"{a} {b}"
        if place(i) or place(i + 1):
            continue
        if between.isspace() and a in forenames and b in surnames and not street_after(i + 1):
            return f"{a} {b}"
        if re.fullmatch(r"\s*,\s*", between) and a in surnames and b in forenames:
            return f"{b} {a}"
    return None


def _single_name(value: str) -> bool:
    """Whether ``value`` is one known given name or surname and nothing else."""
    text = value.strip()
    if not _TOKEN.fullmatch(text) or not text[0].isupper():
        return False
    word = _fold(text)
    return (word in _names("forenames.txt") or word in _names("surnames.txt")) and not (
        word in _names("places.txt") or word in STREET_WORDS or word in LANDSCAPE_WORDS)


def _date_of(value: str) -> date | None:
    match = _DATE_VALUE.match(value)
    if not match:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
        else (match.group(6), match.group(5), match.group(4))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _birth_date_column(column: str, counts: Counter[str]) -> bool:
    """A column named for birth dates, or dates spread over a lifetime."""
    if _BIRTH_HEADER.search(column):
        return True
    total = sum(counts.values())
    dated = [(d.toordinal(), n) for v, n in counts.items() if (d := _date_of(v)) is not None]
    if not dated or sum(n for _, n in dated) < DATE_COLUMN_SHARE * total:
        return False
    days = np.repeat([d for d, _ in dated], [n for _, n in dated])
    low, high = np.percentile(days, [10, 90])
    return (high - low) / 365.25 >= BIRTH_DATE_SPREAD_YEARS


def _flagged(kind: str, found: Counter[str], total: int) -> bool:
    rule = THRESHOLDS[kind]
    hits = sum(found.values())
    return hits > 0 and (len(found) >= rule.distinct or hits >= rule.share * total)


def find_identifiers(column: str, values: Iterable[str | None], *,
                     location: bool = False) -> list[IdentifierFinding]:
    """The kinds of identifier ``column`` holds, by the module's thresholds.

    Parameters
    ----------
    column
        The column's name (a name like "Date of Birth" is itself a finding when it holds
        values).
    values
        Its values; blanks are not counted.
    location
        The column says where the incident happened: postcodes and addresses are expected
        there, and place names are not people's names.

    Returns
    -------
    list of IdentifierFinding
        In the order of ``KINDS``; empty when the column holds none.

    Examples
    --------
    >>> [f.kind for f in find_identifiers("Notes", ["Ring Mrs Patel on 07700 900123"])]
    ['names', 'phone numbers']
    >>> find_identifiers("Location", ["Preston Park", "Norton Green"], location=True)
    []
    """
    counts = Counter(v.strip() for v in values if v is not None and v.strip())
    total = sum(counts.values())
    if not total:
        return []
    kinds = LOCATION_KINDS if location else KINDS
    found: dict[str, Counter[str]] = {kind: Counter() for kind in kinds}
    tests = {PHONES: _PHONE.search, EMAILS: _EMAIL.search, POSTCODES: _POSTCODE.search,
             ADDRESSES: _ADDRESS.search, BIRTH_DATES: _BIRTH_IN_TEXT.search}
    for value, n in counts.items():
        for kind in kinds:
            if kind == NAMES:
                name = _name_in(value, location=location)
                if name is not None:
                    found[NAMES][name] += n
            elif tests[kind](value):
                found[kind][value] += n
    flagged = {kind for kind in kinds if _flagged(kind, found[kind], total)}
    if NAMES not in flagged and not location:
        single = Counter({v: n for v, n in counts.items() if _single_name(v)})
        if (sum(single.values()) >= SINGLE_NAME_COLUMN.share * total
                and len(single) >= SINGLE_NAME_COLUMN.distinct):
            flagged.add(NAMES)
            found[NAMES] = single
    if BIRTH_DATES not in flagged and _birth_date_column(column, counts):
        flagged.add(BIRTH_DATES)
        found[BIRTH_DATES] = counts
    return [IdentifierFinding(column, kind, sum(found[kind].values()), total)
            for kind in kinds if kind in flagged]


def identifier_findings(columns: Mapping[str, Sequence[str | None]], *,
                        locations: Collection[str] = ()) -> list[IdentifierFinding]:
    """:func:`find_identifiers` over several columns (``locations`` name the location
    columns)."""
    return [f for name, values in columns.items()
            for f in find_identifiers(name, values, location=name in locations)]


def describe_findings(findings: Sequence[IdentifierFinding]) -> str:
    """One line naming each column and the kinds it holds, with counts and no values.

    Examples
    --------
    >>> describe_findings([IdentifierFinding("Notes", "names", 412, 3000),
    ...                    IdentifierFinding("Notes", "phone numbers", 37, 3000)])
    'column "Notes" holds names (in 412 of 3,000 values) and phone numbers (in 37 of 3,000 values)'
    """
    by_column: dict[str, list[str]] = {}
    for f in findings:
        by_column.setdefault(f.column, []).append(
            f"{f.kind} (in {f.found:,} of {f.values:,} values)")
    return "; ".join(f'column "{column}" holds {" and ".join(kinds)}'
                     for column, kinds in by_column.items())


def key_problems(keys: Mapping[str, Sequence[str | None]]) -> list[str]:
    """For each person-key column (label → values) holding values that are not keys, a
    phrase saying so, with counts and no values."""
    problems = []
    for label, values in keys.items():
        given = [v for v in values if v is not None and v.strip()]
        bad = sum(not is_person_key(v) for v in given)
        if bad:
            problems.append(f"{label} holds values that are not keyed hashes (in {bad:,} of "
                            f"{len(given):,} values)")
    return problems
