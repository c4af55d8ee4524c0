"""What the survey tests share: a mapping, the partnership's wards, and a small warehouse
with a survey export (built by the ``survey_dir`` fixture in conftest.py)."""

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

WARDS = pd.DataFrame({"lsoa_code": ["E01000001", "E01000002"],
                      "ward_code": ["E05000001", "E05000002"],
                      "ward_name": ["North", "South"]})

MAPPING = '''
name = "test_survey"
title = "Test survey"
layout = "{layout}"
{long}
[respondent]
id = "ID"
ward = "Ward"
sex = "Sex"
age_band = "Age"
[respondent.age_bands]
"16-44" = [16, 44]
"45+" = [45, 120]

[[question]]
id = "safe"
text = "Do you feel safe?"
column = "Safe"
[question.answers]
"Yes" = "Safe"
"No" = "Unsafe"

[[question]]
id = "concerns"
text = "Concerns"
type = "multi"
column = "Concerns"
concern = true
[question.options]
"ASB" = {{ category = "Anti-social behaviour" }}
"Drugs" = {{ category = "Drugs" }}
'''

LAD = "E06000099"
LSOAS = {"E01000001": ("E05000001", "North"), "E01000002": ("E05000002", "South")}
CONFIG = f'''name = "Testshire Community Safety Partnership"
areas = ["{LAD}"]
strategic_period = "2024-10:2025-09"
formats = ["csv"]

[[themes]]
id = "asb"
name = "Anti-social behaviour"
categories = ["Anti-social behaviour"]
'''


def _population_row(lsoa, female_scale, male_scale):
    # Residents 16-44 and 45+ per sex: ages 0-15 are outside the survey's bands.
    female = [3] * 16 + [10 * female_scale] * 29 + [7 * female_scale] * 46
    male = [3] * 16 + [11 * male_scale] * 29 + [5 * male_scale] * 46
    return [lsoa, *female, *male]


def build_survey_dir(tmp_path: Path) -> Path:
    """A warehouse (two LSOAs in two wards, population by sex and age), a configuration,
    a mapping and an export of 300 responses in ``tmp_path``."""
    lookup = tmp_path / "LSOA21_WD25_LAD25_EW_LU.csv"
    rows = ["LSOA21CD,LSOA21NM,WD25CD,WD25NM,LAD25CD,LAD25NM"]
    rows += [f"{lsoa},Testshire {i:03d}A,{ward},{name},{LAD},Testshire"
             for i, (lsoa, (ward, name)) in enumerate(LSOAS.items())]
    lookup.write_text("\n".join(rows) + "\n", encoding="utf-8")
    population = tmp_path / "population22_lsoa21_sex_syoa.csv"
    header = (["lsoa21_code"] + [f"F{a}" for a in range(90)] + ["F90+"]
              + [f"M{a}" for a in range(90)] + ["M90+"])
    with population.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerow(_population_row("E01000001", 2, 1))
        writer.writerow(_population_row("E01000002", 1, 3))
    con = connect(tmp_path / "w.duckdb")
    load_paths(con, [lookup, population])
    con.disconnect()
    (tmp_path / "csp.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "survey.toml").write_text(MAPPING.format(layout="wide", long=""),
                                          encoding="utf-8")
    rng = np.random.default_rng(7)
    lines = ["ID,Ward,Sex,Age,Safe,Concerns"]
    for i in range(1, 301):
        ward = rng.choice(["North", "South"], p=[0.7, 0.3])
        sex = rng.choice(["Female", "Male"], p=[0.65, 0.35])
        age = rng.choice(["16-44", "45+"], p=[0.3, 0.7])
        safe = rng.choice(["Yes", "No", "Don't know"], p=[0.6, 0.35, 0.05])
        chosen = [o for o, p in (("ASB", 0.5 if ward == "North" else 0.3), ("Drugs", 0.3))
                  if rng.random() < p]
        lines.append(f"{i},{ward},{sex},{age},{safe},{';'.join(chosen)}")
    (tmp_path / "export.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


