"""A community safety survey of the fictional borough, delivered to every door.

About 4,000 postal and online returns, skewed as such surveys are (older residents and women
answer more), exported as Microsoft Forms does (a CSV with ``ID``, ``Start time`` … columns;
multi-select answers in one column, ``;``-separated), with its mapping, the analyst's coding
of the open question, and the population estimate by sex and single year of age the
weighting needs. Differences are planted: residents of the town-centre ward, women, older
and disabled residents feel less safe after dark; the town centre names drug dealing and
anti-social behaviour more. A few returns carry answers the mapping does not know, or a
postcode that is not a postcode.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cspkit.synth import files
from cspkit.synth.names import BOROUGH
from cspkit.synth.partners import POSTCODE_LOOKUP

AGE_BANDS = {"16-24": (16, 24), "25-34": (25, 34), "35-44": (35, 44), "45-54": (45, 54),
             "55-64": (55, 64), "65-74": (65, 74), "75 or over": (75, 120)}
RESPONSE_BY_AGE = np.array([0.4, 0.6, 0.8, 1.0, 1.4, 1.9, 1.7])
RESPONSE_BY_SEX = {"female": 1.35, "male": 1.0}
SAFE = ("Very safe", "Fairly safe", "A bit unsafe", "Very unsafe")
SATISFIED = ("Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied",
             "Fairly dissatisfied", "Very dissatisfied")
CONCERNS = {  # option → (category in the assessment, base share of residents naming it)
    "Anti-social behaviour": ("Anti-social behaviour", 0.45),
    "Drug dealing and drug use": ("Drugs", 0.35),
    "Speeding and dangerous driving": (None, 0.40),
    "Burglary": ("Burglary", 0.25),
    "Vandalism and graffiti": ("Criminal damage and arson", 0.20),
    "Violence in the street": ("Violence and sexual offences", 0.12),
    "Shoplifting": ("Shoplifting", 0.08),
    "Domestic abuse": ("Violence including domestic abuse and robbery", 0.05),
}
SAFER = {  # theme of the open answer → answers residents wrote
    "Police visibility": ["More police on foot in the evenings", "Seeing PCSOs around the "
                          "estate", "Police actually patrolling near the shops"],
    "Street lighting": ["Better lighting on the path to the station", "Fix the street lights "
                        "on our road", "Lights in the park after dark"],
    "Youth provision": ["Somewhere for teenagers to go at night", "Reopen the youth club",
                        "Activities for young people in the holidays"],
    "Drug dealing": ["Stop the dealing outside the flats", "Deal with the drug dealing by the "
                     "underpass"],
    "CCTV": ["CCTV in the town centre that works", "Cameras by the bus station"],
}
EXPORT = Path("survey") / "community_safety_survey_2025.csv"
MAPPING = Path("survey") / "community_safety_survey_2025.toml"
CODING = Path("survey") / "community_safety_survey_2025_coding.csv"
POPULATION = Path("survey") / "population22_lsoa21_sex_syoa.csv"
Q_SAFE_DAY = "How safe do you feel walking alone in your local area during the day?"
Q_SAFE_DARK = "How safe do you feel walking alone in your local area after dark?"
Q_CONCERNS = "Which of these are a concern in your local area? (Select all that apply)"
Q_ASB = ("How satisfied are you with the way the council and police deal with anti-social "
         "behaviour in your area?")
Q_SAFER = "What one thing would make you feel safer in your area?"


@dataclass(frozen=True)
class SurveyFiles:
    export: Path
    mapping: Path
    coding: Path
    population: Path


def sex_by_age(rng: np.random.Generator, persons: pd.DataFrame) -> pd.DataFrame:
    """Split the mid-year estimate by single year (``lsoa21_code, 0 … 89, 90+``) into female
    and male (``F0 … F90, M0 … M90``), women outnumbering men from middle age on."""
    ages = [c for c in persons.columns if c[0].isdigit()]
    female_share = np.clip(0.49 + 0.0025 * np.maximum(np.arange(len(ages)) - 40, 0), 0, 0.7)
    counts = persons[ages].to_numpy(dtype=np.int64)
    female = rng.binomial(counts, female_share)
    out = pd.DataFrame({"lsoa21_code": persons["lsoa21_code"].to_numpy()})
    names = [a.rstrip("+") for a in ages]
    out = pd.concat([out, pd.DataFrame(female, columns=[f"F{a}" for a in names]),
                     pd.DataFrame(counts - female, columns=[f"M{a}" for a in names])], axis=1)
    return out


def population_cells(sexes: pd.DataFrame, lsoa_ward: pd.Series) -> pd.DataFrame:
    """Residents aged 16 or over per ``lsoa_code, ward_code, sex, age_band``."""
    rows = []
    for sex, letter in (("female", "F"), ("male", "M")):
        for band, (low, high) in AGE_BANDS.items():
            columns = [f"{letter}{a}" for a in range(low, min(high, 90) + 1)]
            rows.append(pd.DataFrame({"lsoa_code": sexes["lsoa21_code"], "sex": sex,
                                      "age_band": band,
                                      "count": sexes[columns].sum(axis=1).to_numpy()}))
    cells = pd.concat(rows, ignore_index=True)
    cells["ward_code"] = cells["lsoa_code"].map(lsoa_ward)
    return cells


def feel_unsafe_after_dark(cells: pd.DataFrame, town_centre: str) -> np.ndarray:
    """The planted chance that a resident of each cell (non-disabled) feels unsafe after dark."""
    band = cells["age_band"].map({b: i for i, b in enumerate(AGE_BANDS)}).to_numpy()
    logit = (-1.3 + 0.7 * (cells["sex"] == "female").to_numpy() + 0.12 * band
             + 1.3 * (cells["ward_code"] == town_centre).to_numpy())
    return 1 / (1 + np.exp(-logit))


def draw_respondents(rng: np.random.Generator, cells: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` respondents drawn from the cells, older residents and women answering more."""
    propensity = (cells["age_band"].map(dict(zip(AGE_BANDS, RESPONSE_BY_AGE, strict=True)))
                  * cells["sex"].map(RESPONSE_BY_SEX)).to_numpy()
    chance = cells["count"].to_numpy() * propensity
    picked = rng.choice(len(cells), size=n, p=chance / chance.sum())
    return cells.iloc[picked].reset_index(drop=True)


def _answers(rng: np.random.Generator, people: pd.DataFrame, town_centre: str
             ) -> pd.DataFrame:
    n = len(people)
    disabled = rng.random(n) < np.where(people["age_band"].isin(["65-74", "75 or over"]),
                                        0.35, 0.15)
    unsafe_p = feel_unsafe_after_dark(people, town_centre)
    unsafe_p = np.where(disabled, 1 - (1 - unsafe_p) * 0.6, unsafe_p)
    unsafe = rng.random(n) < unsafe_p
    dark = np.where(unsafe, rng.choice(SAFE[2:], n, p=[0.65, 0.35]),
                    rng.choice(SAFE[:2], n, p=[0.3, 0.7])).astype(object)
    dark[rng.random(n) < 0.03] = "Don't know"
    day = np.where(rng.random(n) < unsafe_p / 3, rng.choice(SAFE[2:], n),
                   rng.choice(SAFE[:2], n, p=[0.6, 0.4])).astype(object)
    centre = (people["ward_code"] == town_centre).to_numpy()
    chosen = []
    for option, (_, share) in CONCERNS.items():
        lift = 1.8 if option in ("Anti-social behaviour", "Drug dealing and drug use",
                                 "Shoplifting") else 1.0
        chosen.append(rng.random(n) < np.minimum(share * np.where(centre, lift, 1.0), 0.95))
    concerns = [";".join(o for o, c in zip(CONCERNS, row, strict=True) if c) + ";"
                if any(row) else "" for row in np.column_stack(chosen)]
    satisfied = rng.choice(SATISFIED + ("Don't know",), n,
                           p=[0.08, 0.27, 0.25, 0.18, 0.12, 0.10]).astype(object)
    return pd.DataFrame({"disabled": disabled, "dark": dark, "day": day,
                         "concerns": concerns, "satisfied": satisfied})


def write_survey(borough_dir: Path, *, town_centre: str, seed: int = 2026,
                 n: int = 4100) -> SurveyFiles:
    """Write the survey export, its mapping, the analyst's coding frame and the population
    estimate by sex under ``<borough_dir>/survey/``.

    ``borough_dir`` is the folder :func:`cspkit.synth.borough.generate_borough` and
    :func:`cspkit.synth.partners.write_partner_exports` wrote; ``town_centre`` its
    town-centre ward's code.
    """
    borough_dir = Path(borough_dir)
    rng = np.random.default_rng([seed, 13])
    persons = pd.read_csv(borough_dir / "population" / "population22_lsoa21_syoa.csv")
    lookup = pd.read_csv(borough_dir / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv",
                         encoding="utf-8-sig", dtype=str)
    lookup = lookup[lookup["LAD25CD"] == BOROUGH.code]
    sexes = sex_by_age(rng, persons)
    borough = sexes[sexes["lsoa21_code"].isin(lookup["LSOA21CD"])].reset_index(drop=True)
    cells = population_cells(borough, lookup.set_index("LSOA21CD")["WD25CD"])
    people = draw_respondents(rng, cells, n)
    answers = _answers(rng, people, town_centre)
    postcodes = pd.read_csv(borough_dir / POSTCODE_LOOKUP, dtype=str)
    by_lsoa = postcodes.groupby("lsoa21cd")["pcds"].apply(list)
    home = [rng.choice(by_lsoa[lsoa]) for lsoa in people["lsoa_code"]]
    ids = np.arange(1, n + 1)
    start = pd.Timestamp("2025-06-02 08:00") + pd.to_timedelta(
        rng.integers(0, 60 * 24 * 80, n), unit="min")
    safer = np.full(n, None, dtype=object)
    themes = np.full(n, None, dtype=object)
    writes = rng.random(n) < 0.3
    for i in np.flatnonzero(writes):
        theme = rng.choice(list(SAFER))
        themes[i] = theme
        safer[i] = rng.choice(SAFER[theme])
    sex = people["sex"].map({"female": "Female", "male": "Male"}).to_numpy(dtype=object)
    sex[rng.random(n) < 0.02] = "Prefer not to say"
    band = people["age_band"].to_numpy(dtype=object)
    band[rng.random(n) < 0.015] = "Prefer not to say"
    ethnicity = rng.choice(["White British", "White other", "Asian or Asian British",
                            "Black or Black British", "Mixed or multiple ethnic groups",
                            "Other ethnic group", "Prefer not to say"], n,
                           p=[0.86, 0.03, 0.05, 0.015, 0.015, 0.01, 0.02])
    export = pd.DataFrame({
        "ID": ids,
        "Start time": start.strftime("%m/%d/%y %H:%M:%S"),
        "Completion time": (start + pd.to_timedelta(rng.integers(3, 20, n), unit="min")
                            ).strftime("%m/%d/%y %H:%M:%S"),
        "Email": "anonymous", "Name": "",
        "What is your postcode?": home,
        Q_SAFE_DAY: answers["day"], Q_SAFE_DARK: answers["dark"],
        Q_CONCERNS: answers["concerns"], Q_ASB: answers["satisfied"],
        Q_SAFER: safer,
        "What is your sex?": sex, "What is your age?": band,
        "Do you consider yourself to have a disability?": np.where(
            answers["disabled"], "Yes", "No"),
        "What is your ethnic group?": ethnicity,
    })
    # What real returns hold: an answer the form never offered, postcodes that are not.
    export.loc[rng.choice(n, 6, replace=False), Q_SAFE_DARK] = "Quite safe"
    export.loc[rng.choice(n, 9, replace=False), "What is your postcode?"] = "n/a"
    out = borough_dir / "survey"
    out.mkdir(parents=True, exist_ok=True)
    written_export = files.write_csv(export, borough_dir / EXPORT, bom=True)
    coded = pd.DataFrame({"respondent_id": ids[writes], "question": "safer",
                          "themes": themes[writes],
                          "publishable": np.where(rng.random(writes.sum()) < 0.2, "yes", "")})
    written_coding = files.write_csv(coded, borough_dir / CODING)
    written_population = files.write_csv(sexes, borough_dir / POPULATION)
    (borough_dir / MAPPING).write_text(mapping_text(), encoding="utf-8")
    return SurveyFiles(export=written_export, mapping=borough_dir / MAPPING,
                       coding=written_coding, population=written_population)


def _table(values: dict[str, str]) -> str:
    return "\n".join(f'"{k}" = "{v}"' for k, v in values.items())


def mapping_text() -> str:
    """The survey's mapping file (TOML), as an analyst would write it for this export."""
    bands = "\n".join(f'"{b}" = [{lo}, {hi}]' for b, (lo, hi) in AGE_BANDS.items())
    options = "\n".join(
        f'"{o}" = {{ category = "{c}" }}' if c else f'"{o}" = {{}}'
        for o, (c, _) in CONCERNS.items())
    safe = {"Very safe": "Safe", "Fairly safe": "Safe", "A bit unsafe": "Unsafe",
            "Very unsafe": "Unsafe"}
    satisfied = {"Very satisfied": "Satisfied", "Fairly satisfied": "Satisfied",
                 "Neither satisfied nor dissatisfied": "Neither",
                 "Fairly dissatisfied": "Dissatisfied", "Very dissatisfied": "Dissatisfied"}
    return f'''# The Kestrel Vale Community Safety Survey 2025, as exported from Microsoft Forms.
name = "community_safety_survey_2025"
title = "Kestrel Vale Community Safety Survey 2025"
fieldwork = "June to August 2025"
layout = "wide"
encodings = ["utf-8"]

[respondent]
id = "ID"
postcode = "What is your postcode?"
sex = "What is your sex?"
age_band = "What is your age?"
disability = "Do you consider yourself to have a disability?"
ethnicity = "What is your ethnic group?"

[respondent.age_bands]
{bands}

[[question]]
id = "safe_day"
text = "{Q_SAFE_DAY}"
column = "{Q_SAFE_DAY}"
report = ["Safe"]
[question.answers]
{_table(safe)}

[[question]]
id = "safe_after_dark"
text = "{Q_SAFE_DARK}"
column = "{Q_SAFE_DARK}"
report = ["Unsafe"]
[question.answers]
{_table(safe)}

[[question]]
id = "concerns"
text = "{Q_CONCERNS}"
type = "multi"
column = "{Q_CONCERNS}"
concern = true
[question.options]
{options}

[[question]]
id = "asb_satisfaction"
text = "{Q_ASB}"
column = "{Q_ASB}"
report = ["Satisfied", "Dissatisfied"]
[question.answers]
{_table(satisfied)}

[[free_text]]
id = "safer"
text = "{Q_SAFER}"
column = "{Q_SAFER}"
'''
