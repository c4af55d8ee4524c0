"""The examples in the analysis docstrings run and give what they say."""

import doctest
import importlib
import pkgutil

import pytest

import cspkit.analysis

MODULES = [m.name for m in pkgutil.iter_modules(cspkit.analysis.__path__, "cspkit.analysis.")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
