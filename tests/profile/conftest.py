"""The fictional borough with its partners' exports loaded, and its shoplifting profile."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from cspkit.assessment.profile import ProfileEvidence, gather_profile
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.synth.partners import EXPORTS, POSTCODE_LOOKUP, write_partner_exports
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from tests.assessment.conftest import borough  # noqa: F401  (a session fixture)

TOWN_CENTRE = "Kestrel Central"


@pytest.fixture(scope="session")
def partner_warehouse(borough, tmp_path_factory) -> Path:  # noqa: F811
    """The borough's warehouse with the postcode lookup and every partner export loaded, as
    `csp demo` loads them."""
    root = tmp_path_factory.mktemp("kestrel_profile")
    warehouse = root / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    data = borough.manifest.out_dir
    write_partner_exports(data, seed=borough.manifest.seed)
    con = connect(warehouse, create=False)
    load_paths(con, [data / POSTCODE_LOOKUP])
    for name, pattern in EXPORTS.items():
        exports = sorted((data / "partners").glob(pattern))
        load_partner(con, exports, mapping=load_mapping(name),
                     rejects=root / f"{name}.rejects.csv")
    con.disconnect()
    return warehouse


@pytest.fixture(scope="session")
def shoplifting(borough, partner_warehouse) -> ProfileEvidence:  # noqa: F811
    """Shoplifting in the town centre ward, 2025 against 2024, with partner data."""
    con = connect(partner_warehouse, create=False)
    try:
        return gather_profile(con, borough.config, topic="Shoplifting", areas=[TOWN_CENTRE])
    finally:
        con.disconnect()


@pytest.fixture(scope="session")
def raw(borough):  # noqa: F811
    """Plain DuckDB views over the files the generator wrote (never the warehouse)."""
    data = borough.manifest.out_dir
    db = duckdb.connect()
    db.execute(f"""CREATE VIEW street AS SELECT * FROM read_csv(
        '{data}/police-uk/*/*-street.csv', header=true, all_varchar=true)""")
    db.execute(f"""CREATE VIEW lookup AS SELECT * FROM read_csv(
        '{data}/lookups/LSOA21_WD25_LAD25_EW_LU.csv', header=true, all_varchar=true)""")
    db.execute(f"""CREATE VIEW census AS SELECT lsoa21_code, CAST(total_residents AS BIGINT) n
        FROM read_csv('{data}/population/census2021_usual_residents_lsoa21.csv', header=true,
                      all_varchar=true)""")
    yield db
    db.close()
