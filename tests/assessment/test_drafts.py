"""Draft recommendations proposed from the evidence: each rests on findings true of the
tables it cites, fires only under its rule, and the configuration agrees, rewords or drops
it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from scipy.stats import binomtest

from cspkit.assessment.build import document_from_evidence
from cspkit.assessment.config import DraftDecision
from cspkit.assessment.document import Recommendation, RecommendationList
from cspkit.assessment.drafts import HIGH_HARM, TOP_WARDS, draft_recommendations
from cspkit.assessment.evidence import gather
from cspkit.assessment.findings import HARM_WEIGHTS
from cspkit.assessment.gaps import data_requirements
from cspkit.render.manifest import manifest
from cspkit.warehouse import connect


@pytest.fixture(scope="module")
def evidence(borough):
    con = connect(borough.warehouse, create=False)
    try:
        return gather(con, borough.config)
    finally:
        con.disconnect()


def shown(document) -> list[Recommendation]:
    return [item for _, block in document.walk() if isinstance(block, RecommendationList)
            for item in block.items]


def table_rows(document, table_id: str) -> list[dict]:
    table = next(t for t in document.tables() if t.id == table_id)
    keys = [c.key for c in table.columns]
    return [dict(zip(keys, row, strict=True)) for row in table.rows]


def test_kestrel_vale_gets_drafts_of_more_than_one_rule(document) -> None:
    kinds = {item.key.split(":")[0] for item in shown(document) if not item.agreed}
    assert len(kinds) >= 2, kinds


def test_every_draft_cites_a_finding_true_of_its_table(document) -> None:
    drafts = [item for item in shown(document) if not item.agreed]
    assert drafts
    for draft in drafts:
        assert draft.findings, draft.key
        rule = draft.key.split(":")[0]
        for finding in draft.findings:
            figures = finding.figures
            if rule == "rise":
                row = next(r for r in table_rows(document, finding.source_table)
                           if r["group"] == figures["group"])
                assert (row["current"], row["previous"]) == (figures["current"],
                                                              figures["previous"])
                assert HARM_WEIGHTS[figures["group"]] >= HIGH_HARM
                # the exact conditional test of a rise, computed again with SciPy
                n = row["current"] + row["previous"]
                assert binomtest(row["current"], n, 0.5).pvalue < 0.05
                assert "statistically significant increase" in finding.sentence
            elif rule == "ward":
                row = next(r for r in table_rows(document, finding.source_table)
                           if r["ward_code"] == figures["ward_code"])
                assert row["rank"] <= TOP_WARDS < row["previous_rank"]
                assert row["q_value"] < 0.05 and row["current"] > row["previous"]
            elif rule == "hotspot":
                rows = table_rows(document, finding.source_table)
                persistent = [r["lsoa_code"] for r in rows if r["status"] ==
                              "Persistent hot spot"]
                assert sorted(persistent) == sorted(figures["lsoa_codes"].split(";"))
            else:
                assert rule == "gap"
                refs = [r["reference"] for r in table_rows(document, "data_requirements")]
                assert figures["reference"] in refs


def test_the_manifest_carries_each_recommendation_with_its_findings(document) -> None:
    written = manifest(document)["recommendations"]
    assert [r["key"] for r in written] == [item.key for item in shown(document)]
    for record, item in zip(written, shown(document), strict=True):
        assert record["agreed"] is item.agreed
        assert [f["sentence"] for f in record["findings"]] == [
            f.sentence for f in item.findings]


def test_the_configuration_agrees_rewords_and_drops_drafts(evidence) -> None:
    drafts = draft_recommendations(evidence, data_requirements(evidence))
    assert len(drafts) >= 3
    kept, dropped, untouched = drafts[0], drafts[1], drafts[2]
    config = evidence.config.model_copy(update={"draft_recommendations": [
        DraftDecision(key=kept.key, decision="agree", text="Our own words."),
        DraftDecision(key=dropped.key, decision="drop")]})
    document = document_from_evidence(replace(evidence, config=config))
    items = {item.key: item for item in shown(document)}
    assert items[kept.key].agreed and items[kept.key].text == "Our own words."
    assert items[kept.key].findings == kept.findings
    assert dropped.key not in items
    assert not items[untouched.key].agreed and items[untouched.key].text == untouched.text
    texts = [b.text for _, b in document.walk() if hasattr(b, "text")]
    assert any(t.startswith("**Proposed for discussion.**") for t in texts)


def test_a_draft_without_evidence_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="cites no finding"):
        Recommendation("Do something.", key="rise:x:y", agreed=False)
