"""The examples in the scheduling engine's docstrings run and give what they show."""

import doctest
import importlib

import pytest

MODULES = [
    "keel.domain.schedule.calendar",
    "keel.domain.schedule.cpm",
    "keel.domain.schedule.baseline",
    "keel.domain.schedule.incremental",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    """Every docstring example in the module produces the output written next to it."""
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
