"""Settings: the database URL, secrets from the environment, Django's deployment checks.

Settings load once per process, so the production and local ones are checked in a fresh
Python process each.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cspkit.site.settings.base import database_settings


def test_postgres_urls_become_postgres_settings() -> None:
    config = database_settings("postgres://csp:s%40cret@db.example:6543/tracker?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("tracker", "csp", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.example", 6543)
    assert config["OPTIONS"] == {"sslmode": "require"}
    # Connections are kept between requests and checked before reuse.
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (600, True)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:///{tmp}/tracker.sqlite3", "{tmp}/tracker.sqlite3"),
        ("sqlite:///relative/tracker.sqlite3", "relative/tracker.sqlite3"),
        ("{tmp}/plain.sqlite3", "{tmp}/plain.sqlite3"),
        ("relative.sqlite3", "{tmp}/relative.sqlite3"),
    ],
)
def test_sqlite_urls_and_paths_become_sqlite_settings(
    url: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = database_settings(url.format(tmp=tmp_path))
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == name.format(tmp=tmp_path)
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_no_url_means_the_sqlite_file_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CSP_DATA_DIR", str(tmp_path))
    assert database_settings(None)["NAME"] == str(tmp_path / "csp-tracker.sqlite3")


def test_an_unknown_scheme_is_explained_without_the_password() -> None:
    expected = r"mysqlx://me:\*\*\*@host/db.*postgres://"
    with pytest.raises(ImproperlyConfigured, match=expected) as error:
        database_settings("mysqlx://me:hunter2@host/db")
    assert "hunter2" not in str(error.value)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CSP_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_python(
        "import django; django.setup()",
        {
            "DJANGO_SETTINGS_MODULE": "cspkit.site.settings.production",
            "CSP_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "CSP_SECRET_KEY is not set: production settings need" in result.stderr


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = run_python(
        "from cspkit.site.manage import main; "
        "main(['manage', 'check', '--deploy', '--fail-level', 'DEBUG'])",
        {
            "DJANGO_SETTINGS_MODULE": "cspkit.site.settings.production",
            "CSP_SECRET_KEY": "x7#" * 20 + "kq",
            "CSP_ALLOWED_HOSTS": "csp.example.org",
            "CSP_DATABASE_URL": str(tmp_path / "tracker.sqlite3"),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_local_settings_keep_a_private_secret_key_in_the_data_dir(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.SECRET_KEY)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "cspkit.site.settings.local", "CSP_DATA_DIR": str(tmp_path)}
    first, second = run_python(code, env), run_python(code, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    key_file = tmp_path / ".csp-secret-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """It holds sessions and password hashes, like the secret key beside it."""
    result = run_python(
        "import os; os.umask(0o022); "
        "from cspkit.site.bootstrap import django_setup, migrate; django_setup(); migrate()",
        {"DJANGO_SETTINGS_MODULE": "cspkit.site.settings.local", "CSP_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "csp-tracker.sqlite3"
    assert database.stat().st_size > 0  # migrated
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
