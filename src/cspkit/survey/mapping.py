"""The mapping of a survey export: which column holds which question, and what its answers mean.

A mapping is a TOML file, in the style of the partner mappings (``docs/survey.md``). It
names the respondent's columns (id, ward or postcode, sex, age band, disability, ethnicity),
each question with its answer codes, and the free-text questions. ``layout = "wide"`` reads
one column per question (or per option of a multi-select question); ``layout = "long"``
reads one row per respondent and question, and every ``column`` of the mapping is then the
question's code in the long file's question column.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cspkit.errors import CspError
from cspkit.sources.partner.mapping import NOT_RECORDED

DONT_KNOW = ("don't know", "dont know", "do not know", "not sure", "no opinion")
SELECTED = ("1", "yes", "y", "true", "x", "selected", "ticked")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _strict() -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True)


class RespondentColumns(BaseModel):
    """Who answered: the columns describing the respondent and the codes they use."""

    model_config = _strict()

    id: str = Field(description="Response id column.")
    ward: str | None = Field(default=None, description="Ward (name or code) column.")
    postcode: str | None = Field(default=None, description="Home postcode column.")
    sex: str = Field(description="Sex column.")
    age_band: str = Field(description="Age band column.")
    disability: str | None = None
    ethnicity: str | None = None
    sex_codes: dict[str, Literal["female", "male"]] = Field(
        default_factory=lambda: {"female": "female", "male": "male", "f": "female",
                                 "m": "male", "woman": "female", "man": "male"},
        description="Answer (case-insensitive) → female or male.")
    age_bands: dict[str, tuple[int, int]] = Field(
        description="Answer → [youngest, oldest] age (oldest 120 for an open band).")
    disability_codes: dict[str, str] = Field(
        default_factory=lambda: {"yes": "Disabled", "no": "Not disabled"})
    ethnicity_codes: dict[str, str] = Field(
        default_factory=dict, description="Answer → group reported (empty = as written).")
    not_stated: list[str] = Field(default_factory=lambda: list(NOT_RECORDED),
                                  description="Answers meaning not stated.")

    @model_validator(mode="after")
    def _one_place(self) -> RespondentColumns:
        if (self.ward is None) == (self.postcode is None):
            raise ValueError("give exactly one of ward or postcode")
        for answer, (low, high) in self.age_bands.items():
            if not 0 <= low <= high <= 120:
                raise ValueError(f"age band {answer!r}: give [youngest, oldest] within 0…120")
        return self


class Option(BaseModel):
    """One option of a multi-select question."""

    model_config = _strict()

    column: str | None = Field(default=None, description="Its column (wide layout with one "
                               "column per option).")
    category: str | None = Field(default=None, description="The assessment's theme or crime "
                                 "type this option is about (for the public-concern table).")


class Question(BaseModel):
    """A closed question: single choice (one column) or multi-select."""

    model_config = _strict()

    id: str
    text: str = Field(description="The question as asked (shown in the report).")
    type: Literal["single", "multi"] = "single"
    column: str | None = Field(default=None, description="Its column; for a multi-select "
                               "question, the column listing the choices.")
    separator: str = Field(default=";", description="Between choices in one column.")
    answers: dict[str, str] = Field(default_factory=dict, description="Single choice: "
                                    "answer code → answer reported (codes case-insensitive).")
    options: dict[str, Option] = Field(default_factory=dict, description="Multi-select: "
                                       "option → its column and category.")
    dont_know: list[str] = Field(default_factory=lambda: list(DONT_KNOW),
                                 description="Answers kept apart as don't know.")
    report: list[str] = Field(default_factory=list, description="Answers reported (default: "
                              "every answer).")
    concern: bool = Field(default=False, description="The question asking which issues "
                          "concern residents (feeds the priorities).")

    @model_validator(mode="after")
    def _complete(self) -> Question:
        if not _ID.match(self.id):
            raise ValueError(f"question id {self.id!r} must be lower-case letters, digits "
                             "and underscores")
        if self.type == "single":
            if self.column is None or not self.answers:
                raise ValueError(f"question {self.id}: a single-choice question needs column "
                                 "and answers")
            unknown = set(self.report) - set(self.answers.values())
            if unknown:
                raise ValueError(f"question {self.id}: report names {sorted(unknown)}, which "
                                 "no answer gives")
        else:
            if not self.options:
                raise ValueError(f"question {self.id}: a multi-select question needs options")
            per_option = [o.column is not None for o in self.options.values()]
            if any(per_option) and (not all(per_option) or self.column is not None):
                raise ValueError(f"question {self.id}: give a column for every option, or one "
                                 "column for the question, not both")
            if not any(per_option) and self.column is None:
                raise ValueError(f"question {self.id}: give the question's column or a column "
                                 "per option")
        if self.concern and self.type != "multi":
            raise ValueError(f"question {self.id}: the concern question must be multi-select")
        return self

    def reported(self) -> list[str]:
        """The answers (single choice) or options (multi-select) reported, in order."""
        if self.type == "multi":
            return list(self.options)
        return self.report or list(dict.fromkeys(self.answers.values()))

    def columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        return [o.column for o in self.options.values() if o.column is not None]


class FreeText(BaseModel):
    """An open question whose answers the analyst codes by theme (a coding frame file)."""

    model_config = _strict()

    id: str
    text: str
    column: str


class LongLayout(BaseModel):
    """The columns of a long export (one row per respondent and question)."""

    model_config = _strict()

    respondent: str = Field(description="Response id column.")
    question: str = Field(description="Question code column.")
    answer: str = Field(description="Answer column.")


class SurveyMapping(BaseModel):
    """A survey export's mapping."""

    model_config = _strict()

    name: str
    title: str = Field(description="The survey's name as residents knew it.")
    fieldwork: str = Field(default="", description="When it ran, e.g. 'June to August 2025'.")
    layout: Literal["wide", "long"] = "wide"
    encodings: list[Literal["utf-8", "cp1252"]] = Field(default_factory=lambda: ["utf-8"])
    sheet: str | None = None
    long: LongLayout | None = None
    respondent: RespondentColumns
    question: list[Question]
    free_text: list[FreeText] = Field(default_factory=list)
    selected: list[str] = Field(default_factory=lambda: list(SELECTED), description="Values "
                                "of an option's own column meaning ticked (blank = not).")

    @model_validator(mode="after")
    def _consistent(self) -> SurveyMapping:
        if (self.layout == "long") != (self.long is not None):
            raise ValueError("a long layout needs a [long] table, and only a long layout")
        ids = [q.id for q in self.question] + [f.id for f in self.free_text]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"question id(s) {repeated} used twice")
        if sum(q.concern for q in self.question) > 1:
            raise ValueError("only one question can be the concern question")
        return self

    def respondent_columns(self) -> list[str]:
        r = self.respondent
        return [c for c in (r.id, r.ward, r.postcode, r.sex, r.age_band, r.disability,
                            r.ethnicity) if c]

    def columns(self) -> list[str]:
        """Every column (wide) or question code (long) the mapping reads."""
        named = self.respondent_columns()
        named += [c for q in self.question for c in q.columns()]
        named += [f.column for f in self.free_text]
        return list(dict.fromkeys(named))

    def concern_question(self) -> Question | None:
        return next((q for q in self.question if q.concern), None)


def load_survey_mapping(path: str | Path) -> SurveyMapping:
    """Read and check a survey mapping file.

    Raises
    ------
    CspError
        When the file is missing, not TOML, or not a valid mapping (naming the key).
    """
    path = Path(path)
    if not path.is_file():
        raise CspError("no such survey mapping file", path=str(path),
                       hint="Give the TOML file describing the export (see docs/survey.md)")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CspError(f"not valid TOML ({exc})", path=str(path)) from None
    try:
        return SurveyMapping.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "mapping"
        raise CspError(f"{key}: {first['msg']}", path=str(path),
                       hint="See docs/survey.md for the mapping's keys") from None
