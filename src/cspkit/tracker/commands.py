"""The tracker's CLI commands; ``register(app)`` adds them to the ``csp`` Typer app."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        database: Annotated[
            str | None,
            typer.Option(
                "--database",
                help="postgres://user@host:5432/name or an SQLite file path "
                "(default: $CSP_DATABASE_URL, else csp-tracker.sqlite3 in $CSP_DATA_DIR or .).",
            ),
        ] = None,
        threads: Annotated[int, typer.Option(help="Threads per worker process.")] = 4,
        workers: Annotated[
            int, typer.Option(help="Worker processes sharing the port (one per CPU core).")
        ] = 1,
    ) -> None:
        """Run the Community Safety Plan tracker with waitress (migrates the database first)."""
        from django.core.exceptions import ImproperlyConfigured
        from django.db import DatabaseError

        from cspkit.tracker.serve import serve

        try:
            serve(host=host, port=port, database_url=database, threads=threads, workers=workers)
        except (ImproperlyConfigured, DatabaseError, RuntimeError, OSError) as error:
            typer.echo(f"csp serve: {error}", err=True)
            raise typer.Exit(1) from error
