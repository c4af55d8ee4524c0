"""The survey analysis: weighted shares overall and by group, changes, concerns and themes.

Every published estimate follows the person-level disclosure rules
(:mod:`cspkit.privacy.disclosure`): a group whose number of respondents is small is withheld
(with enough others that it cannot be worked out from the total), and so is any share
resting on a small number of respondents giving (or not giving) the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cspkit.privacy.disclosure import suppress_groups
from cspkit.privacy.identifiers import find_identifiers
from cspkit.survey.estimates import change_p_value, equal_shares_test, weighted_shares
from cspkit.survey.responses import DONT_KNOW, SurveyResponses
from cspkit.survey.weighting import Weights

DIMENSIONS = {"ward_name": "Ward", "sex": "Sex", "age_band": "Age", "disability": "Disability",
              "ethnicity": "Ethnic group"}
"""Respondent columns compared, and the word a reader sees."""

SEX_WORDS = {"female": "Female", "male": "Male"}


@dataclass(frozen=True, eq=False)
class SurveyAnalysis:
    """The analysed survey: tidy tables, each share with its 95% interval and base.

    ``overall``: ``question, answer, estimate, se, lower, upper, respondents, dont_know,
    suppressed``; ``by_group``: the same by ``dimension, group`` with the test of equal
    shares' ``p_value`` per question, answer and dimension; ``change``: ``question, answer,
    estimate, previous, change, p_value``; ``concern``: ``category, estimate, lower, upper,
    respondents``; ``themes``: ``question, theme, estimate, lower, upper, respondents,
    mentions``; ``quotes``: ``question, theme, text`` (publishable answers only).
    """

    responses: SurveyResponses
    weights: Weights
    overall: pd.DataFrame
    by_group: pd.DataFrame
    change: pd.DataFrame | None
    concern: pd.DataFrame | None
    themes: pd.DataFrame | None
    quotes: pd.DataFrame | None
    threshold: int
    notices: tuple[str, ...] = field(default_factory=tuple)


def indicators(responses: SurveyResponses) -> dict[tuple[str, str], np.ndarray]:
    """(question id, answer) → 1 / 0 / NaN per respondent; don't know and blank are NaN."""
    out: dict[tuple[str, str], np.ndarray] = {}
    frame = responses.respondents
    for q in responses.mapping.question:
        if q.type == "single":
            values = frame[q.id]
            answered = values.notna() & (values != DONT_KNOW)
            for answer in q.reported():
                y = np.where(values == answer, 1.0, 0.0)
                y[~answered.to_numpy()] = np.nan
                out[(q.id, answer)] = y
        else:
            for option in q.options:
                out[(q.id, option)] = frame[f"{q.id}:{option}"].to_numpy(dtype=float)
    return out


def _small(count: pd.Series, threshold: int) -> pd.Series:
    return (count > 0) & (count < threshold)


def _withhold(table: pd.DataFrame, threshold: int) -> pd.Series:
    """Shares resting on a small count of respondents saying (or not saying) the answer."""
    yes = table["answering_yes"]
    return _small(yes, threshold) | _small(table["respondents"] - yes, threshold)


def _overall(answers: dict[tuple[str, str], np.ndarray], weight: np.ndarray,
             responses: SurveyResponses, threshold: int) -> pd.DataFrame:
    rows = []
    frame = responses.respondents
    for (qid, answer), y in answers.items():
        share = weighted_shares(y, weight).iloc[0]
        dont_know = int((frame[qid] == DONT_KNOW).sum()) if qid in frame else 0
        rows.append({"question": qid, "answer": answer, **share.to_dict(),
                     "dont_know": dont_know})
    out = pd.DataFrame(rows)
    out["suppressed"] = _withhold(out, threshold)
    return out


def _by_group(answers: dict[tuple[str, str], np.ndarray], weight: np.ndarray,
              responses: SurveyResponses, threshold: int) -> pd.DataFrame:
    frame = responses.respondents
    n = len(frame)
    dimensions = {word: frame[column].map(lambda v: SEX_WORDS.get(v, v)).to_numpy(dtype=object)
                  for column, word in DIMENSIONS.items() if frame[column].notna().any()}
    withheld: dict[tuple, np.ndarray] = {}
    parts = []
    for (qid, answer), y in answers.items():
        for word, groups in dimensions.items():
            table = weighted_shares(y, weight, groups, n=n)
            if len(table) < 2:
                continue
            order = np.argsort(table.index.astype(str))
            columns = {c: table[c].to_numpy()[order] for c in table.columns}
            names = table.index.to_numpy()[order]
            base = columns["respondents"]
            key = (word, *names, *base)
            if key not in withheld:  # the answers of one question share their bases
                counts = pd.Series(base, index=pd.MultiIndex.from_product([[word], names]))
                withheld[key] = suppress_groups(counts, threshold=threshold).to_numpy() != ""
            hidden = withheld[key]
            yes = columns["answering_yes"]
            suppressed = (hidden | ((yes > 0) & (yes < threshold))
                          | ((base - yes > 0) & (base - yes < threshold)))
            test = equal_shares_test(columns["estimate"][~suppressed],
                                     columns["se"][~suppressed])
            parts.append(pd.DataFrame({
                "question": qid, "answer": answer, "dimension": word, "group": names,
                **columns, "base_suppressed": hidden, "suppressed": suppressed,
                "p_value": test.p_value}))
    if not parts:
        return pd.DataFrame(columns=["question", "answer", "dimension", "group", "estimate",
                                     "se", "lower", "upper", "respondents", "answering_yes",
                                     "base_suppressed", "suppressed", "p_value"])
    return pd.concat(parts, ignore_index=True)


def _change(overall: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    both = overall.merge(previous, on=["question", "answer"], suffixes=("", "_previous"))
    both["previous"] = both["estimate_previous"]
    both["change"] = both["estimate"] - both["previous"]
    both["p_value"] = [change_p_value(a, b, c, d) for a, b, c, d in zip(
        both["estimate"], both["se"], both["previous"], both["se_previous"], strict=True)]
    both["suppressed"] = both["suppressed"] | both["suppressed_previous"]
    return both[["question", "answer", "estimate", "previous", "change", "p_value",
                 "respondents", "respondents_previous", "suppressed"]]


def _concern(overall: pd.DataFrame, responses: SurveyResponses) -> pd.DataFrame | None:
    question = responses.mapping.concern_question()
    if question is None:
        return None
    rows = overall[overall["question"] == question.id].copy()
    rows["category"] = [question.options[a].category or a for a in rows["answer"]]
    return rows[["category", "estimate", "se", "lower", "upper", "respondents", "suppressed"]
                ].reset_index(drop=True)


def _themes(coding: pd.DataFrame, weight: np.ndarray, responses: SurveyResponses,
            threshold: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Theme shares, the publishable quotes, and how many publishable answers were held
    back because they look identifying (:func:`cspkit.privacy.identifiers.find_identifiers`).
    """
    ids = responses.respondents["respondent_id"].to_numpy()
    position = {r: i for i, r in enumerate(ids)}
    coding = coding[coding["respondent_id"].isin(position)]
    texts = responses.free_text[responses.free_text["analysed"]]
    rows = []
    for f in responses.mapping.free_text:
        answered = set(texts.loc[texts["question"] == f.id, "respondent_id"])
        coded = coding[coding["question"] == f.id]
        for theme, group in coded.groupby("theme", sort=True):
            y = np.full(len(ids), np.nan)
            y[[position[r] for r in answered]] = 0.0
            y[[position[r] for r in set(group["respondent_id"])]] = 1.0
            share = weighted_shares(y, weight).iloc[0]
            rows.append({"question": f.id, "theme": theme, **share.to_dict(),
                         "mentions": int(share["answering_yes"])})
    themes = pd.DataFrame(rows)
    if not themes.empty:
        themes["suppressed"] = _withhold(themes, threshold)
        themes = themes.sort_values(["question", "estimate"], ascending=[True, False])
    quotes = coding.loc[coding["publishable"], ["question", "theme", "text"]]
    identifying = quotes["text"].map(lambda t: bool(find_identifiers("answer", [t])))
    return (themes.reset_index(drop=True), quotes[~identifying].reset_index(drop=True),
            int(identifying.sum()))


def analyse_survey(responses: SurveyResponses, weights: Weights, *, threshold: int = 5,
                   previous: SurveyAnalysis | None = None,
                   coding: pd.DataFrame | None = None) -> SurveyAnalysis:
    """Weighted shares of every reported answer, overall and by group, with tests.

    Parameters
    ----------
    responses, weights
        The survey and its weights.
    threshold
        The partnership's suppression threshold (counts 1 to ``threshold - 1`` withheld).
    previous
        The previous survey's analysis: changes are tested for the answers both ask.
    coding
        The analyst's coding frame (:func:`cspkit.survey.coding.read_coding_frame`).
    """
    answers = indicators(responses)
    overall = _overall(answers, weights.weight, responses, threshold)
    by_group = _by_group(answers, weights.weight, responses, threshold)
    change = _change(overall, previous.overall) if previous is not None else None
    themes = quotes = None
    notices = tuple(responses.notices()) + weights.notes
    if coding is not None:
        themes, quotes, identifying = _themes(coding, weights.weight, responses, threshold)
        if identifying:
            notices += (f"{identifying:,} answer(s) marked publishable are not quoted: they "
                        "hold what looks like a name, phone number, e-mail, postcode or "
                        "address",)
    return SurveyAnalysis(responses=responses, weights=weights, overall=overall,
                          by_group=by_group, change=change,
                          concern=_concern(overall, responses), themes=themes, quotes=quotes,
                          threshold=threshold, notices=notices)
