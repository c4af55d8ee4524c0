"""Completeness for Stockton-on-Tees (E06000004) on the real data, against plain DuckDB SQL
over the raw police.uk street CSVs and the ONS lookup (never through the loaders)."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cspkit.analysis.quality import completeness, rejected_rows
from cspkit.warehouse import connect

pytestmark = pytest.mark.real_data

STOCKTON = "E06000004"


@pytest.fixture(scope="module")
def warehouse(real_warehouse, tmp_path_factory):
    path = tmp_path_factory.mktemp("quality") / "copy.duckdb"
    shutil.copy(real_warehouse, path)
    con = connect(path)
    yield con
    con.disconnect()


@pytest.fixture(scope="module")
def expected(shared_data) -> pd.DataFrame:
    """Share of Stockton rows with a map point, an LSOA and (crimes) an outcome, per month.

    A row is Stockton's when the file names its LSOA as one of Stockton-on-Tees's (the
    early 2023 files give 2011 LSOAs, which the warehouse re-assigns to 2021 ones within the
    same authority), or when it has no LSOA at all (it could be anywhere in the force area).
    """
    street = f"read_csv('{shared_data}/police-uk/cleveland/street/*.csv.gz', header=true, " \
        "all_varchar=true)"
    db = duckdb.connect()
    frame = db.sql(f"""
        WITH rows AS (
            SELECT CASE WHEN "Crime type" = 'Anti-social behaviour' THEN 'police_asb'
                        ELSE 'police_crime' END AS source, *
            FROM {street}
            WHERE "LSOA code" IS NULL OR "LSOA name" LIKE 'Stockton-on-Tees %')
        SELECT source, Month AS month, 'location' AS field, count(*) AS rows,
               count(*) FILTER (WHERE Longitude IS NOT NULL AND Latitude IS NOT NULL) AS complete
        FROM rows GROUP BY 1, 2
        UNION ALL
        SELECT source, Month, 'lsoa', count(*), count("LSOA code") FROM rows GROUP BY 1, 2
        UNION ALL
        SELECT source, Month, 'last_outcome', count(*),
               count(*) FILTER (WHERE "Last outcome category" IS NOT NULL
                                AND "Last outcome category" <> 'Status update unavailable')
        FROM rows WHERE source = 'police_crime' GROUP BY 1, 2
    """).df()
    db.close()
    return frame


def test_stockton_completeness_per_month_equals_sql_over_the_raw_files(warehouse, expected):
    result = completeness(warehouse, areas=STOCKTON)
    key = ["source", "month", "field"]
    got = result.sort_values(key).reset_index(drop=True)
    want = expected.sort_values(key).reset_index(drop=True)
    assert len(got) == 36 * 5
    assert_frame_equal(got[[*key, "rows", "complete"]], want.astype({"rows": "int64",
                                                                     "complete": "int64"}))
    assert got["share"].tolist() == pytest.approx(
        (100 * want["complete"] / want["rows"]).tolist())
    # The outcome is the field that varies: in some months crimes have no outcome update.
    outcome = got[got["field"] == "last_outcome"]
    assert outcome["share"].min() < 99 and outcome["share"].max() == 100


def test_no_police_row_is_ever_rejected(warehouse):
    assert rejected_rows(warehouse).empty
