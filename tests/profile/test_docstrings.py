"""The examples in the problem-profile modules' docstrings run and give what they say."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["cspkit.analysis.topics", "cspkit.assessment.interventions"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
