"""Rounded proportions that make the fictional borough look like real data.

Where a figure says "Cleveland", it was estimated by reading the real data.police.uk
Cleveland files for 2023-01 … 2025-12 in ``shared/data`` (never copied): crime-type mix,
monthly seasonality, outcome mix by crime type, outcome delays, stop-and-search mix.
Rates are set a little below Cleveland's (a high-crime force) so the force area sits near
the middle of the national range. Planted trends live in :mod:`cspkit.synth.crime`.
"""

from __future__ import annotations

from dataclasses import dataclass

ASB = "Anti-social behaviour"


@dataclass(frozen=True)
class CrimeProfile:
    """How one police.uk crime type behaves in the fictional force.

    Attributes
    ----------
    name
        Crime type exactly as police.uk writes it.
    rate_per_1000
        Rows per 1,000 residents per year in 2024, force average.
    deprivation_elasticity
        ``beta`` in ``rate ∝ exp(beta * z)``, ``z`` the standardised deprivation of the LSOA.
    season
        Relative level for January … December (mean 1).
    year_factor
        Level by calendar year relative to 2024, force-wide; years outside are clamped.
    """

    name: str
    rate_per_1000: float
    deprivation_elasticity: float
    season: tuple[float, ...]
    year_factor: dict[int, float]


_FLAT = (1.0,) * 12
# Cleveland monthly means 2023-2025, divided by their average.
_VIOLENCE_SEASON = (0.98, 0.92, 1.04, 1.01, 1.10, 1.06, 1.10, 1.01, 0.99, 0.99, 0.95, 0.93)
_ASB_SEASON = (0.72, 0.87, 1.11, 1.19, 1.28, 1.22, 1.14, 1.25, 1.00, 1.09, 0.79, 0.68)
_DARK_NIGHTS = (1.15, 1.0, 0.95, 0.9, 0.9, 0.88, 0.92, 0.95, 0.95, 1.05, 1.15, 1.2)
_SUMMER = (0.6, 0.6, 0.8, 1.0, 1.2, 1.35, 1.4, 1.4, 1.2, 1.0, 0.8, 0.65)
_RETAIL = (0.95, 0.9, 1.0, 0.95, 1.0, 0.95, 1.0, 1.0, 0.95, 1.05, 1.1, 1.15)
_BONFIRE = (0.95, 0.9, 1.0, 1.0, 1.05, 1.0, 1.0, 1.0, 0.95, 1.05, 1.15, 0.95)

# Rates: Cleveland's 2024 crime-type shares (violence 32%, ASB 18%, criminal damage 10%,
# shoplifting 9%, public order 7%, other theft 5%, burglary 4.5%, vehicle 4.4%, drugs 3%,
# other crime 2.6%, robbery 1%, weapons 0.8%, bicycle 0.6%, theft from the person 0.3%)
# applied to about 117 rows per 1,000 residents. Theft from the person is kept rarer still
# so the borough has one genuinely small-number crime type.
CRIME_PROFILES: tuple[CrimeProfile, ...] = (
    CrimeProfile(ASB, 24.0, 0.5, _ASB_SEASON, {2023: 1.05, 2024: 1.0, 2025: 1.04}),
    CrimeProfile("Bicycle theft", 0.8, 0.1, _SUMMER, {2023: 1.15, 2024: 1.0, 2025: 0.95}),
    CrimeProfile("Burglary", 5.0, 0.45, _DARK_NIGHTS, {2023: 1.12, 2024: 1.0, 2025: 0.85}),
    CrimeProfile(
        "Criminal damage and arson", 12.0, 0.55, _BONFIRE, {2023: 1.05, 2024: 1.0, 2025: 0.96}
    ),
    CrimeProfile("Drugs", 3.6, 0.6, _FLAT, {2023: 0.9, 2024: 1.0, 2025: 1.05}),
    CrimeProfile("Other crime", 3.0, 0.4, _FLAT, {2023: 0.92, 2024: 1.0, 2025: 1.08}),
    CrimeProfile("Other theft", 6.0, 0.2, _RETAIL, {2023: 1.1, 2024: 1.0, 2025: 0.92}),
    CrimeProfile("Possession of weapons", 0.9, 0.5, _FLAT, {2023: 0.95, 2024: 1.0, 2025: 0.97}),
    CrimeProfile("Public order", 8.0, 0.45, _VIOLENCE_SEASON, {2023: 1.1, 2024: 1.0, 2025: 0.95}),
    CrimeProfile("Robbery", 1.0, 0.5, _FLAT, {2023: 0.95, 2024: 1.0, 2025: 1.1}),
    CrimeProfile("Shoplifting", 10.0, 0.2, _RETAIL, {2023: 0.93, 2024: 1.0, 2025: 1.06}),
    CrimeProfile("Theft from the person", 0.12, 0.1, _FLAT, {2023: 1.1, 2024: 1.0, 2025: 1.0}),
    CrimeProfile("Vehicle crime", 5.0, 0.3, _DARK_NIGHTS, {2023: 1.1, 2024: 1.0, 2025: 0.9}),
    CrimeProfile(
        "Violence and sexual offences",
        38.0,
        0.55,
        _VIOLENCE_SEASON,
        {2023: 1.08, 2024: 1.0, 2025: 0.98},
    ),
)

# Extra concentration by LSOA role (town centre, deprived estate, student quarter).
ROLE_MULTIPLIERS: dict[str, dict[str, float]] = {
    "town_centre_core": {
        "Shoplifting": 30.0, "Violence and sexual offences": 6.0, "Public order": 8.0,
        "Other theft": 4.0, "Theft from the person": 8.0, "Robbery": 3.0, "Bicycle theft": 3.0,
        "Drugs": 2.5, ASB: 2.5, "Criminal damage and arson": 1.5, "Possession of weapons": 3.0,
    },
    "town_centre": {
        "Shoplifting": 6.0, "Violence and sexual offences": 2.5, "Public order": 3.5,
        "Other theft": 2.0, "Theft from the person": 3.0, "Robbery": 2.0, "Bicycle theft": 2.0,
        "Drugs": 1.5, ASB: 1.6,
    },
    "estate": {
        "Criminal damage and arson": 1.8, ASB: 2.0, "Violence and sexual offences": 1.4,
        "Drugs": 2.0, "Burglary": 1.5, "Vehicle crime": 1.3,
    },
    "student": {"Bicycle theft": 4.0, "Burglary": 1.6, "Other theft": 1.5},
}

# Where in an LSOA each type happens: weight by kind of map point (street is 1).
POINT_AFFINITY: dict[str, dict[str, float]] = {
    "Shoplifting": {"street": 0.05, "commercial": 20.0, "nightlife": 1.0, "open_space": 0.05},
    "Violence and sexual offences": {"commercial": 1.5, "nightlife": 4.0},
    "Public order": {"commercial": 2.0, "nightlife": 4.0},
    ASB: {"commercial": 1.5, "nightlife": 2.0, "open_space": 3.0},
    "Vehicle crime": {"commercial": 2.5, "nightlife": 0.5},
    "Burglary": {"commercial": 0.2, "nightlife": 0.2, "open_space": 0.1},
    "Criminal damage and arson": {"commercial": 0.8, "open_space": 1.5},
    "Bicycle theft": {"commercial": 2.0, "nightlife": 2.0, "open_space": 2.0},
    "Drugs": {"nightlife": 3.0, "open_space": 2.0},
    "Robbery": {"commercial": 2.0, "nightlife": 3.0, "open_space": 1.5},
    "Theft from the person": {"street": 0.5, "commercial": 4.0, "nightlife": 4.0},
    "Other theft": {"commercial": 3.0, "nightlife": 2.0, "open_space": 1.5},
    "Possession of weapons": {"nightlife": 2.0},
    "Other crime": {"nightlife": 1.5},
}

# Final outcome mix by crime type, Cleveland 2024 (rounded). "Suspect charged" appears in
# the street files as "Court result unavailable" (or "Awaiting court outcome" while recent).
NSI = "Investigation complete; no suspect identified"
UPS = "Unable to prosecute suspect"
CHARGED = "Suspect charged"
STATUS_UNAVAILABLE = "Status update unavailable"
_MINOR = {
    "Further action is not in the public interest": 0.01,
    "Action to be taken by another organisation": 0.008,
    "Further investigation is not in the public interest": 0.005,
    "Local resolution": 0.005,
    "Formal action is not in the public interest": 0.004,
    "Offender given a caution": 0.003,
    STATUS_UNAVAILABLE: 0.014,
}
OUTCOME_MIX: dict[str, dict[str, float]] = {
    "Bicycle theft": {NSI: 0.84, UPS: 0.13, CHARGED: 0.02},
    "Burglary": {NSI: 0.71, UPS: 0.18, CHARGED: 0.085},
    "Criminal damage and arson": {NSI: 0.67, UPS: 0.25, CHARGED: 0.045},
    "Drugs": {
        CHARGED: 0.37, NSI: 0.17, UPS: 0.12, "Further action is not in the public interest": 0.11,
        "Local resolution": 0.065, "Formal action is not in the public interest": 0.055,
        "Offender given a drugs possession warning": 0.015, "Offender given a caution": 0.02,
    },
    "Other crime": {
        UPS: 0.5, NSI: 0.15, "Further investigation is not in the public interest": 0.12,
        CHARGED: 0.10,
    },
    "Other theft": {NSI: 0.66, UPS: 0.29, CHARGED: 0.03},
    "Possession of weapons": {
        CHARGED: 0.45, UPS: 0.33, "Further action is not in the public interest": 0.065,
        NSI: 0.04, "Offender given a caution": 0.03, "Local resolution": 0.03,
    },
    "Public order": {UPS: 0.53, NSI: 0.35, CHARGED: 0.085},
    "Robbery": {UPS: 0.43, NSI: 0.38, CHARGED: 0.16},
    "Shoplifting": {NSI: 0.51, CHARGED: 0.27, UPS: 0.18},
    "Theft from the person": {NSI: 0.69, UPS: 0.29},
    "Vehicle crime": {NSI: 0.80, UPS: 0.14, CHARGED: 0.05},
    "Violence and sexual offences": {
        UPS: 0.70, NSI: 0.165, CHARGED: 0.077, "Action to be taken by another organisation": 0.02,
    },
}


def outcome_mix(crime_type: str) -> dict[str, float]:
    """Final outcome probabilities for a crime type (sums to 1)."""
    mix = dict(_MINOR) | OUTCOME_MIX[crime_type]
    total = sum(mix.values())
    return {k: v / total for k, v in mix.items()}


# Months from the crime to its outcome (Cleveland 2024 crimes joined to outcome files):
# 0, 1, 2, … months; the rest is spread evenly over 8 … 18 months.
OUTCOME_DELAY = (0.70, 0.15, 0.055, 0.03, 0.02, 0.015, 0.012, 0.008)
OUTCOME_DELAY_TAIL = (8, 18)
# Share of outcomes published twice (the same outcome again in a later month's file).
REPEATED_OUTCOME_SHARE = 0.02

# Stop and search (Cleveland 2023-2025): about 1.1 searches per 1,000 residents a month.
SEARCHES_PER_1000_PER_MONTH = 1.1
SEARCH_TYPE = {"Person search": 0.87, "Person and Vehicle search": 0.08, "Vehicle search": 0.05}
GENDER = {"Male": 0.85, "Female": 0.15}
PERSON_DETAIL_MISSING = 0.08
AGE_RANGE = {"over 34": 0.40, "25-34": 0.22, "18-24": 0.20, "10-17": 0.179, "under 10": 0.001}
# Self-defined ethnicity → the officer-defined group that usually goes with it.
SELF_DEFINED_ETHNICITY = {
    "White - English/Welsh/Scottish/Northern Irish/British": (0.70, "White"),
    "White - Any other White background": (0.015, "White"),
    "Asian/Asian British - Pakistani": (0.02, "Asian"),
    "Asian/Asian British - Any other Asian background": (0.012, "Asian"),
    "Asian/Asian British - Indian": (0.006, "Asian"),
    "Black/African/Caribbean/Black British - African": (0.008, "Black"),
    "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background": (0.009, "Other"),
    "Other ethnic group - Not stated": (0.01, "White"),
    "": (0.20, "White"),
}
# Power used → objects searched for under it.
LEGISLATION = {
    "Misuse of Drugs Act 1971 (section 23)": (0.63, {"Controlled drugs": 1.0}),
    "Police and Criminal Evidence Act 1984 (section 1)": (
        0.36,
        {
            "Article for use in theft": 0.32,
            "Offensive weapons": 0.32,
            "Stolen goods": 0.11,
            "Articles for use in criminal damage": 0.09,
            "Anything to threaten or harm anyone": 0.09,
            "Evidence of offences under the Act": 0.07,
        },
    ),
    "Firearms Act 1968 (section 47)": (0.01, {"Firearms": 1.0}),
}
SEARCH_OUTCOME = {
    "A no further action disposal": 0.76,
    "Arrest": 0.105,
    "": 0.10,
    "Community resolution": 0.016,
    "Summons / charged by post": 0.012,
    "Caution (simple or conditional)": 0.003,
}
DRUGS_WARNING = "Khat or Cannabis warning"
SEARCH_WITHOUT_COORDINATES = 0.05

# Population by 5-year age band 0-4 … 85-89 and 90+ (% of residents, ONS mid-2020 LSOA
# estimates for England and Wales, summed).
AGE_BAND_SHARES = (
    5.7, 6.2, 6.1, 5.5, 6.2, 6.7, 6.7, 6.6, 6.1, 6.4, 6.9, 6.7, 5.7, 5.0, 5.0, 3.6, 2.6, 1.6, 0.9,
)
NATIONAL_LSOAS = 33_755  # LSOAs in England ranked by IoD2025
