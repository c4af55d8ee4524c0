"""The column mapping of a partner export: which column holds what (TOML, validated).

A mapping is a TOML file (see ``docs/partner-data.md``); four ship with cspkit for the
common shapes: ``police_crime_extract``, ``council_asb``, ``fire_incidents`` and
``ae_istv``. ``csp load-partner EXPORT --mapping NAME_OR_FILE`` takes either.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cspkit.errors import CspError

TRUE_VALUES = ("y", "yes", "true", "1", "t")
FALSE_VALUES = ("n", "no", "false", "0", "f")
NOT_RECORDED = ("not stated", "not known", "unknown", "nk", "n/k", "not recorded",
                "prefer not to say", "refused", "not given")
ROLES = ("victim", "offender", "suspect", "caller")
_SOURCE = re.compile(r"^[a-z][a-z0-9_]*$")


def _strict() -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True)


class FlagColumn(BaseModel):
    """A yes/no column: values (case-insensitive) meaning true and false; blank = unknown."""

    model_config = _strict()

    column: str
    true: list[str] = Field(default_factory=lambda: list(TRUE_VALUES))
    false: list[str] = Field(default_factory=lambda: list(FALSE_VALUES))


class IncidentColumns(BaseModel):
    """Columns of the incident itself."""

    model_config = _strict()

    id: str | None = Field(default=None, description="Reference in the source system.")
    date: str | None = Field(default=None, description="Date of the incident.")
    month: str | None = Field(default=None, description="Month (YYYY-MM) when no date.")
    time: str | None = Field(default=None, description="Time of day (HH:MM).")
    date_format: str | None = Field(default=None, description="strftime format of dates "
                                    "(ISO dates are always read).")
    category: str | None = Field(default=None, description="Category column.")
    category_value: str | None = Field(default=None, description="Fixed category when the "
                                       "export has no category column.")
    categories: list[str] = Field(default_factory=list, description="Allowed categories "
                                  "(others are rejected); empty = any.")
    subcategory: str | None = None
    location: str | None = Field(default=None, description="Location text.")
    lsoa: str | None = Field(default=None, description="LSOA 2021 (or 2011) code.")
    postcode: str | None = Field(default=None, description="Postcode of the location.")
    longitude: str | None = Field(default=None, description="WGS84 longitude.")
    latitude: str | None = Field(default=None, description="WGS84 latitude.")

    @model_validator(mode="after")
    def _complete(self) -> IncidentColumns:
        if (self.date is None) == (self.month is None):
            raise ValueError("give exactly one of date or month")
        if (self.category is None) == (self.category_value is None):
            raise ValueError("give exactly one of category or category_value")
        if (self.longitude is None) != (self.latitude is None):
            raise ValueError("give both longitude and latitude, or neither")
        if self.time is not None and self.date is None:
            raise ValueError("a time needs a date column")
        return self


class PersonColumns(BaseModel):
    """Columns of one person involved (already pseudonymised by the data owner)."""

    model_config = _strict()

    role: Literal[ROLES]  # type: ignore[valid-type]
    key: str | None = Field(default=None, description="Pseudonymous person key.")
    age: str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    home_lsoa: str | None = Field(default=None, description="Home LSOA 2021 code.")

    def columns(self) -> list[str]:
        return [c for c in (self.key, self.age, self.sex, self.ethnicity, self.home_lsoa) if c]


class PartnerMapping(BaseModel):
    """A partner export's mapping: which column holds what."""

    model_config = _strict()

    name: str = Field(description="Name of the mapping.")
    description: str = Field(default="", description="What export it reads.")
    source: str = Field(description="incident.source of the rows, e.g. council_asb.")
    encodings: list[Literal["utf-8", "cp1252"]] = Field(
        default_factory=lambda: ["utf-8"], description="Encodings a CSV may be in.")
    sheet: str | None = Field(default=None, description="Worksheet of a workbook.")
    incident: IncidentColumns
    flags: dict[Literal["domestic", "alcohol", "hate"], FlagColumn] = Field(default_factory=dict)
    person: list[PersonColumns] = Field(default_factory=list)
    details: dict[str, str] = Field(default_factory=dict, description="incident_detail name "
                                    "→ column.")
    not_recorded: list[str] = Field(default_factory=lambda: list(NOT_RECORDED),
                                    description="Values meaning 'not recorded' (ethnicity, sex).")

    @model_validator(mode="after")
    def _source_is_a_name(self) -> PartnerMapping:
        if not _SOURCE.match(self.source):
            raise ValueError(f"source {self.source!r} must be lower-case letters, digits and "
                             "underscores (e.g. council_asb)")
        return self

    def text_columns(self) -> dict[str, bool]:
        """Columns stored as written (details, location, categories, sex, ethnicity), each
        with whether it is the incident's location: the columns checked for identifiers."""
        i = self.incident
        named = [i.category, i.subcategory, *self.details.values()]
        named += [c for p in self.person for c in (p.sex, p.ethnicity)]
        text = {c: False for c in named if c}
        if i.location:
            text[i.location] = True
        return text

    def columns(self) -> list[str]:
        """Every column the mapping reads."""
        i = self.incident
        named = [i.id, i.date, i.month, i.time, i.category, i.subcategory, i.location, i.lsoa,
                 i.postcode, i.longitude, i.latitude]
        named += [f.column for f in self.flags.values()]
        named += [c for p in self.person for c in p.columns()] + list(self.details.values())
        return list(dict.fromkeys(c for c in named if c))


def builtin_mappings() -> list[str]:
    """Names of the mappings that ship with cspkit."""
    folder = resources.files("cspkit.sources.partner").joinpath("mappings")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def load_mapping(name_or_file: str | Path) -> PartnerMapping:
    """A built-in mapping by name, or a mapping file.

    Raises
    ------
    CspError
        When there is no such mapping, or the file is not valid (naming the key).
    """
    path = Path(name_or_file)
    if str(name_or_file) in builtin_mappings():
        text = resources.files("cspkit.sources.partner").joinpath(
            "mappings", f"{name_or_file}.toml").read_text(encoding="utf-8")
        where = f"built-in mapping {name_or_file}"
    elif path.is_file():
        text = path.read_text(encoding="utf-8")
        where = str(path)
    else:
        raise CspError(f"no mapping {str(name_or_file)!r}: not a built-in mapping "
                       f"({', '.join(builtin_mappings())}) nor a file",
                       hint="Name a built-in mapping or a TOML file (see docs/partner-data.md)")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CspError(f"not valid TOML ({exc})", path=where) from None
    try:
        return PartnerMapping.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "mapping"
        raise CspError(f"{key}: {first['msg']}", path=where,
                       hint="See docs/partner-data.md for the mapping's keys") from None
