"""A council's raw ASB export as an analyst first meets it (issue 17), invented for tests.

3,000 cases in a layout no built-in mapping knows: a title row above the header,
"Reported On" as DD/MM/YYYY HH:MM, council categories, full postcodes, the reporter's
name (accented names too, and "SURNAME, Forename"), date of birth, address, phone (several
formats) and e-mail, the alleged perpetrator, the case officer and free-text notes that
name people and give phone numbers. 816 incidents are at the reporter's own postcode and
house. Written as .xlsx (real date-time and date cells) and as Windows-1252 CSV.

Every value is made up: the phone numbers are in Ofcom's ranges kept for drama, the
e-mails at example.org, the postcodes in the tests' fictional "ZZ" area.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook

TITLE = "Kestrel Vale Council - Anti-social behaviour cases, 1 January to 31 December 2025"
HEADER = ["Case Reference", "Reported On", "ASB Category", "Incident Address",
          "Incident Postcode", "Ward", "Reporting Person", "Reporter DOB", "Reporter Address",
          "Reporter Postcode", "Reporter Phone", "Reporter Email", "Reporter Sex",
          "Reporter Ethnicity", "Alleged Perpetrator", "Perpetrator DOB", "Case Officer",
          "Status", "Notes"]
CATEGORIES = ("Noise Nuisance", "Rowdy Behaviour", "Neighbour Dispute", "Vehicle Nuisance",
              "Drug Related", "Street Drinking", "Fly-tipping", "Graffiti")
FORENAMES = ("Zoë", "Chloë", "Siân", "Seán", "Róisín", "Niamh", "José", "Renée", "Françoise",
             "Agnieszka", "Olivia", "Amelia", "Jack", "Oliver", "Mohammed", "Fatima", "Priya",
             "Kwame", "Aoife", "Ellie", "Harry", "George", "Jessica", "Karen", "Gary",
             "Stephen", "Tracey", "Dean", "Kayleigh", "Paul")
SURNAMES = ("Brontë", "O’Neill", "Müller", "García", "Kowalski", "Nowak", "Smith", "Jones",
            "Patel", "Khan", "Okafor", "Nguyen", "Thompson", "Robson", "Dobson", "Hodgson",
            "Pattinson", "Lumsden", "McLaughlin", "Preston", "Norton", "Wilson", "Begum",
            "Walsh", "Doherty")
STREETS = ("Larch Road", "Victoria Road", "Albert Terrace", "Norton Road", "Preston Lane",
           "Stockton Street", "Mill Lane", "Acacia Avenue", "Church Street", "Yarm Road")
PLACES = ("Albert Park", "Preston Park", "Norton Green", "Stockton High Street",
          "outside the Co-op, Yarm Road", "Victoria Road shops", "Mill Lane play area")
WARDS = ("Kestrel Central", "Curlew Bank", "Otterby", "Hobbs Cross")
# Postcodes of the tests' lookup (ZZ1 1AA → A1, ZZ1 1AB → A2, ZZ2 1AA → B1, the other
# authority) and two that no lookup holds.
POSTCODES = ("ZZ1 1AA", "ZZ1 1AB", "ZZ2 1AA", "ZZ9 9ZZ", "ZZ9 9ZY")
POSTCODE_WEIGHTS = (0.45, 0.35, 0.1, 0.05, 0.05)
ETHNICITIES = ("White British", "White Other", "Asian or Asian British",
               "Black or Black British", "Mixed", "Not stated")
AT_HOME = 816
ROWS = 3000
BAD_DATES = 6  # incident dates that cannot be read
BAD_BIRTHS = 40  # dates of birth that cannot be read


@dataclass(frozen=True)
class Person:
    """An invented person: how their name is written, and the rest of their details."""

    written: str
    born: date | None
    birth_text: str  # as the export writes it ("" when not recorded)
    address: str
    postcode: str
    phone: str
    email: str
    sex: str
    ethnicity: str


@dataclass(frozen=True)
class Case:
    """One row of the export, with what the tests check against."""

    ref: str
    reported: datetime | None  # None: the export's date is unreadable
    reported_text: str
    category: str
    location: str
    postcode: str
    ward: str
    reporter: Person
    perpetrator: Person | None
    officer: str
    notes: str

    @property
    def at_home(self) -> bool:
        return self.postcode == self.reporter.postcode and self.location == \
            self.reporter.address


def _phone(rng: np.random.Generator) -> str:
    n = int(rng.integers(100, 1000))
    return str(rng.choice([f"+44 7700 900{n}", f"07700900{n}", f"(01632) 960{n}",
                           f"07700 900 {n}", f"01632 960{n}"]))


def _person(rng: np.random.Generator, i: int) -> Person:
    first, last = str(rng.choice(FORENAMES)), str(rng.choice(SURNAMES))
    written = f"{last.upper()}, {first}" if rng.random() < 0.2 else f"{first} {last}"
    born = date(1940, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 66)))
    draw = rng.random()
    birth_text = "" if draw < 0.03 else born.strftime("%d/%m/%Y")
    number = int(rng.integers(1, 120))
    street = str(rng.choice(STREETS))
    address = f"Flat {number % 9 + 1}, {number} {street}" if rng.random() < 0.1 \
        else f"{number} {street}"
    ascii_first = first.encode("ascii", "ignore").decode() or "resident"
    return Person(written=written, born=born if birth_text else None, birth_text=birth_text,
                  address=address,
                  postcode=str(rng.choice(POSTCODES, p=POSTCODE_WEIGHTS)), phone=_phone(rng),
                  email=f"{ascii_first.lower()}.{i}@example.org",
                  sex=str(rng.choice(["Male", "Female"])),
                  ethnicity=str(rng.choice(ETHNICITIES)))


def council_cases(seed: int = 17) -> list[Case]:
    """The 3,000 cases: callers and perpetrators drawn with repeats, as councils see them."""
    rng = np.random.default_rng(seed)
    callers = [_person(rng, i) for i in range(1200)]
    perpetrators = [_person(rng, 5000 + i) for i in range(400)]
    unreadable_births = set(rng.choice(1200, size=BAD_BIRTHS, replace=False).tolist())
    callers = [replace(c, born=None, birth_text="unknown") if i in unreadable_births else c
               for i, c in enumerate(callers)]
    at_home = set(rng.choice(ROWS - BAD_DATES, size=AT_HOME, replace=False).tolist())
    officers = ("Karen Walsh", "Dean Hodgson", "Priya Patel")
    cases = []
    start = datetime(2025, 1, 1)
    for i in range(ROWS):
        reporter = callers[int(len(callers) * rng.random() ** 2)]  # some call often
        reported = start + timedelta(minutes=int(rng.integers(0, 365 * 24 * 60)))
        if rng.random() < 0.02:
            reported = reported.replace(hour=0, minute=0)
        text = reported.strftime("%d/%m/%Y %H:%M")
        if i >= ROWS - BAD_DATES:
            reported, text = None, "31/02/2025 22:10"
        if i in at_home:
            location, postcode = reporter.address, reporter.postcode
        else:
            location = str(rng.choice(PLACES))
            postcode = str(rng.choice(POSTCODES, p=POSTCODE_WEIGHTS))
            if postcode == reporter.postcode:
                postcode = "ZZ9 9ZX"  # keep exactly AT_HOME cases at home
        perpetrator = perpetrators[int(rng.integers(0, 400))] if rng.random() < 0.45 else None
        name = perpetrator.written if perpetrator else "Mr Kowalczyk"
        notes = str(rng.choice([
            f"Caller reports loud music from {name} next door",
            f"Ring back on {reporter.phone} after 6pm",
            f"Youths gathering again, {name} named by caller",
            "Dog barking all night", "Neighbour dispute ongoing, mediation offered", "",
            f"Caller {reporter.written} says it is every weekend"]))
        cases.append(Case(
            ref=f"ASB-25-{i + 1:05d}", reported=reported, reported_text=text,
            category=str(rng.choice(CATEGORIES)), location=location, postcode=postcode,
            ward=str(rng.choice(WARDS)), reporter=reporter, perpetrator=perpetrator,
            officer=str(rng.choice(officers)), notes=notes))
    return cases


def _row(case: Case) -> list[str]:
    p, q = case.reporter, case.perpetrator
    return [case.ref, case.reported_text, case.category, case.location, case.postcode,
            case.ward, p.written, p.birth_text, p.address, p.postcode, p.phone, p.email, p.sex,
            p.ethnicity, q.written if q else "", q.birth_text if q else "", case.officer,
            "Closed", case.notes]


def write_csv(cases: list[Case], path: Path) -> Path:
    """The export as Windows-1252 CSV, its title on the first line, as older Excel saves."""
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([TITLE] + [""] * (len(HEADER) - 1))
        writer.writerow(HEADER)
        writer.writerows(_row(c) for c in cases)
    return path


def write_xlsx(cases: list[Case], path: Path) -> Path:
    """The export as a workbook: a title row, a blank row, the header; "Reported On" as
    date-time cells (midnight included), dates of birth as date cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "ASB Cases"
    sheet.append([TITLE])
    sheet.append([])
    sheet.append(HEADER)
    for case in cases:
        row: list[object] = _row(case)
        row[1] = case.reported if case.reported else "TBC"
        if case.reporter.born:
            row[7] = case.reporter.born
        if case.perpetrator and case.perpetrator.born:
            row[15] = case.perpetrator.born
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=4, min_col=8, max_col=8):
        cells[0].number_format = "dd/mm/yyyy"
    for cells in sheet.iter_rows(min_row=4, min_col=16, max_col=16):
        cells[0].number_format = "dd/mm/yyyy"
    book.save(path)
    return path
