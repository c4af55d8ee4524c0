"""Every public analysis function is written up in docs/methods.md."""

import inspect
from pathlib import Path

import pytest

import cspkit.analysis

METHODS = (Path(__file__).resolve().parents[2] / "docs" / "methods.md").read_text()
FUNCTIONS = [n for n in cspkit.analysis.__all__ if inspect.isfunction(getattr(cspkit.analysis, n))]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_is_documented_in_methods(name):
    assert f"`{name}" in METHODS, f"docs/methods.md does not mention {name}"
