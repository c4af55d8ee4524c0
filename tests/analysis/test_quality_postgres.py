"""Completeness and rejected rows on a PostgreSQL warehouse equal those on DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest

from cspkit.analysis.quality import completeness, rejected_rows
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from tests.sources.partner.conftest import postcode_lookup
from tests.sources.partner.test_load_partner import asb_export
from tests.warehouse.conftest import A1, B1, reference, street_file, street_row  # noqa: F401
from tests.warehouse.test_postgres import pg  # noqa: F401 (fixture)

pytestmark = pytest.mark.postgres


def test_quality_on_postgresql_equals_quality_on_duckdb(pg, tmp_path, reference):  # noqa: F811
    postcode_lookup(reference)
    rows = [street_row("2024-01", A1, "Burglary", 1), street_row("2024-01", B1, "Drugs", 2),
            street_row("2024-01", A1, "Anti-social behaviour", 3)]
    rows[0][10] = "Status update unavailable"
    police = street_file(tmp_path / "police", "2024-01", rows)
    export = asb_export(tmp_path)
    duck = connect(tmp_path / "w.duckdb")
    for con in (duck, pg):
        load_paths(con, [reference, police])
        load_partner(con, [export], mapping=load_mapping("council_asb"))
    for areas in (None, "E06999001"):
        expected = completeness(duck, areas=areas)
        assert len(expected) == 2 + 3 + 2 * 7
        pd.testing.assert_frame_equal(completeness(pg, areas=areas), expected)
    pd.testing.assert_frame_equal(rejected_rows(pg), rejected_rows(duck))
    assert rejected_rows(pg)["rows"].sum() == 3
