"""A problem profile of shoplifting in Stockton town centre on the real Cleveland data, every
count pinned by plain DuckDB SQL over the raw police.uk files and the ONS lookup."""

from __future__ import annotations

import duckdb
import pytest
from numpy.testing import assert_allclose

from cspkit.assessment.config import PartnershipConfig, Theme
from cspkit.assessment.document import DataGap
from cspkit.assessment.profile import gather_profile, profile_document
from cspkit.warehouse import connect

pytestmark = pytest.mark.real_data

CONFIG = PartnershipConfig(name="Safer Stockton Partnership", areas=["E06000004"],
                           strategic_period="2025-01:2025-12",
                           themes=[Theme(id="shoplifting", name="Shoplifting",
                                         categories=["Shoplifting"])])


@pytest.fixture(scope="module")
def evidence(real_warehouse):
    con = connect(real_warehouse, create=False)
    try:
        return gather_profile(con, CONFIG, topic="Shoplifting", areas=["Stockton Town Centre"])
    finally:
        con.disconnect()


@pytest.fixture(scope="module")
def raw(shared_data):
    db = duckdb.connect()
    db.execute(f"""CREATE VIEW shoplifting AS
        SELECT s.Month AS month, l.WD25NM AS ward
        FROM read_csv('{shared_data}/police-uk/cleveland/street/*.csv.gz', header=true,
                      all_varchar=true) s
        JOIN read_csv('{shared_data}/lookups/LSOA21_WD25_LAD25_EW_LU_v2.csv.gz', header=true,
                      all_varchar=true) l ON s."LSOA code" = l.LSOA21CD
        WHERE l.LAD25CD = 'E06000004' AND s."Crime type" = 'Shoplifting'
          AND s.Month BETWEEN '2024-01' AND '2025-12'""")
    yield db
    db.close()


def test_stockton_town_centre_shoplifting_matches_the_raw_files(evidence, raw):
    (ward_now, ward_before, all_now, all_before), = raw.sql("""
        SELECT count(*) FILTER (WHERE ward = 'Stockton Town Centre' AND month >= '2025-01'),
               count(*) FILTER (WHERE ward = 'Stockton Town Centre' AND month < '2025-01'),
               count(*) FILTER (WHERE month >= '2025-01'),
               count(*) FILTER (WHERE month < '2025-01')
        FROM shoplifting""").fetchall()
    area, everywhere = evidence.size.row("area"), evidence.size.row("partnership")
    assert (area["current"], area["previous"]) == (ward_now, ward_before)
    assert (everywhere["current"], everywhere["previous"]) == (all_now, all_before)
    assert_allclose(evidence.size.share_current, ward_now / all_now)
    monthly = dict(raw.sql("""SELECT month, count(*) FROM shoplifting
                              WHERE ward = 'Stockton Town Centre' GROUP BY 1""").fetchall())
    assert evidence.size.monthly.set_index("month")["area"].to_dict() == monthly


def test_without_partner_data_the_triangle_names_its_gaps(evidence):
    document = profile_document(evidence)
    assert evidence.people == {}
    missing = [g.missing for g in document.data_gaps()]
    assert len(missing) == 3 and all(isinstance(g, DataGap) for g in document.data_gaps())
    assert "shops and businesses" in missing[0]


def test_a_ward_named_with_and_for_its_ampersand(real_warehouse):
    from cspkit.analysis.area_selection import select_areas
    from cspkit.analysis.periods import StrategicPeriod
    from cspkit.analysis.scope import resolve_scope

    con = connect(real_warehouse, create=False)
    try:
        stockton = resolve_scope(con, areas="E06000004",
                                 period=StrategicPeriod("2025-01", "2025-12"))
        selected = select_areas(con, "mandale and victoria", within=stockton)
    finally:
        con.disconnect()
    assert selected.names == ("Mandale & Victoria",) and len(selected.lsoa_codes) == 5
