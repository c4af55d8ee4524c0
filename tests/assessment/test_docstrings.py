"""The examples in the assessment docstrings run and give what they say."""

import doctest
import importlib

import pytest

MODULES = [f"cspkit.assessment.{name}"
           for name in ("wording", "findings", "figures", "build", "gaps", "chapters.summary",
                        "chapters.recommendations", "priority_evidence")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
