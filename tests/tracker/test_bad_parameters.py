"""Bad parameters get 400 or 404, never a server error: every URL of the site with ids no
row can have, every query parameter a page reads and every form field with values that
break naive parsing (an impossible date, a number past 64 bits, a NUL, a digit that is not
0-9). The URLs come from the site's URL patterns, so a page added later is covered too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.tracker.world import World

HUGE_IDS = ["99999999999999999999", "9" * 23, str(2**63)]
BAD_VALUES = [
    "9" * 23,
    str(2**63),
    "2026-02-30T10:00",
    "2026-02-30",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0001-01-01",
    "9999-12-31",
    "-1",
    "²",
    "1\x00",
    "abc",
]
# Every query parameter a page reads (see the views' request.GET).
QUERY_PARAMETERS = ["plan", "before", "meeting", "status", "agency", "section", "q"]
# Every field of the tracker's forms.
FORM_FIELDS = [
    "status",
    "text",
    "written_on",
    "version",
    "measure",
    "due_date",
    "leads",
    "lead_agencies",
    "sub_actions",
    "theme",
    "reference",
    "section",
    "agencies",
    "source",
    "data_gap",
    "action",
    "quality_measure",
    "quality_threshold",
    "username",
    "password",
    "file",
]


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every URL of the site."""

    def walk(patterns: list, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            else:
                yield f"{namespace}{pattern.name}", pattern

    yield from walk(get_resolver().url_patterns, "")


def item_ids(world: World) -> dict[str, int]:
    """The test world's item each page with an id is about."""
    plan, theme = world.plan.pk, world.theme.pk
    action = world.police_action.pk
    recommendation = world.police_recommendation.pk
    requirement = world.police_data_requirement.pk
    return {
        "tracker:plan": plan,
        "tracker:theme": theme,
        "tracker:action_create": theme,
        "tracker:action": action,
        "tracker:action_edit": action,
        "tracker:action_history": action,
        "tracker:action_measure": action,
        "tracker:theme_measure": theme,
        "tracker:recommendation": recommendation,
        "tracker:recommendation_carry_forward": recommendation,
        "tracker:recommendation_to_action": recommendation,
        "tracker:recommendation_history": recommendation,
        "tracker:data_requirement": requirement,
        "tracker:data_requirement_history": requirement,
        "tracker_imports:import": plan,
        "tracker_reports:progress_report_page": plan,
        "tracker_reports:progress_report": plan,
    }


def urls(world: World, *, pk: str | None = None) -> list[str]:
    """Every URL of the site: pages with an id about the world's items, or about ``pk``."""
    ids = item_ids(world)
    found = []
    for name, pattern in url_patterns():
        converters = pattern.pattern.converters
        kwargs: dict[str, object] = {}
        if "pk" in converters:
            assert name in ids, f"{name}: add the item its id names to item_ids()"
            kwargs["pk"] = ids[name]
        if "file_format" in converters:
            kwargs["file_format"] = "html"
        url = reverse(name, kwargs=kwargs)
        if pk is not None:
            if "pk" not in converters:
                continue
            url = url.replace(f"/{ids[name]}/", f"/{pk}/", 1)
        found.append(url)
    return found


@pytest.fixture
def admin(world: World) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    return client


def test_every_url_with_an_id_no_row_can_have_is_not_found(world: World, admin: Client) -> None:
    answers = {}
    for pk in HUGE_IDS:
        for url in urls(world, pk=pk):
            answers[f"GET {url}"] = admin.get(url).status_code
            answers[f"POST {url}"] = admin.post(url, {"version": "1"}).status_code
    assert len(answers) >= 2 * 3 * 15
    assert {request: code for request, code in answers.items() if code != 404} == {}


def test_the_reported_bad_parameters_are_refused(world: World, admin: Client) -> None:
    history = reverse("tracker:history")
    assert admin.get(history, {"before": "2026-02-30T10:00"}).status_code == 400
    assert admin.get(reverse("tracker:plan", args=[world.plan.pk])).status_code == 200
    assert admin.get(reverse("tracker:recommendations"), {"plan": "9" * 23}).status_code == 404
    assert admin.get("/actions/99999999999999999999/").status_code == 404


def test_every_query_parameter_with_a_bad_value_is_refused_not_a_crash(
    world: World, admin: Client
) -> None:
    crashes = []
    for url in urls(world):
        for parameter in QUERY_PARAMETERS:
            for value in BAD_VALUES:
                code = admin.get(url, {parameter: value}).status_code
                if code >= 500:
                    crashes.append(f"{url}?{parameter}={value!r}: {code}")
    assert crashes == []


def test_every_form_field_with_a_bad_value_is_refused_not_a_crash(
    world: World, admin: Client
) -> None:
    crashes = []
    for url in urls(world):
        for value in BAD_VALUES:
            data = {field: value for field in FORM_FIELDS}
            code = admin.post(url, data).status_code
            if code >= 500:
                crashes.append(f"POST {url} every field={value!r}: {code}")
            code = admin.post(url, {**data, "version": "1", "status": "green"}).status_code
            if code >= 500:
                crashes.append(f"POST {url} fields={value!r} version=1: {code}")
    assert crashes == []
