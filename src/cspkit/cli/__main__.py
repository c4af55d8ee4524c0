"""``python -m cspkit.cli``: the ``csp`` command."""

from cspkit.cli import app

app()
