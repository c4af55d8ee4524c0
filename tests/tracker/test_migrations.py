"""The migrations describe the models: a model change without its migration fails here."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_every_model_change_has_its_migration(db: None) -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "tracker", check=True, dry_run=True, stdout=out)
    except SystemExit as exit_:  # makemigrations --check exits 1 when a migration is missing
        raise AssertionError(
            f"a tracker model changed without a migration:\n{out.getvalue()}") from exit_


def test_the_migration_graph_has_one_leaf(db: None) -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(connection).graph.leaf_nodes("tracker")
    assert len(leaves) == 1, f"tracker migrations branch: {leaves}; merge them"
