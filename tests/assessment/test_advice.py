"""The assessment is a board paper: it never tells its reader how to edit the tool's
configuration; that advice goes to the analyst on the command line."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from cspkit.assessment.advice import analyst_advice
from cspkit.assessment.document import Document

TOOL_TALK = re.compile(
    r"\[\[|\]\]|= \[|\.toml\b|\bconfig(uration)?\b|\bcsp \w|--\w|\bGeoJSON\b|analyses\)",
    re.IGNORECASE,
)


def document_texts(document: Document) -> Iterator[str]:
    """Every piece of text a reader sees: headings, sentences, captions, notes, cells."""

    def texts(value) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                if f.name not in ("id", "source", "spec", "geometry", "table_id", "source_table",
                                  "labelled", "features", "metadata"):
                    yield from texts(getattr(value, f.name))
        elif isinstance(value, tuple | list):
            for item in value:
                yield from texts(item)

    for _, block in document.walk():
        yield from texts(block)


def test_no_sentence_of_the_assessment_tells_the_reader_to_edit_the_configuration(document):
    talk = [t for t in document_texts(document) if TOOL_TALK.search(t)]
    assert talk == []


def test_no_sentence_tells_the_reader_to_edit_the_configuration_when_it_sets_nothing(
        borough, tmp_path):
    from cspkit.assessment.run import assess

    text = borough.config_path.read_text(encoding="utf-8")
    bare = text.split("[[targets]]")[0]
    bare = re.sub(r"recommendations = \[.*\]", "recommendations = []", bare)
    bare = re.sub(r"peers = \[.*\]", "peers = []", bare)
    config = tmp_path / "bare.toml"
    config.write_text(bare, encoding="utf-8")
    run = assess(config, warehouse=borough.warehouse, out_dir=tmp_path / "out")
    assert [t for t in document_texts(run.document) if TOOL_TALK.search(t)] == []
    advice = "\n".join(run.advice)
    assert "[[targets]] blocks to bare.toml" in advice
    assert "recommendations = [...]" in advice and "peers = " in advice
    assert "To cover more next time:" in run.summary()


def test_advice_is_silent_about_what_the_configuration_already_has(borough, document):
    advice = analyst_advice(borough.config, document)
    assert not any("targets" in line or "recommendations = [...]" in line for line in advice)
