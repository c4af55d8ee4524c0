"""Every public function of the tracker's services and selectors says what a caller needs
to know in its docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from cspkit.tracker import selectors, services

MODULES = [f"{package.__name__}.{info.name}" for package in (services, selectors)
           for info in pkgutil.iter_modules(package.__path__)]


def public_functions(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    return [name for name, value in vars(module).items()
            if inspect.isfunction(value) and not name.startswith("_")
            and value.__module__ == module_name]


def test_every_services_and_selectors_module_is_checked():
    assert {"cspkit.tracker.services.updates", "cspkit.tracker.selectors.plan"} <= set(MODULES)
    assert "action_update_create" in public_functions("cspkit.tracker.services.updates")


@pytest.mark.parametrize("module_name", MODULES)
def test_public_functions_have_docstrings(module_name):
    module = importlib.import_module(module_name)
    undocumented = [name for name in public_functions(module_name)
                    if not (inspect.getdoc(getattr(module, name)) or "").strip()]
    assert undocumented == []
