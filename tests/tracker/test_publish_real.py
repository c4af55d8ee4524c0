"""Stockton-on-Tees (E06000004), 2025 against 2024, on the real Cleveland data: the assessment
built, written, published into a plan; the figures the register carries equal counts made
with DuckDB SQL straight over the police.uk street files."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from cspkit.assessment.build import build_assessment
from cspkit.assessment.config import load_config, write_default_config
from cspkit.render import write_csv_bundle
from cspkit.tracker.models import DataRequirement, Recommendation
from cspkit.tracker.services.people import agency_create, partnership_create, person_create
from cspkit.tracker.services.plan import plan_create
from cspkit.tracker.services.publishing import publish, read_folder
from cspkit.warehouse import connect
from tests.assessment.test_real_stockton import STOCKTON, _independent_counts

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def stockton_folder(real_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("stockton_publish")
    config = load_config(write_default_config(
        root / "csp.toml", name="Safer Stockton Partnership", areas=[STOCKTON],
        period="2025-01:2025-12", compare="previous"))
    warehouse = root / "real.duckdb"
    shutil.copy(real_warehouse, warehouse)
    con = connect(warehouse, create=False)
    document = build_assessment(con, config)
    con.disconnect()
    document = replace(document, metadata=replace(document.metadata, warehouse=str(warehouse)))
    write_csv_bundle(document, root / "psa" / "data")
    return root / "psa"


def test_stocktons_published_findings_equal_plain_sql_over_the_police_files(
        db, stockton_folder, shared_data) -> None:
    partnership = partnership_create(name="Safer Stockton Partnership",
                                     area_name="Stockton-on-Tees")
    council = agency_create(partnership=partnership, name="Stockton-on-Tees Borough Council",
                            short_name="SBC", kind="council")
    agency_create(partnership=partnership, name="Cleveland Police", short_name="Police",
                  kind="police")
    admin = person_create(agency=council, full_name="Analyst", role="administrator",
                          username="analyst", password_hash="!").user
    plan = plan_create(created_by=admin, partnership=partnership, title="Plan 2026-27",
                       period_start=date(2026, 4, 1), period_end=date(2027, 3, 31))
    folder = read_folder(stockton_folder)
    publish(folder=folder, plan=plan, published_by=admin,
            now=datetime(2026, 4, 1, tzinfo=UTC))

    counts = _independent_counts(shared_data)
    rises = Recommendation.objects.filter(plan=plan, key__startswith="rise:")
    assert rises.exists(), "Stockton's 2025 rises in high-harm crime propose no draft"
    for entry in rises:
        (finding,) = entry.findings
        group = finding["figures"]["group"]
        current, previous = counts[group]
        assert (finding["figures"]["current"], finding["figures"]["previous"]) == (
            current, previous), group
        assert current > previous
        assert f"({previous:,} → {current:,})" in finding["sentence"]
        assert entry.source == "Partnership Strategic Assessment 2025"
        assert entry.agreed is False

    gaps = [g for g in folder.manifest["data_gaps"] if g["key"]]
    register = DataRequirement.objects.filter(plan=plan)
    assert sorted(register.values_list("key", flat=True)) == sorted(g["key"] for g in gaps)
    police = register.filter(suggested_owner="Police")
    assert police.exists()
    assert all([a.short_name for a in d.lead_agencies.all()] == ["Police"] for d in police)
    plan.refresh_from_db()
    assert plan.warehouse == folder.manifest["warehouse"] != ""
