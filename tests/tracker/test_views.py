"""The pages through Django's test client: sign-in, throttling, CSRF, headers, the update
form with its stale-edit message, register filters, history."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import docx
import pytest
from django import forms
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from cspkit.tracker.auth import TrackerBackend
from cspkit.tracker.forms import (
    ActionCreateForm,
    ActionEditForm,
    DataRequirementCreateForm,
    RecommendationCreateForm,
    RegisterFilterForm,
    UpdateForm,
)
from cspkit.tracker.models import ActionUpdate, Agency, Person, Plan
from cspkit.tracker.services.plan import action_create, theme_create
from cspkit.tracker.services.registers import data_requirement_create, recommendation_create
from cspkit.tracker.services.updates import action_update_create
from cspkit.tracker.status import RagStatus
from tests.tracker.world import PASSWORD, World, sign_in


def sign_in_attempt(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def signed_in(username: str) -> Client:
    client = Client()
    assert sign_in(client, username)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_signing_in_leads_to_the_plan_overview(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "police_lead", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("tracker:plan", args=[world.plan.pk])
    page = text_of(response)
    assert "Plan 2026-27" in page and "Police Lead, Police" in page


def test_pages_need_signing_in(world: World) -> None:
    response = Client().get(reverse("tracker:plan", args=[world.plan.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_wrong_passwords_lock_the_account_name_then_say_so(world: World) -> None:
    client = Client()
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "police_lead", "password": "no"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in text_of(response)
    response = client.post(reverse("login"), {"username": "police_lead", "password": "no"})
    assert response.status_code == 429  # the fifth failure locks at once
    page = text_of(response)
    assert '<h1 class="heading-xl">Sign in</h1>' in page  # the site's own page
    assert "Too many failed sign-in attempts. Wait 15 minutes" in page
    response = client.post(reverse("login"), {"username": "police_lead", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_in_attempt(elsewhere, "police_lead", PASSWORD) == 429  # the account is locked
    assert sign_in_attempt(elsewhere, "member", PASSWORD) == 302  # others elsewhere are not


def test_an_empty_password_never_resets_the_failure_count(world: World) -> None:
    client = Client()
    for _ in range(3):
        for _ in range(4):
            sign_in_attempt(client, "police_lead", "wrong guess")
        assert sign_in_attempt(client, "police_lead", "") == 200
    assert sign_in_attempt(Client(REMOTE_ADDR="192.0.2.7"), "police_lead", PASSWORD) == 429


def test_spraying_one_password_across_accounts_locks_the_address(world: World) -> None:
    sprayer = Client()
    for victim in ["admin", "police_lead", "police_colleague", "council_lead"]:
        assert sign_in_attempt(sprayer, victim, "Spring2026!") == 200
        assert sign_in_attempt(sprayer, victim, "") == 200
    # Signing in to an account of one's own does not wipe the address's failures.
    assert sign_in_attempt(Client(), "unlinked", PASSWORD) == 302
    assert sign_in_attempt(sprayer, "member", "Spring2026!") == 429
    assert sign_in_attempt(Client(), "unlinked", PASSWORD) == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_in_attempt(elsewhere, "member", PASSWORD) == 302  # one failure each: unlocked


@override_settings(SIGN_IN_TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_trusted_proxy_sign_ins_are_counted_by_the_forwarded_client(
    world: World,
) -> None:
    def through_proxy(client_address: str) -> Client:
        forwarded = f"203.0.113.9, {client_address}"  # forged by the client, then the proxy's
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    sprayer = through_proxy("198.51.100.4")
    for victim in ["admin", "police_lead", "police_colleague", "council_lead"]:
        assert sign_in_attempt(sprayer, victim, "Spring2026!") == 200
    assert sign_in_attempt(sprayer, "member", "Spring2026!") == 429  # the fifth: locked
    assert sign_in_attempt(sprayer, "unlinked", PASSWORD) == 429  # the sprayer's address
    # Everyone else comes through the same proxy, and is not locked out with the sprayer.
    assert sign_in_attempt(through_proxy("198.51.100.5"), "unlinked", PASSWORD) == 302
    # A client sending the header itself, not through the proxy, is counted by its own address.
    forger = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="198.51.100.77")
    for victim in ["admin", "police_lead", "police_colleague", "council_lead"]:
        assert sign_in_attempt(forger, victim, "Autumn2026!") == 200
    assert sign_in_attempt(forger, "unlinked", "Autumn2026!") == 429
    assert sign_in_attempt(Client(REMOTE_ADDR="192.0.2.50"), "member", PASSWORD) == 429
    assert sign_in_attempt(through_proxy("198.51.100.77"), "member", PASSWORD) == 302


def test_a_good_sign_in_clears_that_accounts_earlier_failures(world: World) -> None:
    client = Client()
    for _ in range(3):
        sign_in_attempt(client, "member", "no")
    assert sign_in_attempt(client, "member", PASSWORD) == 302
    for _ in range(4):
        assert sign_in_attempt(Client(), "member", "no") == 200
    assert sign_in_attempt(Client(), "member", PASSWORD) == 302


def test_posts_without_a_csrf_token_are_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.police_lead)
    response = client.post(
        reverse("tracker:action", args=[world.police_action.pk]),
        {"status": "green", "text": "Forged", "version": "1"},
    )
    assert response.status_code == 403
    assert not ActionUpdate.objects.exists()


def test_logging_out_needs_a_post(world: World) -> None:
    client = signed_in("member")
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_every_page_sends_security_headers(world: World) -> None:
    response = signed_in("member").get(reverse("tracker:plan", args=[world.plan.pk]))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_overview_counts_actions_by_status(world: World) -> None:
    action_update_create(
        action=world.police_action,
        author=world.admin,
        text="Late",
        status=RagStatus.RED,
        expected_version=1,
    )
    page = text_of(signed_in("member").get(reverse("tracker:plan", args=[world.plan.pk])))
    assert "Progress of all 2 actions" in page
    row = re.search(r"1\. Anti-social behaviour</a></th>(.*?)</tr>", page).group(1)
    assert re.findall(r'class="numeric">(\d+)<', row) == ["1", "0", "0", "1", "0", "0", "2"]


def test_an_update_posted_on_the_action_page_shows_in_its_timeline(world: World) -> None:
    client = signed_in("police_lead")
    url = reverse("tracker:action", args=[world.police_action.pk])
    response = client.post(
        url,
        {"status": "amber", "text": "Patrols cut by sickness", "version": "1"},
        follow=True,
    )
    page = text_of(response)
    assert "Your update to action 1.1 is saved." in page
    assert "Patrols cut by sickness" in page
    assert 'class="tag tag--amber">Amber</strong> <span class="tag-meaning">some slippage' in page


def test_a_stale_form_is_refused_with_the_other_persons_change(world: World) -> None:
    action_update_create(
        action=world.police_action,
        author=world.admin,
        text="Admin says paused",
        status=RagStatus.AMBER,
        expected_version=1,
    )
    client = signed_in("police_lead")
    response = client.post(
        reverse("tracker:action", args=[world.police_action.pk]),
        {"status": "green", "text": "My stale news", "version": "1"},
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else updated this since you opened it" in page
    assert "Admin says paused" in page
    assert "Status from “Not started” to “Amber”" in page
    assert "My stale news</textarea>" in page
    assert 'name="version" value="2"' in page
    assert ActionUpdate.objects.count() == 1


def test_an_invalid_update_explains_what_is_missing(world: World) -> None:
    response = signed_in("police_lead").post(
        reverse("tracker:action", args=[world.police_action.pk]),
        {"status": "", "text": "", "version": "1"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert 'href="#id_status_0">Status: Choose the status this update gives.' in page
    assert 'href="#id_text">What has happened since the last update: Enter what' in page


def test_my_actions_lists_what_the_lead_leads(world: World) -> None:
    page = text_of(signed_in("police_lead").get(reverse("tracker:my_actions")))
    assert "Patrol the hot spots" in page and "Run mediation" not in page
    council_page = text_of(signed_in("council_lead").get(reverse("tracker:my_actions")))
    assert "Run mediation" in council_page and "Patrol the hot spots" not in council_page


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("", ["R1", "R2"], []),
        ("?section=ASB", ["R1"], ["R2"]),
        ("?q=residents", ["R2"], ["R1"]),
        ("?status=complete", [], ["R1", "R2"]),
    ],
)
def test_the_recommendations_register_filters(
    world: World, query: str, expected: list[str], absent: list[str]
) -> None:
    page = text_of(signed_in("member").get(reverse("tracker:recommendations") + query))
    for reference in expected:
        assert f">{reference}</a>" in page
    for reference in absent:
        assert f">{reference}</a>" not in page


def test_the_data_requirements_register_filters_by_agency(world: World) -> None:
    url = reverse("tracker:data_requirements") + f"?agency={world.council.pk}"
    page = text_of(signed_in("member").get(url))
    assert ">D2</a>" in page and ">D1</a>" not in page


def test_the_registers_list_references_by_prefix_then_number(world: World) -> None:
    """D10 after D2 and R10 after R9 (text order would put them first), whatever order the
    entries were added in."""
    for reference in ("D10", "D3", "D21"):
        data_requirement_create(created_by=world.admin, plan=world.plan, reference=reference,
                                data_gap=f"Gap {reference}")
    for reference in ("R10", "R9", "R100", "R3"):
        recommendation_create(created_by=world.admin, plan=world.plan, reference=reference,
                              text=f"Recommendation {reference}", source="PSA 2026")
    client = signed_in("member")
    shown = re.findall(r">(D\d+)</a>", text_of(client.get(reverse("tracker:data_requirements"))))
    assert shown == ["D1", "D2", "D3", "D10", "D21"]
    shown = re.findall(r">(R\d+)</a>", text_of(client.get(reverse("tracker:recommendations"))))
    assert shown == ["R1", "R2", "R3", "R9", "R10", "R100"]


def test_the_history_page_shows_who_changed_what(world: World) -> None:
    action_update_create(
        action=world.police_action,
        author=world.police_lead,
        text="Going well",
        status=RagStatus.GREEN,
        expected_version=1,
    )
    page = text_of(signed_in("member").get(reverse("tracker:history")))
    assert "Police Lead</strong> created" in page and "Update to action 1.1" in page
    assert "<td>Not started</td><td>Green</td>" in page


def test_an_administrator_edits_an_action(world: World) -> None:
    client = signed_in("admin")
    url = reverse("tracker:action_edit", args=[world.police_action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "text": "Patrol the six hot spots",
            "measure": "Down 5%",
            "due_date": "2027-02-28",
            "leads": [world.person(world.police_lead).pk],
            "version": "1",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Patrol the six hot spots" in page and "28 February 2027" in page


@pytest.mark.parametrize(
    ("name", "item", "title"),
    [
        ("action_history", "police_action", "Action 1.1"),
        ("recommendation_history", "police_recommendation", "Recommendation R1"),
        ("data_requirement_history", "council_data_requirement", "Data requirement D2"),
    ],
)
def test_each_item_has_a_history_page_linking_back(
    world: World, name: str, item: str, title: str
) -> None:
    pk = getattr(world, item).pk
    page = text_of(signed_in("member").get(reverse(f"tracker:{name}", args=[pk])))
    assert f'<h1 class="heading-l">History of {title}</h1>' in page
    assert "Admin</strong> created" in page
    assert f'<a href="{reverse("tracker:" + name.removesuffix("_history"), args=[pk])}">' in page


def test_an_administrator_adds_an_action_with_lettered_sub_actions(world: World) -> None:
    client = signed_in("admin")
    url = reverse("tracker:action_create", args=[world.theme.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "text": "Open a youth space in the town centre",
            "measure": "Open by March",
            "due_date": "2027-03-31",
            "lead_agencies": [world.council.pk],
            "sub_actions": "Find a building\n\n  Recruit youth workers  \n",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Action 1.3 is added." in page
    assert "Open a youth space in the town centre" in page
    assert "a)</span> Find a building" in page and "b)</span> Recruit youth workers" in page
    assert "Testshire Council" in page and "31 March 2027" in page


def test_adding_an_action_without_its_text_is_explained(world: World) -> None:
    response = signed_in("admin").post(
        reverse("tracker:action_create", args=[world.theme.pk]), {"text": ""}
    )
    assert response.status_code == 400
    assert 'href="#id_text">Action: This field is required.' in text_of(response)


def test_an_administrator_adds_register_entries(world: World) -> None:
    client = signed_in("admin")
    plan = f"?plan={world.plan.pk}"
    assert client.get(reverse("tracker:recommendation_create") + plan).status_code == 200
    page = text_of(
        client.post(
            reverse("tracker:recommendation_create") + plan,
            {
                "reference": "R3",
                "section": "Drugs",
                "theme": world.theme.pk,
                "text": "Map where drug litter is found",
                "agencies": [world.council.pk],
                "source": "PSA 2026",
            },
            follow=True,
        )
    )
    assert "Recommendation R3 is added." in page and "Map where drug litter is found" in page
    page = text_of(
        client.post(
            reverse("tracker:data_requirement_create") + plan,
            {
                "reference": "D3",
                "data_gap": "Fire service ASB fires lack a location",
                "lead_agencies": [world.police.pk],
                "quality_measure": "fire.lsoa",
                "quality_threshold": "85",
            },
            follow=True,
        )
    )
    assert "Data requirement D3 is added." in page
    assert "Small area (LSOA) in fire and rescue service incident records: not measured yet " \
        "(target 85%)." in page


def test_a_reference_already_in_the_register_is_refused(world: World) -> None:
    response = signed_in("admin").post(
        reverse("tracker:recommendation_create") + f"?plan={world.plan.pk}",
        {"reference": "R1", "text": "Again", "source": "PSA 2026"},
    )
    assert response.status_code == 400
    assert "Recommendation with this Plan and Reference already exists." in text_of(response)


def test_plan_overview_links_to_meeting_papers_and_import_only_for_administrators(
    world: World,
) -> None:
    report = reverse("tracker_reports:progress_report_page", args=[world.plan.pk])
    upload = reverse("tracker_imports:import", args=[world.plan.pk])
    for username, sees_import in (("admin", True), ("police_lead", False), ("member", False)):
        page = signed_in(username).get(reverse("tracker:plan", args=[world.plan.pk]))
        html = page.content.decode()
        assert f'href="{report}"' in html
        assert (f'href="{upload}"' in html) is sees_import


def post_update(client: Client, action_pk: int, **fields: str):
    data = {"status": "amber", "text": "Patrols cut by sickness", "version": "1", **fields}
    return client.post(reverse("tracker:action", args=[action_pk]), data)


def test_an_update_dated_in_the_future_is_refused(world: World) -> None:
    client = signed_in("police_lead")
    tomorrow = timezone.localdate() + timedelta(days=1)
    for written_on in ["2099-12-31", tomorrow.isoformat()]:
        response = post_update(client, world.police_action.pk, written_on=written_on)
        assert response.status_code == 400
        assert "The date of the update cannot be in the future." in text_of(response)
    assert not ActionUpdate.objects.exists()


def test_an_update_dated_before_the_plan_started_is_refused(world: World) -> None:
    client = signed_in("police_lead")
    day_before = world.plan.period_start - timedelta(days=1)
    response = post_update(client, world.police_action.pk, written_on=day_before.isoformat())
    assert response.status_code == 400
    page = text_of(response)
    assert "cannot be before the plan started on 1 April 2026" in page
    assert not ActionUpdate.objects.exists()
    response = post_update(
        client, world.police_action.pk, written_on=world.plan.period_start.isoformat()
    )
    assert response.status_code == 302
    assert ActionUpdate.objects.get().written_on == world.plan.period_start


def test_the_action_page_shows_when_a_back_dated_update_was_entered(world: World) -> None:
    client = signed_in("police_lead")
    post_update(client, world.police_action.pk, written_on=world.plan.period_start.isoformat())
    entered = timezone.localtime(ActionUpdate.objects.get().created_at)
    page = text_of(client.get(reverse("tracker:action", args=[world.police_action.pk])))
    words = re.sub(r"<[^>]+>", "", page)
    assert "1 April 2026" in words
    assert f"Entered {entered.day} {entered:%B %Y %H:%M}" in words


def test_an_update_pasted_from_word_keeps_the_word_report_working(world: World) -> None:
    client = signed_in("police_lead")
    text = "Patrols resumed.\x0bTwo wards done.\x0cNext: \x01Millfield\x1b."
    assert post_update(client, world.police_action.pk, text=text).status_code == 302
    assert ActionUpdate.objects.get().text == "Patrols resumed.\nTwo wards done.\nNext: Millfield."
    report = client.get(
        reverse("tracker_reports:progress_report", args=[world.plan.pk, "docx"]),
        {"meeting": timezone.localdate().isoformat()},
    )
    assert report.status_code == 200
    assert "Two wards done." in docx_text(report.content)


FREE_TEXT_FORMS = [
    (UpdateForm, {"status": "green", "version": "1"}, ["text"]),
    (ActionCreateForm, {}, ["text", "measure", "sub_actions"]),
    (ActionEditForm, {"version": "1"}, ["text", "measure"]),
    (RecommendationCreateForm, {}, ["reference", "section", "text", "source"]),
    (DataRequirementCreateForm, {}, ["reference", "data_gap", "action"]),
    (RegisterFilterForm, {}, ["q"]),
]


@pytest.mark.parametrize(("form_class", "other_fields", "text_fields"), FREE_TEXT_FORMS)
def test_every_free_text_field_keeps_only_what_xml_can_hold(
    world: World, form_class: type, other_fields: dict, text_fields: list[str]
) -> None:
    every_control = "".join(chr(code) for code in range(32)) + "\ufffe\uffff"
    data = {**other_fields, **{field: f"A{every_control}B" for field in text_fields}}
    context = {
        UpdateForm: {"plan": world.plan},
        ActionCreateForm: {"partnership_id": world.plan.partnership_id},
        ActionEditForm: {"partnership_id": world.plan.partnership_id},
        RecommendationCreateForm: {
            "plan_id": world.plan.pk,
            "partnership_id": world.plan.partnership_id,
        },
        DataRequirementCreateForm: {"partnership_id": world.plan.partnership_id},
        RegisterFilterForm: {"agencies": Agency.objects.all()},
    }[form_class]
    form = form_class(data, **context)
    assert form.is_valid(), form.errors
    declared = {name for name, field in form.fields.items() if type(field) is forms.CharField}
    assert declared == set()  # every free-text field is a TextField
    for field in text_fields:
        value = form.cleaned_data[field]
        if field == "sub_actions":  # one per line: Word's line breaks separate them
            assert value == [("a", "A"), ("b", "B")]
            continue
        etree.Element("w").text = value  # lxml refuses any character XML cannot hold
        assert re.sub(r"\s", "", value) == "AB"
        assert set(value) <= set("AB\t\n\r")


def _queries_per_page(client: Client, paths: list[str]) -> list[int]:
    counts = []
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    return counts


def test_the_busiest_pages_take_as_many_queries_for_a_big_plan_as_for_a_small_one(
    world: World,
) -> None:
    """Related rows are loaded with the page (select_related/prefetch_related), never one
    query per action, lead or update."""
    police = Person.objects.get(user=world.police_lead)
    client = signed_in("police_lead")
    paths = [
        reverse("tracker:plan", args=[world.plan.pk]),
        reverse("tracker:action", args=[world.police_action.pk]),
        reverse("tracker:my_actions"),
        reverse("tracker:theme", args=[world.theme.pk]),
    ]
    small = _queries_per_page(client, paths)
    for number in range(2, 7):
        theme = theme_create(created_by=world.admin, plan=world.plan, number=number,
                             title=f"Theme {number}", thematic_lead=police)  # fmt: skip
        for _ in range(3):
            action = action_create(created_by=world.admin, theme=theme, text="More",
                                   leads=[police], lead_agencies=[world.council],
                                   sub_actions=[("a", "One"), ("b", "Two")])  # fmt: skip
            for day in (1, 2):
                action_update_create(action=action, author=world.police_lead, text="Note",
                                     status=RagStatus.GREEN, expected_version=action.version,
                                     written_on=date(2026, 5, day))  # fmt: skip
        action = world.police_action
        action_update_create(action=action, author=world.admin, text="Seen",
                             status=RagStatus.AMBER, expected_version=action.version)  # fmt: skip
    assert _queries_per_page(client, paths) == small
    assert max(small) <= 12, small


def test_the_signed_in_user_comes_with_person_and_agency_in_one_query(world: World) -> None:
    backend = TrackerBackend()
    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(world.police_lead.pk)
        assert (user.person.full_name, user.person.agency.short_name) == ("Police Lead", "Police")
    assert len(queries) == 1
    assert backend.get_user(User.objects.order_by("-pk")[0].pk + 1) is None
    world.member.is_active = False
    world.member.save()
    assert backend.get_user(world.member.pk) is None


def test_without_a_plan_the_pages_say_so(world: World) -> None:
    Plan.objects.all().delete()
    for username in ("admin", "police_lead", "member"):
        client = signed_in(username)
        for name in ("tracker:home", "tracker:my_actions"):
            response = client.get(reverse(name))
            assert response.status_code == 200
            assert "no plan" in text_of(response).lower()


def test_every_page_has_a_plain_title_one_main_heading_and_unique_ids(world: World) -> None:
    from lxml import html

    client = signed_in("admin")
    pages = [reverse("tracker:plan", args=[world.plan.pk]),
             reverse("tracker:theme", args=[world.theme.pk]),
             reverse("tracker:action", args=[world.police_action.pk]),
             reverse("tracker:my_actions"),
             reverse("tracker:recommendations"),
             reverse("tracker:recommendation", args=[world.police_recommendation.pk]),
             reverse("tracker:data_requirements"),
             reverse("tracker:data_requirement", args=[world.police_data_requirement.pk]),
             reverse("tracker:watch_list"),
             reverse("tracker:history")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        tree = html.fromstring(response.content)
        (title,) = tree.findall(".//title")
        assert not list(title) and "<" not in title.text_content(), url
        assert title.text_content().endswith("– Community Safety Plan tracker"), url
        assert len(tree.findall(".//h1")) == 1, url
        # hidden inputs too: two forms of one page each carry a version field
        ids = [element.get("id") for element in tree.iter() if element.get("id")]
        assert len(ids) == len(set(ids)), (url, sorted({i for i in ids if ids.count(i) > 1}))
