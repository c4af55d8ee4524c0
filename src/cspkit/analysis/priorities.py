"""Priority scores: candidate issues scored on documented criteria, MoRiLE-style, and how
stable the top ranks are when the weights move.

Each criterion's raw measure is put on MoRiLE's 1–5 scale across the candidates
(:func:`criterion_scores`); the criteria of a group (harm, likelihood, organisational
position) are averaged with the scheme's weights, and the priority score is the product of
the three group scores (:func:`priority_scores`), as the MoRiLE matrix multiplies harm,
likelihood and organisational position. :func:`weight_sensitivity` redraws the weights many
times and counts how often each candidate stays in the top ranks.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cspkit.errors import CspError

GROUPS: tuple[str, ...] = ("harm", "likelihood", "position")
"""MoRiLE's three parts, in the order they multiply."""

CRITERIA: dict[str, str] = {
    "severity": "harm",
    "volume": "harm",
    "trend": "likelihood",
    "concentration": "likelihood",
    "vulnerability": "likelihood",
    "repeat_victims": "likelihood",
    "public_concern": "position",
    "capacity": "position",
}
"""Criterion → the group it scores."""

LOG_SCALED: tuple[str, ...] = ("severity", "volume")
"""Criteria spanning orders of magnitude: scaled on log10(1 + x)."""

LOWEST, HIGHEST = 1.0, 5.0
MIDPOINT = 3.0
"""A group with no criterion measured for a candidate scores the scale's midpoint."""

Criterion = Literal[tuple(CRITERIA)]  # type: ignore[valid-type]


class PriorityScheme(BaseModel):
    """The scoring scheme: a TOML file the partnership can edit (``priority_scheme.toml`` is
    the default shipped)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="The scheme's name, as the chapter cites it.")
    weights: dict[Criterion, float] = Field(
        description="Weight of each criterion within its group (renormalised over the "
        "criteria measured for a candidate); 0 leaves a criterion out.")
    top: int = Field(default=5, ge=1, description="How many priorities the plan takes.")
    robust_share: float = Field(
        default=0.8, gt=0, le=1,
        description="A candidate is robust when it stays in the top this share of draws.")
    weight_range: float = Field(
        default=0.5, ge=0, lt=1,
        description="Each weight is multiplied by a factor drawn uniformly from "
        "1 - range to 1 + range in the sensitivity check.")
    draws: int = Field(default=2000, ge=10, description="Draws of the sensitivity check.")
    seed: int = Field(default=20250101, description="Seed of the sensitivity check.")
    capacity: dict[str, float] = Field(
        default_factory=dict,
        description="Candidate key → the partnership's organisational position, 1 (well "
        "placed: capacity and capability already in place) to 5 (poorly placed), entered by "
        "the analyst.")
    severity_file: str = Field(
        default="", description="Severity weights file (relative to this file); empty: the "
        "file shipped with cspkit.")

    @model_validator(mode="after")
    def _sound(self) -> PriorityScheme:
        for criterion, weight in self.weights.items():
            if weight < 0:
                raise ValueError(f"weights.{criterion}: must not be negative")
        for group in GROUPS:
            if not any(self.weights.get(c, 0) > 0 for c, g in CRITERIA.items() if g == group):
                raise ValueError(f"weights: the {group} group needs a criterion with a "
                                 "positive weight")
        for key, value in self.capacity.items():
            if not LOWEST <= value <= HIGHEST:
                raise ValueError(f"capacity.{key}: {value} is outside 1 to 5")
        return self


DEFAULT_SCHEME = "priority_scheme.toml"


def default_scheme_text() -> str:
    """The default scheme file shipped with cspkit."""
    return resources.files("cspkit.analysis").joinpath(DEFAULT_SCHEME).read_text("utf-8")


def parse_scheme(text: str, *, path: str | None = None) -> PriorityScheme:
    """Read a scoring scheme from TOML text.

    Raises
    ------
    CspError
        Naming the file and the key that is wrong.

    Examples
    --------
    >>> parse_scheme(default_scheme_text()).weights["severity"]
    0.5
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CspError(f"not valid TOML: {exc}", path=path) from exc
    try:
        return PriorityScheme.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        raise CspError(f"{key}: {message}" if key else message, path=path,
                       hint="See docs/priorities.md for the scheme's keys") from exc


def load_scheme(path: str | Path | None = None) -> PriorityScheme:
    """Read the scheme at ``path``, or the default shipped when None."""
    if path is None:
        return parse_scheme(default_scheme_text(), path=DEFAULT_SCHEME)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CspError(f"no priority scheme at {path}",
                       hint="Start from the default scheme shown in docs/priorities.md") from exc
    return parse_scheme(text, path=str(path))


def scale_1_to_5(values: pd.Series, *, log: bool = False) -> pd.Series:
    """Min–max scale to 1–5 across the candidates measured (NaN stays NaN; all equal: 3).

    Examples
    --------
    >>> scale_1_to_5(pd.Series([0.0, 5.0, 10.0, None])).tolist()
    [1.0, 3.0, 5.0, nan]
    >>> scale_1_to_5(pd.Series([9.0, 99.0]), log=True).tolist()
    [1.0, 5.0]
    """
    x = values.astype(float)
    if log:
        x = np.log10(1 + x.clip(lower=0))
    low, high = x.min(), x.max()
    if pd.isna(low) or high == low:
        return x.where(x.isna(), MIDPOINT)
    return LOWEST + (HIGHEST - LOWEST) * (x - low) / (high - low)


def criterion_scores(measures: pd.DataFrame) -> pd.DataFrame:
    """Each criterion of ``measures`` (one column per criterion, NaN: not measured) on the
    1–5 scale; ``capacity`` is entered on that scale already and kept as it is."""
    out = pd.DataFrame(index=measures.index)
    for criterion in CRITERIA:
        raw = measures[criterion] if criterion in measures else pd.Series(np.nan, measures.index)
        out[criterion] = (raw.astype(float) if criterion == "capacity"
                          else scale_1_to_5(raw, log=criterion in LOG_SCALED))
    return out


def _group_matrix(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Group scores for every draw: ``scores`` (candidates × criteria, NaN not measured),
    ``weights`` (draws × criteria) → (draws × candidates × groups)."""
    measured = ~np.isnan(scores)
    filled = np.where(measured, scores, 0.0)
    out = np.empty((weights.shape[0], scores.shape[0], len(GROUPS)))
    for g, group in enumerate(GROUPS):
        cols = [i for i, c in enumerate(CRITERIA) if CRITERIA[c] == group]
        w = weights[:, cols]
        numerator = w @ filled[:, cols].T
        denominator = w @ measured[:, cols].T.astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, :, g] = np.where(denominator > 0, numerator / denominator, MIDPOINT)
    return out


def _weight_vector(scheme: PriorityScheme) -> np.ndarray:
    return np.array([scheme.weights.get(c, 0.0) for c in CRITERIA])


@dataclass(frozen=True, eq=False)
class PriorityScores:
    """The priority matrix.

    Attributes
    ----------
    table
        One row per candidate, highest score first: ``key``, the measures' other columns
        (``name``, ``kind``, …), each criterion's raw measure, ``<criterion>_score`` (1–5,
        NaN: not measured), ``harm``, ``likelihood``, ``position`` (1–5), ``score``
        (their product, 1–125), ``rank`` (1 = highest; ties share the better rank) and
        ``scored``. A candidate with no harm or likelihood criterion measured (a concern
        residents name that the data do not record, say) is not scored: NaN score and rank,
        listed last, its part scores NaN too.
    scheme
        The scheme scored with.
    not_measured
        Criteria measured for no candidate (their weight went to the group's others).
    """

    table: pd.DataFrame
    scheme: PriorityScheme
    not_measured: tuple[str, ...]


def priority_scores(measures: pd.DataFrame, scheme: PriorityScheme) -> PriorityScores:
    """Score every candidate.

    Parameters
    ----------
    measures
        One row per candidate: ``key`` (unique), any descriptive columns, and a column per
        criterion of :data:`CRITERIA` holding its raw measure (NaN or missing column: not
        measured). ``capacity`` is filled from ``scheme.capacity`` by key where given.
    scheme
        Criterion weights.

    Notes
    -----
    Criterion :math:`c` of candidate :math:`i` scores
    :math:`s_{ic} = 1 + 4\\,(x_{ic} - \\min_j x_{jc}) / (\\max_j x_{jc} - \\min_j x_{jc})`
    (on :math:`\\log_{10}(1 + x)` for severity and volume). A group scores
    :math:`G_i = \\sum_{c \\in M_i} w_c s_{ic} / \\sum_{c \\in M_i} w_c` over the criteria
    :math:`M_i` of the group measured for the candidate (3 when none is). The priority
    score is :math:`H_i \\times L_i \\times P_i`, harm × likelihood × organisational
    position, as in the MoRiLE matrix.

    Examples
    --------
    >>> scheme = PriorityScheme(name="t", weights={"volume": 1, "trend": 1, "capacity": 1})
    >>> m = pd.DataFrame({"key": ["a", "b"], "volume": [9, 999], "trend": [10.0, 0.0]})
    >>> priority_scores(m, scheme).table[["key", "harm", "likelihood", "score"]].to_dict(
    ...     "records")
    [{'key': 'a', 'harm': 1.0, 'likelihood': 5.0, 'score': 15.0}, {'key': 'b', 'harm': 5.0, \
'likelihood': 1.0, 'score': 15.0}]
    """
    if measures["key"].duplicated().any():
        raise CspError(f"candidate {measures['key'][measures['key'].duplicated()].iloc[0]!r} "
                       "is listed twice")
    measures = measures.reset_index(drop=True).copy()
    entered = measures["key"].map(scheme.capacity)
    measures["capacity"] = (entered if "capacity" not in measures
                            else measures["capacity"].where(entered.isna(), entered))
    for criterion in CRITERIA:
        if criterion not in measures:
            measures[criterion] = np.nan
    scores = criterion_scores(measures)
    groups = _group_matrix(scores[list(CRITERIA)].to_numpy(float),
                           _weight_vector(scheme)[None, :])[0]
    table = measures.copy()
    for criterion in CRITERIA:
        table[f"{criterion}_score"] = scores[criterion]
    for g, group in enumerate(GROUPS):
        table[group] = groups[:, g]
    evidence = [c for c in CRITERIA if CRITERIA[c] in ("harm", "likelihood")]
    table["scored"] = scores[evidence].notna().any(axis=1)
    for group in GROUPS:
        table[group] = table[group].where(table["scored"])
    table["score"] = np.where(table["scored"], groups.prod(axis=1), np.nan)
    table["rank"] = table["score"].rank(method="min", ascending=False).astype("Int64")
    table = table.sort_values(["rank", "key"], kind="stable",
                              na_position="last").reset_index(drop=True)
    not_measured = tuple(c for c in CRITERIA if measures[c].isna().all())
    return PriorityScores(table=table, scheme=scheme, not_measured=not_measured)


@dataclass(frozen=True, eq=False)
class WeightSensitivity:
    """How often each candidate stays in the top ranks when the weights are redrawn.

    Attributes
    ----------
    table
        One row per candidate in the order of the scores: ``key``, ``rank`` (with the
        scheme's weights), ``share_top`` (share of draws in the top ``top``),
        ``rank_low``, ``rank_high`` (5th and 95th percentiles of its rank over the draws),
        ``robust`` (``share_top >= robust_share``).
    top, draws, weight_range, robust_share, seed
        The settings used.
    """

    table: pd.DataFrame
    top: int
    draws: int
    weight_range: float
    robust_share: float
    seed: int


def weight_sensitivity(scores: PriorityScores) -> WeightSensitivity:
    """Redraw the weights and count how often each candidate stays in the top ranks.

    Notes
    -----
    In each of ``draws`` draws every criterion weight :math:`w_c` is multiplied by an
    independent factor :math:`u_c \\sim U(1 - r, 1 + r)` (``r`` = ``weight_range``), the
    candidates are scored again (:func:`priority_scores` with the draw's weights; the 1–5
    criterion scores do not depend on the weights) and ranked, ties broken by the ranking
    with the scheme's weights. A candidate is robust when it is in the top ``top`` in at
    least ``robust_share`` of the draws. NumPy's ``default_rng(seed)`` makes the draws the
    same on every run.

    Examples
    --------
    >>> scheme = PriorityScheme(name="t", weights={"volume": 1, "trend": 1, "capacity": 1},
    ...                         top=1, draws=200)
    >>> m = pd.DataFrame({"key": ["a", "b"], "volume": [9, 999], "trend": [1.0, 0.0]})
    >>> weight_sensitivity(priority_scores(m, scheme)).table["share_top"].tolist()
    [1.0, 0.0]
    """
    scheme = scores.scheme
    table = scores.table
    rng = np.random.default_rng(scheme.seed)
    base = _weight_vector(scheme)
    factors = rng.uniform(1 - scheme.weight_range, 1 + scheme.weight_range,
                          size=(scheme.draws, base.size))
    weights = base[None, :] * factors
    criteria = table[[f"{c}_score" for c in CRITERIA]].to_numpy(float)
    # Rounded so that scores equal but for floating-point noise tie.
    products = np.round(_group_matrix(criteria, weights).prod(axis=2), 9)
    products[:, ~table["scored"].to_numpy(bool)] = -np.inf
    # Rank within each draw; the table is already in base order, so a stable sort on
    # the negated score breaks ties by the base ranking.
    order = np.argsort(-products, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(order.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, order.shape[1] + 1)[None, :]
    share = np.where(table["scored"], (ranks <= scheme.top).mean(axis=0), 0.0)
    out = pd.DataFrame({
        "key": table["key"], "rank": table["rank"], "share_top": share,
        "rank_low": np.percentile(ranks, 5, axis=0, method="lower"),
        "rank_high": np.percentile(ranks, 95, axis=0, method="higher"),
    })
    out["robust"] = out["share_top"] >= scheme.robust_share
    return WeightSensitivity(table=out, top=scheme.top, draws=scheme.draws,
                             weight_range=scheme.weight_range,
                             robust_share=scheme.robust_share, seed=scheme.seed)
