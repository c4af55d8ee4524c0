"""The manifest: what a published assessment was built from, and where each figure came from."""

from __future__ import annotations

import json
from typing import Any

from cspkit.assessment.document import (
    Chart,
    DataGap,
    Document,
    Finding,
    Map,
    RecommendationList,
    Table,
)
from cspkit.render.layout import Numbering


def manifest(document: Document) -> dict[str, Any]:
    """The provenance of a Document as JSON-ready data.

    Records the inputs (file names and SHA-256 from the load ledger), the strategic and
    comparison periods, the configuration, the software version, the warehouse it was
    built from and, for every table and figure, the analysis that produced it and the
    section that shows it; every data gap with its need's key; every recommendation with
    its key, whether the partnership agreed it or the assessment proposes it, and the
    findings (sentence, figures, table) it rests on. The plan tracker publishes from these.
    """
    numbering = Numbering.of(document)
    meta = document.metadata
    tables = []
    figures = []
    data_gaps = []
    recommendations = []
    for parent, block in document.walk():
        section = parent.id if parent else None
        if isinstance(block, Table):
            tables.append(
                {
                    "id": block.id,
                    "label": numbering.label(block),
                    "file": f"{block.id}.csv",
                    "caption": block.caption,
                    "analysis": block.source,
                    "data": block.cited_source,
                    "section": section,
                    "rows": len(block.rows),
                    "columns": [
                        {"key": c.key, "label": c.label, "format": c.format} for c in block.columns
                    ],
                    "notes": list(block.notes),
                }
            )
        elif isinstance(block, Chart | Map):
            figures.append(
                {
                    "id": block.id,
                    "label": numbering.label(block),
                    "kind": "chart" if isinstance(block, Chart) else "map",
                    "title": block.title,
                    "analysis": block.source,
                    "data": block.cited_source,
                    "section": section,
                    "table": block.table_id,
                }
            )
        elif isinstance(block, DataGap):
            data_gaps.append(
                {
                    "missing": block.missing,
                    "would_fill": block.would_fill,
                    "owner": block.owner,
                    "theme": block.theme,
                    "section": section,
                    "key": block.key,
                }
            )
        elif isinstance(block, RecommendationList):
            recommendations += [
                {
                    "key": item.key,
                    "text": item.text,
                    "theme": item.theme,
                    "owner": item.owner,
                    "agreed": item.agreed,
                    "findings": [finding_record(f) for f in item.findings],
                }
                for item in block.items
            ]
    return {
        "title": document.title,
        "partnership": document.partnership,
        "period": meta.period,
        "comparison_period": meta.comparison_period,
        "software_version": meta.software_version,
        "warehouse": meta.warehouse,
        "area_names": list(meta.area_names),
        "inputs": [
            {"source": i.source, "file_name": i.file_name, "sha256": i.sha256} for i in meta.inputs
        ],
        "config": meta.config,
        "tables": tables,
        "figures": figures,
        "data_gaps": data_gaps,
        "recommendations": recommendations,
    }


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as JSON-ready data: its sentence, figures and the table holding them."""
    return {
        "sentence": finding.sentence,
        "kind": finding.kind,
        "figures": dict(finding.figures),
        "table": finding.source_table,
    }


def manifest_json(document: Document) -> str:
    """The manifest as JSON text with sorted keys (the same Document gives the same bytes)."""
    return json.dumps(manifest(document), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
