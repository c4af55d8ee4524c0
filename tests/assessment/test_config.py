"""The partnership configuration: what `csp init` writes loads back, and every mistake is
reported with its key, the allowed values and its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cspkit.analysis.themes import POLICE_UK_CRIME_TYPES
from cspkit.assessment.config import (
    ANALYSES,
    INCIDENT_CATEGORIES,
    ConfigError,
    PartnershipConfig,
    Target,
    Theme,
    analyst_summary,
    default_config_text,
    load_config,
    parse_config,
)
from cspkit.assessment.data_needs import DATA_NEEDS, OTHER_NEEDS, OWNERS
from cspkit.cli import app as csp
from cspkit.errors import CspError

NAME = "Safer Exampleton Partnership"


@pytest.fixture
def app() -> typer.Typer:
    return csp


@pytest.fixture
def default_text() -> str:
    return default_config_text(name=NAME, areas=["E06000004"], period="2024-10:2025-09")


def _errors(text: str) -> list[CspError]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path="csp.toml")
    return caught.value.errors


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# --------------------------------------------------------------------------- csp init


def test_init_writes_a_file_that_loads_back(app: typer.Typer, tmp_path: Path):
    out = tmp_path / "csp.toml"
    result = CliRunner().invoke(
        app,
        [
            "init",
            "--name",
            NAME,
            "--areas",
            "E06000004,E06000002",
            "--period",
            "2024-10:2025-09",
            "--compare",
            "year-earlier",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    config = load_config(out)
    assert config.name == NAME
    assert config.areas == ["E06000004", "E06000002"]
    assert config.period().label == "2024-10 to 2025-09"
    assert config.comparison_period().label == "2023-10 to 2024-09"
    assert [t.id for t in config.themes] == [
        "anti_social_behaviour",
        "violence",
        "acquisitive_crime",
        "criminal_damage_arson",
        "drugs",
        "young_people",
        "emerging_issues",
    ]


def test_init_refuses_to_overwrite_without_force(app: typer.Typer, tmp_path: Path):
    out = tmp_path / "csp.toml"
    out.write_text("keep me")
    args = [
        "init",
        "--name",
        NAME,
        "--areas",
        "E06000004",
        "--period",
        "2024-10:2025-09",
        "--out",
        str(out),
    ]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 1
    assert "already exists" in refused.output and out.read_text() == "keep me"
    assert CliRunner().invoke(app, [*args, "--force"]).exit_code == 0


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--period", "2024-10", "--period: must be YYYY-MM:YYYY-MM"),
        ("--period", "2025-09:2024-10", "--period: starts (2025-09) after it ends (2024-10)"),
        ("--areas", "Stockton", "--areas: 'Stockton' is not a local authority district code"),
        (
            "--compare",
            "last-year",
            "--compare: 'last-year' is not allowed. Allowed values: 'previous' or 'year-earlier'",
        ),
    ],
)
def test_init_names_the_option_in_error(app, tmp_path: Path, option, value, expected):
    args = {"--name": NAME, "--areas": "E06000004", "--period": "2024-10:2025-09"}
    args[option] = value
    flat = [part for pair in args.items() for part in pair]
    result = CliRunner().invoke(app, ["init", *flat, "--out", str(tmp_path / "c.toml")])
    assert result.exit_code == 1
    assert expected in result.output
    assert not (tmp_path / "c.toml").exists()


def test_default_covers_every_police_uk_category_once_or_says_why_not(default_text: str):
    config = parse_config(default_text)
    covered = [c for theme in config.themes for c in theme.categories]
    assert len(covered) == len(set(covered))
    assert set(INCIDENT_CATEGORIES) - set(covered) == {"Other crime"}
    assert "Other crime                                -> in total crime only" in default_text


def test_default_notes_partner_data_for_themes_police_data_cannot_build(default_text: str):
    themes = {t.id: t for t in parse_config(default_text).themes}
    for theme_id in ("young_people", "emerging_issues"):
        assert themes[theme_id].partner_data
    assert themes["young_people"].categories == []
    assert themes["young_people"].partner_sources == ["yos_fte"]
    assert themes["anti_social_behaviour"].partner_sources == ["council_asb", "fire"]


def test_default_file_writes_every_top_level_default_the_models_declare(default_text: str):
    config = parse_config(default_text)
    for name, field in PartnershipConfig.model_fields.items():
        if not field.is_required():
            assert getattr(config, name) == field.get_default(call_default_factory=True), name


def test_default_file_mentions_every_key(default_text: str):
    for model in (PartnershipConfig, Theme, Target):
        for name in model.model_fields:
            assert re.search(rf"^#?\s*\[*{name}", default_text, re.MULTILINE), name


# --------------------------------------------------------------------------- validation


def test_unknown_category_names_key_line_and_allowed_values(default_text: str):
    text = default_text.replace('"Robbery",', '"Robbbery",')
    [error] = _errors(text)
    assert error.message == "themes[1].categories[1]: 'Robbbery' is not allowed"
    assert error.line == _line_of(text, '"Robbbery"')
    assert error.path == "csp.toml"
    assert all(repr(c) in error.hint for c in INCIDENT_CATEGORIES)
    assert str(error).startswith(f"csp.toml:{error.line}: themes[1].categories[1]")


def test_unknown_key_lists_the_allowed_keys(default_text: str):
    text = default_text.replace("small_number_threshold = 10", "small_numbers = 10")
    errors = {e.message: e for e in _errors(text)}
    unknown = errors["unknown key small_numbers"]
    assert unknown.line == _line_of(text, "small_numbers = 10")
    assert "small_number_threshold" in unknown.hint and "themes" in unknown.hint


def test_unknown_key_inside_a_theme_names_its_position(default_text: str):
    text = default_text.replace('id = "drugs"', 'id = "drugs"\ncolour = "red"')
    [error] = _errors(text)
    assert error.message == "unknown key themes[4].colour"
    assert error.line == _line_of(text, 'colour = "red"')
    assert "categories, flags, analyses, partner_data" in error.hint


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'strategic_period = "2024-10:2025-09"',
            'strategic_period = "2024/10-2025/09"',
            "strategic_period: must be YYYY-MM:YYYY-MM, e.g. 2024-10:2025-09",
        ),
        ('compare = "previous"', 'compare = "last"', "compare: 'last' is not allowed"),
        (
            'peers = ["force", "england"]',
            'peers = ["region"]',
            "peers: 'region' is neither 'force', 'england' nor a local authority code",
        ),
        (
            "small_number_threshold = 10",
            "small_number_threshold = 0",
            "small_number_threshold: input should be greater than or equal to 1",
        ),
        (
            "suppression_threshold = 5",
            "suppression_threshold = 50",
            "suppression_threshold must not exceed small_number_threshold",
        ),
        (
            'formats = ["html", "docx", "pdf", "xlsx", "csv"]',
            'formats = ["odt"]',
            "formats[0]: 'odt' is not allowed",
        ),
        ('flags = ["domestic"]', 'flags = ["knife"]', "themes[1].flags[0]: 'knife' is not allowed"),
        (
            'analyses = ["people"]',
            'analyses = ["ward_profile"]',
            "themes[5].analyses[0]: 'ward_profile' is not allowed",
        ),
        (
            'id = "drugs"',
            'id = "Drugs theme"',
            "themes[4].id: must be lower-case letters, digits and underscores",
        ),
        ('id = "drugs"', 'id = "violence"', "theme id 'violence' is used twice"),
        ('areas = ["E06000004"]', "areas = []", "areas: list should have at least 1 item"),
        ('name = "Safer Exampleton Partnership"', "", "name is required"),
    ],
)
def test_each_mistake_gets_its_own_message(default_text: str, old: str, new: str, message: str):
    assert old in default_text
    errors = _errors(default_text.replace(old, new, 1))
    assert any(e.message.startswith(message) for e in errors), [e.message for e in errors]


def test_partner_data_names_data_needs_each_with_an_owner(default_text: str):
    text = default_text.replace('partner_data = ["drug_treatment", "drug_tests_on_arrest"]',
                                'partner_data = ["drug_treatment", "needle_exchange"]')
    [error] = _errors(text)
    assert error.message == "themes[4].partner_data[1]: 'needle_exchange' is not allowed"
    assert error.line == _line_of(text, '"needle_exchange"')
    assert all(f"'{need}'" in error.hint for need in OTHER_NEEDS)
    assert {DATA_NEEDS[need].owner for need in OTHER_NEEDS} <= set(OWNERS)


def test_partner_data_written_as_prose_is_refused_with_the_data_needs(default_text: str):
    text = default_text.replace('partner_data = ["domestic_abuse_services"]',
                                'partner_data = "Domestic abuse service referrals."')
    [error] = _errors(text)
    assert error.message.startswith("themes[1].partner_data: must be a list of data needs")
    assert "domestic_abuse_services" in error.message
    assert error.line == _line_of(text, "Domestic abuse service referrals")


def test_allowed_values_are_listed_for_a_bad_analysis(default_text: str):
    [error] = _errors(default_text.replace('analyses = ["people"]', 'analyses = ["ward"]'))
    assert all(f"'{name}'" in error.hint for name in ANALYSES)


def test_theme_without_categories_flags_or_partner_note_is_refused(default_text: str):
    text = default_text + '\n[[themes]]\nid = "empty"\nname = "Empty"\n'
    [error] = _errors(text)
    assert error.message.startswith(
        "themes[7]: a theme needs categories, flags, partner_sources or partner_data"
    )
    assert error.line == _line_of(text, 'id = "empty"') - 1


def test_a_theme_built_from_partner_sources_alone_is_accepted_and_sources_are_checked(
        default_text: str):
    youth = '\n[[themes]]\nid = "youth"\nname = "Youth"\npartner_sources = ["{}"]\n'
    assert parse_config(default_text + youth.format("yos_fte")).themes[-1].partner_sources == [
        "yos_fte"]
    [error] = _errors(default_text + youth.format("yos"))
    assert error.message == "themes[7].partner_sources[0]: 'yos' is not allowed"
    assert "'council_asb'" in error.hint and "'yos_fte'" in error.hint


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            'theme = "burglary"\ndirection = "reduce"\npercent = 5',
            "a target names theme 'burglary'; theme ids are: anti_social_behaviour",
        ),
        (
            'crime_type = "Burglary"\ntheme = "drugs"\ndirection = "reduce"\npercent = 5',
            "targets[0]: give exactly one of theme or crime_type",
        ),
        (
            'crime_type = "Anti-social behaviour"\ndirection = "reduce"\npercent = 5',
            "targets[0].crime_type: 'Anti-social behaviour' is not allowed",
        ),
        (
            'crime_type = "Burglary"\ndirection = "halve"\npercent = 5',
            "targets[0].direction: 'halve' is not allowed",
        ),
        (
            'crime_type = "Burglary"\ndirection = "reduce"\npercent = 0',
            "targets[0].percent: input should be greater than 0",
        ),
    ],
)
def test_target_mistakes(default_text: str, block: str, message: str):
    errors = _errors(default_text + f"\n[[targets]]\n{block}\n")
    assert any(e.message.startswith(message) for e in errors), [e.message for e in errors]


def test_a_valid_target_loads(default_text: str):
    text = (
        default_text + '\n[[targets]]\ncrime_type = "Burglary"\ndirection = "reduce"\npercent = 5\n'
    )
    [target] = parse_config(text).targets
    assert (target.crime_type, target.direction, target.percent) == ("Burglary", "reduce", 5.0)
    assert "Burglary" in POLICE_UK_CRIME_TYPES


def test_toml_syntax_error_gives_the_line(default_text: str):
    text = default_text.replace('compare = "previous"', "compare = previous")
    [error] = _errors(text)
    assert error.message.startswith("not valid TOML")
    assert error.line == _line_of(text, "compare = previous")


def test_several_problems_are_all_reported(default_text: str):
    text = default_text.replace('compare = "previous"', 'compare = "x"').replace(
        "small_number_threshold = 10", "small_number_threshold = -1"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path="csp.toml")
    assert len(caught.value.errors) == 2
    assert "(and 1 more problem(s))" in str(caught.value)


def test_missing_file_says_how_to_make_one(tmp_path: Path):
    with pytest.raises(CspError, match="csp init"):
        load_config(tmp_path / "nope.toml")


# --------------------------------------------------------------------------- analyst text


def test_analyst_text_and_file_are_merged_in_order(default_text: str, tmp_path: Path):
    (tmp_path / "summary.md").write_text("From the file.\n", encoding="utf-8")
    text = default_text.replace('analyst_text = ""', 'analyst_text = "Inline words."').replace(
        'analyst_text_file = ""', 'analyst_text_file = "summary.md"'
    )
    path = tmp_path / "csp.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert analyst_summary(config, path) == "Inline words.\n\nFrom the file."


def test_missing_analyst_text_file_is_reported_with_its_line(default_text: str, tmp_path: Path):
    text = default_text.replace('analyst_text_file = ""', 'analyst_text_file = "gone.md"')
    path = tmp_path / "csp.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == _line_of(text, "analyst_text_file")
    assert "gone.md" in caught.value.message
