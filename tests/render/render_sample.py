"""A small hand-made assessment holding every block type, for the renderer tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cspkit.assessment.document import (
    SUPPRESSED,
    Callout,
    Chart,
    Column,
    DataGap,
    Document,
    Finding,
    InputFile,
    Map,
    MapFeature,
    MapPoint,
    Metadata,
    Paragraph,
    Recommendation,
    RecommendationList,
    Section,
    Table,
)

WARDS = [  # (code, name, column, row, crimes per 1,000, class)
    ("E05000001", "Northfield", 0, 0, 41.2, 1),
    ("E05000002", "Town Centre", 1, 0, 128.6, 2),
    ("E05000003", "Riverside", 2, 0, 77.9, 2),
    ("E05000004", "Southgate", 0, 1, 22.5, 0),
    ("E05000005", "Parkway", 1, 1, None, None),
    ("E05000006", "Hillcrest", 2, 1, 35.0, 1),
]


def square(column: int, row: int, size: float = 0.03) -> str:
    west, north = -1.36 + column * size, 54.60 - row * size
    east, south = west + size, north - size
    return (
        f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
    )


def crime_table() -> Table:
    frame = pd.DataFrame(
        {
            "crime_type": ["Robbery", "Burglary", "Shoplifting", "Possession of weapons"],
            "previous": [223, 1104, 1822, 31],
            "current": [319, 1017, 2210, 4],
            "change": [96, -87, 388, -27],
            "change_pct": [96 / 223, -87 / 1104, 388 / 1822, -27 / 31],
            "p_value": [0.0000412, 0.061, 0.0000001, 0.00002],
        }
    )
    return Table(
        id="performance_by_crime_type",
        caption="Recorded crime by type, strategic period against the previous 12 months",
        columns=(
            Column("crime_type", "Crime type"),
            Column("previous", "Previous 12 months", "integer"),
            Column("current", "Strategic period", "integer"),
            Column("change", "Change", "signed_integer"),
            Column("change_pct", "Change (%)", "signed_percent"),
            Column("p_value", "p-value (exact Poisson)", "p_value"),
        ),
        rows=frame,
        source="change.compare_periods",
        notes=("Counts under 10 are flagged as small numbers.",),
    )


def monthly_table() -> Table:
    """A wide table: one column per month."""
    months = [f"2024-{m:02d}" for m in range(10, 13)] + [f"2025-{m:02d}" for m in range(1, 10)]
    crime_types = ["Violence and sexual offences", "Anti-social behaviour", "Shoplifting"]
    return Table(
        id="monthly_counts_by_crime_type",
        caption="Crimes and incidents by month and type",
        columns=(
            Column("crime_type", "Crime type"),
            *(Column(f"m{m.replace('-', '_')}", m, "integer") for m in months),
        ),
        rows=[
            (name, *(1000 * (n + 1) + 37 * i for i in range(len(months))))
            for n, name in enumerate(crime_types)
        ],
        source="periods.monthly_counts",
    )


def ward_table() -> Table:
    return Table(
        id="crime_rate_by_ward",
        caption="Crimes per 1,000 residents by ward",
        columns=(
            Column("ward_code", "Ward code"),
            Column("ward_name", "Ward"),
            Column("rate", "Crimes per 1,000", "decimal1"),
            Column("victims_under_18", "Victims under 18", "integer"),
        ),
        rows=[
            {
                "ward_code": code,
                "ward_name": name,
                "rate": rate,
                "victims_under_18": SUPPRESSED if name == "Parkway" else 12 + col,
            }
            for code, name, col, _, rate, _ in WARDS
        ],
        source="places.ward_ranking",
        notes=("[c] withheld: fewer than 5 victims.", "[x] not available."),
    )


def trend_chart() -> Chart:
    months = [f"2024-{m:02d}" for m in range(10, 13)] + [f"2025-{m:02d}" for m in range(1, 10)]
    values = [
        {"month": month, "crimes": 180 + 7 * i - (i % 3) * 5} for i, month in enumerate(months)
    ]
    return Chart(
        id="robbery_trend",
        title="Robbery by month, October 2024 to September 2025",
        spec={
            "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "month", "type": "temporal", "title": "Month"},
                "y": {"field": "crimes", "type": "quantitative", "title": "Robberies"},
                "tooltip": [{"field": "month", "type": "temporal"}, {"field": "crimes"}],
            },
        },
        alt_text="Line chart: robberies rose steadily from 180 in October 2024 to 247 in "
        "September 2025.",
        source="periods.monthly_counts",
    )


def ward_map() -> Map:
    return Map(
        id="crime_rate_map",
        title="Crimes per 1,000 residents by ward",
        features=tuple(
            MapFeature(code, name, square(col, row), rate, cls)
            for code, name, col, row, rate, cls in WARDS
        ),
        legend=("Under 35", "35 to 75", "75 and over"),
        legend_title="Crimes per 1,000 residents",
        classification="Three classes, fixed breaks",
        alt_text="Map of six wards: Town Centre and Riverside have the highest rates; "
        "Southgate the lowest; Parkway has no data.",
        source="places.ward_ranking",
        points=(MapPoint(-1.315, 54.585, "Hot spot: High Street"),),
        points_label="Hot spot (Gi*, 99% after FDR correction)",
        attribution="Boundaries: Office for National Statistics, Open Government Licence v3.0.",
        table_id="crime_rate_by_ward",
    )


def sample_document() -> Document:
    """An assessment with every block type, a nested section and an empty section."""
    crimes = crime_table()
    robbery = Finding(
        "Robbery **rose by 43.0%** (223 → 319), a significant increase.",
        importance=0.9,
        kind="rise",
        figures={"previous": 223, "current": 319, "change_pct": 96 / 223},
        source_table=crimes.id,
    )
    burglary = Finding(
        "Burglary fell by 7.9% (1,104 → 1,017); the change is not significant.",
        importance=0.5,
        kind="no-significant-change",
        figures={"previous": 1104, "current": 1017},
        source_table=crimes.id,
    )
    summary = Section(
        "executive_summary",
        "Executive summary",
        1,
        (
            Paragraph("This assessment covers *twelve months* of police recorded crime."),
            robbery,
            burglary,
            Callout("Police data only", "Partner data were not available.", tone="caveat"),
        ),
        summary="Crime rose overall; robbery and shoplifting drove the rise.",
    )
    violence = Section(
        "violence",
        "Violence including domestic abuse and robbery",
        1,
        (
            Paragraph("Robbery is concentrated in the **Town Centre**."),
            crimes,
            trend_chart(),
            monthly_table(),
            Section(
                "violence_location",
                "Location profile",
                2,
                (ward_map(), ward_table()),
            ),
            Section("violence_offenders", "Offender profile", 2, ()),
        ),
    )
    young_people = Section(
        "young_people",
        "Young people",
        1,
        (
            DataGap(
                missing="Youth offending first-time entrants by ward",
                would_fill="Youth Justice Service first-time entrants by home LSOA, quarterly",
                owner="Youth Justice Service",
                theme="Young people",
            ),
        ),
    )
    recommendations = Section(
        "recommendations",
        "Recommendations",
        1,
        (
            RecommendationList(
                (
                    Recommendation(
                        "Commission a problem profile of town-centre robbery.", owner="Police"
                    ),
                    Recommendation("Agree a data-sharing protocol with the Youth Justice Service."),
                )
            ),
        ),
    )
    return Document(
        title="Partnership Strategic Assessment 2025",
        partnership="Exampleton Community Safety Partnership",
        period_text="1 October 2024 to 30 September 2025",
        sections=(summary, violence, young_people, recommendations),
        metadata=Metadata(
            period="2024-10:2025-09",
            comparison_period="2023-10:2024-09",
            inputs=(
                InputFile("police_uk", "2025-09-cleveland-street.csv", "ab" * 32),
                InputFile("geography", "wards.geojson", "cd" * 32),
            ),
            config={"name": "Exampleton Community Safety Partnership", "areas": ["E06000004"]},
            software_version="0.1.0",
        ),
        subtitle="Draft for the partnership board",
        issued=dt.date(2025, 11, 20),
    )
