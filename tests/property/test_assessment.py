"""Property: the assessment on generated warehouses completes with notes, or stops with a
one-line CspError when a month of the two compared periods is missing — never another
exception — and its counts equal plain SQL over the generated files.

Warehouses hold random months of police.uk files (gaps anywhere), crime types that never
occur, rows without location and over the border; partnerships are the borough, a
neighbour, or an authority of a single LSOA; periods of 1 to 12 months compared with the
previous period or a year earlier. The Document is built but not rendered (rendering every
format is pinned elsewhere).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scope import MonthsNotLoaded
from cspkit.assessment.build import document_from_evidence
from cspkit.assessment.config import load_config, write_default_config
from cspkit.assessment.document import Callout
from cspkit.assessment.evidence import gather
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

from .test_police_uk_reader import rows
from .world import (
    ASB,
    CRIME_TYPES,
    FORCE,
    MONTHS,
    TINY_LAD,
    Encoding,
    encodings,
    placed_lad_sql,
    sql,
    street_files,
    write_street_files,
)

EXAMPLES = settings(max_examples=25, deadline=None)


@st.composite
def assessments(draw: st.DrawFn, world):
    """Files, the partnership's authority, and its period and comparison rule.

    Months outside the two compared periods are left out at random; now and then a month
    of the periods is too (the assessment must then stop, naming it).
    """
    months = draw(st.integers(1, 12))
    end = draw(st.sampled_from(MONTHS[months + 11:] if months < 12 else MONTHS[-1:]))
    compare = draw(st.sampled_from(["previous", "year-earlier"]))
    period = StrategicPeriod.ending(end, months)
    comparison = period.previous(compare)
    required = sorted(set(period.months) | set(comparison.months))
    others = sorted(set(MONTHS) - set(required))
    gaps = set(draw(st.lists(st.sampled_from(others), unique=True))) if others else set()
    if draw(st.integers(0, 4)) == 0:
        gaps |= set(draw(st.lists(st.sampled_from(required), min_size=1, max_size=2)))
    crime_types = tuple(draw(st.lists(st.sampled_from(CRIME_TYPES), min_size=1,
                                      max_size=len(CRIME_TYPES), unique=True)))
    files = draw(street_files(world, months=frozenset(MONTHS) - gaps, max_rows=12,
                              crime_types=crime_types))
    lad = draw(st.sampled_from(world.lads))
    return files, lad, period, compare


def counts_by_month(written: list[Path], world, lad: str, months: tuple[str, ...]):
    """Crime, ASB and unplaced rows per month of the files, by plain SQL."""
    listed = ", ".join(f"'{m}'" for m in months)
    return sql(
        f"select s.Month as month, count(*) filter (where l.lad = '{lad}' and \"Crime type\" "
        f"<> '{ASB}') as crime, count(*) filter (where l.lad = '{lad}' and \"Crime type\" = "
        f"'{ASB}') as asb, count(*) filter (where l.lad is null) as not_placed from street s "
        f"left join ({placed_lad_sql(world)}) l on s.\"LSOA code\" = l.code "
        f"where s.Month in ({listed}) group by all", street=written).set_index("month")


@EXAMPLES
@given(data=st.data())
def test_assessment_completes_or_names_the_missing_months_and_equals_plain_sql(world, data):
    files, lad, period, compare = data.draw(assessments(world))
    encoding = data.draw(encodings)
    comparison = period.previous(compare)
    crime_months = {m for m, r in files.items() if any(x["Crime type"] != ASB for x in r)}
    required = set(period.months) | set(comparison.months)
    with tempfile.TemporaryDirectory() as tmp:
        written = write_street_files(Path(tmp) / "police-uk", files, encoding)
        config = load_config(write_default_config(
            Path(tmp) / "csp.toml", name="Property CSP", areas=[lad],
            period=f"{period.start}:{period.end}", compare=compare))
        con = connect(world.fresh_warehouse(Path(tmp)))
        try:
            load_paths(con, [Path(tmp) / "police-uk"])
            event("completes" if required <= crime_months else "a compared month missing")
            if not required <= crime_months:
                with pytest.raises(MonthsNotLoaded) as caught:
                    gather(con, config)
                assert "\n" not in str(caught.value)
                assert set(caught.value.missing) <= required - crime_months
                assert caught.value.missing
                return
            evidence = gather(con, config)
            document = document_from_evidence(evidence)
        finally:
            con.disconnect()
        by_month = counts_by_month(written, world, lad, period.months + comparison.months)
        by_type = sql(
            f"select \"Crime type\" as category, count(*) as n from street s join "
            f"({placed_lad_sql(world)}) l on s.\"LSOA code\" = l.code where l.lad = '{lad}' "
            f"and \"Crime type\" <> '{ASB}' and s.Month in "
            f"({', '.join(repr(m) for m in period.months)}) group by all", street=written)

    assert document.all_sections()
    text = document_text(document)
    assert not re.search(r"\b(nan|inf)\b", text), "a sentence prints a number of nothing"

    def total(column: str, months: tuple[str, ...]) -> int:
        return int(by_month.reindex(list(months), fill_value=0)[column].sum())

    change = evidence.change
    assert (change.total_current, change.total_previous) == (
        total("crime", period.months), total("crime", comparison.months))
    assert (change.asb_current, change.asb_previous) == (
        total("asb", period.months), total("asb", comparison.months))
    table = change.table[(change.table["kind"] == "crime_type") & (change.table["current"] > 0)]
    assert rows(table[["group", "current"]]) == rows(by_type)

    trend = evidence.trends.table
    trend = trend[trend["kind"] == "total"].set_index("month")["count"]
    loaded = [m for m in period.months if m in crime_months]
    assert trend.reindex(loaded).tolist() == [total("crime", (m,)) for m in loaded]
    assert set(evidence.trends.months_not_loaded) == (
        set(StrategicPeriod(min(period.start, comparison.start), period.end).months)
        - crime_months)

    coverage = evidence.coverage.months.groupby("month")[["in_partnership", "not_placed"]].sum()
    for month in period.months + comparison.months:
        expected = by_month.reindex([month], fill_value=0).iloc[0]
        assert coverage.loc[month, "in_partnership"] == expected["crime"] + expected["asb"]
        if evidence.coverage.forces:
            assert coverage.loc[month, "not_placed"] == expected["not_placed"]


def document_text(document) -> str:
    """Every sentence, caption and note of a Document, for checks on its wording."""
    parts = []
    for _, block in document.walk():
        for name in ("text", "sentence", "caption", "alt_text", "summary", "title"):
            value = getattr(block, name, None)
            if isinstance(value, str):
                parts.append(value)
        parts += list(getattr(block, "notes", ()))
    return "\n".join(parts)


def assess_files(world, files, lad: str, period: str):
    """Evidence and Document for ``lad`` over street files ``month → rows``."""
    with tempfile.TemporaryDirectory() as tmp:
        write_street_files(Path(tmp) / "police-uk", files, Encoding("\n", bom=False))
        config = load_config(write_default_config(
            Path(tmp) / "csp.toml", name="Example CSP", areas=[lad], period=period,
            compare="previous"))
        con = connect(world.fresh_warehouse(Path(tmp)))
        try:
            load_paths(con, [Path(tmp) / "police-uk"])
            evidence = gather(con, config)
            return evidence, document_from_evidence(evidence)
        finally:
            con.disconnect()


def row(month: str, lsoa: str, crime_type: str, number: int) -> dict[str, str]:
    return {"Crime ID": "" if crime_type == ASB else f"{month}-{number:058d}", "Month": month,
            "Reported by": FORCE, "Falls within": FORCE, "Longitude": "-1.800000",
            "Latitude": "53.480000", "Location": "On or near Market Street",
            "LSOA code": lsoa, "LSOA name": f"{lsoa} name", "Crime type": crime_type,
            "Last outcome category": "", "Context": ""}


def test_a_partnership_with_no_crime_gets_notes_not_numbers_of_nothing(world):
    elsewhere = world.lsoas_of(world.lad)[0]
    files = {m: [row(m, elsewhere, "Burglary", 1)] for m in MONTHS}

    evidence, document = assess_files(world, files, TINY_LAD, "2025-01:2025-12")

    assert evidence.change.total_current == evidence.change.total_previous == 0
    text = document_text(document)
    assert not re.search(r"\b(nan|inf)\b", text)
    notes = {b.title: b.text for _, b in document.walk() if isinstance(b, Callout)}
    assert notes["Not available: concentration"].startswith(
        "no crime recorded in the areas in 2025-01 to 2025-12")
    assert "so there is no profile by deprivation" in notes["Not available: deprivation"]
    assert "so there are no outcomes to profile" in notes["Not available: outcomes"]


def test_a_partnership_of_one_lsoa_says_its_rank_correlation_is_not_defined(world):
    tiny = world.lsoas_of(TINY_LAD)[0]
    files = {m: [row(m, tiny, "Shoplifting", i) for i in range(3)] for m in MONTHS}

    evidence, document = assess_files(world, files, TINY_LAD, "2025-01:2025-12")

    assert evidence.change.total_current == 36
    text = document_text(document)
    assert not re.search(r"\b(nan|inf)\b", text)
    assert ("Across the 1 LSOA(s), the rank correlation between crime rate and deprivation "
            "is not defined (fewer than three LSOAs, or no variation).") in text
    # a theme of one crime type never recorded keeps its chapter's figures (zeros)
    assert "Drugs" in set(evidence.change.table["group"])
