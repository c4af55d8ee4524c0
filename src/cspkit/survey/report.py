"""The survey in words and tables: the assessment's "What residents told us" chapter, and the
standalone survey report written through the same renderers.

Every table's shares are fractions with their 95% interval (``estimate``, ``lower``,
``upper``) and the number of respondents they rest on; a withheld share shows ``[c]``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cspkit import __version__
from cspkit.assessment.document import (
    SUPPRESSED,
    Callout,
    Column,
    Document,
    InputFile,
    Metadata,
    Paragraph,
    Section,
    Table,
)
from cspkit.errors import CspError
from cspkit.render import FORMATS
from cspkit.survey.analysis import SurveyAnalysis

SOURCE = "survey.analysis.analyse_survey"
SIGNIFICANCE = 0.05
SHARE_COLUMNS = (Column("estimate", "Share", "percent"), Column("lower", "95% CI from", "percent"),
                 Column("upper", "95% CI to", "percent"),
                 Column("respondents", "Respondents", "integer"))


def _shares(frame: pd.DataFrame, keys: list[str]) -> list[dict]:
    rows = []
    for record in frame.to_dict("records"):
        hidden = bool(record.get("suppressed"))
        row = {k: record[k] for k in keys}
        for k in ("estimate", "lower", "upper"):
            row[k] = SUPPRESSED if hidden else float(record[k])
        row["respondents"] = (SUPPRESSED if record.get("base_suppressed")
                              else int(record["respondents"]))
        rows.append(row)
    return rows


def _question_text(analysis: SurveyAnalysis) -> dict[str, str]:
    mapping = analysis.responses.mapping
    return {q.id: q.text for q in mapping.question} | {f.id: f.text for f in mapping.free_text}


def survey_tables(analysis: SurveyAnalysis) -> list[Table]:
    """The survey's tables: results, concerns, groups, changes, themes, weighting."""
    text = _question_text(analysis)
    data_source = analysis.responses.mapping.title
    overall = analysis.overall.assign(question=analysis.overall["question"].map(text))
    tables = [Table(
        id="survey_results", caption="What residents said, weighted to the population",
        columns=(Column("question", "Question"), Column("answer", "Answer"), *SHARE_COLUMNS),
        rows=_shares(overall, ["question", "answer"]), source=SOURCE, data_source=data_source,
        notes=("Shares of those who answered; don't know and blank answers are left out.",))]
    if analysis.concern is not None:
        concern = analysis.concern.sort_values("estimate", ascending=False)
        tables.append(Table(
            id="survey_concern",
            caption="Issues residents named as a concern in their area, by the assessment's "
            "themes and crime types",
            columns=(Column("category", "Issue"), *SHARE_COLUMNS),
            rows=_shares(concern, ["category"]), source=SOURCE, data_source=data_source))
    tables.append(groups_table(analysis, significant_only=True))
    if analysis.change is not None:
        change = analysis.change.assign(question=analysis.change["question"].map(text))
        rows = []
        for record in change.to_dict("records"):
            hidden = bool(record["suppressed"])
            rows.append({"question": record["question"], "answer": record["answer"],
                         **{k: SUPPRESSED if hidden else float(record[k])
                            for k in ("estimate", "previous", "change")},
                         "p_value": float(record["p_value"]),
                         "respondents": int(record["respondents"])})
        tables.append(Table(
            id="survey_change", caption="Change since the previous survey",
            columns=(Column("question", "Question"), Column("answer", "Answer"),
                     Column("estimate", "This survey", "percent"),
                     Column("previous", "Previous survey", "percent"),
                     Column("change", "Change (points)", "signed_percent"),
                     Column("p_value", "p (change)", "p_value"),
                     Column("respondents", "Respondents", "integer")),
            rows=rows, source=SOURCE, data_source=data_source))
    if analysis.themes is not None and not analysis.themes.empty:
        themes = analysis.themes.assign(question=analysis.themes["question"].map(text))
        tables.append(Table(
            id="survey_themes", caption="Themes of residents' own words",
            columns=(Column("question", "Question"), Column("theme", "Theme"), *SHARE_COLUMNS),
            rows=_shares(themes, ["question", "theme"]), source=SOURCE,
            data_source=data_source,
            notes=("Share of those who wrote an answer whose answer the analyst coded to the "
                   "theme.",)))
    margins = analysis.weights.margins
    names = dict(zip(analysis.responses.respondents["ward_code"],
                     analysis.responses.respondents["ward_name"], strict=True))
    tables.append(Table(
        id="survey_weighting", caption="Respondents and residents: the weighting",
        columns=(Column("margin", "Weighted by"), Column("category", "Group"),
                 Column("population", "Residents", "integer"),
                 Column("respondents", "Respondents", "integer"),
                 Column("population_share", "Share of residents", "percent"),
                 Column("sample_share", "Share of respondents", "percent"),
                 Column("weighted_share", "Weighted share", "percent")),
        rows=[{**r, "margin": "Age and sex" if r["margin"] == "age_sex" else "Ward",
               "category": names.get(r["category"], r["category"])}
              for r in margins.to_dict("records")],
        source="survey.weighting.rake_weights", data_source=data_source))
    return tables


def groups_table(analysis: SurveyAnalysis, *, significant_only: bool) -> Table:
    """Shares by ward and group of residents: every comparison, or only those where the
    groups differ (test p below 0.05)."""
    text = _question_text(analysis)
    groups = analysis.by_group
    if significant_only:
        groups = groups[groups["p_value"] < SIGNIFICANCE]
    groups = groups.assign(question=groups["question"].map(text))
    return Table(
        id="survey_groups" if significant_only else "survey_groups_all",
        caption=("Where groups of residents answered differently" if significant_only
                 else "Every answer by ward and by group of residents"),
        columns=(Column("question", "Question"), Column("answer", "Answer"),
                 Column("dimension", "Compared by"), Column("group", "Group"), *SHARE_COLUMNS,
                 Column("p_value", "p (groups differ)", "p_value")),
        rows=[r | {"p_value": float(p)} for r, p in zip(
            _shares(groups, ["question", "answer", "dimension", "group"]),
            groups["p_value"], strict=True)],
        source=SOURCE, data_source=analysis.responses.mapping.title,
        notes=("p is from a design-based test that the groups' shares are equal; below 0.05 "
               "the groups differ by more than chance would explain.",))


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _who(dimension: str, group: str) -> str:
    """Residents of a group, as a sentence says it."""
    if dimension == "Ward":
        return f"residents of {group}"
    if dimension == "Age":
        return f"residents aged {group}"
    if dimension == "Sex":
        return {"Female": "women", "Male": "men"}.get(group, group)
    if dimension == "Disability":
        return {"Disabled": "disabled residents",
                "Not disabled": "residents who are not disabled"}.get(group, group)
    return f"residents of the {group} group"


def _differences(analysis: SurveyAnalysis) -> list[str]:
    """Sentences on the differences between groups the test is surest of: one between
    wards, one between other groups."""
    text = _question_text(analysis)
    verb = {q.id: "named" if q.type == "multi" else "answered"
            for q in analysis.responses.mapping.question}
    shown = analysis.by_group[~analysis.by_group["suppressed"]
                              & (analysis.by_group["p_value"] < SIGNIFICANCE)]
    sentences = []
    for wards in (True, False):
        rows = shown[(shown["dimension"] == "Ward") == wards]
        if rows.empty:
            continue
        keys = ["question", "answer", "dimension"]
        strongest = rows.groupby(keys).agg(p=("p_value", "first"),
                                           spread=("estimate", lambda e: e.max() - e.min()))
        question, answer, dimension = strongest.sort_values(
            ["p", "spread"], ascending=[True, False]).index[0]
        one = rows[(rows["question"] == question) & (rows["answer"] == answer)
                   & (rows["dimension"] == dimension)]
        high, low = one.loc[one["estimate"].idxmax()], one.loc[one["estimate"].idxmin()]
        sentences.append(
            f"Asked \u201c{text[question]}\u201d, {_pct(high['estimate'])} of "
            f"{_who(dimension, high['group'])} {verb[question]} \u201c{answer}\u201d against "
            f"{_pct(low['estimate'])} of {_who(dimension, low['group'])}.")
    if sentences:
        sentences[0] = "Answers differed between groups of residents. " + sentences[0]
    return sentences


def survey_chapter(analysis: SurveyAnalysis, *, section_id: str = "survey") -> Section:
    """The chapter "What residents told us"."""
    mapping = analysis.responses.mapping
    weights = analysis.weights
    n = len(analysis.responses.respondents)
    intro = (f"The {mapping.title}"
             + (f" ran from {mapping.fieldwork}" if mapping.fieldwork else "")
             + f" and {n:,} residents of the partnership's area answered it. People who "
             "answer such surveys are not a cross-section of residents, so the answers are "
             "weighted to the population by age, sex and ward: every share below is an "
             "estimate for all residents aged "
             f"{min(lo for lo, _ in mapping.respondent.age_bands.values())} or over, "
             "with a 95% confidence interval.")
    blocks: list = [Paragraph(intro)]
    if analysis.concern is not None:
        top = analysis.concern[~analysis.concern["suppressed"]].sort_values(
            "estimate", ascending=False).head(3)
        items = [f"{c.lower() if c[1:].islower() else c} ({_pct(e)})"
                 for c, e in zip(top["category"], top["estimate"], strict=True)]
        named = " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)
        blocks.append(Paragraph(f"The issues residents most often named as a concern were "
                                f"{named}."))
    blocks += [Paragraph(p) for p in _differences(analysis)]
    blocks += survey_tables(analysis)
    if analysis.quotes is not None and not analysis.quotes.empty:
        blocks.append(Paragraph("In their own words (answers residents agreed could be "
                                "quoted):"))
        for theme, group in analysis.quotes.groupby("theme", sort=True):
            for quote in group["text"].drop_duplicates().head(2):
                blocks.append(Paragraph(f"*{theme}*: \u201c{quote}\u201d"))
    blocks.append(Callout(
        title="How the survey was weighted",
        text=(f"Answers were weighted so that respondents match the population by age band "
              f"and sex and by ward, with no weight above {weights.cap:g} times the average. "
              f"The weighting makes the survey as precise as a simple random sample of about "
              f"{weights.effective_sample_size:,.0f} residents (design effect "
              f"{weights.design_effect:.2f}). Groups with fewer than {analysis.threshold} "
              "respondents, and shares resting on so few, are withheld ([c])."),
        tone="note"))
    return Section(id=section_id, title="What residents told us", level=1,
                   children=tuple(blocks))


def survey_document(analysis: SurveyAnalysis, *, partnership: str,
                    issued: dt.date | None = None) -> Document:
    """The standalone survey report: the chapter, then every comparison by group."""
    mapping = analysis.responses.mapping
    annex = Section(id="survey_annex", title="Every answer by group", level=1,
                    children=(groups_table(analysis, significant_only=False),))
    return Document(
        title=mapping.title, partnership=partnership,
        period_text=mapping.fieldwork or "", sections=(survey_chapter(analysis), annex),
        metadata=Metadata(period=mapping.fieldwork, comparison_period="",
                          inputs=(InputFile(source="survey", file_name=analysis.responses.name,
                                            sha256=analysis.responses.sha256),),
                          config={"survey": mapping.name, "suppression_threshold":
                                  analysis.threshold, "weight_cap": analysis.weights.cap},
                          software_version=__version__),
        issued=issued, layout="paper")


FILE_NAMES = {"html": "survey.html", "docx": "survey.docx", "pdf": "survey.pdf",
              "xlsx": "survey_tables.xlsx", "csv": "data"}


def write_survey_report(analysis: SurveyAnalysis, out_dir: str | Path, *, partnership: str,
                        formats: list[str]) -> list[Path]:
    """Write the standalone report in ``formats`` into ``out_dir`` (``survey.html`` …, the
    tables as ``data/survey_*.csv``) through the assessment's renderers."""
    unknown = [f for f in formats if f not in FILE_NAMES]
    if unknown:
        raise CspError(f"unknown output format {unknown[0]!r}",
                       hint=f"Choose from {', '.join(FILE_NAMES)}")
    document = survey_document(analysis, partnership=partnership)
    out_dir = Path(out_dir)
    return [FORMATS[f][1](document, out_dir / FILE_NAMES[f]) for f in formats]
