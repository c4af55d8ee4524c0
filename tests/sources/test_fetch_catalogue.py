"""The download catalogue, month ranges, URL redirection, and docs/fetch.md kept true to code."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from cspkit.cli import app
from cspkit.errors import CspError
from cspkit.sources.catalogue import (
    REFERENCE_CATALOGUE,
    police_archive_url,
    redirect_url,
    reference_source,
)
from cspkit.sources.fetch import parse_months

DOCS = Path(__file__).resolve().parents[2] / "docs" / "fetch.md"


def fetch_group():
    return typer.main.get_command(app).commands["fetch"]


def options_table(command) -> str:
    """The markdown table of a command's parameters, as pasted in docs/fetch.md."""
    lines = ["| option | meaning |", "|---|---|"]
    for param in command.params:
        if param.param_type_name == "option":
            name = f"`{' / '.join(param.opts)}`"
        else:
            name = f"`{param.name.upper()}...`"
        lines.append(f"| {name} | {param.help} |")
    return "\n".join(lines)


def test_every_fetch_command_is_documented_with_its_options_as_the_code_has_them():
    docs = DOCS.read_text(encoding="utf-8")
    for name, command in fetch_group().commands.items():
        assert f"csp fetch {name}" in docs
        if command.params:
            assert options_table(command) in docs, f"options of 'csp fetch {name}' changed"


def test_every_catalogue_entry_is_documented_with_its_url_and_status():
    docs = DOCS.read_text(encoding="utf-8")
    for entry in REFERENCE_CATALOGUE:
        assert f"- `{entry.name}`: <{entry.url}>" in docs
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{entry.name}` |"))
        assert f"`{entry.filename}`" in row
        assert ("**uncertain**" in row) == entry.uncertain


def test_catalogue_names_and_filenames_are_unique_and_urls_are_https():
    names = [entry.name for entry in REFERENCE_CATALOGUE]
    filenames = [entry.filename for entry in REFERENCE_CATALOGUE]
    assert len(set(names)) == len(names)
    assert len(set(filenames)) == len(filenames)
    for entry in REFERENCE_CATALOGUE:
        assert entry.url.startswith("https://")
        assert entry.landing_page.startswith("https://")
        assert "Open Government Licence" in entry.attribution
        assert (entry.member is not None) == (entry.format == "zip")
        if entry.format.startswith("arcgis-"):
            assert entry.url.endswith("/FeatureServer/0/query")


def test_catalogue_covers_what_a_partnership_needs():
    names = {entry.name for entry in REFERENCE_CATALOGUE}
    assert {
        "lsoa21-ward25-lad25",
        "lsoa11-lsoa21",
        "iod2025-file1",
        "iod2025-file7",
        "iod2019-file1",
        "census2021-ts001",
        "mye-lsoa21-2022-2024",
        "lsoa21-boundaries",
        "ward25-boundaries",
        "postcode-lsoa21",
    } <= names


def test_unknown_name_lists_known_names_when_nothing_is_close():
    with pytest.raises(CspError, match="Known names: lsoa21-ward25-lad25, "):
        reference_source("zzzz")


def test_police_archive_url_follows_the_documented_pattern():
    assert police_archive_url("2025-12") == "https://data.police.uk/data/archive/2025-12.zip"
    assert police_archive_url("latest") == "https://data.police.uk/data/archive/latest.zip"


def test_redirect_keeps_host_path_and_query_under_the_base():
    url = "https://services1.arcgis.com/x/FeatureServer/0/query?f=geojson"
    assert redirect_url(url, "http://127.0.0.1:8000") == (
        "http://127.0.0.1:8000/services1.arcgis.com/x/FeatureServer/0/query?f=geojson"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01:2025-12", ("2024-01", "2025-12")),
        ("2025-03", ("2025-03", "2025-03")),
        (" 2024-12:2025-01 ", ("2024-12", "2025-01")),
    ],
)
def test_months_parse_to_a_closed_range(text, expected):
    assert parse_months(text) == expected


@pytest.mark.parametrize("text", ["2024-1", "2024-13", "2024-01:2025-12:2026-01", "24-01", ""])
def test_malformed_months_are_refused_with_an_example(text):
    with pytest.raises(CspError, match="For example --months 2024-01:2025-12"):
        parse_months(text)


def test_months_that_end_before_they_start_are_refused():
    with pytest.raises(CspError, match="end before they start. Try 2024-01:2025-12"):
        parse_months("2025-12:2024-01")
