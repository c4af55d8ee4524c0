"""Pseudonymising an export before it is shared: what a data owner runs, with their secret.

Each person in a row (a victim, an offender, a caller …) is replaced by a keyed hash of
their normalised name and date of birth, and by the facts an analysis needs: age at the
incident (not the date of birth) and home LSOA (not the address). Every identifying column
is dropped. The same person gets the same key in every file made with the same secret; a
different secret gives unrelated keys; without the secret there is no way back.

The spec (TOML) names the identifying columns::

    incident_date = "Committed Date"   # for age at the incident
    date_format = "%d/%m/%Y"           # how dates are written (ISO dates are read too)
    drop = ["Victim Phone"]            # further identifying columns

    [[person]]
    role = "victim"                    # output: Victim Key, Victim Age, Victim Home LSOA
    name = ["Victim Forename", "Victim Surname"]
    date_of_birth = "Victim DOB"
    address = ["Victim Address"]
    postcode = "Victim Postcode"
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cspkit.errors import CspError
from cspkit.sources.partner.postcodes import normalise_postcode
from cspkit.sources.partner.readers import CP1252, UTF8, ExportTable, read_export

ROLES = ("victim", "offender", "suspect", "caller", "patient", "perpetrator")


class PersonColumns(BaseModel):
    """The identifying columns of one person in each row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(description="victim, offender, suspect, caller, patient or perpetrator.")
    name: list[str] = Field(default_factory=list, description="Name column(s), in order.")
    date_of_birth: str | None = Field(default=None, description="Date of birth column.")
    address: list[str] = Field(default_factory=list, description="Address column(s).")
    postcode: str | None = Field(default=None, description="Home postcode column.")

    def identifying(self) -> list[str]:
        return [*self.name, *filter(None, [self.date_of_birth]), *self.address,
                *filter(None, [self.postcode])]

    def output_columns(self) -> tuple[str, str, str]:
        title = self.role.capitalize()
        return f"{title} Key", f"{title} Age", f"{title} Home LSOA"


class PseudonymiseSpec(BaseModel):
    """Which columns identify people, and how dates are written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    incident_date: str | None = Field(default=None, description="Date of the incident.")
    date_format: str | None = Field(default=None, description="strftime format of dates.")
    drop: list[str] = Field(default_factory=list, description="Other columns to drop.")
    person: list[PersonColumns] = Field(min_length=1, description="People in each row.")


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
        raise CspError(f"{where}: {first['msg']}", path=str(path),
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


def parse_date(value: str | None, date_format: str | None) -> date | None:
    """A date written in ``date_format`` or as ISO (``1990-04-01``, as Excel cells become).

    Returns ``None`` for a blank value; raises ``ValueError`` for an unreadable one.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if date_format:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            pass
    return datetime.fromisoformat(text).date()


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
    output, rejects
        The pseudonymised CSV; the rejects file (line, column, reason — never values), or
        ``None`` when no row was rejected.
    rows_in, rows_out, rejected
        Data rows read, written and rejected (unreadable date of birth).
    encoding
        The encoding the export was read in (``xlsx`` for a workbook).
    dropped
        The identifying columns removed.
    keyed, not_keyed
        Per role: people given a key, and people with some details but no name or no date
        of birth (kept, without a key).
    no_age
        Per role: people with a key but no readable incident date, so no age.
    home_unplaced
        Per role: people with a postcode that is malformed or not in the lookup.
    """

    output: Path
    rejects: Path | None
    rows_in: int
    rows_out: int
    rejected: int
    encoding: str
    dropped: tuple[str, ...]
    keyed: dict[str, int] = field(default_factory=dict)
    not_keyed: dict[str, int] = field(default_factory=dict)
    no_age: dict[str, int] = field(default_factory=dict)
    home_unplaced: dict[str, int] = field(default_factory=dict)


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
        Which columns identify people (:func:`read_spec`).
    secret
        The owner's secret (:func:`cspkit.privacy.keys.read_secret`), at least 32 bytes.
    postcodes
        Postcode → LSOA 2021 (:func:`cspkit.sources.partner.postcodes.read_postcode_lookup`);
        without it the home LSOA column stays empty.
    allow_cp1252, sheet
        Read a CSV that is not UTF-8 as Windows-1252; the worksheet of a workbook.

    Returns
    -------
    PseudonymiseReport

    Raises
    ------
    CspError
        When a column of the spec is missing, an output column exists already, or the
        secret is too short.
    """
    if len(secret) < 32:
        raise CspError("the secret is shorter than 32 bytes")
    export, out = Path(export), Path(out)
    try:
        data = export.read_bytes()
    except OSError as exc:
        raise CspError(f"cannot read the export ({exc.strerror})", path=str(export)) from None
    table = read_export(str(export), data, sheet=sheet,
                        encodings=(UTF8, CP1252) if allow_cp1252 else (UTF8,))
    _check_columns(table, spec, export)
    dropped = [c for p in spec.person for c in p.identifying()] + list(spec.drop)
    kept = [c for c in table.columns if c not in dropped]
    added = [c for p in spec.person for c in p.output_columns()]
    clash = [c for c in added if c in kept]
    if clash:
        raise CspError(f"the export already has column(s) {clash}", path=str(export), line=1,
                       hint="Rename them before pseudonymising")
    index = {c: i for i, c in enumerate(table.columns)}
    counts: dict[str, dict[str, int]] = {k: {} for k in ("keyed", "not_keyed", "no_age",
                                                         "home_unplaced")}
    rejects: list[tuple[int, str, str]] = []
    written: list[list[str]] = []
    for row, line in zip(table.rows, table.lines, strict=True):
        try:
            incident = (parse_date(row[index[spec.incident_date]], spec.date_format)
                        if spec.incident_date else None)
        except ValueError:
            incident = None
        people: list[str] = []
        problem = None
        for person in spec.person:
            try:
                people += _person(row, index, person, spec.date_format, incident, secret,
                                  postcodes, counts)
            except ValueError:
                problem = (line, person.date_of_birth or "",
                           "date of birth is not a date (expected "
                           f"{spec.date_format or 'YYYY-MM-DD'})")
                break
        if problem:
            rejects.append(problem)
            continue
        written.append([row[index[c]] or "" for c in kept] + people)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(kept + added)
        writer.writerows(written)
    rejects_path = _write_rejects(out, rejects)
    return PseudonymiseReport(
        output=out, rejects=rejects_path, rows_in=len(table.rows), rows_out=len(written),
        rejected=len(rejects), encoding=table.encoding, dropped=tuple(dropped), **counts)


def _check_columns(table: ExportTable, spec: PseudonymiseSpec, export: Path) -> None:
    named = [c for p in spec.person for c in p.identifying()] + list(spec.drop)
    named += [spec.incident_date] if spec.incident_date else []
    missing = [c for c in named if c not in table.columns]
    if missing:
        raise CspError(f"the spec names column(s) {missing} that the export does not have "
                       f"(found: {', '.join(table.columns)})", path=str(export), line=1,
                       hint="Correct the column names in the spec")


def _bump(counts: dict[str, dict[str, int]], what: str, role: str) -> None:
    counts[what][role] = counts[what].get(role, 0) + 1


def _person(row: Sequence[str | None], index: Mapping[str, int], person: PersonColumns,
            date_format: str | None, incident: date | None, secret: bytes,
            postcodes: Mapping[str, str] | None,
            counts: dict[str, dict[str, int]]) -> list[str]:
    """Key, age and home LSOA of one person (empty strings when absent)."""
    name = " ".join(filter(None, (row[index[c]] for c in person.name)))
    born = parse_date(row[index[person.date_of_birth]], date_format) \
        if person.date_of_birth else None
    present = bool(name) or born is not None or any(row[index[c]] for c in person.address)
    if not present:
        return ["", "", ""]
    if not (name and born):
        _bump(counts, "not_keyed", person.role)
        return ["", "", ""]
    _bump(counts, "keyed", person.role)
    age = ""
    if incident is not None:
        age = str(age_at(born, incident))
    else:
        _bump(counts, "no_age", person.role)
    home = ""
    if person.postcode and row[index[person.postcode]]:
        code = normalise_postcode(row[index[person.postcode]])
        home = (postcodes or {}).get(code or "", "")
        if postcodes is not None and not home:
            _bump(counts, "home_unplaced", person.role)
    return [person_key(secret, name, born), age, home]


def _write_rejects(out: Path, rejects: list[tuple[int, str, str]]) -> Path | None:
    """Line, column and reason of each rejected row: no values, which may identify people."""
    path = out.with_name(out.stem + ".rejects.csv")
    if not rejects:
        path.unlink(missing_ok=True)
        return None
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["line", "column", "reason"])
        writer.writerows(rejects)
    return path
