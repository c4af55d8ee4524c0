"""``csp serve``'s options: where the database URL may come from, passwords kept out of the
process list and out of messages, and the warning for plain HTTP on the network."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.cli.serve import database_url
from cspkit.errors import CspError
from cspkit.tracker.serve import plain_http_warning

SECRET_URL = "postgres://csp:hunter2@127.0.0.1:5432/tracker"


def serve_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["serve", *args])
    return result.exit_code, result.output


def test_a_password_on_the_command_line_is_refused_unread() -> None:
    code, output = serve_cli("--database", SECRET_URL)
    assert code == 1
    assert "--database holds a password, which anyone on this machine can read" in output
    assert "CSP_DATABASE_URL or in a file named by --database-url-file" in output
    assert "hunter2" not in output


def test_the_url_can_come_from_a_file(tmp_path: Path) -> None:
    url_file = tmp_path / "database-url"
    url_file.write_text(f"{SECRET_URL}\n", encoding="utf-8")
    assert database_url(database=None, url_file=url_file) == SECRET_URL
    assert database_url(database="tracker.sqlite3", url_file=None) == "tracker.sqlite3"
    assert database_url(database="postgres://csp@db/tracker", url_file=None) == (
        "postgres://csp@db/tracker"
    )
    assert database_url(database=None, url_file=None) is None


@pytest.mark.parametrize(
    ("content", "message"), [(None, "cannot read the database URL file"), ("\n", "is empty")]
)
def test_a_missing_or_empty_url_file_is_named(
    tmp_path: Path, content: str | None, message: str
) -> None:
    url_file = tmp_path / "database-url"
    if content is not None:
        url_file.write_text(content, encoding="utf-8")
    with pytest.raises(CspError, match=message) as error:
        database_url(database=None, url_file=url_file)
    assert str(url_file) in str(error.value)


def test_messages_about_the_database_never_show_its_password(db: None, tmp_path: Path) -> None:
    """This process already serves the test database, so ``csp serve`` refuses another one
    with a message naming it: the password is redacted."""
    url_file = tmp_path / "database-url"
    url_file.write_text(SECRET_URL, encoding="utf-8")
    code, output = serve_cli("--database-url-file", str(url_file))
    assert code == 1
    assert "postgres://csp:***@127.0.0.1:5432/tracker" in output
    assert "hunter2" not in output


def test_listening_beyond_this_machine_over_plain_http_warns(db: None) -> None:
    warning = plain_http_warning("0.0.0.0")
    assert warning is not None and "over plain HTTP" in warning
    assert "docs/tracker.md" in warning
    assert plain_http_warning("127.0.0.1") is None
    assert plain_http_warning("::1") is None
    with override_settings(SESSION_COOKIE_SECURE=True):  # production settings, behind TLS
        assert plain_http_warning("0.0.0.0") is None
