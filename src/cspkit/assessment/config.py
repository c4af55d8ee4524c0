"""The partnership's configuration: one TOML file, read into pydantic models.

Every key is declared once, here, with its default and description; the same declarations
validate the file, feed ``csp init``'s commented default and generate the key table in
docs/configuration.md (``python -m cspkit.assessment.config``).

>>> config = PartnershipConfig(
...     name="Exampleton CSP", areas=["E06000004"], strategic_period="2024-10:2025-09",
...     themes=[Theme(id="drugs", name="Drugs", categories=["Drugs"])],
... )
>>> config.comparison_period().label
'2023-10 to 2024-09'
"""

from __future__ import annotations

import json
import re
import string
import tomllib
import types
import typing
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cspkit.analysis.involvement import PARTNER_SOURCES
from cspkit.analysis.periods import ComparisonRule, StrategicPeriod
from cspkit.analysis.themes import ASB_CATEGORY, POLICE_UK_CRIME_TYPES
from cspkit.assessment.data_needs import DATA_NEEDS, OTHER_NEEDS, OtherNeed
from cspkit.errors import CspError

INCIDENT_CATEGORIES: tuple[str, ...] = (ASB_CATEGORY, *POLICE_UK_CRIME_TYPES)
"""What a theme may cover: police.uk crime types plus anti-social behaviour incidents."""

FLAGS: tuple[str, ...] = ("domestic", "alcohol", "hate")
"""Incident flags a theme may select on (the warehouse's ``flag_*`` columns)."""

ANALYSES: dict[str, str] = {
    "change": "strategic period against the comparison period, with an exact Poisson test",
    "trend": "monthly counts and the rolling 12-month total",
    "places": "ward and LSOA ranking by count and rate per 1,000 residents",
    "hotspots": "Getis-Ord Gi* hot spots with false-discovery-rate correction",
    "concentration": "share of incidents in the top 5% and 10% of LSOAs",
    "deprivation": "incidents by deprivation decile (IoD)",
    "vulnerability": "Vulnerable Localities Index",
    "outcomes": "police outcomes (crime types only)",
    "peers": "rates against peer areas",
    "people": "victim and offender profiles (needs partner data)",
}
"""The analyses a chapter can show, by the name used in ``themes.analyses``."""

FORMATS: tuple[str, ...] = ("html", "docx", "pdf", "xlsx", "csv")
PDF_ENGINES: tuple[str, ...] = ("typst", "weasyprint")
"""The PDF engines (``cspkit.render.pdf.PDF_ENGINES``, kept equal by a test)."""

Category = Literal[INCIDENT_CATEGORIES]  # type: ignore[valid-type]
PartnerSource = Literal[PARTNER_SOURCES]  # type: ignore[valid-type]
Flag = Literal[FLAGS]  # type: ignore[valid-type]
Analysis = Literal[tuple(ANALYSES)]  # type: ignore[valid-type]
Format = Literal[FORMATS]  # type: ignore[valid-type]
PdfEngine = Literal[PDF_ENGINES]  # type: ignore[valid-type]
CrimeType = Literal[POLICE_UK_CRIME_TYPES]  # type: ignore[valid-type]

_PERIOD = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])):(\d{4}-(0[1-9]|1[0-2]))$")
_LAD = re.compile(r"^[EW]0[6-9]\d{6}$")
_THEME_ID = re.compile(r"^[a-z][a-z0-9_]*$")
PEER_GROUPS = ("force", "england")
DEFAULT_ANALYSES = ("change", "trend", "places", "hotspots", "deprivation", "outcomes")


def _strict() -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True)


class Theme(BaseModel):
    """A priority theme: one chapter of the assessment."""

    model_config = _strict()

    id: str = Field(
        description="Short name: lower-case letters, digits and underscores "
        "(used in targets and file names)."
    )
    name: str = Field(description="The chapter title, e.g. 'Acquisitive crime'.")
    categories: list[Category] = Field(
        default_factory=list,
        description="Incident categories the theme covers: police.uk crime types and/or "
        "'Anti-social behaviour'.",
    )
    flags: list[Flag] = Field(
        default_factory=list,
        description="Incident flags the theme also covers (domestic, alcohol, hate); they "
        "need partner or flagged police data.",
    )
    analyses: list[Analysis] = Field(
        default_factory=lambda: list(DEFAULT_ANALYSES),
        description="The analyses the chapter shows, in order.",
    )
    partner_data: list[OtherNeed] = Field(
        default_factory=list,
        description="Other data the chapter needs, which cspkit cannot load, as data needs "
        "(listed below): each is an entry of the data requirements register, with the agency "
        "holding it, until you remove it.",
    )
    partner_sources: list[PartnerSource] = Field(
        default_factory=list,
        description="Partner exports the chapter needs (incident sources loaded by csp "
        "load-partner): each is a data gap until the warehouse holds it for every month of "
        "the strategic period.",
    )

    @field_validator("id")
    @classmethod
    def _id_is_a_name(cls, value: str) -> str:
        if not _THEME_ID.match(value):
            raise ValueError(
                "must be lower-case letters, digits and underscores, starting with a letter"
            )
        return value

    @field_validator("partner_data", mode="before")
    @classmethod
    def _needs_not_prose(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(
                "must be a list of data needs, e.g. [\"drug_treatment\"], not free text "
                f"(data needs: {', '.join(OTHER_NEEDS)})"
            )
        return value

    @model_validator(mode="after")
    def _covers_something(self) -> Theme:
        if not (self.categories or self.flags or self.partner_sources or self.partner_data):
            raise ValueError(
                "a theme needs categories, flags, partner_sources or partner_data saying what "
                "it is built from"
            )
        return self


class Target(BaseModel):
    """A partnership target, e.g. "reduce burglary by 5%"."""

    model_config = _strict()

    theme: str | None = Field(
        default=None, description="The theme id the target is for (or give crime_type)."
    )
    crime_type: CrimeType | None = Field(
        default=None, description="The police.uk crime type the target is for (or give theme)."
    )
    direction: Literal["reduce", "increase"] = Field(
        description="Whether the partnership aims to reduce or increase the count."
    )
    percent: float = Field(gt=0, le=100, description="The change aimed for, in percent.")

    @model_validator(mode="after")
    def _one_subject(self) -> Target:
        if (self.theme is None) == (self.crime_type is None):
            raise ValueError("give exactly one of theme or crime_type")
        return self


class SurveySource(BaseModel):
    """The residents' survey whose chapter ("What residents told us") the assessment holds."""

    model_config = _strict()

    export: str = Field(description="The survey export, CSV or .xlsx (relative to this file).")
    mapping: str = Field(description="Its mapping file (TOML; see docs/survey.md).")
    coding: str = Field(default="", description="The analyst's coding frame of open answers.")
    previous: str = Field(default="", description="The previous survey's export, for changes.")
    previous_mapping: str = Field(default="", description="The previous survey's mapping "
                                  "(default: mapping).")
    weight_cap: float = Field(default=5.0, ge=0, description="Weights are trimmed at this "
                              "multiple of the mean weight (0: no trimming).")


class PrioritySetting(BaseModel):
    """Setting priorities inside the assessment: the "Setting priorities" chapter, with
    ``data/priorities.csv`` and ``data/priorities_plan.json`` beside the tables."""

    model_config = _strict()

    scheme: str = Field(
        default="", description="The partnership's scoring scheme (TOML, relative to this "
        "file; its capacity entries and severity_file with it); empty: the MoRiLE-style "
        "default shipped (see docs/priorities.md).")
    concern: str = Field(
        default="", description="A public-concern table (survey_concern.csv: category, "
        "estimate, lower, upper, respondents) for a configuration without [survey]; with "
        "[survey], residents' concern comes from that survey.")


class DraftDecision(BaseModel):
    """The partnership's decision on one draft recommendation the assessment proposed."""

    model_config = _strict()

    key: str = Field(
        description="The draft's key, as csp assess lists it (e.g. 'rise:violence:robbery')."
    )
    decision: Literal["agree", "drop"] = Field(
        description="'agree': the document shows it as agreed by the partnership; 'drop': "
        "the document leaves it out."
    )
    text: str = Field(
        default="",
        description="Your own wording of an agreed draft (empty keeps the proposed wording).",
    )

    @model_validator(mode="after")
    def _text_only_when_agreed(self) -> DraftDecision:
        if self.decision == "drop" and self.text:
            raise ValueError("text is for an agreed draft; a dropped draft has none")
        return self


class PartnershipConfig(BaseModel):
    """A partnership's strategic assessment settings."""

    model_config = _strict()

    name: str = Field(description="The partnership's name, as on the cover.")
    areas: list[str] = Field(
        min_length=1,
        description="Local authority district codes the partnership covers (e.g. E06000004).",
    )
    strategic_period: str = Field(
        description="The strategic period, first and last month: YYYY-MM:YYYY-MM."
    )
    compare: ComparisonRule = Field(
        default="previous",
        description="Comparison period: 'previous' (the equal period just before) or "
        "'year-earlier' (the same months a year before).",
    )
    peers: list[str] = Field(
        default_factory=lambda: list(PEER_GROUPS),
        description="Areas to compare with: local authority codes, 'force' (the rest of the "
        "force area) and/or 'england'.",
    )
    small_number_threshold: int = Field(
        default=10, ge=1, description="Counts below this are flagged as small numbers."
    )
    suppression_threshold: int = Field(
        default=5,
        ge=0,
        description="Counts from person-level data below this are withheld and shown as [c] "
        "(0 withholds nothing).",
    )
    formats: list[Format] = Field(
        default_factory=lambda: list(FORMATS),
        min_length=1,
        description="Outputs to write: html, docx, pdf, xlsx, csv.",
    )
    pdf_engine: PdfEngine | None = Field(
        default=None,
        description="What lays out the PDF: 'typst' or 'weasyprint' (unset: the "
        "CSP_PDF_ENGINE environment variable, else the default, typst). The same pages and "
        "page-break rules either way; see docs/outputs.md.",
    )
    analyst_text: str = Field(
        default="", description="The analyst's own words for the executive summary (Markdown)."
    )
    analyst_text_file: str = Field(
        default="",
        description="A Markdown file (relative to this file) merged into the executive "
        "summary after analyst_text.",
    )
    recommendations: list[str] = Field(
        default_factory=list, description="Recommendations for the partnership to approve."
    )
    draft_recommendations: list[DraftDecision] = Field(
        default_factory=list,
        description="Decisions on the drafts the assessment proposes from its findings: "
        "agree (optionally in your own words) or drop each by its key; a draft not named "
        "stays proposed.",
    )
    themes: list[Theme] = Field(
        min_length=1, description="The priority themes, one chapter each, in order."
    )
    targets: list[Target] = Field(default_factory=list, description="The partnership's targets.")
    tracker_database: str = Field(
        default="",
        description="The plan tracker's database: an SQLite file (relative to this file) or a "
        "database URL without a password (postgres://user@host/name; the password goes in "
        "~/.pgpass). The assessment then adds a chapter on last year's plan.",
    )

    @field_validator("tracker_database")
    @classmethod
    def _no_password(cls, value: str) -> str:
        if "://" in value and urlsplit(value).password:
            raise ValueError("holds a password: keep it out of this file (use ~/.pgpass)")
        return value
    survey: SurveySource | None = Field(
        default=None, description="A residents' survey: its chapter is added (table [survey]; "
        "see docs/survey.md).")
    priorities: PrioritySetting | None = Field(
        default=None, description="Set priorities: the \"Setting priorities\" chapter is added "
        "and data/priorities.csv and data/priorities_plan.json are written (table "
        "[priorities]; see docs/priorities.md).")

    @field_validator("strategic_period")
    @classmethod
    def _period_form(cls, value: str) -> str:
        match = _PERIOD.match(value)
        if not match:
            raise ValueError("must be YYYY-MM:YYYY-MM, e.g. 2024-10:2025-09")
        if match.group(1) > match.group(3):
            raise ValueError(f"starts ({match.group(1)}) after it ends ({match.group(3)})")
        return value

    @field_validator("areas")
    @classmethod
    def _lad_codes(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _LAD.match(value):
                raise ValueError(
                    f"{value!r} is not a local authority district code (E06, E07, E08, E09 "
                    "or W06 followed by six digits)"
                )
        return values

    @field_validator("peers")
    @classmethod
    def _peer_areas(cls, values: list[str]) -> list[str]:
        for value in values:
            if value not in PEER_GROUPS and not _LAD.match(value):
                raise ValueError(
                    f"{value!r} is neither 'force', 'england' nor a local authority code"
                )
        return values

    @model_validator(mode="after")
    def _consistent(self) -> PartnershipConfig:
        if self.suppression_threshold > self.small_number_threshold:
            raise ValueError("suppression_threshold must not exceed small_number_threshold")
        ids = [theme.id for theme in self.themes]
        for theme_id in ids:
            if ids.count(theme_id) > 1:
                raise ValueError(f"theme id {theme_id!r} is used twice")
        if self.priorities is not None and self.priorities.concern and self.survey is not None:
            raise ValueError("priorities.concern: with a [survey] table residents' concern "
                             "comes from the survey; remove one of them")
        keys = [d.key for d in self.draft_recommendations]
        for key in dict.fromkeys(k for k in keys if keys.count(k) > 1):
            raise ValueError(f"draft recommendation {key!r} is decided twice")
        for target in self.targets:
            if target.theme is not None and target.theme not in ids:
                raise ValueError(
                    f"a target names theme {target.theme!r}; theme ids are: {', '.join(ids)}"
                )
        return self

    def period(self) -> StrategicPeriod:
        """The strategic period."""
        start, end = self.strategic_period.split(":")
        return StrategicPeriod(start, end)

    def comparison_period(self) -> StrategicPeriod:
        """The period the strategic period is compared with, by the ``compare`` rule."""
        return self.period().previous(self.compare)


class ConfigError(CspError):
    """The configuration file is not valid; ``errors`` holds one error per problem."""

    def __init__(self, errors: list[CspError]) -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        super().__init__(first.message + more, path=first.path, line=first.line, hint=first.hint)


# ----------------------------------------------------------------------------- reading


def dotted(loc: tuple[str | int, ...]) -> str:
    """A pydantic error location as a dotted key: ``themes[2].categories[0]``.

    >>> dotted(("themes", 2, "categories", 0))
    'themes[2].categories[0]'
    """
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class holding the last key of ``loc`` (for listing allowed keys)."""
    model: type[BaseModel] = PartnershipConfig
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        inner = [a for a in typing.get_args(field.annotation) if isinstance(a, type)]
        candidates = [field.annotation, *inner]
        found = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not found:
            return None
        model = found[0]
    return model


def _message(error: dict[str, Any]) -> tuple[str, str | None]:
    """What is wrong and what to do, from one pydantic error."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"{dotted(loc)} is required", None
    if kind == "extra_forbidden":
        model = _model_at(loc)
        allowed = ", ".join(model.model_fields) if model else ""
        return f"unknown key {dotted(loc)}", f"Allowed keys here: {allowed}"
    if kind == "literal_error":
        allowed = error["ctx"]["expected"]
        return f"{dotted(loc)}: {error['input']!r} is not allowed", f"Allowed values: {allowed}"
    message = error["msg"].removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    key = dotted(loc)
    return (f"{key}: {message}" if key else message), None


_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?")


def find_line(text: str, loc: tuple[str | int, ...], value: Any = None) -> int | None:
    """The 1-based line of ``text`` where the key at ``loc`` (and its bad value) is written.

    Handles top-level keys, ``[table]`` and ``[[array.of.tables]]`` blocks, and values
    inside multi-line arrays. Returns None when the key is not written (e.g. missing).
    """
    lines = text.splitlines()
    block: tuple[str, int] | None = None  # (table name, occurrence) of the current header
    seen: dict[str, int] = {}
    key_lines: dict[tuple[tuple[str, int] | None, str], int] = {}
    header_lines: dict[tuple[str, int], int] = {}
    for number, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(1)
            seen[name] = seen.get(name, -1) + 1
            block = (name, seen[name])
            header_lines[block] = number
            continue
        key = re.match(r"^\s*([A-Za-z0-9_\-]+)\s*=", line)
        if key:
            key_lines.setdefault((block, key.group(1)), number)
    parts = list(loc)
    if parts and isinstance(parts[0], str) and len(parts) > 1 and isinstance(parts[1], int):
        table = (parts[0], parts[1])
        if table in header_lines:
            if len(parts) > 2 and isinstance(parts[2], str):
                found = key_lines.get((table, parts[2]))
                return _value_line(lines, found, value) if found else header_lines[table]
            return header_lines[table]
    if parts and isinstance(parts[0], str):
        found = key_lines.get((None, parts[0]))
        if found:
            return _value_line(lines, found, value)
        first = (parts[0], 0)
        if len(parts) > 1 and isinstance(parts[1], str):
            found = key_lines.get((first, parts[1]))
            if found:
                return _value_line(lines, found, value)
        if first in header_lines:
            return header_lines[first]
    return None


def _value_line(lines: list[str], key_line: int, value: Any) -> int:
    """The line holding a bad string value within a (possibly multi-line) value."""
    if not isinstance(value, str):
        return key_line
    quoted = (f'"{value}"', f"'{value}'")
    for number in range(key_line, len(lines) + 1):
        line = lines[number - 1]
        if number > key_line and (_HEADER.match(line) or re.match(r"^\s*[\w\-]+\s*=", line)):
            break
        if any(q in line for q in quoted):
            return number
    return key_line


def parse_config(text: str, *, path: str | None = None) -> PartnershipConfig:
    """Read configuration from TOML text.

    Raises
    ------
    ConfigError
        With one error per problem, each naming the key (dotted path), the allowed values
        where there is a fixed set, and the line.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(
            [
                CspError(
                    f"not valid TOML: {exc}",
                    path=path,
                    line=int(where.group(1)) if where else None,
                    hint="See docs/configuration.md for the file's layout",
                )
            ]
        ) from exc
    try:
        return PartnershipConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message, hint = _message(error)
            line = find_line(text, tuple(error["loc"]), error.get("input"))
            problems.append(CspError(message, path=path, line=line, hint=hint))
        raise ConfigError(problems) from exc


def load_config(path: str | Path) -> PartnershipConfig:
    """Read and validate a partnership configuration file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CspError(
            f"no configuration file at {path}",
            hint="Write one with `csp init --name NAME --areas CODE --period YYYY-MM:YYYY-MM`",
        ) from exc
    config = parse_config(text, path=str(path))
    problems = [
        CspError(f"{'.'.join(key)}: no file at {path.parent / name}", path=str(path),
                 line=find_line(text, key), hint=hint)
        for key, name, hint in named_files(config)
        if not (path.parent / name).is_file()
    ]
    if problems:
        raise ConfigError(problems)
    return config


def named_files(config: PartnershipConfig) -> list[tuple[tuple[str, ...], str, str]]:
    """(key, file name as written, what to do if it is missing) of every file the
    configuration names, relative to the configuration file."""
    files = []
    if config.analyst_text_file:
        files.append((("analyst_text_file",), config.analyst_text_file,
                      "Give a Markdown file path relative to the configuration file"))
    relative = "Give its path relative to the configuration file"
    if config.survey is not None:
        for key in ("export", "mapping", "coding", "previous", "previous_mapping"):
            name = getattr(config.survey, key)
            if name:
                files.append((("survey", key), name, f"{relative} (see docs/survey.md)"))
    if config.priorities is not None:
        for key in ("scheme", "concern"):
            name = getattr(config.priorities, key)
            if name:
                files.append((("priorities", key), name,
                              f"{relative} (see docs/priorities.md)"))
    return files


def analyst_summary(config: PartnershipConfig, config_path: str | Path) -> str:
    """The analyst's text for the executive summary: ``analyst_text`` then the contents of
    ``analyst_text_file`` (relative to the configuration file), separated by a blank line."""
    parts = [config.analyst_text.strip()]
    if config.analyst_text_file:
        file = Path(config_path).parent / config.analyst_text_file
        parts.append(file.read_text(encoding="utf-8").strip())
    return "\n\n".join(p for p in parts if p)


# ----------------------------------------------------------------------------- default file

INIT_OPTIONS = {
    "name": "--name",
    "areas": "--areas",
    "strategic_period": "--period",
    "compare": "--compare",
}
"""``csp init`` option for each key it fills in."""


def default_config_text(
    *, name: str, areas: list[str], period: str, compare: str = "previous"
) -> str:
    """The commented default configuration for a typical English CSP, filled in.

    Raises
    ------
    CspError
        Naming the ``csp init`` option whose value is not valid.
    """
    template = string.Template(
        resources.files("cspkit.assessment").joinpath("default_config.toml").read_text("utf-8")
    )
    text = template.substitute(
        name=json.dumps(name, ensure_ascii=False),
        areas=json.dumps(areas),
        period=json.dumps(period),
        compare=json.dumps(compare),
    )
    try:
        parse_config(text)
    except ConfigError as exc:
        first = exc.errors[0]
        key = first.message.split(":", 1)[0].split("[", 1)[0].split(" ", 1)[0]
        option = INIT_OPTIONS.get(key)
        message = first.message
        if option:
            message = f"{option}: " + first.message.split(":", 1)[-1].strip()
        raise CspError(message, hint=first.hint) from exc
    return text


def write_default_config(
    path: Path, *, name: str, areas: list[str], period: str, compare: str, force: bool = False
) -> Path:
    """Write the default configuration to ``path`` (never over an existing file unless
    ``force``)."""
    text = default_config_text(
        name=name, areas=[a.strip() for a in areas if a.strip()], period=period, compare=compare
    )
    if path.exists() and not force:
        raise CspError(
            f"{path} already exists", hint="Choose another --out, or pass --force to overwrite"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CspError(f"cannot write {path}: {exc.strerror}") from exc
    return path


# ----------------------------------------------------------------------------- reference


def _type_text(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        values = typing.get_args(annotation)
        if len(values) > 5:
            return "one of the values listed below"
        return " \\| ".join(f"`{v}`" for v in values)
    if origin is list:
        return f"list of {_type_text(typing.get_args(annotation)[0])}"
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _type_text(args[0]) + " (optional)"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"table `[[...]]` ({annotation.__name__})"
    return {str: "text", int: "integer", float: "number"}.get(annotation, str(annotation))


def _default_text(field: Any) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if value in ("", None, []):
        return "empty"
    return f"`{value!r}`".replace("'", '"')


def reference_rows() -> list[tuple[str, str, str, str]]:
    """(key, type, default, description) for every configuration key, in file order."""
    rows = []
    prefixes = ((PartnershipConfig, ""), (Theme, "themes[]."), (Target, "targets[]."),
                (SurveySource, "survey."), (PrioritySetting, "priorities."),
                (DraftDecision, "draft_recommendations[]."))
    for model, prefix in prefixes:
        for name, field in model.model_fields.items():
            rows.append(
                (
                    f"{prefix}{name}",
                    _type_text(field.annotation),
                    _default_text(field),
                    field.description or "",
                )
            )
    return rows


def reference_markdown() -> str:
    """The key table for docs/configuration.md, generated from the models."""
    lines = ["| Key | Type | Default | Meaning |", "|---|---|---|---|"]
    for key, kind, default, description in reference_rows():
        lines.append(f"| `{key}` | {kind} | {default} | {description} |")
    lines += [
        "",
        "Allowed incident categories (`themes[].categories`; `targets[].crime_type` takes the "
        "same list without Anti-social behaviour):",
        "",
    ]
    lines += [f"- `{c}`" for c in INCIDENT_CATEGORIES]
    lines += ["", "Allowed analyses (`themes[].analyses`):", ""]
    lines += [f"- `{name}`: {text}" for name, text in ANALYSES.items()]
    lines += ["", "Data needs (`themes[].partner_data`), each held by one agency:", ""]
    lines += [f"- `{need}` ({DATA_NEEDS[need].owner}): {DATA_NEEDS[need].missing}"
              for need in OTHER_NEEDS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference_markdown(), end="")
