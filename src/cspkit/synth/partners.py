"""Partner exports for the fictional borough, as its partners would share them.

Read back from the borough's own police.uk files, lookups and boundaries (so they describe
the same events), five partners' exports are written to ``partners/`` — each already
pseudonymised by its data owner with its own secret, as ``csp pseudonymise`` leaves them —
and a fictional ONS postcode lookup to ``lookups/``:

- a police recorded-crime extract with victims and offenders (repeat victims and
  offenders, young first-time offenders, a domestic abuse flag written four ways and
  sometimes blank, ethnicity often missing);
- a council ASB case export (Flare-style, Windows-1252, by postcode; the perpetrator's
  school mostly blank, some postcodes not in the lookup or not postcodes at all, a few
  impossible dates);
- fire incidents with coordinates (deliberate secondary fires where ASB is; a few with no
  coordinates);
- A&E assault attendances (Cardiff Model; many not reported to the police, the location
  postcode often blank);
- the Youth Offending Service's first-time entrants (most young offenders' first offence,
  a first caution or conviction a few weeks later, by home LSOA).

One file per partner and calendar year; the same seed writes byte-identical files.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from cspkit.synth.names import BOROUGH
from cspkit.synth.profiles import ASB

POSTCODE_LOOKUP = Path("lookups") / "PCD_OA21_LSOA21_MSOA21_LAD_KV.csv"
# Built-in mapping → the exports it reads, under ``partners/``.
EXPORTS = {"police_crime_extract": "police_crime_extract_*.csv",
           "council_asb": "council_asb_cases_*.csv",
           "fire_incidents": "fire_incidents_*.csv",
           "ae_istv": "ae_assaults_*.csv",
           "yos_first_time_entrants": "yos_first_time_entrants_*.csv"}
# Each data owner's (fictional) secret: keys from different owners never match.
OWNER_SECRETS = {"police": b"kestrel-vale-police-demo-secret-0001",
                 "council": b"kestrel-vale-council-demo-secret-002",
                 "hospital": b"kestrel-vale-hospital-demo-secret-03",
                 "yos": b"kestrel-vale-youth-offending-secret-4"}
ETHNICITIES = ("White British", "White Other", "Asian or Asian British",
               "Black or Black British", "Mixed", "Other ethnic group")
ETHNICITY_WEIGHTS = (0.80, 0.05, 0.07, 0.03, 0.03, 0.02)
VICTIM_CRIMES = ("Violence and sexual offences", "Robbery", "Theft from the person",
                 "Burglary", "Criminal damage and arson", "Vehicle crime", "Bicycle theft",
                 "Other theft")
OFFENCES = {"Violence and sexual offences": ("Assault with injury", "Common assault",
                                             "Harassment", "Sexual offence")}
ASB_TYPES = ("Noise", "Youth disorder", "Neighbour dispute", "Drugs", "Alcohol-related",
             "Vehicle nuisance", "Intimidation", "Fly-tipping", "Graffiti", "Other")
ASB_WEIGHTS = (0.30, 0.20, 0.15, 0.08, 0.07, 0.05, 0.05, 0.05, 0.03, 0.02)
SCHOOLS = ("Kestrel Vale Academy", "Curlew Bank High School", "St Hilda’s RC School")
# Hour-of-day weights: night-time economy (violence) and evenings (ASB, fires).
NIGHT = np.array([6, 5, 4, 2, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, 6, 7, 8, 8.0])
EVENING = np.array([2, 1, 1, 0.5, 0.5, 0.5, 0.5, 1, 1, 2, 2, 3, 3, 3, 4, 5, 6, 7, 8, 8, 7, 6,
                    4, 3.0])


def _key(owner: str, person: int) -> str:
    """The owner's keyed hash of a fictional person, as ``csp pseudonymise`` would make it."""
    return hmac.new(OWNER_SECRETS[owner], f"person {person}".encode(),
                    hashlib.sha256).hexdigest()


def _lsoas(borough_dir: Path) -> pd.DataFrame:
    lookup = pd.read_csv(borough_dir / "lookups" / "LSOA21_WD25_LAD25_EW_LU.csv",
                         encoding="utf-8-sig", dtype=str)
    boundaries = json.loads((borough_dir / "boundaries" / "lsoa21_kestrel_vale.geojson")
                            .read_text(encoding="utf-8"))
    shapes = {f["properties"]["lsoa21_code"]: shapely.geometry.shape(f["geometry"])
              for f in boundaries["features"]}
    lookup["geometry"] = lookup["LSOA21CD"].map(shapes)
    return lookup.dropna(subset=["geometry"]).reset_index(drop=True)


def _street_rows(borough_dir: Path, lsoas: pd.DataFrame) -> pd.DataFrame:
    """Every police.uk row, placed in its 2021 LSOA by its point; the borough's only."""
    files = sorted((borough_dir / "police-uk").glob("*/*-street.csv"))
    rows = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files],
                     ignore_index=True)
    tree = shapely.STRtree(lsoas["geometry"].to_numpy())
    points = shapely.points(rows["Longitude"].astype(float), rows["Latitude"].astype(float))
    at, within = tree.query(points, predicate="intersects")
    code = np.full(len(rows), None, dtype=object)
    code[at] = lsoas["LSOA21CD"].to_numpy()[within]
    rows["lsoa21"] = code
    borough = set(lsoas.loc[lsoas["LAD25CD"] == BOROUGH.code, "LSOA21CD"])
    return rows[rows["lsoa21"].isin(borough)].reset_index(drop=True)


def postcode_lookup(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Six fictional postcodes per LSOA (area "KV" is not a real postcode area)."""
    rows = []
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    for i, lsoa in enumerate(lsoas.itertuples(index=False)):
        district = int(lsoa.WD25CD[-2:]) if lsoa.WD25CD[-2:].isdigit() else i % 20
        for j in range(6):
            k = i * 6 + j  # unique, so every postcode is too
            inward = f"{k % 10}{letters[(k // 10) % 20]}{letters[(k // 200) % 20]}"
            outward = f"KV{district}"
            rows.append({"pcd7": outward.ljust(4) + inward, "pcd8": outward.ljust(5) + inward,
                         "pcds": f"{outward} {inward}", "dointr": "202001", "doterm": "",
                         "usertype": "0", "oa21cd": f"E009{i * 6 + j:05d}",
                         "lsoa21cd": lsoa.LSOA21CD, "msoa21cd": f"E029{i // 5:05d}",
                         "ladcd": lsoa.LAD25CD, "lsoa21nm": lsoa.LSOA21NM, "msoa21nm": "",
                         "ladnm": lsoa.LAD25NM, "ladnmw": ""})
    return pd.DataFrame(rows)


def _days(rng: np.random.Generator, months: pd.Series) -> list[date]:
    out = []
    for month in months:
        period = pd.Period(month, freq="M")
        out.append(date(period.year, period.month, int(rng.integers(1, period.days_in_month + 1))))
    return out


def _hours(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    return rng.choice(24, size=n, p=weights / weights.sum())


def _pick(rng: np.random.Generator, values: tuple[str, ...], weights: tuple[float, ...],
          n: int) -> np.ndarray:
    return rng.choice(np.array(values, dtype=object), size=n,
                      p=np.array(weights) / np.sum(weights))


def _blank(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    out = values.astype(object).copy()
    out[rng.random(len(out)) < share] = ""
    return out


class _People:
    """A pool of fictional people of one owner, drawn with repeats (a few people many times)."""

    def __init__(self, rng: np.random.Generator, owner: str, start: int, repeat: float,
                 young: float, homes: np.ndarray) -> None:
        self.rng, self.owner, self.next, self.repeat = rng, owner, start, repeat
        self.young, self.homes = young, homes
        self.known: list[tuple[int, int, str, str, str]] = []

    def draw(self, year: int) -> tuple[str, int, str, str, str]:
        """(key, age, sex, ethnicity, home LSOA) of a new or returning person."""
        rng = self.rng
        if self.known and rng.random() < self.repeat:
            person, born, sex, ethnicity, home = self.known[
                int(len(self.known) * rng.random() ** 3)]  # earlier people return more
        else:
            person, self.next = self.next, self.next + 1
            age = int(rng.integers(10, 18) if rng.random() < self.young
                      else rng.integers(18, 80))
            born = year - age
            sex = "M" if rng.random() < 0.6 else "F"
            ethnicity = str(rng.choice(ETHNICITIES, p=ETHNICITY_WEIGHTS))
            home = str(rng.choice(self.homes)) if rng.random() < 0.9 else ""
            self.known.append((person, born, sex, ethnicity, home))
        return _key(self.owner, person), year - born, sex, ethnicity, home


def police_extract(rng: np.random.Generator, street: pd.DataFrame,
                   homes: np.ndarray) -> pd.DataFrame:
    """Crimes with victims and offenders, one row per crime and offender."""
    crimes = street[street["Crime type"] != ASB].reset_index(drop=True)
    n = len(crimes)
    days = _days(rng, crimes["Month"])
    hours = _hours(rng, n, NIGHT)
    violence = (crimes["Crime type"] == "Violence and sexual offences").to_numpy()
    domestic = violence & (rng.random(n) < 0.3)
    victims = _People(rng, "police", 1, 0.25, 0.08, homes)
    offenders = _People(rng, "police", 500_000, 0.45, 0.15, homes)
    rows = []
    for i, crime in enumerate(crimes.itertuples(index=False)):
        kind = crime[crimes.columns.get_loc("Crime type")]
        da = (str(rng.choice(["Y", "Yes", "DA", ""], p=[0.6, 0.2, 0.1, 0.1])) if domestic[i]
              else str(rng.choice(["N", "No", ""], p=[0.8, 0.1, 0.1])))
        victim = victims.draw(days[i].year) if kind in VICTIM_CRIMES else ("", "", "", "", "")
        found = rng.random() < (0.7 if kind == "Shoplifting" else 0.35)
        people = [offenders.draw(days[i].year) for _ in range(1 + (rng.random() < 0.1))] \
            if found else [("", "", "", "", "")]
        offence = str(rng.choice(OFFENCES[kind])) if kind in OFFENCES else kind
        for offender in people:
            rows.append([
                crime[0], days[i].strftime("%d/%m/%Y"),
                "" if rng.random() < 0.05 else f"{hours[i]:02d}:{int(rng.integers(60)):02d}",
                kind, offence, crime[crimes.columns.get_loc("Location")], crime.lsoa21, da,
                "Y" if violence[i] and rng.random() < 0.35 else "N",
                "Y" if rng.random() < 0.01 else "N",
                victim[0], victim[1], victim[2],
                "" if victim[0] and rng.random() < 0.3 else victim[3], victim[4],
                offender[0], offender[1], offender[2],
                "" if offender[0] and rng.random() < 0.2 else offender[3], offender[4]])
    return pd.DataFrame(rows, columns=[
        "Crime Reference", "Committed Date", "Committed Time", "Offence Group", "Offence",
        "Location", "LSOA Code", "Domestic Abuse Flag", "Alcohol Flag", "Hate Flag",
        "Victim Key", "Victim Age", "Victim Sex", "Victim Ethnicity", "Victim Home LSOA",
        "Offender Key", "Offender Age", "Offender Sex", "Offender Ethnicity",
        "Offender Home LSOA"])


def council_asb(rng: np.random.Generator, street: pd.DataFrame, postcodes: pd.DataFrame,
                homes: np.ndarray) -> pd.DataFrame:
    """Council ASB cases: most police ASB reports reach the council too, by postcode."""
    asb = street[(street["Crime type"] == ASB) & (rng.random(len(street)) < 0.6)]
    asb = asb.reset_index(drop=True)
    n = len(asb)
    by_lsoa = postcodes.groupby("lsoa21cd")["pcds"].apply(list)
    codes = np.array([str(rng.choice(by_lsoa[c])) for c in asb["lsoa21"]], dtype=object)
    broken = rng.random(n)
    codes[broken < 0.03] = "ZZ99 9ZZ"  # a well-formed postcode in no lookup
    codes[(broken >= 0.03) & (broken < 0.04)] = "NK"  # not a postcode: rejected
    codes[(broken >= 0.04) & (broken < 0.06)] = ""
    days = [d.strftime("%d/%m/%Y") for d in _days(rng, asb["Month"])]
    days = ["30/02/" + d[-4:] if rng.random() < 0.003 else d for d in days]
    callers = _People(rng, "council", 1, 0.25, 0.0, homes)
    perpetrators = _People(rng, "council", 700_000, 0.4, 0.45, homes)
    rows = []
    for i in range(n):
        year = int(asb["Month"].iloc[i][:4])
        caller = callers.draw(year)
        perpetrator = perpetrators.draw(year) if rng.random() < 0.5 else ("", "", "", "", "")
        school = (str(rng.choice(SCHOOLS)) if perpetrator[0] and perpetrator[1] < 18
                  and rng.random() < 0.25 else "")
        location = str(asb["Location"].iloc[i]).removeprefix("On or near ")
        rows.append([
            f"ASB/{year}/{i + 1:05d}", days[i], f"{_hours(rng, 1, EVENING)[0]:02d}:00",
            str(rng.choice(ASB_TYPES, p=ASB_WEIGHTS)),
            str(rng.choice(["Personal", "Nuisance", "Environmental"])),
            location.replace("Bishop", "Bishop’s") if "Bishop" in location else location,
            codes[i], str(rng.choice(["Y", "N", ""], p=[0.2, 0.6, 0.2])),
            caller[0], caller[1], caller[2],
            "Not stated" if rng.random() < 0.35 else caller[3], caller[4],
            *perpetrator[:3], "" if rng.random() < 0.3 else perpetrator[3], perpetrator[4],
            school])
    return pd.DataFrame(rows, columns=[
        "Case Ref", "Date Received", "Time Received", "Case Type", "Case Category", "Location",
        "Postcode", "Alcohol Related", "Complainant Key", "Complainant Age", "Complainant Sex",
        "Complainant Ethnicity", "Complainant Home LSOA", "Perpetrator Key", "Perpetrator Age",
        "Perpetrator Sex", "Perpetrator Ethnicity", "Perpetrator Home LSOA",
        "Perpetrator School"])


def fire_incidents(rng: np.random.Generator, street: pd.DataFrame) -> pd.DataFrame:
    """Deliberate fires where damage and ASB are; accidental fires anywhere."""
    damage = street["Crime type"].isin(["Criminal damage and arson", ASB])
    deliberate = street[damage & (rng.random(len(street)) < 0.08)]
    accidental = street[~damage & (rng.random(len(street)) < 0.01)]
    fires = pd.concat([deliberate.assign(motive="Deliberate"),
                       accidental.assign(motive="Accidental")]).sort_index(kind="stable")
    n = len(fires)
    secondary = fires["motive"].eq("Deliberate").to_numpy() & (rng.random(n) < 0.8)
    kind = np.where(secondary, "Secondary fire", "Primary fire")
    prop = np.where(secondary, _pick(rng, ("Refuse", "Grassland", "Wheelie bin",
                                           "Derelict vehicle"), (4, 3, 2, 1), n),
                    _pick(rng, ("Dwelling", "Car", "Other building"), (5, 3, 2), n))
    motive = fires["motive"].to_numpy().astype(object)
    motive[rng.random(n) < 0.05] = "Not known"
    lon = fires["Longitude"].astype(float).to_numpy() + rng.normal(0, 0.0001, n)
    lat = fires["Latitude"].astype(float).to_numpy() + rng.normal(0, 0.0001, n)
    no_point = rng.random(n) < 0.02
    days = _days(rng, fires["Month"])
    hours = _hours(rng, n, EVENING)
    return pd.DataFrame({
        "Incident Number": [f"KVF{d:%y}{i + 1:06d}" for i, d in enumerate(days)],
        "Call Date": [d.strftime("%d/%m/%Y") for d in days],
        "Call Time": [f"{h:02d}:{int(m):02d}" for h, m in zip(hours, rng.integers(0, 60, n),
                                                              strict=True)],
        "Incident Type": kind, "Property Type": prop, "Motive": motive,
        "Location": fires["Location"].str.removeprefix("On or near ").to_numpy(),
        "Longitude": np.where(no_point, "", [f"{v:.6f}" for v in lon]),
        "Latitude": np.where(no_point, "", [f"{v:.6f}" for v in lat]),
    })


def ae_istv(rng: np.random.Generator, street: pd.DataFrame, postcodes: pd.DataFrame,
            homes: np.ndarray) -> pd.DataFrame:
    """A&E assault attendances: some of the violence the police know of, and more they don't.
    """
    violence = street[street["Crime type"] == "Violence and sexual offences"]
    seen = violence[rng.random(len(violence)) < 0.15]
    unseen = violence[rng.random(len(violence)) < 0.12]
    cases = pd.concat([seen.assign(reported="Yes"), unseen.assign(reported="No")])
    cases = cases.sort_index(kind="stable").reset_index(drop=True)
    n = len(cases)
    reported = _blank(rng, cases["reported"].to_numpy(), 0.15)
    by_lsoa = postcodes.groupby("lsoa21cd")["pcds"].apply(list)
    location_postcode = np.array([str(rng.choice(by_lsoa[c])) if rng.random() < 0.55 else ""
                                  for c in cases["lsoa21"]], dtype=object)
    days = _days(rng, cases["Month"])
    hours = _hours(rng, n, NIGHT)
    patients = _People(rng, "hospital", 1, 0.1, 0.1, homes)
    rows = []
    for i in range(n):
        patient = patients.draw(days[i].year)
        rows.append([
            f"AE{days[i]:%y}{i + 1:06d}", days[i].strftime("%d/%m/%Y"),
            "" if rng.random() < 0.1 else f"{hours[i]:02d}:{int(rng.integers(60)):02d}",
            str(rng.choice(["Street", "Pub/club", "Home", "Other", ""],
                           p=[0.4, 0.25, 0.2, 0.1, 0.05])),
            str(cases["Location"].iloc[i]).removeprefix("On or near "), location_postcode[i],
            str(rng.choice(["Hit/punched/kicked", "Blunt object", "Knife/sharp object",
                            "Glass/bottle", "Other"], p=[0.6, 0.12, 0.08, 0.1, 0.1])),
            "", reported[i], patient[0], patient[1], patient[2],
            "" if rng.random() < 0.4 else patient[3], patient[4]])
    frame = pd.DataFrame(rows, columns=[
        "Attendance ID", "Assault Date", "Assault Time", "Location Type",
        "Location Description", "Location Postcode", "Assault Method", "Weapon",
        "Reported To Police", "Patient Key", "Patient Age", "Patient Sex", "Patient Ethnicity",
        "Patient Home LSOA"])
    weapon = {"Knife/sharp object": "Knife", "Glass/bottle": "Glass", "Blunt object": "Bat"}
    frame["Weapon"] = frame["Assault Method"].map(weapon).fillna("")
    return frame


def yos_first_time_entrants(rng: np.random.Generator, extract: pd.DataFrame) -> pd.DataFrame:
    """The YOS list: most young offenders' first offence leads to a first formal outcome a
    month or three later (the rest get community resolutions, which are not listed)."""
    young = extract[(extract["Offender Key"] != "")
                    & (pd.to_numeric(extract["Offender Age"], errors="coerce") <= 17)]
    when = pd.to_datetime(young["Committed Date"], format="%d/%m/%Y")
    first = young.assign(when=when).sort_values(["when", "Crime Reference"], kind="stable")
    first = first.drop_duplicates("Offender Key").reset_index(drop=True)
    first = first[rng.random(len(first)) < 0.6].reset_index(drop=True)
    n = len(first)
    outcome = first["when"] + pd.to_timedelta(rng.integers(20, 100, n), unit="D")
    people = {key: i for i, key in enumerate(first["Offender Key"], start=900_000)}
    return pd.DataFrame({
        "FTE Ref": [f"YOS{d:%y}{i + 1:05d}" for i, d in enumerate(outcome)],
        "Outcome Date": outcome.dt.strftime("%d/%m/%Y"),
        "Outcome": _pick(rng, ("Youth caution", "Youth conditional caution", "Conviction"),
                         (0.5, 0.3, 0.2), n),
        "Offence": first["Offence"].to_numpy(),
        "Young Person Key": [_key("yos", people[k]) for k in first["Offender Key"]],
        "Age": first["Offender Age"].to_numpy(),
        "Sex": first["Offender Sex"].to_numpy(),
        "Ethnicity": _blank(rng, first["Offender Ethnicity"].to_numpy(), 0.1),
        "Home LSOA": first["Offender Home LSOA"].to_numpy(),
    })


def _write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding=encoding)
    return path


def write_partner_exports(borough_dir: Path, *, seed: int = 2026) -> tuple[Path, ...]:
    """Write the partners' exports for a borough written by ``generate_borough``.

    Parameters
    ----------
    borough_dir
        The folder :func:`cspkit.synth.borough.generate_borough` wrote.
    seed
        Random seed; the same seed and borough give byte-identical files.

    Returns
    -------
    tuple of Path
        The files written, relative to ``borough_dir``: the postcode lookup, then per year
        ``partners/police_crime_extract_YYYY.csv`` (load with mapping
        ``police_crime_extract``), ``council_asb_cases_YYYY.csv`` (``council_asb``,
        Windows-1252), ``fire_incidents_YYYY.csv`` (``fire_incidents``, UTF-8 with BOM)
        ``ae_assaults_YYYY.csv`` (``ae_istv``) and ``yos_first_time_entrants_YYYY.csv``
        (``yos_first_time_entrants``).
    """
    borough_dir = Path(borough_dir)
    rng = np.random.default_rng([seed, 6])
    lsoas = _lsoas(borough_dir)
    street = _street_rows(borough_dir, lsoas)
    homes = lsoas.loc[lsoas["LAD25CD"] == BOROUGH.code, "LSOA21CD"].to_numpy()
    postcodes = postcode_lookup(lsoas[lsoas["LAD25CD"] == BOROUGH.code])
    written = [_write(postcodes, borough_dir / POSTCODE_LOOKUP)]
    extract = police_extract(rng, street, homes)
    exports = {
        "police_crime_extract": (extract, "Committed Date", "utf-8"),
        "council_asb_cases": (council_asb(rng, street, postcodes, homes), "Date Received",
                              "cp1252"),
        "fire_incidents": (fire_incidents(rng, street), "Call Date", "utf-8-sig"),
        "ae_assaults": (ae_istv(rng, street, postcodes, homes), "Assault Date", "utf-8"),
        "yos_first_time_entrants": (yos_first_time_entrants(rng, extract), "Outcome Date",
                                    "utf-8"),
    }
    for name, (frame, day, encoding) in exports.items():
        years = frame[day].str[-4:]
        for year in sorted(set(years)):
            path = borough_dir / "partners" / f"{name}_{year}.csv"
            written.append(_write(frame[years == year], path, encoding))
    return tuple(p.relative_to(borough_dir) for p in written)
