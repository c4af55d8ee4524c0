"""Candidate priorities and their raw measures, from the assessment's evidence and the
residents' survey.

Candidates: every theme, every crime type recorded in the period, anti-social behaviour,
every persistent hot spot, every emerging issue the month's scan flags in a ward, and any
concern residents name that matches none of these. Each gets the raw measures that
:func:`cspkit.analysis.priorities.priority_scores` scores (NaN: not measured for it), and
the evidence behind them in words, for the plan.
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.change import exact_poisson_test
from cspkit.analysis.concentration import Concentration, concentration
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scan import Scan, scan
from cspkit.analysis.scope import ASB
from cspkit.analysis.themes import ASB_CATEGORY, POLICE_UK_CRIME_TYPES
from cspkit.assessment.bulletin import month_text
from cspkit.assessment.document import SUPPRESSED
from cspkit.assessment.evidence import Evidence, ThemeEvidence, Unavailable, optional
from cspkit.assessment.findings import HARM_WEIGHTS
from cspkit.assessment.wording import count_text, percent_text, share_text
from cspkit.errors import CspError

SURVEY_COLUMNS = ("category", "estimate", "lower", "upper", "respondents")
SEVERITY_FILE = "crime_severity.toml"


# ----------------------------------------------------------------------------- severity


@dataclass(frozen=True)
class SeverityWeights:
    """Harm weight per incident category, and where the weights come from.

    Attributes
    ----------
    weights
        Category → weight per offence.
    basis
        ``css`` (Crime Severity Score weights for every crime type) or ``harm rank`` (the
        ordinal harm ranks of :data:`cspkit.assessment.findings.HARM_WEIGHTS`, used while any
        crime type lacks a severity weight).
    source
        The publisher, title, edition and address of the weights (empty for harm ranks).
    missing
        Crime types without a severity weight in the file.
    """

    weights: dict[str, float]
    basis: str
    source: dict[str, str]
    missing: tuple[str, ...]


def severity_weights(path: str | Path | None = None) -> SeverityWeights:
    """Read a severity weights file (the one shipped when ``path`` is None).

    A crime type's weight is entered directly (``[weights."<type>"]``: ``weight`` and its
    ``source``), or derived from the offences of the ONS table (``[[offences]]``: ``code``,
    ``offence``, ``crime_type``, ``weight``, ``recorded``) as the mean of their weights
    weighted by the offences recorded (:func:`crime_type_weights`); offences need the
    edition of the weights (``source.edition``) and the table of the counts
    (``source.counts``).

    Raises
    ------
    CspError
        A crime type that police.uk does not publish, a weight that is not positive, a
        weight without its source, or an offence entry that is incomplete.

    Examples
    --------
    >>> shipped = severity_weights()
    >>> shipped.basis, shipped.weights["Robbery"] > shipped.weights["Shoplifting"]
    ('harm rank', True)
    """
    name = str(path) if path else SEVERITY_FILE
    try:
        text = (Path(path).read_text(encoding="utf-8") if path else
                resources.files("cspkit.assessment").joinpath(SEVERITY_FILE).read_text("utf-8"))
        data = tomllib.loads(text)
    except FileNotFoundError as exc:
        raise CspError(f"no severity weights file at {path}",
                       hint="Name a copy of the shipped crime_severity.toml") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CspError(f"not valid TOML: {exc}", path=name) from exc
    source = {k: str(v) for k, v in data.get("source", {}).items()}
    given: dict[str, float] = {}
    for category, entry in data.get("weights", {}).items():
        _crime_type(category, f"weights.{category}", name)
        weight = entry.get("weight") if isinstance(entry, dict) else None
        if not isinstance(weight, int | float) or weight <= 0:
            raise CspError(f"weights.{category}.weight: must be a positive number", path=name)
        if not str(entry.get("source", "")).strip():
            raise CspError(f"weights.{category}.source: say where the weight comes from",
                           path=name)
        given[category] = float(weight)
    offences = data.get("offences", [])
    if offences:
        for key, what in (("edition", "edition of the ONS weights"),
                          ("counts", "table of recorded offences")):
            if not source.get(key, "").strip():
                raise CspError(f"source.{key}: name the {what} the offences come from",
                               path=name)
        derived = crime_type_weights(_offence_table(offences, name))
        for category in derived:
            if category in given:
                raise CspError(f"weights.{category}: also derived from [[offences]]; give "
                               "one or the other", path=name)
        given |= derived
    missing = tuple(t for t in POLICE_UK_CRIME_TYPES if t not in given)
    if missing:
        return SeverityWeights(weights=dict(HARM_WEIGHTS), basis="harm rank", source={},
                               missing=missing)
    return SeverityWeights(weights=given, basis="css", source=source, missing=())


OFFENCE_KEYS: dict[str, type | tuple[type, ...]] = {
    "code": str, "offence": str, "crime_type": str, "weight": (int, float), "recorded": int}
"""The keys of an ``[[offences]]`` entry of a severity weights file and their types."""


def _crime_type(value: str, key: str, name: str) -> None:
    if value not in POLICE_UK_CRIME_TYPES:
        raise CspError(f"{key}: {value!r} is not a police.uk crime type", path=name,
                       hint=f"Use one of: {', '.join(POLICE_UK_CRIME_TYPES)}")


def _offence_table(offences: list[Any], name: str) -> pd.DataFrame:
    """The ``[[offences]]`` entries as a table, each checked."""
    rows = []
    for i, entry in enumerate(offences):
        where = f"offences[{i}]"
        if not isinstance(entry, dict):
            raise CspError(f"{where}: must be a table", path=name)
        for key, kind in OFFENCE_KEYS.items():
            value = entry.get(key)
            if not isinstance(value, kind) or isinstance(value, bool) or value == "":
                raise CspError(f"{where}.{key}: missing or not a {_kind_text(kind)}",
                               path=name, hint=f"Each offence needs {', '.join(OFFENCE_KEYS)}")
        _crime_type(entry["crime_type"], f"{where}.crime_type", name)
        if entry["weight"] <= 0 or entry["recorded"] < 0:
            raise CspError(f"{where}: weight must be positive and recorded not negative",
                           path=name)
        rows.append({key: entry[key] for key in OFFENCE_KEYS})
    table = pd.DataFrame(rows)
    twice = table["code"][table["code"].duplicated()]
    if len(twice):
        raise CspError(f"offences: code {twice.iloc[0]!r} is listed twice", path=name)
    return table


def _kind_text(kind: type | tuple[type, ...]) -> str:
    return {str: "text", int: "whole number"}.get(kind, "number")  # type: ignore[arg-type]


def crime_type_weights(offences: pd.DataFrame) -> dict[str, float]:
    """Each crime type's weight from the offences of the ONS table: the mean of its offences'
    weights weighted by the offences recorded,

        w_type = Σ_o n_o w_o / Σ_o n_o,

    over the offence codes o mapped to the type (``offences``: ``crime_type``, ``weight``,
    ``recorded``). A type whose offences were never recorded has no weight.

    Examples
    --------
    >>> crime_type_weights(pd.DataFrame({"crime_type": ["Burglary", "Burglary"],
    ...                                  "weight": [400.0, 100.0], "recorded": [1, 3]}))
    {'Burglary': 175.0}
    """
    out = {}
    for category, group in offences.groupby("crime_type", sort=True):
        recorded = group["recorded"].astype(float)
        if recorded.sum() > 0:
            out[str(category)] = float((recorded * group["weight"]).sum() / recorded.sum())
    return out


# ----------------------------------------------------------------------------- survey


def read_survey_concern(path: str | Path) -> pd.DataFrame:
    """The survey's public-concern table: ``category, estimate, lower, upper, respondents``.

    Estimates are weighted shares of residents naming each issue as a concern. Shares from
    0 to 1 are expected; a file in which any estimate or bound exceeds 1 is read as
    percentages (0–100) and divided by 100. A row whose estimate is withheld (``[c]``, too
    few respondents) is left out, as :func:`concern_table` leaves it out.

    Raises
    ------
    CspError
        Naming the file, the line and the column of a missing column or a bad value.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            absent = [c for c in SURVEY_COLUMNS if c not in header]
            if absent:
                raise CspError(f"missing column(s) {', '.join(absent)}", path=str(path), line=1,
                               hint=f"The file needs the columns {', '.join(SURVEY_COLUMNS)}")
            rows = []
            for line, row in enumerate(reader, start=2):
                record: dict[str, Any] = {"category": (row["category"] or "").strip()}
                if not record["category"]:
                    raise CspError("category is empty", path=str(path), line=line)
                if (row["estimate"] or "").strip() == SUPPRESSED:
                    continue
                for column in SURVEY_COLUMNS[1:]:
                    try:
                        record[column] = float(row[column])
                    except (TypeError, ValueError):
                        raise CspError(f"{column}: {row[column]!r} is not a number",
                                       path=str(path), line=line) from None
                    if record[column] < 0 or math.isnan(record[column]):
                        raise CspError(f"{column}: must not be negative", path=str(path),
                                       line=line)
                if not record["lower"] <= record["estimate"] <= record["upper"]:
                    raise CspError("estimate must lie between lower and upper",
                                   path=str(path), line=line)
                rows.append(record)
    except FileNotFoundError as exc:
        raise CspError(f"no survey concern file at {path}",
                       hint="Write it with the survey tools, or leave the setting empty") from exc
    table = pd.DataFrame(rows, columns=list(SURVEY_COLUMNS))
    if table.duplicated("category").any():
        raise CspError(f"category {table['category'][table.duplicated('category')].iloc[0]!r} "
                       "is listed twice", path=str(path))
    if (table[["estimate", "lower", "upper"]] > 1).any().any():
        table[["estimate", "lower", "upper"]] /= 100.0
    if (table[["estimate", "lower", "upper"]] > 1).any().any():
        raise CspError("estimates must be shares (0 to 1) or percentages (0 to 100)",
                       path=str(path))
    return table


def concern_table(concern: pd.DataFrame) -> pd.DataFrame:
    """The public-concern table from a survey analysis's ``concern`` (``category, estimate,
    lower, upper, respondents`` and ``suppressed``): the shares not withheld, in the columns
    :func:`read_survey_concern` returns.

    Examples
    --------
    >>> concern_table(pd.DataFrame({"category": ["Drugs", "Arson"], "estimate": [0.4, 0.1],
    ...     "lower": [0.3, 0.0], "upper": [0.5, 0.2], "respondents": [90, 3],
    ...     "suppressed": [False, True]}))
      category  estimate  lower  upper  respondents
    0    Drugs       0.4    0.3    0.5           90
    """
    shown = concern[~concern["suppressed"].astype(bool)]
    return shown[list(SURVEY_COLUMNS)].reset_index(drop=True)


# ----------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    """One candidate priority while its measures are gathered."""

    key: str
    name: str
    kind: str
    categories: tuple[str, ...] = ()
    measures: dict[str, float] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    concern: tuple[float, float, float, int] | None = None


def _change_words(current: int, previous: int, significant: bool, noun: str) -> str:
    if previous == 0:
        return f"{count_text(current)} {noun} in the strategic period (none before)"
    pct = 100.0 * (current - previous) / previous
    direction = "up" if pct > 0 else "down" if pct < 0 else "unchanged"
    tested = "a statistically significant change" if significant else "not a significant change"
    size = "" if direction == "unchanged" else f" {percent_text(pct)}"
    return (f"{count_text(current)} {noun} in the strategic period, {direction}{size} on the "
            f"comparison period ({tested})")


def _trend(current: int, previous: int, significant: bool) -> float:
    """The trend measure: percentage change when significant, else 0."""
    if not significant:
        return 0.0
    if previous == 0:
        return 100.0
    return 100.0 * (current - previous) / previous


def _place_measures(candidate: Candidate, found: Concentration | Unavailable,
                    vulnerable: set[str] | None) -> None:
    if isinstance(found, Unavailable) or found.total == 0:
        return
    candidate.measures["concentration"] = found.top_10pct_share
    candidate.evidence.append(f"{share_text(found.top_10pct_share)} of it in the top 10% of "
                              "neighbourhoods")
    if vulnerable is not None:
        t = found.table
        share = float(t.loc[t["lsoa_code"].isin(vulnerable), "count"].sum()) / found.total
        candidate.measures["vulnerability"] = share
        candidate.evidence.append(f"{share_text(share)} of it in vulnerable localities")


def _severity(counts: dict[str, int], severity: SeverityWeights) -> float:
    """The count-weighted mean severity of a mix of categories (NaN: none covered)."""
    covered = {c: n for c, n in counts.items() if c in severity.weights and n > 0}
    total = sum(covered.values())
    if not total:
        return math.nan
    return sum(severity.weights[c] * n for c, n in covered.items()) / total


def _repeat_victims(item: ThemeEvidence) -> float | None:
    repeats = item.repeats
    if repeats is None or isinstance(repeats, Unavailable):
        return None
    victims = repeats.table[repeats.table["unit"] == "victim"]
    if victims.empty or pd.isna(victims["repeat_share"].iloc[0]):
        return None
    return float(victims["repeat_share"].iloc[0])


def _concern_key(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _attach_survey(candidates: list[Candidate], survey: pd.DataFrame | None) -> None:
    if survey is None:
        return
    names: dict[str, Candidate] = {}
    for c in candidates:
        if c.kind in ("theme", "crime type", "anti-social behaviour"):
            names.setdefault(_concern_key(c.name), c)
            if c.kind == "theme":
                names.setdefault(_concern_key(c.key.removeprefix("theme:")), c)
    for row in survey.itertuples(index=False):
        match = names.get(_concern_key(row.category))
        if match is None:
            match = Candidate(key=f"survey:{row.category}", name=row.category,
                              kind="residents' concern")
            candidates.append(match)
        match.measures["public_concern"] = float(row.estimate)
        match.concern = (float(row.estimate), float(row.lower), float(row.upper),
                         int(row.respondents))
        match.evidence.append(f"named a concern by {share_text(row.estimate)} of residents "
                              f"({share_text(row.lower)} to {share_text(row.upper)})")


def candidate_measures(con: BaseBackend, evidence: Evidence, *,
                       survey: pd.DataFrame | None = None,
                       severity: SeverityWeights | None = None,
                       progress: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """Every candidate priority with its raw measures.

    Parameters
    ----------
    con
        The warehouse the evidence was gathered from.
    evidence
        The assessment's evidence (:func:`cspkit.assessment.evidence.gather`).
    survey
        The public-concern table (:func:`read_survey_concern`), or None: not measured.
    severity
        Harm weights per category (:func:`severity_weights`; the shipped file when None).
    progress
        Called with a short description before each step.

    Returns
    -------
    pandas.DataFrame
        One row per candidate: ``key``, ``name``, ``kind``, ``categories`` (joined by
        "; "), the raw measures (``severity``, ``volume``, ``trend``, ``concentration``,
        ``vulnerability``, ``repeat_victims``, ``public_concern``; NaN: not measured),
        ``concern_lower``, ``concern_upper``, ``respondents`` and ``evidence`` (sentences
        joined by "; ").
    """
    severity = severity or severity_weights()
    scope = evidence.scope
    period = evidence.period
    table = evidence.change.table
    alpha = evidence.change.alpha
    rows = {(r.kind, r.group): r for r in table.itertuples(index=False)}
    vulnerable = (None if isinstance(evidence.vulnerability, Unavailable) else
                  set(evidence.vulnerability.table.loc[evidence.vulnerability.table["vulnerable"],
                                                       "lsoa_code"]))
    counts = {r.group: int(r.current) for r in table.itertuples(index=False)
              if r.kind in ("crime_type", "asb")}
    counts[ASB_CATEGORY] = int(evidence.change.asb_current)
    candidates: list[Candidate] = []

    def changed(c: Candidate, row: Any, noun: str) -> None:
        c.measures["volume"] = float(row.current)
        c.measures["trend"] = _trend(int(row.current), int(row.previous), bool(row.significant))
        c.evidence.append(_change_words(int(row.current), int(row.previous),
                                        bool(row.significant), noun))

    progress("candidates: themes")
    for item in evidence.themes:
        theme = item.theme
        c = Candidate(key=f"theme:{theme.id}", name=theme.name, kind="theme",
                      categories=tuple(theme.categories))
        crime = item.crime_categories
        row = (rows.get(("theme", theme.name)) if crime else
               rows.get(("asb", ASB_CATEGORY)) if item.includes_asb else None)
        if row is not None:
            changed(c, row, "incidents")
            c.measures["severity"] = _severity({k: counts.get(k, 0) for k in theme.categories},
                                               severity)
            found = item.concentration
            if found is None:
                selection: dict[str, Any] = ({"categories": list(crime)} if crime
                                             else {"source": ASB})
                found = optional("concentration", lambda s=selection: concentration(
                    con, scope, **s))
            _place_measures(c, found, vulnerable)
        hot = item.hotspots
        if hot is not None and not isinstance(hot, Unavailable) and hot.n_persistent_hot:
            spots = "spot" if hot.n_persistent_hot == 1 else "spots"
            c.evidence.append(f"{count_text(hot.n_persistent_hot)} persistent hot {spots}")
        share = _repeat_victims(item)
        if share is not None:
            c.measures["repeat_victims"] = share
            c.evidence.append(f"{share_text(share)} of its victims were victims again")
        candidates.append(c)

    # A theme of one category is that category's candidate: it is not listed twice.
    themed = {item.theme.categories[0] for item in evidence.themes
              if len(item.theme.categories) == 1}
    progress("candidates: crime types")
    for crime_type in POLICE_UK_CRIME_TYPES:
        row = rows.get(("crime_type", crime_type))
        if row is None or int(row.current) == 0 or crime_type in themed:
            continue
        c = Candidate(key=f"crime:{crime_type}", name=crime_type, kind="crime type",
                      categories=(crime_type,))
        changed(c, row, "crimes")
        c.measures["severity"] = severity.weights.get(crime_type, math.nan)
        _place_measures(c, optional("concentration", lambda t=crime_type: concentration(
            con, scope, categories=[t])), vulnerable)
        candidates.append(c)
    row = rows.get(("asb", ASB_CATEGORY))
    if row is not None and int(row.current) > 0 and ASB_CATEGORY not in themed:
        c = Candidate(key="asb", name=ASB_CATEGORY, kind="anti-social behaviour",
                      categories=(ASB_CATEGORY,))
        changed(c, row, "incidents")
        c.measures["severity"] = severity.weights.get(ASB_CATEGORY, math.nan)
        _place_measures(c, optional("concentration", lambda: concentration(
            con, scope, source=ASB)), vulnerable)
        candidates.append(c)

    progress("candidates: persistent hot spots")
    if not isinstance(evidence.hotspots, Unavailable):
        for spot in evidence.hotspots.table[evidence.hotspots.table["persistent_hot"]
                                            ].itertuples(index=False):
            c = Candidate(key=f"place:{spot.lsoa_code}",
                          name=f"Persistent hot spot: {spot.lsoa_name} ({spot.ward_name})",
                          kind="persistent hot spot")
            current, previous = int(spot.count), int(spot.previous_count)
            significant = exact_poisson_test(current, previous) < alpha
            c.measures["volume"] = float(current)
            c.measures["trend"] = _trend(current, previous, significant)
            c.evidence.append("a hot spot of crime in both periods")
            c.evidence.append(_change_words(current, previous, significant, "crimes"))
            if vulnerable is not None:
                c.measures["vulnerability"] = float(spot.lsoa_code in vulnerable)
                if spot.lsoa_code in vulnerable:
                    c.evidence.append("a vulnerable locality")
            candidates.append(c)

    progress("candidates: emerging issues")
    flagged = optional("scan", lambda: scan(
        con, scope.over(StrategicPeriod(period.end, period.end), None)))
    if isinstance(flagged, Scan):
        _emerging(candidates, flagged)
    return _frame(candidates, survey)


def _emerging(candidates: list[Candidate], result: Scan) -> None:
    """Partnership-wide flags add to their category's candidate; ward flags are candidates."""
    by_key = {c.key: c for c in candidates}
    for c in candidates:
        if len(c.categories) == 1:
            by_key.setdefault(f"category:{c.categories[0]}", c)
    known = set(POLICE_UK_CRIME_TYPES) | {ASB_CATEGORY}
    for row in result.flagged.itertuples(index=False):
        if row.category not in known:
            continue
        above = (f"{count_text(row.observed)} in {month_text(result.month)} against "
                 f"{row.expected:,.1f} expected")
        if row.area_level == "partnership":
            match = by_key.get(f"category:{row.category}")
            if match is not None:
                match.evidence.append(f"flagged as an emerging issue: {above}")
            continue
        key = f"emerging:{row.area_code}:{row.category}"
        if key in by_key:
            continue
        c = Candidate(key=key, name=f"Emerging: {row.category} in {row.area_name}",
                      kind="emerging issue", categories=(row.category,))
        c.measures["volume"] = float(row.observed)
        c.measures["trend"] = (100.0 * (row.observed - row.expected) / row.expected
                               if row.expected > 0 else 100.0)
        c.evidence.append(f"flagged by the monthly scan: {above}")
        candidates.append(c)
        by_key[key] = c


def _frame(candidates: list[Candidate], survey: pd.DataFrame | None) -> pd.DataFrame:
    _attach_survey(candidates, survey)
    records = []
    for c in candidates:
        record: dict[str, Any] = {"key": c.key, "name": c.name, "kind": c.kind,
                                  "categories": "; ".join(c.categories)}
        for measure in ("severity", "volume", "trend", "concentration", "vulnerability",
                        "repeat_victims", "public_concern"):
            record[measure] = c.measures.get(measure, math.nan)
        lower, upper, respondents = ((c.concern[1], c.concern[2], c.concern[3]) if c.concern
                                     else (math.nan, math.nan, math.nan))
        record.update(concern_lower=lower, concern_upper=upper, respondents=respondents,
                      evidence="; ".join(c.evidence))
        records.append(record)
    return pd.DataFrame.from_records(records)
