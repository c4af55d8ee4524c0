"""Pseudonymising an export before it is shared: what a data owner runs, with their secret.

Each person in a row (a victim, an offender, a caller …) is replaced by a keyed hash of
their normalised name and date of birth, and by the facts an analysis needs: age at the
incident (not the date of birth) and home LSOA (not the address). The same person gets the
same key in every file made with the same secret; a different secret gives unrelated keys;
without the secret there is no way back.

The spec (TOML) is an **allow-list**: only the columns it names are shared. Columns in
``keep`` are copied as they are; the incident's date and location are kept (the location
reduced if asked); each person's columns become a key, an age and a home LSOA; every other
column is left out. What is kept is checked for identifiers
(:mod:`cspkit.privacy.identifiers`) before anything is written::

    keep = ["Case Ref", "Category", "Reporter Sex"]

    [incident]
    date = "Reported On"               # kept; gives ages at the incident
    date_format = "%d/%m/%Y %H:%M"     # how incident dates are written (ISO is read too)
    location = "Incident Location"     # where it happened (text)
    postcode = "Incident Postcode"
    reduce_location = "lsoa"           # "none" (default), "street" or "lsoa"

    date_of_birth_format = "%d/%m/%Y"  # how dates of birth are written

    [[person]]
    role = "caller"                    # output: Caller Key, Caller Age, Caller Home LSOA
    name = ["Reporting Person"]
    date_of_birth = "Reporter DOB"
    address = ["Reporter Address"]
    postcode = "Reporter Postcode"

A row whose incident date cannot be read is left out, counted and listed (line, column,
reason: never the value). A date of birth that cannot be read leaves the row in, its person
without key or age, counted and listed too.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cspkit.errors import CspError
from cspkit.privacy.identifiers import (
    describe_findings,
    has_house_number,
    identifier_findings,
    without_house_number,
)
from cspkit.sources.partner.dates import read_date
from cspkit.sources.partner.postcodes import normalise_postcode
from cspkit.sources.partner.readers import CP1252, UTF8, ExportTable, NeededColumns, read_export

ROLES = ("victim", "offender", "suspect", "caller", "patient", "perpetrator")
INCIDENT_LSOA = "Incident LSOA"
# Keys of the spec before it became an allow-list, and what replaced them.
_REPLACED = {
    "drop": "the spec now lists the columns to share in `keep`; every other column is "
            "left out, so `drop` is not needed",
    "incident_date": "write the incident's date column as `date` under [incident]",
    "date_format": "write the incident date's format as `date_format` under [incident] and "
                   "the dates of birth's as `date_of_birth_format`",
}


class PersonColumns(BaseModel):
    """The identifying columns of one person in each row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(description="victim, offender, suspect, caller, patient or perpetrator.")
    label: str | None = Field(default=None, description="First word of the output columns "
                              "(default: the role, capitalised).")
    name: list[str] = Field(default_factory=list, description="Name column(s), in order.")
    date_of_birth: str | None = Field(default=None, description="Date of birth column.")
    address: list[str] = Field(default_factory=list, description="Address column(s).")
    postcode: str | None = Field(default=None, description="Home postcode column.")

    def identifying(self) -> list[str]:
        return [*self.name, *filter(None, [self.date_of_birth]), *self.address,
                *filter(None, [self.postcode])]

    def output_columns(self) -> tuple[str, str, str]:
        title = self.label or self.role.capitalize()
        return f"{title} Key", f"{title} Age", f"{title} Home LSOA"


class IncidentColumns(BaseModel):
    """The incident's date and location: kept (the location reduced if asked)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: str | None = Field(default=None, description="Date (or date and time) column.")
    date_format: str | None = Field(default=None, description="strftime format of the "
                                    "incident dates (ISO is read too).")
    location: str | None = Field(default=None, description="Where it happened (text).")
    postcode: str | None = Field(default=None, description="Postcode of where it happened.")
    reduce_location: Literal["none", "street", "lsoa"] = Field(
        default="none", description="none: keep as written; street: take house numbers off "
        "the location and give the LSOA instead of the postcode; lsoa: give the LSOA only.")

    def columns(self) -> list[str]:
        return [c for c in (self.date, self.location, self.postcode) if c]


class PseudonymiseSpec(BaseModel):
    """The allow-list of an export: what is shared, and who is pseudonymised."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keep: list[str] = Field(default_factory=list, description="Columns shared as they are.")
    incident: IncidentColumns = Field(default_factory=IncidentColumns)
    date_of_birth_format: str | None = Field(default=None, description="strftime format "
                                             "of dates of birth (ISO is read too).")
    person: list[PersonColumns] = Field(min_length=1, description="People in each row.")

    @model_validator(mode="before")
    @classmethod
    def _replaced_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, advice in _REPLACED.items():
                if key in data:
                    raise ValueError(f"`{key}` is no longer read: {advice}")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> PseudonymiseSpec:
        identifying = {c for p in self.person for c in p.identifying()}
        both = [c for c in [*self.keep, *self.incident.columns()] if c in identifying]
        if both:
            raise ValueError(f"column(s) {both} are both shared and a person's identifying "
                             "columns")
        if self.incident.reduce_location != "none" and not self.incident.postcode:
            raise ValueError("incident.reduce_location needs incident.postcode (the LSOA "
                             "comes from it)")
        return self

    def columns(self) -> list[str]:
        """Every column the spec names."""
        named = [*self.keep, *self.incident.columns(),
                 *(c for p in self.person for c in p.identifying())]
        return list(dict.fromkeys(named))


def read_spec(path: Path) -> PseudonymiseSpec:
    """Read and validate a pseudonymisation spec (TOML).

    Raises
    ------
    CspError
        Naming the file and the key when the spec is not valid.
    """
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CspError(f"cannot read the spec ({exc.strerror})", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise CspError(f"not valid TOML ({exc})", path=str(path)) from None
    try:
        spec = PseudonymiseSpec.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise CspError(f"{where}: {message}" if where else message, path=str(path),
                       hint="See docs/privacy.md for the spec's keys") from None
    for person in spec.person:
        if person.role not in ROLES:
            raise CspError(f"person.role is {person.role!r}; expected one of {list(ROLES)}",
                           path=str(path))
    return spec


def normalise_text(value: str | None) -> str:
    """Trimmed, inner spaces collapsed, Unicode-normalised (NFKC) and case-folded."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


def person_key(secret: bytes, name: str, date_of_birth: date) -> str:
    """HMAC-SHA256 of the normalised name and ISO date of birth, as 64 hex characters.

    Examples
    --------
    >>> key = person_key(b"k" * 32, " Ann  SMITH", date(1990, 4, 1))
    >>> key == person_key(b"k" * 32, "ann smith", date(1990, 4, 1)), len(key)
    (True, 64)
    """
    message = f"{normalise_text(name)}\x1f{date_of_birth.isoformat()}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def age_at(date_of_birth: date, when: date) -> int:
    """Completed years on ``when`` (a birthday on 29 February counts from 1 March)."""
    before_birthday = (when.month, when.day) < (date_of_birth.month, date_of_birth.day)
    return when.year - date_of_birth.year - before_birthday


@dataclass(frozen=True)
class PseudonymiseReport:
    """What ``pseudonymise_file`` did.

    Attributes
    ----------
    output, problems
        The pseudonymised CSV; the problems file (line, column, problem, action — never
        values), or ``None`` when there was none.
    rows_in, rows_out, rejected
        Data rows read, written, and left out (incident date empty or unreadable).
    encoding
        The encoding the export was read in (``xlsx`` for a workbook).
    kept, added, left_out
        The export's columns shared (in the export's order), the columns added (keys, ages,
        home LSOAs, the incident LSOA), and the export's columns not shared.
    keyed, not_keyed
        Per role: people given a key, and people with some details but no name or no date
        of birth (kept, without a key).
    birth_unreadable
        Per role: people whose date of birth could not be read (kept, without key or age).
    no_age
        Per role: people with a key but no incident date to give an age.
    home_unplaced
        Per role: people with a postcode that is malformed or not in the lookup.
    at_home, house_numbers
        Rows whose incident postcode is a person's home postcode, and rows whose incident
        location holds a house number, as read: why reducing the location matters.
    incident_unplaced
        Rows whose incident postcode gave no LSOA when reducing the location.
    location_reduced
        ``none``, ``street`` or ``lsoa``: how the incident location was reduced.
    """

    output: Path
    problems: Path | None
    rows_in: int
    rows_out: int
    rejected: int
    encoding: str
    kept: tuple[str, ...]
    added: tuple[str, ...]
    left_out: tuple[str, ...]
    keyed: dict[str, int] = field(default_factory=dict)
    not_keyed: dict[str, int] = field(default_factory=dict)
    birth_unreadable: dict[str, int] = field(default_factory=dict)
    no_age: dict[str, int] = field(default_factory=dict)
    home_unplaced: dict[str, int] = field(default_factory=dict)
    at_home: int = 0
    house_numbers: int = 0
    incident_unplaced: int = 0
    location_reduced: str = "none"


@dataclass
class _Tally:
    """Counts and problems gathered row by row."""

    people: dict[str, dict[str, int]] = field(default_factory=lambda: {
        k: {} for k in ("keyed", "not_keyed", "birth_unreadable", "no_age", "home_unplaced")})
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)
    rejected: int = 0
    at_home: int = 0
    house_numbers: int = 0
    incident_unplaced: int = 0

    def bump(self, what: str, role: str) -> None:
        self.people[what][role] = self.people[what].get(role, 0) + 1


def pseudonymise_file(
    export: Path,
    out: Path,
    *,
    spec: PseudonymiseSpec,
    secret: bytes,
    postcodes: Mapping[str, str] | None = None,
    allow_cp1252: bool = False,
    sheet: str | None = None,
) -> PseudonymiseReport:
    """Write a pseudonymised copy of ``export`` (CSV or .xlsx) to ``out`` (CSV, UTF-8).

    Parameters
    ----------
    export, out
        The owner's export and the file to share.
    spec
        What to share and who to pseudonymise (:func:`read_spec`).
    secret
        The owner's secret (:func:`cspkit.privacy.keys.read_secret`), at least 32 bytes.
    postcodes
        Postcode → LSOA 2021 (:func:`cspkit.sources.partner.postcodes.read_postcode_lookup`);
        without it home LSOAs stay empty, and the incident location cannot be reduced.
    allow_cp1252, sheet
        Read a CSV that is not UTF-8 as Windows-1252; the worksheet of a workbook.

    Returns
    -------
    PseudonymiseReport

    Raises
    ------
    CspError
        When a column of the spec is missing, an output column exists already, the secret
        is too short, the location is to be reduced without a postcode lookup, or a shared
        column holds identifiers (then nothing is written).
    """
    if len(secret) < 32:
        raise CspError("the secret is shorter than 32 bytes")
    export, out = Path(export), Path(out)
    try:
        data = export.read_bytes()
    except OSError as exc:
        raise CspError(f"cannot read the export ({exc.strerror})", path=str(export)) from None
    inc = spec.incident
    if inc.reduce_location != "none" and postcodes is None:
        raise CspError(f'reducing the incident location to "{inc.reduce_location}" needs the '
                       "postcode lookup", hint="Give --postcode-lookup (the ONS postcode to "
                       "LSOA lookup)")
    table = read_export(str(export), data, sheet=sheet,
                        encodings=(UTF8, CP1252) if allow_cp1252 else (UTF8,),
                        needs=NeededColumns(tuple(spec.columns()), "the spec",
                                            "Correct the column names in the spec"))
    shared = [c for c in table.columns if c in {*spec.keep, *inc.columns()}
              and not (c == inc.postcode and inc.reduce_location != "none")
              and not (c == inc.location and inc.reduce_location == "lsoa")]
    added = ([INCIDENT_LSOA] if inc.reduce_location != "none" else []) + [
        c for p in spec.person for c in p.output_columns()]
    clash = [c for c in added if c in shared]
    if clash:
        raise CspError(f"the export already has column(s) {clash}", path=table.name,
                       line=table.header_line, hint="Rename them before pseudonymising")
    tally = _Tally()
    index = {c: j for j, c in enumerate(table.columns)}
    written = [out_row for row, line in zip(table.rows, table.lines, strict=True)
               if (out_row := _row(row, line, index, spec, secret, postcodes, shared, tally))
               is not None]
    _refuse_identifiers(table, spec, shared, written)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(shared + added)
        writer.writerows(written)
    return PseudonymiseReport(
        output=out, problems=_write_problems(out, tally.problems), rows_in=len(table.rows),
        rows_out=len(written), rejected=tally.rejected, encoding=table.encoding,
        kept=tuple(shared), added=tuple(added),
        left_out=tuple(c for c in table.columns if c and c not in shared),
        at_home=tally.at_home, house_numbers=tally.house_numbers,
        incident_unplaced=tally.incident_unplaced, location_reduced=inc.reduce_location,
        **tally.people)


def _refuse_identifiers(table: ExportTable, spec: PseudonymiseSpec, shared: list[str],
                        written: list[list[str]]) -> None:
    """Refuse to write when a shared column (as it would be written) holds identifiers."""
    inc = spec.incident
    checked = {c: [row[i] for row in written] for i, c in enumerate(shared) if c != inc.date}
    findings = identifier_findings(checked, locations={c for c in (inc.location, inc.postcode)
                                                       if c})
    if findings:
        raise CspError(
            f"nothing was written: {describe_findings(findings)}", path=table.name,
            hint="Take the column out of `keep` (only columns the spec names are shared); if "
            "it says where the incident happened, name it as incident.location or "
            "incident.postcode")


def _row(row: Sequence[str | None], line: int, index: Mapping[str, int],
         spec: PseudonymiseSpec, secret: bytes, postcodes: Mapping[str, str] | None,
         shared: list[str], tally: _Tally) -> list[str] | None:
    """One output row, or ``None`` when the incident date cannot be read."""
    inc = spec.incident
    incident = None
    if inc.date:
        value = row[index[inc.date]]
        try:
            incident = read_date(value, inc.date_format).day if value else None
        except ValueError:
            incident = None
        if incident is None:
            reason = ("incident date is empty" if not value else "incident date is not a "
                      f"date (expected {inc.date_format or 'YYYY-MM-DD'})")
            tally.problems.append((line, inc.date, reason, "row left out"))
            tally.rejected += 1
            return None
    people: list[str] = []
    for person in spec.person:
        people += _person(row, index, line, person, spec.date_of_birth_format, incident,
                          secret, postcodes, tally)
    place = row[index[inc.location]] if inc.location else None
    if place and has_house_number(place):
        tally.house_numbers += 1
    code = normalise_postcode(row[index[inc.postcode]]) if inc.postcode else None
    homes = {normalise_postcode(row[index[p.postcode]]) for p in spec.person if p.postcode}
    if code is not None and code in homes:
        tally.at_home += 1
    values = {c: row[index[c]] or "" for c in shared}
    extra = []
    if inc.reduce_location != "none":
        lsoa = (postcodes or {}).get(code or "", "")
        if not lsoa and row[index[inc.postcode or ""]]:
            tally.incident_unplaced += 1
        extra.append(lsoa)
        if inc.reduce_location == "street" and inc.location:
            values[inc.location] = without_house_number(values[inc.location])
    return [values[c] for c in shared] + extra + people


def _person(row: Sequence[str | None], index: Mapping[str, int], line: int,
            person: PersonColumns, date_of_birth_format: str | None, incident: date | None,
            secret: bytes, postcodes: Mapping[str, str] | None, tally: _Tally) -> list[str]:
    """Key, age and home LSOA of one person (empty strings when absent or not known)."""
    name = " ".join(filter(None, (row[index[c]] for c in person.name)))
    written = row[index[person.date_of_birth]] if person.date_of_birth else None
    born = None
    if written:
        try:
            born = read_date(written, date_of_birth_format).day
        except ValueError:
            tally.bump("birth_unreadable", person.role)
            tally.problems.append((
                line, person.date_of_birth or "", "date of birth is not a date (expected "
                f"{date_of_birth_format or 'YYYY-MM-DD'})", "kept without key or age"))
    present = bool(name) or bool(written) or any(row[index[c]] for c in person.address)
    if not present:
        return ["", "", ""]
    home = ""
    if person.postcode and row[index[person.postcode]]:
        code = normalise_postcode(row[index[person.postcode]])
        home = (postcodes or {}).get(code or "", "")
        if postcodes is not None and not home:
            tally.bump("home_unplaced", person.role)
    if not (name and born):
        if born is not None or not written:  # an unreadable date of birth is counted above
            tally.bump("not_keyed", person.role)
        return ["", "", home]
    tally.bump("keyed", person.role)
    age = ""
    if incident is not None:
        age = str(age_at(born, incident))
    else:
        tally.bump("no_age", person.role)
    return [person_key(secret, name, born), age, home]


def _write_problems(out: Path, problems: list[tuple[int, str, str, str]]) -> Path | None:
    """Line, column, problem and action of each problem row: no values, which may identify
    people."""
    path = out.with_name(out.stem + ".problems.csv")
    if not problems:
        path.unlink(missing_ok=True)
        return None
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["line", "column", "problem", "action"])
        writer.writerows(sorted(problems))
    return path
