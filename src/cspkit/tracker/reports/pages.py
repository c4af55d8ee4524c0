"""Render the import and report pages inside the tracker's own page layout.

The tracker's pages are Jinja2 templates of the app (``cspkit/tracker/jinja2``). These
pages keep their templates beside their code and extend the tracker's ``base.html``
through an overlay of the same environment, so they get its header, navigation, filters
and context processors (``request``, ``csrf_input``, the signed-in person).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.backends.jinja2 import Jinja2, Template
from jinja2 import ChoiceLoader, Environment, PackageLoader


@cache
def _environment() -> tuple[Jinja2, Environment]:
    backend = next(engine for engine in engines.all() if isinstance(engine, Jinja2))
    overlay = backend.env.overlay(
        loader=ChoiceLoader(
            [
                PackageLoader("cspkit.tracker.importers", "templates"),
                PackageLoader("cspkit.tracker.reports", "templates"),
                backend.env.loader,
            ]
        )
    )
    return backend, overlay


def render_page(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    backend, environment = _environment()
    template = Template(environment.get_template(template_name), backend)
    return HttpResponse(template.render(context, request), status=status)
