"""data/: one CSV per table, named by table id, and a manifest tracing every figure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cspkit.assessment.document import Document
from cspkit.errors import CspError
from cspkit.render import write_csv_bundle, write_outputs
from tests.render.render_sample import sample_document


@pytest.fixture(scope="module")
def bundle(document: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv_bundle(document, tmp_path_factory.mktemp("out") / "data")


def test_one_csv_per_table_named_by_id(document: Document, bundle: Path):
    assert sorted(p.name for p in bundle.glob("*.csv")) == sorted(
        f"{t.id}.csv" for t in document.tables()
    )


def test_csv_holds_raw_values_under_column_keys(document: Document, bundle: Path):
    for table in document.tables():
        with (bundle / f"{table.id}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == [c.key for c in table.columns]
        assert len(rows) == len(table.rows) + 1
        for shown, row in zip(rows[1:], table.rows, strict=True):
            for text, column, value in zip(shown, table.columns, row, strict=True):
                if value is None:
                    assert text == ""
                elif isinstance(value, float) and column.format != "integer":
                    assert float(text) == value  # full precision, not the rounded display
                else:
                    assert text == str(value)


def test_manifest_records_inputs_period_config_version_and_provenance(
    document: Document, bundle: Path
):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    meta = document.metadata
    assert manifest["period"] == meta.period
    assert manifest["comparison_period"] == meta.comparison_period
    assert manifest["software_version"] == meta.software_version
    assert manifest["config"] == meta.config
    assert [i["sha256"] for i in manifest["inputs"]] == [i.sha256 for i in meta.inputs]
    assert {t["id"]: t["analysis"] for t in manifest["tables"]} == {
        t.id: t.source for t in document.tables()
    }
    assert {f["id"]: f["analysis"] for f in manifest["figures"]} == {
        f.id: f.source for f in document.figures()
    }
    assert manifest["data_gaps"][0]["owner"] == document.data_gaps()[0].owner


def test_bundle_is_byte_identical_across_runs(tmp_path: Path):
    first = write_csv_bundle(sample_document(), tmp_path / "a")
    second = write_csv_bundle(sample_document(), tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_unknown_output_format_is_a_user_error(document: Document, tmp_path: Path):
    with pytest.raises(CspError, match="unknown output format 'odt'.*html"):
        write_outputs(document, tmp_path, ["html", "odt"])
    assert list(tmp_path.iterdir()) == []  # nothing written before the check
