"""The fields whose completeness is measured, per source, and the keys naming a measure.

Light on purpose (no data libraries): the tracker validates a data requirement's measure key
with it. The figures themselves are computed by :mod:`cspkit.analysis.quality`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cspkit.errors import CspError

CRIME = "police_crime"
ASB = "police_asb"

NO_OUTCOME = "Status update unavailable"


@dataclass(frozen=True)
class QualityField:
    """A field whose completeness is measured.

    Attributes
    ----------
    key
        Short name, e.g. ``last_outcome``.
    label
        The field in a reader's words.
    table
        ``incident`` or ``person_involvement``: what one row is.
    condition
        SQL condition over the row (alias ``r``) that holds when the field is complete.
    definition
        When the field counts as complete, in words.
    """

    key: str
    label: str
    table: str
    condition: str
    definition: str


FIELDS: dict[str, QualityField] = {f.key: f for f in (
    QualityField("location", "Location", "incident",
                 "r.longitude IS NOT NULL AND r.latitude IS NOT NULL",
                 "the record has a map point (longitude and latitude)"),
    QualityField("lsoa", "Small area (LSOA)", "incident", "r.lsoa_code_published IS NOT NULL",
                 "the record names the small area (LSOA) it happened in, or a postcode "
                 "that places it in one"),
    QualityField("last_outcome", "Last outcome", "incident",
                 f"r.last_outcome IS NOT NULL AND r.last_outcome <> '{NO_OUTCOME}'",
                 f"the crime has an outcome other than \"{NO_OUTCOME}\""),
    QualityField("date_time", "Date and time", "incident",
                 "r.occurred_at IS NOT NULL AND t.incident_id IS NULL",
                 "the record has the date and the time of day it happened"),
    QualityField("age", "Age", "person_involvement", "r.age IS NOT NULL",
                 "the person's age is recorded"),
    QualityField("sex", "Sex", "person_involvement", "r.sex IS NOT NULL",
                 "the person's sex is recorded"),
    QualityField("ethnicity", "Ethnicity", "person_involvement", "r.ethnicity IS NOT NULL",
                 "the person's ethnicity is recorded (\"not stated\" and the like count as "
                 "not recorded)"),
    QualityField("home_area", "Home area", "person_involvement",
                 "r.home_lsoa_code IS NOT NULL",
                 "the small area (LSOA) the person lives in is recorded"),
    QualityField("person_key", "Person key", "person_involvement",
                 "r.person_key IS NOT NULL",
                 "the person has a pseudonymous key, so repeat involvement can be counted"),
)}

SOURCE_FIELDS = {CRIME: ("location", "lsoa", "last_outcome"), ASB: ("location", "lsoa")}
PARTNER_FIELDS = ("date_time", "lsoa", "age", "sex", "ethnicity", "home_area", "person_key")

_KEY = re.compile(r"^([a-z0-9_]+)\.([a-z_]+)$")


def fields_of(source: str) -> tuple[str, ...]:
    """The fields measured for a source: police.uk's, or a partner export's.

    Examples
    --------
    >>> fields_of("police_asb")
    ('location', 'lsoa')
    """
    return SOURCE_FIELDS.get(source, PARTNER_FIELDS)


def parse_measure_key(key: str) -> tuple[str, str]:
    """(source, field) of a measure key such as ``police_crime.last_outcome``.

    Raises
    ------
    CspError
        When the key is not ``source.field`` or names a field that is not measured for
        that source.

    Examples
    --------
    >>> parse_measure_key("council_asb.ethnicity")
    ('council_asb', 'ethnicity')
    """
    match = _KEY.match(key.strip())
    if not match:
        raise CspError(f"{key!r} is not a completeness measure",
                       hint="Write the source, a dot and the field, e.g. "
                       "police_crime.last_outcome")
    source, field = match.groups()
    if field not in fields_of(source):
        raise CspError(f"{field!r} is not measured for {source}",
                       hint=f"Use one of: {', '.join(fields_of(source))}")
    return source, field
