"""The fictional borough's assessment (the borough itself is tests/conftest.py's), built once
for the whole session."""

from __future__ import annotations

import pytest

from cspkit.assessment.document import Document
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths
from tests.conftest import Borough


@pytest.fixture(scope="session")
def assessed(borough: Borough, tmp_path_factory: pytest.TempPathFactory):
    """`assess` run once for the borough: every format written."""
    from cspkit.assessment.run import assess

    out = tmp_path_factory.mktemp("assessment")
    return assess(borough.config_path, warehouse=borough.warehouse, out_dir=out)


@pytest.fixture(scope="session")
def document(assessed) -> Document:
    return assessed.document


@pytest.fixture(scope="session")
def partner_warehouse(borough: Borough, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The borough's warehouse with its partners' exports loaded as `csp demo` loads them."""
    import shutil

    from cspkit.sources.partner.loading import load_partner
    from cspkit.sources.partner.mapping import load_mapping
    from cspkit.synth.partners import EXPORTS, POSTCODE_LOOKUP, write_partner_exports

    root = tmp_path_factory.mktemp("kestrel_partners")
    warehouse = root / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    data = borough.manifest.out_dir  # the exports are drawn from the borough's own files
    write_partner_exports(data, seed=borough.manifest.seed)
    con = connect(warehouse, create=False)
    load_paths(con, [data / POSTCODE_LOOKUP])  # as `csp demo` does: placed by postcode
    for name, pattern in EXPORTS.items():
        exports = sorted((data / "partners").glob(pattern))
        if exports:
            load_partner(con, exports, mapping=load_mapping(name),
                         rejects=root / f"{name}.rejects.csv")
    con.disconnect()
    return warehouse


@pytest.fixture(scope="session")
def partner_document(borough: Borough, partner_warehouse: Path) -> Document:
    """The borough with its partners' exports loaded as `csp demo` loads them, assessed."""
    from cspkit.assessment.build import build_assessment

    con = connect(partner_warehouse, create=False)
    try:
        return build_assessment(con, borough.config)
    finally:
        con.disconnect()
