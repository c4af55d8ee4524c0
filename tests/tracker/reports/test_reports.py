"""Progress reports: what they show as at a meeting date, and that each format opens."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import include, path, reverse
from docx import Document
from typer.testing import CliRunner

from cspkit.cli import app
from cspkit.render import write_docx as write_document_docx
from cspkit.render import write_pdf as write_document_pdf
from cspkit.render.html import render_html as render_document_html
from cspkit.tracker.importers.services import import_file
from cspkit.tracker.models import Action, ActionUpdate, DataRequirement, Recommendation
from cspkit.tracker.reports.build import build_progress_report
from cspkit.tracker.reports.document import progress_document
from cspkit.tracker.reports.model import (
    ACTION_COLUMNS,
    DATA_REQUIREMENT_COLUMNS,
    RECOMMENDATION_COLUMNS,
    ProgressReport,
    status_style,
)
from cspkit.tracker.services.plan import action_create, plan_create, theme_create
from cspkit.tracker.services.registers import (
    data_requirement_create,
    recommendation_carry_forward,
    recommendation_create,
)
from cspkit.tracker.services.updates import (
    action_update_create,
    data_requirement_update_create,
    recommendation_update_create,
)
from cspkit.tracker.status import RagStatus
from tests.tracker.fixtures_import import Stockton, build_stockton, seed

MEETING = date(2026, 3, 10)


def write_docx(report: ProgressReport, path: Path) -> None:
    write_document_docx(progress_document(report), path)


def write_pdf(report: ProgressReport, path: Path) -> None:
    write_document_pdf(progress_document(report), path)


def render_html(report: ProgressReport) -> str:
    return render_document_html(progress_document(report))


@dataclass
class SmallPlan:
    stockton: Stockton
    hot_spots: Action
    pastors: Action
    cctv: Action


def _update(item: Action | Recommendation | DataRequirement, **fields: object) -> None:
    create = {
        Action: action_update_create,
        Recommendation: recommendation_update_create,
        DataRequirement: data_requirement_update_create,
    }[type(item)]
    argument = {Action: "action", Recommendation: "recommendation"}.get(
        type(item), "data_requirement"
    )
    item.refresh_from_db()
    create(**{argument: item}, expected_version=item.version, **fields)


@pytest.fixture
def small_plan(db: None) -> SmallPlan:
    """Two themes, three actions, one entry in each register, updates either side of the
    meeting date."""
    world = build_stockton()
    user = world.manager
    asb = theme_create(created_by=user, plan=world.plan, number=1, title="Anti-social behaviour")
    violence = theme_create(created_by=user, plan=world.plan, number=2, title="Violence")
    hot_spots = action_create(
        created_by=user,
        theme=asb,
        text="Patrol the top five wards",
        lead_agencies=[world.police],
        sub_actions=[("a", "Map the hot spots"), ("b", "Brief the teams")],
    )
    pastors = action_create(
        created_by=user, theme=violence, text="Fund street pastors <Yarm>",
        measure="Two pastors out on Friday nights", due_date=date(2026, 3, 1),
    )  # fmt: skip
    cctv = action_create(created_by=user, theme=violence, text="Count CCTV-assisted arrests")
    _update(hot_spots, author=user, text="Mapped.", status=RagStatus.GREEN,
            written_on=date(2026, 1, 5))  # fmt: skip
    _update(hot_spots, author=user, text="Teams briefed.\n\nPatrols started.",
            status=RagStatus.COMPLETE, written_on=date(2026, 3, 1))  # fmt: skip
    _update(hot_spots, author=user, text="After the meeting.", status=RagStatus.RED,
            written_on=date(2026, 4, 1))  # fmt: skip
    _update(pastors, author=user, text="Funding refused.", status=RagStatus.RED,
            written_on=date(2026, 2, 1))  # fmt: skip
    _update(cctv, author=user, text="Not yet.", status=RagStatus.AMBER,
            written_on=date(2026, 5, 1))  # fmt: skip
    recommendation = recommendation_create(
        created_by=user, plan=world.plan, reference="1", text="Get A&E data", source="PSA",
        section="Violence", agencies=[world.police],
    )  # fmt: skip
    _update(recommendation, author=user, text="Asked the trust.", status=RagStatus.AMBER,
            written_on=date(2026, 2, 20))  # fmt: skip
    data_requirement_create(
        created_by=user, plan=world.plan, reference="3.2.1", data_gap="Victim ethnicity",
        action="Retrain call takers", lead_agencies=[world.council],
    )  # fmt: skip
    return SmallPlan(world, hot_spots, pastors, cctv)


def _report(small_plan: SmallPlan, **options: object) -> ProgressReport:
    return build_progress_report(plan=small_plan.stockton.plan, meeting_date=MEETING, **options)


def test_report_shows_each_item_as_it_stood_at_the_meeting(small_plan: SmallPlan) -> None:
    report = _report(small_plan)
    asb, violence = report.themes
    (hot_spots,) = asb.actions
    assert hot_spots.status == RagStatus.COMPLETE  # not the red written after the meeting
    assert hot_spots.update.text == "Teams briefed.\n\nPatrols started."
    assert hot_spots.update.written_on == date(2026, 3, 1)
    assert hot_spots.sub_actions == (("a", "Map the hot spots"), ("b", "Brief the teams"))
    assert hot_spots.leads == "Police"
    pastors, cctv = violence.actions
    assert (pastors.status, pastors.update.text) == (RagStatus.RED, "Funding refused.")
    # Its only update came after the meeting: at the meeting it had not started.
    assert (cctv.status, cctv.update) == (RagStatus.NOT_STARTED, None)
    (recommendation,) = report.recommendations
    assert (recommendation.section, recommendation.agency) == ("Violence", "Police")
    assert recommendation.status == RagStatus.AMBER
    (requirement,) = report.data_requirements
    assert (requirement.lead, requirement.status, requirement.update) == (
        "SBC",
        RagStatus.NOT_STARTED,
        None,
    )


def test_generated_cover_counts_what_the_tables_show(small_plan: SmallPlan) -> None:
    cover = _report(small_plan).cover_paragraphs
    assert cover[0].startswith("This paper reports progress on the Community Safety Plan 2011-14 "
                               "as at 10 March 2026: 2 themes with 3 actions")  # fmt: skip
    assert cover[1].startswith("Of the 3 actions: 1 complete, 1 red and 1 not started. ")
    assert "1 action had no update recorded" in cover[1]
    assert cover[2] == "Reported red, where leads need the partnership's help: action 2.1."
    assert cover[3] == "Of the 2 register entries: 1 amber and 1 not started."
    assert cover[4] == (
        "Members are invited to note the progress shown in the attached tables and to agree "
        "support for the red items named above, the overdue action 2.1 and the items with no "
        "recent update within the 91-day update cycle (action 2.2; data requirement 3.2.1)."
    )


def test_overdue_and_quiet_items_are_flagged_in_words_and_named_on_the_cover(
    small_plan: SmallPlan, tmp_path: Path
) -> None:
    """At 10 March 2026 with a 91-day cycle an open item last updated before 9 December
    2025 (or never, in a plan begun in 2011) is quiet; 2.1 was due on 1 March."""
    requirement = DataRequirement.objects.get(plan=small_plan.stockton.plan)
    _update(requirement, author=small_plan.stockton.manager, text="Refused.",
            status=RagStatus.RED, written_on=date(2026, 3, 1))  # fmt: skip
    report = _report(small_plan)
    (hot_spots,), (pastors, cctv) = (theme.actions for theme in report.themes)
    assert (pastors.measure, pastors.due_date) == (
        "Two pastors out on Friday nights",
        date(2026, 3, 1),
    )
    assert (hot_spots.flags, pastors.flags, cctv.flags) == ((), ("Overdue",), ("No recent update",))
    (line,) = report.data_requirements
    assert (line.status, line.flags) == (RagStatus.RED, ())
    assert report.cover_paragraphs[2] == (
        "Reported red, where leads need the partnership's help: action 2.1; data requirement 3.2.1."
    )
    assert report.cover_paragraphs[-1].endswith(
        "support for the red items named above, the overdue action 2.1 and the items with no "
        "recent update within the 91-day update cycle (action 2.2)."
    )
    path = tmp_path / "report.docx"
    write_docx(report, path)
    violence = Document(str(path)).tables[3]
    assert [c.text for c in violence.rows[1].cells[3:5]] == [
        "Two pastors out on Friday nights",
        "1 March 2026",
    ]
    assert violence.rows[1].cells[6].text == "Red\nOverdue"
    assert violence.rows[2].cells[6].text == "Not started\nNo recent update"


def test_open_recommendation_of_the_previous_plan_stays_in_the_report(
    small_plan: SmallPlan,
) -> None:
    """The previous plan's amber entry appears, marked with its plan; its complete one and
    one carried forward (shown once, as the copy) do not repeat."""
    world, user = small_plan.stockton, small_plan.stockton.manager
    previous = plan_create(
        created_by=user, partnership=world.partnership, title="Community Safety Plan 2008-11",
        period_start=date(2008, 4, 1), period_end=date(2011, 3, 31),
    )  # fmt: skip
    entries = {
        reference: recommendation_create(
            created_by=user, plan=previous, reference=reference, text=text, source="PSA",
            section="Drugs", agencies=[world.police],
        )  # fmt: skip
        for reference, text in (("R1", "Share treatment data"), ("R2", "Code damage"),
                                ("R3", "Map needle finds"))
    }  # fmt: skip
    _update(entries["R1"], author=user, text="Drafted.", status=RagStatus.AMBER,
            written_on=date(2010, 6, 1))  # fmt: skip
    _update(entries["R2"], author=user, text="Done.", status=RagStatus.COMPLETE,
            written_on=date(2010, 6, 1))  # fmt: skip
    entries["R3"].refresh_from_db()
    recommendation_carry_forward(
        recommendation=entries["R3"],
        carried_by=user,
        to_plan=world.plan,
        expected_version=entries["R3"].version,
    )
    report = _report(small_plan)
    shown = [(line.reference, line.text, line.status, line.carried_from)
             for line in report.recommendations]  # fmt: skip
    assert shown == [
        ("1", "Get A&E data", RagStatus.AMBER, ""),
        ("R3", "Map needle finds", RagStatus.NOT_STARTED, "Community Safety Plan 2008-11"),
        ("R1", "Share treatment data", RagStatus.AMBER, "Community Safety Plan 2008-11"),
    ]
    assert report.cover_paragraphs[-1].endswith(
        "(action 2.2; recommendations R3 of the Community Safety Plan 2008-11, "
        "R1 of the Community Safety Plan 2008-11; data requirement 3.2.1)."
    )  # both began before the 91-day cycle and have no update since
    html = render_html(report)
    assert "Carried forward from Community Safety Plan 2008-11" in html
    assert "Code damage" not in html


def test_managers_own_cover_paragraphs_replace_the_generated_ones(small_plan: SmallPlan) -> None:
    report = _report(small_plan, cover_paragraphs=["First point. ", "Second point."])
    assert report.cover_paragraphs == ("First point.", "Second point.")


def test_docx_has_headings_numbered_cover_and_tables_in_the_seed_layouts(
    small_plan: SmallPlan, tmp_path: Path
) -> None:
    path = tmp_path / "report.docx"
    report = _report(small_plan)
    write_docx(report, path)
    document = Document(str(path))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name != "Normal"]
    assert ("Title", "Progress report: Community Safety Plan 2011-14") in headings
    for title in ("Summary", "Data requirements", "Recommendations", "Action plans"):
        assert ("Heading 1", title) in headings
    assert ("Heading 2", "1. Anti-social behaviour action plan") in headings
    numbered = [text for style, text in headings if style == "List Number"]
    assert numbered == list(report.cover_paragraphs)
    requirements, recommendations, asb, violence = document.tables
    assert tuple(c.text for c in requirements.rows[0].cells) == DATA_REQUIREMENT_COLUMNS
    assert tuple(c.text for c in recommendations.rows[0].cells) == RECOMMENDATION_COLUMNS
    assert tuple(c.text for c in asb.rows[0].cells) == ACTION_COLUMNS
    assert len(violence.rows) == 3  # header and two actions
    action_cell = asb.rows[1].cells[2]
    assert [p.text for p in action_cell.paragraphs] == [
        "Patrol the top five wards",
        "a) Map the hot spots",
        "b) Brief the teams",
    ]
    assert asb.rows[1].cells[5].text == "1 March 2026: Teams briefed.\nPatrols started."
    status_cell = asb.rows[1].cells[6]
    assert status_cell.text == "Complete"
    fill = status_cell._tc.tcPr.xpath("./w:shd/@w:fill")
    assert fill == [status_style(RagStatus.COMPLETE).fill]
    assert violence.rows[1].cells[6].text == "Red\nOverdue"
    assert ("Heading 2", "Status key") in headings
    key = [p for p in document.paragraphs if p.text.startswith("Amber")]
    assert [p.text for p in key] == ["Amber: some slippage, recoverable"]
    assert key[0].runs[0].bold and key[0].runs[0].text == "Amber"
    assert asb.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # repeats on each page
    assert asb.rows[1]._tr.xpath("./w:trPr/w:cantSplit")  # a row stays on one page
    footer_xml = document.sections[0].footer._element.xml
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer_xml)  # page numbers
    assert document.sections[1].page_width > document.sections[1].page_height  # landscape


def test_summary_is_signed_off_and_headings_stay_with_their_tables(
    small_plan: SmallPlan, tmp_path: Path
) -> None:
    """As seed 001 closes its cover: the analyst, then the date; a theme's heading, lead and
    legend lines are kept with the table after them."""
    manager = small_plan.stockton.manager.person
    signed = build_progress_report(
        plan=small_plan.stockton.plan,
        meeting_date=MEETING,
        signed_by=manager,
        signed_on=date(2026, 3, 3),
    )
    unsigned = _report(small_plan)
    for report, expected in (
        (signed, ["Community Safety Manager", "3 March 2026"]),  # the fixture's name, no title
        (unsigned, ["Community Safety Analyst", "10 March 2026"]),
    ):
        path = tmp_path / "report.docx"
        write_docx(report, path)
        paragraphs = Document(str(path)).paragraphs
        last_cover = max(i for i, p in enumerate(paragraphs) if p.style.name == "List Number")
        assert [p.text for p in paragraphs[last_cover + 1 : last_cover + 3]] == expected
        assert paragraphs[last_cover + 3].text == "Status key"
    theme = next(i for i, p in enumerate(paragraphs) if p.text.startswith("2. Violence"))
    heading, lead = paragraphs[theme], paragraphs[theme + 1]
    assert lead.text.startswith("Thematic lead:")
    assert heading.paragraph_format.keep_with_next or heading.style.paragraph_format.keep_with_next
    assert lead.paragraph_format.keep_with_next
    assert not paragraphs[last_cover + 1].paragraph_format.keep_with_next  # no table follows


def test_pdf_is_a4_with_page_numbers_headings_and_status_words(
    small_plan: SmallPlan, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    write_pdf(_report(small_plan), path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("Progress report: Community Safety Plan 2011-14", "Summary",
                     "Data requirements", "Recommendations", "Action plans",
                     "2. Violence", "Complete", "Red", "Amber", "Not started",
                     "Fund street pastors <Yarm>"):  # fmt: skip
        assert expected in text, expected
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_html_escapes_text_and_shows_status_as_colour_and_word(small_plan: SmallPlan) -> None:
    html = render_html(_report(small_plan))
    assert "Fund street pastors &lt;Yarm&gt;" in html
    red = status_style(RagStatus.RED)
    shade = f"shade-{red.fill}-{red.ink}"
    assert f'<td class="{shade}"><p><strong>Red</strong></p><p><strong>Overdue' in html
    assert f".{shade} {{ background: #{red.fill}; color: #{red.ink}; }}" in html
    assert " style=" not in html  # no inline styles: the page passes a strict policy
    assert re.search(r'<h2 id="action_plans-heading">Action plans</h2>', html)


@pytest.mark.real_data
def test_report_from_imported_seeds_keeps_their_rows(db: None, tmp_path: Path) -> None:
    world = build_stockton()
    for prefix in ("001", "004"):
        import_file(path=seed(prefix), plan=world.plan, imported_by=world.manager)
    report = build_progress_report(plan=world.plan, meeting_date=date(2010, 7, 1))
    path = tmp_path / "seeds.docx"
    write_docx(report, path)
    requirements, recommendations, *themes = Document(str(path)).tables
    assert len(requirements.rows) == 1 + 10  # 3.2.1 … 5.2.2
    assert len(recommendations.rows) == 1 + 5  # R1 … R5
    assert [len(t.rows) - 1 for t in themes] == [8, 8, 5, 9, 6, 8]
    assert requirements.rows[1].cells[0].text == "3.2.1"
    assert requirements.rows[1].cells[4].text.startswith("28 June 2010: A major problem")


urlpatterns = [
    path("", include("cspkit.site.urls")),
    path("reports/", include("cspkit.tracker.reports.urls")),
]


@pytest.fixture
def client_as_manager(small_plan: SmallPlan) -> Iterator[Client]:
    client = Client()
    client.force_login(small_plan.stockton.manager)
    with override_settings(ROOT_URLCONF=__name__):
        yield client


def _url(small_plan: SmallPlan, file_format: str) -> str:
    return reverse(
        "tracker_reports:progress_report",
        kwargs={"pk": small_plan.stockton.plan.pk, "file_format": file_format},
    )


@pytest.mark.parametrize("file_format", ["docx", "pdf", "html"])
def test_reports_download_in_each_format(
    client_as_manager: Client, small_plan: SmallPlan, file_format: str
) -> None:
    response = client_as_manager.get(_url(small_plan, file_format), {"meeting": "2026-03-10"})
    assert response.status_code == 200
    if file_format == "html":
        assert "Fund street pastors &lt;Yarm&gt;" in response.content.decode()
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    else:
        name = f"community-safety-plan-2011-14-progress-2026-03-10.{file_format}"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    if file_format == "docx":
        document = Document(io.BytesIO(response.content))
        assert document.tables[3].rows[1].cells[6].text == "Red\nOverdue"


def test_html_report_style_block_matches_its_policy_hash(client_as_manager, small_plan) -> None:
    response = client_as_manager.get(_url(small_plan, "html"))
    html = response.content.decode()
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_a_bad_meeting_date_is_refused(client_as_manager: Client, small_plan: SmallPlan) -> None:
    response = client_as_manager.get(_url(small_plan, "pdf"), {"meeting": "10/03/2026"})
    assert response.status_code == 400


def test_signed_out_users_are_sent_to_log_in(small_plan: SmallPlan) -> None:
    with override_settings(ROOT_URLCONF=__name__):
        response = Client().get(_url(small_plan, "docx"))
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_a_report_edited_in_word_imports_back_without_duplicates(
    small_plan: SmallPlan, tmp_path: Path
) -> None:
    world = small_plan.stockton
    today = date(2026, 6, 1)  # after every update, so the report shows current statuses
    report = build_progress_report(plan=world.plan, meeting_date=today)
    path = tmp_path / "edited.docx"
    write_docx(report, path)
    unchanged = import_file(path=path, plan=world.plan, imported_by=world.manager)
    assert (unchanged.created, unchanged.updated) == (0, 0)
    assert [p.text for p in unchanged.cover_paragraphs] == list(report.cover_paragraphs)

    # A lead types a new update over the old one in the pastors' row, with a new status.
    document = Document(str(path))
    pastors_row = document.tables[3].rows[1]
    pastors_row.cells[5].text = "2 June 2026: Churches will fund two pastors."
    pastors_row.cells[6].text = "Amber"
    document.save(str(path))
    edited = import_file(path=path, plan=world.plan, imported_by=world.manager)
    assert (edited.created, edited.updated) == (1, 0)
    assert edited.counts["updates"].created == 1
    small_plan.pastors.refresh_from_db()
    latest = small_plan.pastors.updates.first()
    assert (latest.written_on, latest.text) == (date(2026, 6, 2), "Churches will fund two pastors.")
    assert small_plan.pastors.status == RagStatus.AMBER


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".html"])
def test_cli_writes_the_report_in_the_format_its_name_asks(
    small_plan: SmallPlan, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"progress{suffix}"
    cover = tmp_path / "cover.txt"
    cover.write_text("Our own first point,\nwrapped.\n\nOur second point.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["tracker", "report", "--out", str(out), "--meeting", "2026-03-10", "--cover", str(cover)],
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    if suffix == ".docx":
        numbered = [p.text for p in Document(str(out)).paragraphs if p.style.name == "List Number"]
        assert numbered == ["Our own first point, wrapped.", "Our second point."]


def test_cli_report_errors_say_what_to_do(small_plan: SmallPlan, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["tracker", "report", "--out", str(tmp_path / "r.xlsx"), "--meeting", "2026-03-10"]
    )
    assert result.exit_code == 1 and "Name the file .docx, .pdf or .html" in result.output
    result = runner.invoke(
        app, ["tracker", "report", "--out", str(tmp_path / "r.pdf"), "--meeting", "March"]
    )
    assert result.exit_code == 1 and "--meeting 'March' is not a date" in result.output


@pytest.mark.parametrize("file_format", ["docx", "pdf", "html"])
def test_a_control_character_in_an_update_does_not_break_the_report(
    client_as_manager: Client, small_plan: SmallPlan, file_format: str
) -> None:
    """A vertical tab (Word's manual line break, pasted) in an update stored before the
    form refused such characters: every format is still written, the tab as a line break."""
    ActionUpdate.objects.filter(action=small_plan.pastors).update(
        text="Funding refused\x0bby the trust\x00."
    )
    response = client_as_manager.get(_url(small_plan, file_format), {"meeting": "2026-03-10"})
    assert response.status_code == 200
    if file_format == "docx":
        document = Document(io.BytesIO(response.content))
        assert document.tables[3].rows[1].cells[5].text == (
            "1 February 2026: Funding refused\nby the trust."
        )
    if file_format == "html":
        assert "Funding refused\nby the trust." in response.content.decode()


@pytest.mark.parametrize("today", [date(2026, 9, 15), date(2027, 2, 20)])
def test_demo_report_pdf_keeps_each_heading_with_its_table(
    db: None, tmp_path: Path, today: date
) -> None:
    """The demo plan's progress report, read back per page: no heading ends a page, and no
    action plan's heading and lead lines sit on a page before its table."""
    from cspkit.demo.tracker import DEMO_PASSWORD, build_demo
    from cspkit.tracker.models import Plan
    from tests.render.page_breaks import stranded_headings

    build_demo(today=today, password=DEMO_PASSWORD)
    plan = Plan.objects.order_by("-period_start").first()
    document = progress_document(build_progress_report(plan=plan, meeting_date=today))
    path = write_document_pdf(document, tmp_path / "progress.pdf")
    found = stranded_headings(document, path)
    assert found.headings_checked >= 8  # the registers and six action plans
    assert found.at_page_foot == [] and found.apart_from_content == []
