"""Measures computed from the warehouse (:mod:`cspkit.analysis.measures`).

The tiny warehouse's figures are worked out by hand from its counts; Stockton-on-Tees's are
counted by plain DuckDB SQL over the raw police.uk CSVs and the ONS lookup, never through
the loaders.
"""

from __future__ import annotations

import math
import shutil

import duckdb
import pytest

from cspkit.analysis.measures import (
    NO_DATA,
    NOT_ON_COURSE,
    ON_COURSE,
    TOO_EARLY,
    MeasureSpec,
    compute_measure,
    course_of,
)
from cspkit.analysis.scope import resolve_scope
from cspkit.errors import CspError
from cspkit.warehouse import connect
from tests.analysis.conftest import LAD, NORTH


def two_sided_binomial_half(k: int, n: int) -> float:
    """Exact two-sided test of k of n at p = 1/2, by hand: twice the smaller tail."""
    tail = sum(math.comb(n, i) for i in range(max(k, n - k), n + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def test_a_burglary_measure_counts_both_periods_and_tests_the_change(tiny) -> None:
    spec = MeasureSpec("Burglary", (LAD,), ("Burglary",), months=2, baseline="previous",
                       target_percent=10)
    figures = compute_measure(tiny, spec)
    # Burglary in Testborough: L1 10 + L3 2 now, L1 4 + L3 2 before (Otherton has none).
    assert (figures.current, figures.baseline) == (12, 6)
    assert figures.period.label == "2025-01 to 2025-02"
    assert figures.baseline_period.label == "2024-11 to 2024-12"
    assert figures.p_value == pytest.approx(two_sided_binomial_half(12, 18))
    assert figures.data_month == "2025-02"
    assert figures.course == TOO_EARLY  # up 100%, but p = 0.24
    assert figures.target_reached is False
    # Each month's count: the odd one falls in the first month of each period.
    assert figures.monthly == (("2024-11", 3), ("2024-12", 3), ("2025-01", 6), ("2025-02", 6))


def test_anti_social_behaviour_and_a_ward_are_measured_apart_from_crime(tiny) -> None:
    asb = compute_measure(tiny, MeasureSpec("ASB", (LAD,), ("Anti-social behaviour",),
                                            months=2, baseline="previous"))
    assert (asb.current, asb.baseline) == (5, 4)
    north = compute_measure(tiny, MeasureSpec("All crime in North", (NORTH,), months=2,
                                              baseline="previous"))
    # North = L1 and L2: 10 + 20 + 6 now, 4 + 16 + 6 before.
    assert (north.current, north.baseline) == (36, 26)


def test_missing_months_give_no_number_and_say_which(tiny) -> None:
    # 2024-12 to 2025-02 against 2024-09 to 2024-11: only 2024-11 to 2025-02 are loaded.
    figures = compute_measure(tiny, MeasureSpec("Burglary", (LAD,), ("Burglary",), months=3,
                                                baseline="previous"))
    assert figures.course == NO_DATA
    assert figures.current is None and figures.baseline is None and figures.p_value is None
    assert "police.uk crime data are not loaded for 2024-09 to 2024-10" in figures.missing
    assert figures.to_json()["current"] is None
    fire = compute_measure(tiny, MeasureSpec("Fires", (LAD,), source="fire", months=2))
    assert fire.course == NO_DATA and "fire and rescue" in fire.missing


def test_a_fixed_baseline_the_current_months_still_overlap_gives_no_number(tiny) -> None:
    figures = compute_measure(tiny, MeasureSpec("Burglary", (LAD,), ("Burglary",), months=2,
                                                baseline="fixed", baseline_start="2025-01"))
    assert figures.course == NO_DATA and "overlap the baseline" in figures.missing
    fixed = compute_measure(tiny, MeasureSpec("Burglary", (LAD,), ("Burglary",), months=2,
                                              baseline="fixed", baseline_start="2024-11"))
    assert (fixed.current, fixed.baseline) == (12, 6)


def test_a_wrong_area_or_category_is_an_error_not_missing_data(tiny) -> None:
    with pytest.raises(CspError, match="E06999999"):
        compute_measure(tiny, MeasureSpec("x", ("E06999999",)))
    with pytest.raises(CspError, match="Burglry"):
        compute_measure(tiny, MeasureSpec("x", (LAD,), ("Burglry",)))


def test_a_wrong_area_is_an_error_even_when_no_data_would_give_a_number(tiny) -> None:
    # Nothing of the fire service is loaded, and a fixed baseline overlapping the current
    # months gives no number either: the area code is still checked first.
    with pytest.raises(CspError, match="E06999999"):
        compute_measure(tiny, MeasureSpec("x", ("E06999999",), source="fire", months=2))
    with pytest.raises(CspError, match="E06999999"):
        compute_measure(tiny, MeasureSpec("x", ("E06999999",), months=2, baseline="fixed",
                                          baseline_start="2025-01"))


def test_the_scope_is_resolved_over_the_measure_s_own_periods(tiny, monkeypatch) -> None:
    """No stand-in month: the areas are resolved once, over the current period compared with
    its baseline, and give the same figures."""
    import cspkit.analysis.measures as measures

    asked = []

    def recording(con, **kwargs):
        asked.append((kwargs["period"].label, kwargs["compare"].label))
        return resolve_scope(con, **kwargs)

    monkeypatch.setattr(measures, "resolve_scope", recording)
    figures = compute_measure(tiny, MeasureSpec("Burglary", (LAD,), ("Burglary",), months=2,
                                                baseline="previous"))
    assert asked == [("2025-01 to 2025-02", "2024-11 to 2024-12")]
    assert (figures.current, figures.baseline) == (12, 6)


@pytest.mark.parametrize(("spec", "message"), [
    (dict(source="prison"), "source"),
    (dict(direction="hold"), "direction"),
    (dict(baseline="fixed", baseline_start="2024-13"), "baseline start"),
    (dict(categories=("Burglary", "Anti-social behaviour")), "not both"),
    (dict(target_percent=150.0), "between 0 and 100"),
    (dict(months=0), "1 to 36"),
])
def test_an_invalid_measure_is_refused_with_what_is_wrong(spec, message) -> None:
    with pytest.raises(CspError, match=message):
        MeasureSpec("x", (LAD,), **spec)


@pytest.mark.parametrize(("direction", "change", "p", "expected"), [
    ("reduce", -10, 0.01, ON_COURSE),
    ("reduce", 10, 0.01, NOT_ON_COURSE),
    ("increase", 10, 0.01, ON_COURSE),
    ("increase", -10, 0.049, NOT_ON_COURSE),
    ("reduce", -10, 0.05, TOO_EARLY),
    ("reduce", 0, 1.0, TOO_EARLY),
])
def test_the_on_course_rule(direction, change, p, expected) -> None:
    assert course_of(direction, change=change, p_value=p) == expected


@pytest.mark.real_data
@pytest.mark.parametrize(("categories", "months", "baseline"), [
    (("Burglary",), 12, "year-earlier"),
    (("Anti-social behaviour",), 6, "previous"),
    (("Shoplifting", "Robbery"), 12, "year-earlier"),
])
def test_stockton_measures_equal_plain_sql_over_the_police_csvs(
    real_warehouse, shared_data, tmp_path, categories, months, baseline
) -> None:
    path = tmp_path / "copy.duckdb"
    shutil.copy(real_warehouse, path)
    con = connect(path, create=False)
    figures = compute_measure(con, MeasureSpec("m", ("E06000004",), categories, months=months,
                                               baseline=baseline))
    con.disconnect()
    raw = duckdb.connect()
    street = shared_data / "police-uk/cleveland/street/*.csv.gz"
    lookup = shared_data / "lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz"
    latest = raw.sql(f"SELECT max(Month) FROM read_csv('{street}', all_varchar=true)"
                     ).fetchone()[0]
    assert figures.data_month == latest

    def count(period) -> int:
        names = ", ".join(f"'{c}'" for c in categories)
        months_in = ", ".join(f"'{m}'" for m in period.months)
        return raw.sql(f"""
            SELECT count(*) FROM read_csv('{street}', header=true, all_varchar=true) s
            WHERE s."Crime type" IN ({names}) AND s.Month IN ({months_in})
              AND s."LSOA code" IN (SELECT LSOA21CD FROM read_csv('{lookup}', header=true,
                                    all_varchar=true) WHERE LAD25CD = 'E06000004')
        """).fetchone()[0]

    assert figures.period.end == latest and figures.period.n_months == months
    assert figures.current == count(figures.period)
    assert figures.baseline == count(figures.baseline_period)
    assert figures.p_value == pytest.approx(
        two_sided_binomial_half(figures.current, figures.current + figures.baseline))
    assert dict(figures.monthly)[latest] == count(type(figures.period)(latest, latest))
