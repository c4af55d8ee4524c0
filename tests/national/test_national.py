"""The synthetic national archive, its streaming load and the national comparison, checked
against the all-forces summary and plain SQL and pandas over the raw files."""

from __future__ import annotations

import shutil
import zipfile

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist
from scipy.stats import binomtest

from cspkit.analysis.national import most_similar_groups, national_comparison
from cspkit.analysis.periods import StrategicPeriod
from cspkit.errors import CspError
from cspkit.national.load import load_archive
from cspkit.national.report import comparator_document, write_national
from cspkit.synth.national import LOOKUP, SUMMARY, write_national_archive
from cspkit.synth.police import STREET_COLUMNS
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

from ..conftest import shared_data_path
from .conftest import FORCES, GROUP_SIZE, LADS, MONTHS

pytestmark = pytest.mark.real_data
PERIOD = StrategicPeriod("2025-03", "2025-04")
ASB = "Anti-social behaviour"


def test_a_month_the_summary_counted_has_exactly_its_counts(tmp_path):
    shared = shared_data_path()
    write_national_archive(tmp_path, shared=shared, months=["2025-01"], forces=["cleveland"])
    rows = pd.read_csv(tmp_path / "2025-01" / "2025-01-cleveland-street.csv", dtype=str,
                       keep_default_na=False)
    lookup = pd.read_csv(shared / LOOKUP, dtype=str, encoding="utf-8-sig")
    lad = rows["LSOA code"].map(lookup.set_index("LSOA21CD")["LAD25CD"]).fillna("")
    got = rows.groupby([lad.rename("lad"), rows["Crime type"]]).size()
    summary = pd.read_csv(shared / SUMMARY / "lad_month_crimetype_counts.csv.gz", dtype=str,
                          keep_default_na=False)
    want = summary[(summary["month"] == "2025-01")
                   & (summary["force_file_slug"] == "cleveland")]
    want = want.set_index(["lad25_code", "crime_type"])["n"].astype(int)
    assert got.sort_index().tolist() == want.sort_index().tolist()
    assert list(got.sort_index().index) == list(want.sort_index().index)


def test_the_archive_has_data_police_uk_layout(national_sample):
    archive, _, _ = national_sample
    assert sorted(p.name for p in archive.iterdir()) == list(MONTHS)
    names = sorted(p.name for p in (archive / "2025-02").iterdir())
    assert names == [f"2025-02-{f}-street.csv" for f in sorted(FORCES)]
    frame = pd.read_csv(archive / "2025-02" / "2025-02-durham-street.csv", dtype=str,
                        keep_default_na=False)
    assert tuple(frame.columns) == STREET_COLUMNS
    assert ((frame["Crime ID"] == "") == (frame["Crime type"] == ASB)).all()
    assert frame.loc[frame["Crime ID"] != "", "Crime ID"].str.fullmatch("[0-9a-f]{64}").all()


def test_loading_streams_by_month_and_a_new_month_touches_only_it(national_sample, tmp_path):
    archive, reference, _ = national_sample
    partial = tmp_path / "archive"
    for month in MONTHS[:2]:
        shutil.copytree(archive / month, partial / month)
    con = connect(tmp_path / "w.duckdb")
    load_paths(con, reference[:1])
    first = load_archive(con, partial)
    assert [m.month for m in first] == list(MONTHS[:2])
    shutil.copytree(archive / MONTHS[2], partial / MONTHS[2])
    second = load_archive(con, partial)
    assert [m.report is None for m in second] == [True, True, False]
    raw = duckdb.sql(f"SELECT count(*) FROM read_csv('{partial}/*/*.csv', all_varchar=true)"
                     ).fetchone()[0]
    stored = con.sql("SELECT count(*) AS n FROM incident").execute()["n"].iloc[0]
    assert stored == raw == sum(m.rows for m in first + second)
    ledger = con.table("load_ledger").to_pandas()
    assert len(ledger[ledger["kind"] == "police_street"]) == 3 * len(FORCES)
    con.disconnect()


@pytest.fixture(scope="module")
def result(national_sample):
    _, _, con = national_sample
    return national_comparison(con, period=PERIOD, group_size=GROUP_SIZE)


def test_rates_and_change_match_plain_sql_over_the_files(national_sample, result):
    archive, reference, _ = national_sample
    lookup, census = reference[0], reference[2]
    sql = f"""
        WITH rows AS (SELECT Month AS month, "Crime type" AS type, "LSOA code" AS lsoa
                      FROM read_csv('{archive}/*/*.csv', all_varchar=true)),
             lad AS (SELECT LSOA21CD AS lsoa, LAD25CD AS lad FROM read_csv('{lookup}')),
             people AS (SELECT lad, sum(total_residents) AS residents
                        FROM read_csv('{census}') c JOIN lad ON c.lsoa21_code = lad.lsoa
                        GROUP BY lad)
        SELECT lad.lad,
               count(*) FILTER (WHERE type <> '{ASB}' AND month IN ('2025-03','2025-04')) AS c,
               count(*) FILTER (WHERE type <> '{ASB}' AND month IN ('2025-01','2025-02')) AS p,
               count(*) FILTER (WHERE type = '{ASB}' AND month IN ('2025-03','2025-04')) AS a,
               any_value(residents) AS residents
        FROM rows JOIN lad USING (lsoa) JOIN people USING (lad) GROUP BY lad.lad ORDER BY 1"""
    want = duckdb.sql(sql).df().set_index("lad")
    got = result.table.set_index("lad_code").loc[want.index]
    assert sorted(result.table["lad_code"]) == sorted(LADS)
    assert got["crime"].tolist() == want["c"].tolist()
    assert got["crime_previous"].tolist() == want["p"].tolist()
    assert got["asb"].tolist() == want["a"].tolist()
    np.testing.assert_allclose(got["crime_rate"], 1000 * want["c"] / want["residents"])
    p_values = [binomtest(int(c), int(c + p), 0.5).pvalue
                for c, p in zip(want["c"], want["p"], strict=True)]
    np.testing.assert_allclose(got["crime_p_value"], p_values)
    ranks = want["c"].div(want["residents"]).rank(ascending=False, method="min")
    assert got["national_rank"].tolist() == ranks.astype(int).tolist()


def test_groups_are_the_nearest_on_z_scores_computed_independently(national_sample, result):
    _, reference, _ = national_sample
    lookup = pd.read_csv(reference[0], dtype=str)
    change = pd.read_csv(reference[1], dtype=str)
    census = pd.read_csv(reference[2], dtype={"lsoa21_code": str})
    ages = pd.read_csv(reference[3], dtype={"lsoa11_code": str})
    imd = pd.read_csv(reference[4], dtype={"lsoa21_code": str})
    to_lad = lookup.set_index("LSOA21CD")["LAD25CD"]
    first = change.assign(lad=change["lsoa21_code"].map(to_lad)).groupby("lsoa11_code")[
        "lad"].min()
    ages["lad"] = ages["lsoa11_code"].map(first)
    single = [str(a) for a in range(90)] + ["90+"]
    by_lad = ages.groupby("lad")[single].sum()
    total = by_lad.sum(axis=1)
    chars = pd.DataFrame({
        "young": 100 * by_lad[[str(a) for a in range(16)]].sum(axis=1) / total,
        "student": 100 * by_lad[[str(a) for a in range(16, 25)]].sum(axis=1) / total,
        "old": 100 * by_lad[[str(a) for a in range(65, 90)] + ["90+"]].sum(axis=1) / total,
    })
    scored = imd.merge(census, on="lsoa21_code")
    scored["lad"] = scored["lsoa21_code"].map(to_lad)
    scored["w"] = scored["IMD_score"] * scored["total_residents"]
    sums = scored.groupby("lad")[["w", "total_residents"]].sum()
    chars["imd"] = sums["w"] / sums["total_residents"]
    chars = chars.sort_index()
    np.testing.assert_allclose(
        result.characteristics.set_index("lad_code").loc[chars.index].to_numpy(),
        chars.to_numpy())
    z = (chars - chars.mean()) / chars.std(ddof=0)
    distance = cdist(z.to_numpy(), z.to_numpy())
    np.fill_diagonal(distance, np.inf)
    for i, code in enumerate(chars.index):
        want = list(chars.index[np.argsort(distance[i], kind="stable")[:GROUP_SIZE]])
        got = result.groups[result.groups["lad_code"] == code].sort_values("order")
        assert got["member"].tolist() == want
        rates = result.table.set_index("lad_code")["crime_rate"]
        row = result.table.set_index("lad_code").loc[code]
        assert row["group_mean_rate"] == pytest.approx(rates[want].mean())
        assert row["group_rank"] == 1 + int((rates[want] > rates[code]).sum())


def test_most_similar_groups_of_a_hand_worked_example():
    chars = pd.DataFrame({"lad_code": ["A", "B", "C"], "x": [0.0, 1.0, 3.0],
                          "y": [0.0, 0.0, 0.0]})
    # z-scores of x: mean 4/3, sd sqrt(14/9); y is constant and counts for nothing.
    groups = most_similar_groups(chars, size=1)
    assert groups["member"].tolist() == ["B", "A", "B"]
    assert groups["distance"].iloc[0] == pytest.approx(1 / np.sqrt(14 / 9))


def test_the_national_table_and_comparators_are_written(result, tmp_path):
    written = write_national(result, tmp_path, formats=("csv", "html"))
    table = pd.read_csv(tmp_path / "national" / "data" / "national_table.csv")
    assert len(table) == len(LADS)
    assert len(list((tmp_path / "comparators").iterdir())) == len(LADS)
    assert all(p.exists() for p in written)
    page = comparator_document(result, "E06000004")
    assert "Stockton-on-Tees" in page.title


def test_the_archive_zip_loads_month_by_month_like_its_folder(national_sample, tmp_path):
    archive, reference, _ = national_sample
    bundle = tmp_path / "latest.zip"
    with zipfile.ZipFile(bundle, "w") as out:
        for path in sorted(archive.glob("*/*.csv"))[: 2 * len(FORCES)]:
            out.write(path, f"{path.parent.name}/{path.name}")
    con = connect(tmp_path / "w.duckdb")
    load_paths(con, reference[:1])
    done = load_archive(con, bundle)
    assert [m.month for m in done] == list(MONTHS[:2])
    raw = duckdb.sql(f"SELECT count(*) FROM read_csv('{archive}/2025-0[12]/*.csv', "
                     "all_varchar=true)").fetchone()[0]
    assert con.sql("SELECT count(*) AS n FROM incident").execute()["n"].iloc[0] == raw
    assert [m.report is None for m in load_archive(con, bundle)] == [True, True]
    con.disconnect()


def test_a_configured_partnership_pools_its_authorities(national_sample, result):
    _, _, con = national_sample
    pair = {"E06000001": "Tees North", "E06000002": "Tees North"}
    grouped = national_comparison(con, period=PERIOD, group_size=GROUP_SIZE,
                                  partnerships=pair)
    alone = result.table.set_index("lad_code").loc[list(pair)]
    row = grouped.table.set_index("lad_code").loc["E06000001+E06000002"]
    assert len(grouped.table) == len(LADS) - 1
    assert row["lad_name"] == "Tees North"
    assert row["crime"] == alone["crime"].sum()
    assert row["asb_previous"] == alone["asb_previous"].sum()
    assert row["crime_rate"] == pytest.approx(
        1000 * alone["crime"].sum() / alone["residents"].sum())
    chars = result.characteristics.set_index("lad_code").loc[list(pair)]
    mine = grouped.characteristics.set_index("lad_code").loc["E06000001+E06000002"]
    assert mine["imd_score"] == pytest.approx(
        (chars["imd_score"] * alone["residents"]).sum() / alone["residents"].sum())
    with pytest.raises(CspError, match="E99999999"):
        national_comparison(con, period=PERIOD, partnerships={"E99999999": "Nowhere"})
