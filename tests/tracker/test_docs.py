"""docs/tracker.md stays in step with the code: settings, serve options, roles, statuses."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.tracker.models.people import ROLE_DESCRIPTIONS
from cspkit.tracker.status import RagStatus

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "tracker.md").read_text()
OWN_CODE = [ROOT / "src" / "cspkit" / "site", *(ROOT / "src" / "cspkit" / "tracker").glob("*.py")]
OWN_CODE += [
    ROOT / "src" / "cspkit" / "tracker" / part for part in ("selectors", "services", "views")
]


def environment_variables() -> set[str]:
    names: set[str] = set()
    for path in OWN_CODE:
        files = path.rglob("*.py") if path.is_dir() else [path]
        for file in files:
            names.update(re.findall(r"\bCSP_[A-Z_]+\b", file.read_text()))
    return names


def test_every_environment_variable_is_documented() -> None:
    names = environment_variables()
    assert "CSP_DATABASE_URL" in names
    assert sorted(name for name in names if f"`{name}`" not in GUIDE) == []


def test_every_serve_option_is_documented() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    options = set(re.findall(r"--[a-z][a-z-]+", result.output)) - {"--help"}
    assert options == {
        "--host", "--port", "--database", "--database-url-file", "--threads", "--workers"
    }
    assert sorted(option for option in options if f"`{option}`" not in GUIDE) == []


def test_roles_and_statuses_are_documented_with_their_meaning() -> None:
    for role, description in ROLE_DESCRIPTIONS.items():
        assert f"| {role.label} | {description} |" in GUIDE
    for status in RagStatus:
        assert f"| {status.label} | {status.meaning} |" in GUIDE
