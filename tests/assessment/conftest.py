"""The fictional borough's assessment (the borough itself is tests/conftest.py's), built once
for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspkit.assessment.document import Document
from cspkit.warehouse import connect
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
def partner_document(borough: Borough, partner_warehouse: Path) -> Document:
    """The borough with its partners' exports loaded as `csp demo` loads them, assessed."""
    from cspkit.assessment.build import build_assessment

    con = connect(partner_warehouse, create=False)
    try:
        return build_assessment(con, borough.config)
    finally:
        con.disconnect()
