"""The fictional borough, loaded once, and its assessment built once for the whole session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from cspkit.assessment.config import PartnershipConfig, load_config, write_default_config
from cspkit.assessment.document import Document
from cspkit.synth import BoroughManifest, generate_borough
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

DEMO_PERIOD = "2025-01:2025-12"
ANALYST_TEXT = "Shop theft in the **town centre** is the partnership's main new concern."


@dataclass(frozen=True)
class Borough:
    manifest: BoroughManifest
    warehouse: Path
    config_path: Path
    config: PartnershipConfig


@pytest.fixture(scope="session")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Borough:
    """Kestrel Vale written, loaded, and a `csp init` configuration for 2025 against 2024."""
    root = tmp_path_factory.mktemp("kestrel")
    manifest = generate_borough(root / "data", seed=2026)
    warehouse = root / "kv.duckdb"
    con = connect(warehouse)
    load_paths(con, [root / "data"])
    con.disconnect()
    config_path = write_default_config(
        root / "csp.toml", name="Kestrel Vale Community Safety Partnership",
        areas=[manifest.borough.code], period=DEMO_PERIOD, compare="previous")
    text = config_path.read_text(encoding="utf-8")
    text = text.replace('analyst_text = ""', f'analyst_text = "{ANALYST_TEXT}"')
    text = text.replace("recommendations = []",
                        'recommendations = ["Commission a shoplifting problem profile."]')
    text += '\n[[targets]]\ncrime_type = "Burglary"\ndirection = "reduce"\npercent = 5\n'
    config_path.write_text(text, encoding="utf-8")
    return Borough(manifest, warehouse, config_path, load_config(config_path))


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
def partner_document(borough: Borough, tmp_path_factory: pytest.TempPathFactory) -> Document:
    """The borough with its partners' exports loaded as `csp demo` loads them, assessed."""
    import shutil

    from cspkit.assessment.build import build_assessment
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
    document = build_assessment(con, borough.config)
    con.disconnect()
    return document
