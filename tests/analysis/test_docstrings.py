"""The examples in the analysis docstrings run and give what they say."""

import doctest
import importlib

import pytest

MODULES = [
    f"cspkit.analysis.{name}"
    for name in ("periods", "scope", "themes", "change", "trends", "places", "concentration",
                 "deprivation", "hotspots", "vulnerability", "outcomes", "peers",
                 "exceedance", "scan",
                 "detection")
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
