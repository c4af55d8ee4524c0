"""``csp serve``: run the plan tracker on a migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from cspkit.errors import CspError


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""
    app.command("serve")(serve_command)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database: Annotated[str | None, typer.Option(
        "--database", help="An SQLite file path, or a database URL without a password "
        "(default: $CSP_DATABASE_URL, else csp-tracker.sqlite3 in $CSP_DATA_DIR or .).")] = None,
    database_url_file: Annotated[Path | None, typer.Option(
        "--database-url-file", help="A file holding the database URL "
        "(postgres://user:password@host/name), readable by the server's account only.")] = None,
    threads: Annotated[int, typer.Option(help="Threads per worker process.")] = 4,
    workers: Annotated[int, typer.Option(help="Worker processes (about one per CPU core).")] = 1,
) -> None:
    """Run the Community Safety Plan tracker with gunicorn (waitress on Windows),
    migrating the database first."""
    from cspkit.tracker.serve import serve

    url = database_url(database=database, url_file=database_url_file)
    serve(host=host, port=port, database_url=url, threads=threads, workers=workers)


def database_url(*, database: str | None, url_file: Path | None) -> str | None:
    """The database URL from ``--database`` or ``--database-url-file`` (None: the
    environment's ``CSP_DATABASE_URL`` or the default SQLite file).

    A password on the command line is refused: every user of the machine can read a
    process's arguments.
    """
    if database and url_file:
        raise CspError("give --database or --database-url-file, not both")
    if database and "://" in database and urlsplit(database).password:
        raise CspError(
            "--database holds a password, which anyone on this machine can read in the "
            "process list",
            hint="Put the URL in CSP_DATABASE_URL or in a file named by --database-url-file",
        )
    if url_file is None:
        return database
    try:
        url = url_file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise CspError(f"cannot read the database URL file ({error.strerror})",
                       path=str(url_file)) from error  # fmt: skip
    if not url:
        raise CspError("the database URL file is empty", path=str(url_file),
                       hint="Write the URL on its first line")  # fmt: skip
    return url
