"""Reading a survey export through its mapping into one row per respondent.

The export is read by the partner exports' reader (CSV in UTF-8 or Windows-1252, or an
Excel workbook; titles above the header are passed over). Every problem with a respondent's
answers is counted, never silently dropped: an answer code the mapping does not know, a
home outside the partnership, a postcode not in the lookup, a column left blank by every
respondent, a column of the export the mapping does not read. Nothing can be done about a
column the mapping names that the export lacks: that is an error, and nothing is loaded.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cspkit.errors import CspError, LoadError
from cspkit.sources.partner.postcodes import normalise_postcode
from cspkit.sources.partner.readers import CP1252, UTF8, ExportTable, NeededColumns, read_export
from cspkit.survey.mapping import Question, SurveyMapping

DONT_KNOW = "Don't know"
"""The answer recorded for every don't-know code: kept apart from blank and from "no"."""

OUTSIDE = "outside the partnership"
NO_PLACE = "home not given or not recognised"


@dataclass(frozen=True)
class UnknownCode:
    """Answers the mapping does not know, per column: counted and treated as blank."""

    field: str
    value: str
    respondents: int


@dataclass(frozen=True, eq=False)
class SurveyResponses:
    """One survey's responses, one row per respondent.

    Attributes
    ----------
    respondents
        ``respondent_id, line, ward_code, ward_name, sex, age_band, disability, ethnicity``
        (``None`` where not stated), then one column per single-choice question (the answer
        reported, :data:`DONT_KNOW`, or ``None`` for blank) and one float column per option of
        a multi-select question named ``question_id:option`` (1 ticked, 0 not ticked,
        ``NaN`` when the respondent left the whole question blank or did not know).
    free_text
        ``respondent_id, question, text, analysed`` for every non-blank open answer
        (``analysed`` is false for a respondent not analysed, e.g. living elsewhere).
    unknown_codes
        Answers the mapping does not know.
    excluded
        Respondents not analysed, by reason (home outside the partnership, not placed).
    blank_columns
        Columns of the mapping that no respondent filled in.
    unread_columns
        Columns of the export that the mapping does not read.
    rows_read, sha256
        Responses in the export, and the export's SHA-256 (for the report's manifest).
    """

    name: str
    mapping: SurveyMapping
    respondents: pd.DataFrame
    free_text: pd.DataFrame
    unknown_codes: tuple[UnknownCode, ...] = ()
    excluded: Mapping[str, int] = field(default_factory=dict)
    blank_columns: tuple[str, ...] = ()
    unread_columns: tuple[str, ...] = ()
    rows_read: int = 0
    sha256: str = ""

    def notices(self) -> list[str]:
        """What the analyst should know about the load, one line each."""
        lines = [f"{self.name}: {self.rows_read:,} responses read, "
                 f"{len(self.respondents):,} analysed"]
        lines += [f"  {n:,} not analysed: {why}" for why, n in self.excluded.items() if n]
        lines += [f"  {u.field}: {u.respondents:,} answer(s) {u.value!r} not in the mapping "
                  "(treated as blank)" for u in self.unknown_codes]
        lines += [f"  {c}: blank for every respondent" for c in self.blank_columns]
        if self.unread_columns:
            lines.append(f"  columns not in the mapping (not read): "
                         f"{', '.join(self.unread_columns)}")
        return lines


def _key(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip().casefold()


class _Codes:
    """Turns a column's answers into codes and counts the answers it does not know."""

    def __init__(self) -> None:
        self.unknown: Counter[tuple[str, str]] = Counter()

    def decode(self, field_name: str, values: list[str | None], codes: Mapping[str, str],
               *, blank: tuple[str, ...] = (), dont_know: tuple[str, ...] = ()
               ) -> list[str | None]:
        lookup = {k.casefold(): v for k, v in codes.items()}
        lookup.update({k.casefold(): DONT_KNOW for k in dont_know})
        lookup.update({k.casefold(): None for k in blank})
        out: list[str | None] = []
        for value in values:
            key = _key(value)
            if key is None:
                out.append(None)
            elif key in lookup:
                out.append(lookup[key])
            else:
                self.unknown[(field_name, value.strip())] += 1
                out.append(None)
        return out


def _wide(table: ExportTable) -> pd.DataFrame:
    return pd.DataFrame(list(table.rows), columns=list(table.columns), dtype=object).assign(
        __line=list(table.lines))


def _long_to_wide(table: ExportTable, mapping: SurveyMapping) -> pd.DataFrame:
    """One row per respondent, a column per question code; a code given more than once for a
    respondent (a multi-select question's choices) is joined with the question's separator."""
    layout = mapping.long
    frame = pd.DataFrame(list(table.rows), columns=list(table.columns), dtype=object)
    frame["__line"] = list(table.lines)
    if frame[layout.respondent].isna().any():
        line = table.lines[int(np.flatnonzero(frame[layout.respondent].isna())[0])]
        raise LoadError(f"{layout.respondent} is blank", path=table.name, line=line,
                        hint="Every row of a long export needs its response id")
    separators = {q.column: q.separator for q in mapping.question if q.type == "multi"}
    frame = frame.dropna(subset=[layout.answer])
    grouped = frame.groupby([layout.respondent, layout.question], sort=False)[layout.answer]
    answers = grouped.agg(list)
    wide = pd.Series([values[0] if len(values) == 1 else separators.get(code, ";").join(values)
                      for (_, code), values in answers.items()], index=answers.index)
    wide = wide.unstack(layout.question)
    wide.columns = wide.columns.astype(str)
    lines = frame.groupby(layout.respondent, sort=False)["__line"].min()
    wide = wide.reindex(lines.index)
    wide.insert(0, mapping.respondent.id, wide.index.astype(str))
    wide["__line"] = lines.to_numpy()
    wide = wide.reset_index(drop=True)
    return wide.astype(object).where(wide.notna(), None)


def _multi(question: Question, frame: pd.DataFrame, mapping: SurveyMapping,
           codes: _Codes) -> dict[str, np.ndarray]:
    """Ticked (1), not ticked (0) or not answered (NaN) per option."""
    n = len(frame)
    ticked = np.zeros((n, len(question.options)))
    if question.column is not None:
        lookup = {o.casefold(): i for i, o in enumerate(question.options)}
        dont_know = {d.casefold() for d in question.dont_know}
        answered = np.zeros(n, dtype=bool)
        for row, value in enumerate(frame[question.column].tolist()):
            for choice in (value or "").split(question.separator):
                key = choice.strip().casefold()
                if not key or key in dont_know:
                    continue
                if key in lookup:
                    ticked[row, lookup[key]] = 1
                    answered[row] = True
                else:
                    codes.unknown[(question.column, choice.strip())] += 1
    else:
        selected = {s.casefold() for s in mapping.selected}
        for i, option in enumerate(question.options.values()):
            for row, value in enumerate(frame[option.column].tolist()):
                key = _key(value)
                if key is None:
                    continue
                if key in selected or key == option.column.casefold():
                    ticked[row, i] = 1
                else:
                    codes.unknown[(option.column, value.strip())] += 1
        answered = ticked.any(axis=1)
    ticked[~answered] = np.nan
    return {f"{question.id}:{option}": ticked[:, i]
            for i, option in enumerate(question.options)}


def _place(frame: pd.DataFrame, mapping: SurveyMapping, wards: pd.DataFrame,
           postcodes: Mapping[str, str] | None) -> tuple[pd.Series, pd.Series]:
    """Each respondent's ward code and ward name (``None`` when not placed); a place found
    but outside the partnership is marked with :data:`OUTSIDE` as its code."""
    r = mapping.respondent
    n = len(frame)
    codes: list[str | None] = [None] * n
    if r.ward is not None:
        by_name = {str(k).casefold(): c for k, c in zip(wards["ward_name"], wards["ward_code"],
                                                        strict=True)}
        by_name.update({str(c).casefold(): c for c in wards["ward_code"]})
        for i, value in enumerate(frame[r.ward].tolist()):
            key = _key(value)
            if key is not None:
                codes[i] = by_name.get(key, OUTSIDE)
    else:
        if postcodes is None:
            raise CspError("the mapping places respondents by postcode, but no postcode "
                           "lookup is loaded", hint="Load the ONS postcode lookup (csp load)")
        lsoa_ward = dict(zip(wards["lsoa_code"], wards["ward_code"], strict=True))
        for i, value in enumerate(frame[r.postcode].tolist()):
            postcode = normalise_postcode(value)
            lsoa = postcodes.get(postcode) if postcode else None
            if lsoa is not None:
                codes[i] = lsoa_ward.get(lsoa, OUTSIDE)
    names = dict(zip(wards["ward_code"], wards["ward_name"], strict=True))
    code_series = pd.Series(codes, dtype=object)
    return code_series, code_series.map(names)


def read_responses(path: str | Path, mapping: SurveyMapping, *, wards: pd.DataFrame,
                   postcodes: Mapping[str, str] | None = None) -> SurveyResponses:
    """Read a survey export through its mapping.

    Parameters
    ----------
    path
        The export: CSV or .xlsx.
    mapping
        Its mapping (:func:`cspkit.survey.mapping.load_survey_mapping`).
    wards
        The partnership's ``lsoa_code, ward_code, ward_name`` (a respondent whose ward or
        postcode is elsewhere is counted as outside the partnership and not analysed).
    postcodes
        Postcode → LSOA 2021, when the mapping places respondents by postcode.

    Raises
    ------
    LoadError
        When the export lacks a column the mapping reads, is not a readable CSV or
        workbook, repeats a response id, or no respondent lives in the partnership.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read the survey export ({exc.strerror})", path=str(path)
                        ) from None
    if mapping.layout == "long":
        names = (mapping.long.respondent, mapping.long.question, mapping.long.answer)
    else:
        names = tuple(mapping.columns())
    needs = NeededColumns(names, f"survey mapping {mapping.name}",
                          "Check the mapping's column names against the export's header, or "
                          "export the survey again with every question")
    encodings = [e for e in (UTF8, CP1252) if e in mapping.encodings]
    table = read_export(str(path), data, encodings=encodings, sheet=mapping.sheet, needs=needs)
    if mapping.layout == "long":
        frame = _long_to_wide(table, mapping)
        missing = [c for c in mapping.columns() if c not in frame.columns]
        if missing:
            raise LoadError(f"survey mapping {mapping.name} reads question code(s) {missing} "
                            "that no row of the export has", path=str(path),
                            hint="Check the question codes in the mapping against the export")
        unread = sorted(set(frame.columns) - set(mapping.columns()) - {"__line"})
    else:
        frame = _wide(table)
        unread = [c for c in table.columns if c not in set(mapping.columns())]
    r = mapping.respondent
    ids = frame[r.id]
    if ids.isna().any():
        line = int(frame["__line"].iloc[int(np.flatnonzero(ids.isna())[0])])
        raise LoadError(f"{r.id} is blank", path=str(path), line=line,
                        hint="Every response needs its id")
    repeated = ids[ids.duplicated()]
    if len(repeated):
        line = int(frame.loc[repeated.index[0], "__line"])
        raise LoadError(f"response id {repeated.iloc[0]!r} appears twice", path=str(path),
                        line=line, hint="Remove the duplicate response and load again")
    blank = tuple(c for c in mapping.columns() if frame[c].isna().all())

    codes = _Codes()
    not_stated = tuple(r.not_stated)
    out = pd.DataFrame({"respondent_id": ids.astype(str).to_numpy(),
                        "line": frame["__line"].astype(int).to_numpy()})
    out["ward_code"], out["ward_name"] = _place(frame, mapping, wards, postcodes)
    out["sex"] = codes.decode(r.sex, frame[r.sex].tolist(), r.sex_codes, blank=not_stated)
    bands = {k: k for k in r.age_bands}
    out["age_band"] = codes.decode(r.age_band, frame[r.age_band].tolist(), bands,
                                   blank=not_stated)
    if r.disability:
        out["disability"] = codes.decode(r.disability, frame[r.disability].tolist(),
                                         r.disability_codes, blank=not_stated)
    else:
        out["disability"] = None
    if r.ethnicity:
        values = frame[r.ethnicity].tolist()
        groups = r.ethnicity_codes or {v.strip(): v.strip() for v in values if _key(v)}
        out["ethnicity"] = codes.decode(r.ethnicity, values, groups, blank=not_stated)
    else:
        out["ethnicity"] = None
    for question in mapping.question:
        if question.type == "single":
            out[question.id] = codes.decode(question.column, frame[question.column].tolist(),
                                            question.answers,
                                            dont_know=tuple(question.dont_know))
        else:
            for name, values in _multi(question, frame, mapping, codes).items():
                out[name] = values
    texts = [pd.DataFrame({"respondent_id": out["respondent_id"], "question": f.id,
                           "text": frame[f.column].to_numpy()}) for f in mapping.free_text]
    free_text = (pd.concat(texts, ignore_index=True).dropna(subset=["text"]) if texts
                 else pd.DataFrame(columns=["respondent_id", "question", "text"]))
    free_text = free_text.reset_index(drop=True)

    outside = out["ward_code"] == OUTSIDE
    unplaced = out["ward_code"].isna()
    excluded = {OUTSIDE: int(outside.sum()), NO_PLACE: int(unplaced.sum())}
    kept = out[~outside & ~unplaced].reset_index(drop=True)
    if kept.empty:
        raise LoadError("no respondent lives in the partnership's wards", path=str(path),
                        hint="Check the ward or postcode column and the partnership's areas")
    free_text["analysed"] = free_text["respondent_id"].isin(set(kept["respondent_id"]))
    unknown = tuple(UnknownCode(f, v, n) for (f, v), n in sorted(codes.unknown.items()))
    return SurveyResponses(
        name=path.name, mapping=mapping, respondents=kept,
        free_text=free_text.reset_index(drop=True), unknown_codes=unknown,
        excluded=excluded, blank_columns=blank, unread_columns=tuple(unread),
        rows_read=len(out), sha256=hashlib.sha256(data).hexdigest())
