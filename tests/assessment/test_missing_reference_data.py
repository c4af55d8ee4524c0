"""Without boundaries or deprivation data the assessment is still built, and says what is
missing instead of leaving gaps."""

from __future__ import annotations

import shutil

import duckdb

from cspkit.assessment.build import build_assessment
from cspkit.assessment.document import Callout, Map
from cspkit.warehouse import connect


def test_missing_boundaries_and_deprivation_become_notes(borough, tmp_path):
    warehouse = tmp_path / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.sql("DELETE FROM boundary")
        con.sql("DELETE FROM deprivation")
    con = connect(warehouse, create=False)
    document = build_assessment(con, borough.config)
    con.disconnect()
    assert not [b for _, b in document.walk() if isinstance(b, Map)]
    notes = [b for _, b in document.walk() if isinstance(b, Callout)]
    titles = {n.title for n in notes}
    assert {"Not available: hotspots", "Not available: deprivation",
            "Not available: vulnerability", "Wards not mapped"} <= titles
    hotspots = next(n for n in notes if n.title == "Not available: hotspots")
    assert "boundary" in hotspots.text and "csp load" in hotspots.text
    appendix = next(s for s in document.all_sections() if s.id == "analyses_not_available")
    assert {"Not available: hotspots", "Not available: deprivation"} <= {
        b.title for b in appendix.children}
