"""The analyst's coding of free-text answers: themes per answer, and which may be quoted.

A coding frame is a CSV with one row per coded answer::

    respondent_id,question,themes,publishable
    R00017,improve,Street lighting;Police visibility,yes

``themes`` holds one or more themes separated by ``;``; ``publishable`` says whether the
answer may be quoted word for word (``yes``; blank or anything else means no). Only answers
the analyst marked publishable are ever quoted.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from cspkit.errors import LoadError
from cspkit.sources.partner.mapping import TRUE_VALUES

COLUMNS = ("respondent_id", "question", "themes", "publishable")


def read_coding_frame(path: str | Path, free_text: pd.DataFrame) -> pd.DataFrame:
    """Read a coding frame and check it against the open answers it codes.

    Parameters
    ----------
    path
        The coding frame CSV.
    free_text
        ``respondent_id, question, text`` of the answers (from the survey's responses).

    Returns
    -------
    pandas.DataFrame
        One row per answer and theme: ``respondent_id, question, theme, publishable, text``.

    Raises
    ------
    LoadError
        When a column is missing, or a row names an answer that is not in the survey (or
        gives no theme); nothing of the frame is used then.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read the coding frame ({exc})", path=str(path)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise LoadError(f"the coding frame lacks column(s) {missing}", path=str(path), line=1,
                        hint=f"Give the columns {', '.join(COLUMNS)}")
    answers = {(str(r), str(q)): t for r, q, t in free_text[["respondent_id", "question",
                                                               "text"]].itertuples(index=False)}
    rows = []
    for record in reader:
        line = reader.line_num
        key = (record["respondent_id"].strip(), record["question"].strip())
        if key not in answers:
            raise LoadError(f"no open answer to question {key[1]!r} from response {key[0]!r}",
                            path=str(path), line=line,
                            hint="Code only answers in the survey export (by response id and "
                            "question id)")
        themes = [t.strip() for t in record["themes"].split(";") if t.strip()]
        if not themes:
            raise LoadError("no theme given", path=str(path), line=line,
                            hint="Give one or more themes separated by ;")
        publishable = record["publishable"].strip().casefold() in TRUE_VALUES
        rows += [(*key, theme, publishable, answers[key]) for theme in themes]
    return pd.DataFrame(rows, columns=["respondent_id", "question", "theme", "publishable",
                                       "text"])
