"""Reading plan documents into plain rows, before anything touches the database.

Expected numbers are hand counts of the seed files in ../shared/seeds (real documents of
the Stockton-on-Tees partnership), written next to each assertion.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from cspkit.errors import CspError
from cspkit.tracker.importers.reader import read_document
from cspkit.tracker.importers.source import MAX_FILE_BYTES
from cspkit.tracker.status import RagStatus
from tests.tracker.fixtures_import import seed


@pytest.mark.real_data
def test_action_plan_update_reads_sixteen_recommendations_with_their_symbols() -> None:
    document = read_document(seed("000"))
    recommendations = document.recommendations
    # 16 numbered rows, 1.1 to 6.3; row 3.4 wraps onto a second row with no number.
    assert [r.reference for r in recommendations] == [
        "1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4",
        "4.1", "4.2", "4.3", "5.1", "6.1", "6.2", "6.3",
    ]  # fmt: skip
    wrapped = recommendations[8]
    assert wrapped.text.endswith(
        "ambulance pick up data for assault injuries should be a priority for the next assessment."
    )
    assert wrapped.update.endswith("so this should improve dramatically in the long term.")
    statuses = [r.status for r in recommendations]
    # \odot on 1.1, 1.2, 2.1, 4.2; <u></u> on 3.1 and 3.4; "30" on 6.2; the rest blank.
    assert statuses.count(RagStatus.COMPLETE) == 4
    assert statuses.count(RagStatus.AMBER) == 2
    assert statuses.count(None) == 10
    assert [(u.where, u.text) for u in document.unmapped] == [("line 20", "30")]
    assert {r.section for r in recommendations} == {
        "ASB", "Drugs", "Violence", "Criminal Damage",
        "Diverting Young People from offending", "Other Theft",
    }  # fmt: skip
    assert recommendations[1].lead == "ASB TEAM POLICE"
    assert document.dated is not None and document.dated.value.isoformat() == "2008-08-01"


@pytest.mark.real_data
def test_progress_report_reads_cover_data_requirements_and_recommendations() -> None:
    document = read_document(seed("001"))
    # Six numbered cover paragraphs; signed 28th June 2010.
    assert [p.number for p in document.cover_paragraphs] == [1, 2, 3, 4, 5, 6]
    assert document.dated is not None and document.dated.value.isoformat() == "2010-06-28"
    # Ten data requirement rows in two blocks (3.2.x, then 4.2.x and 5.2.x after a gap).
    references = [d.reference for d in document.data_requirements]
    assert references == [
        "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "4.2.1", "4.2.2", "4.2.3", "5.2.1", "5.2.2",
    ]  # fmt: skip
    assert all(d.update and d.action and d.status is None for d in document.data_requirements)
    assert document.data_requirements[7].lead == "SBC Police Probation"
    # Five bulleted recommendations, each followed by a bold "UPDATE-" paragraph.
    assert [r.reference for r in document.recommendations] == ["R1", "R2", "R3", "R4", "R5"]
    assert document.recommendations[4].update.startswith("An ASB profile was completed")
    assert not document.themes


@pytest.mark.real_data
def test_layout_proposal_has_cover_paragraphs_and_nothing_for_the_plan() -> None:
    document = read_document(seed("002"))
    assert not document.has_plan_items
    assert [p.number for p in document.cover_paragraphs] == [1, 2, 3, 4, 5, 6]
    assert document.cover_paragraphs[5].text.count("\n") == 2  # sub-points a) and b)
    # The outline "Pages 1 - 3 …" to "Pages 15 / 16 …": eight entries.
    outline = [u for u in document.unmapped if u.reason.startswith("outline")]
    assert len(outline) == 8
    assert all(u.where.startswith("line ") for u in document.unmapped)


@pytest.mark.real_data
def test_assessment_summary_reads_last_years_progress_and_new_recommendations() -> None:
    document = read_document(seed("003"))
    references = [r.reference for r in document.recommendations]
    # I. to X. under "Progress on last year's recommendations", then 1. to 9.
    assert references == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
        "1", "2", "3", "4", "5", "6", "7", "8", "9",
    ]  # fmt: skip
    last_year, new = document.recommendations[:10], document.recommendations[10:]
    assert all(r.update for r in last_year)
    assert not any(r.update for r in new)
    # III's progress is cut by a page break mid-sentence: read back as one paragraph.
    assert "within both the Police and Community Safety team analysts" in last_year[2].update
    # IX's progress has two paragraphs.
    assert last_year[8].update.count("\n\n") == 1
    assert last_year[0].text.endswith("which seem to be to main issue")
    assert document.title == "The Partnership Strategic Assessment 2012"


@pytest.mark.real_data
def test_community_safety_plan_reads_six_themes_and_their_actions() -> None:
    document = read_document(seed("004"))
    themes = document.themes
    assert [(t.number, t.title) for t in themes] == [
        (1, "ANTI SOCIAL BEHAVIOUR"),
        (2, "ALCOHOL RELATED CRIME AND ANTI SOCIAL BEHAVIOUR"),
        (3, "VIOLENCE"),
        (4, "DRUG RELATED OFFENDING"),
        (5, "CRIMINAL DAMAGE"),
        (6, "EMERGING ISSUES"),
    ]
    # Rows per theme counted by hand; theme 3's header repeats before its action 5.
    assert [len(t.actions) for t in themes] == [8, 8, 5, 9, 6, 8]
    # Lettered sub-actions per theme: 12, 10, 19, 2, 5, 11.
    assert [sum(len(a.sub_actions) for a in t.actions) for t in themes] == [12, 10, 19, 2, 5, 11]
    assert themes[0].thematic_lead == "Ch Insp Neighbourhoods (Mick Williams)"
    assert themes[0].lead_legend["YOS"] == "Youth Offending Service (Julie Dinsdale)"
    # Theme 2's lead is written before its label; theme 4's on the line after it.
    assert themes[1].thematic_lead == "DAAT Strategic Manager (Emma Champley)"
    assert themes[3].thematic_lead == "Detective Ch Insp (Rob Donoghy)"
    assert themes[3].lead_legend == {"RD": "Rob Donoghy", "EC": "Emma Champley", "JE": "Jeff Evans"}
    assert themes[2].thematic_lead == "" and themes[2].lead_legend == {}
    violence_2 = themes[2].actions[1]
    assert violence_2.lead == "TA & CS"
    assert [s.label for s in violence_2.sub_actions] == list("abcdefg")
    assert violence_2.sub_actions[3].text == "CCTV – Monitor number of assisted arrests"
    assert themes[3].actions[2].lead == ""
    # Action 2.1's sub-action runs on into row 2.2 in the converted file: flagged, not fixed.
    assert [w.where for w in document.warnings] == ["line 27"]
    assert document.unmapped == []


def _docx(path: Path, *, header: list[str], rows: list[list[str]], heading: str = "") -> Path:
    document = Document()
    if heading:
        document.add_heading(heading, level=1)
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.save(str(path))
    return path


def test_word_action_table_is_read_by_its_headers_in_any_order(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "plan.docx",
        heading="1. Violence action plan",
        header=["Update", "Action", "Lead", "No."],
        rows=[
            ["Meets monthly", "Hold tactical meetings a) weekly b) with A&E data", "TA", "1"],
            ["", "Fund street pastors", "CS", "2"],
        ],
    )
    document = read_document(path)
    (theme,) = document.themes
    assert (theme.number, theme.title) == (1, "Violence")
    first, second = theme.actions
    assert (first.number, first.lead, first.text) == (1, "TA", "Hold tactical meetings")
    assert [(s.label, s.text) for s in first.sub_actions] == [
        ("a", "weekly"),
        ("b", "with A&E data"),
    ]
    assert first.update == "Meets monthly"
    assert first.where == "table 1, row 2"
    assert second.sub_actions == ()


def test_word_register_reads_status_words(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "register.docx",
        header=["Ref", "Data gap", "Lead", "Action", "Update", "RAG"],
        rows=[
            ["D1", "Victim ethnicity missing", "Police", "Retrain", "Done", "Complete"],
            ["D2", "No A&E location", "Health", "New form", "Slow", "Red"],
            ["D3", "No court outcomes", "Court", "Ask", "", "purple"],
        ],
    )
    document = read_document(path)
    assert [d.status for d in document.data_requirements] == [
        RagStatus.COMPLETE,
        RagStatus.RED,
        None,
    ]
    (unmapped,) = document.unmapped
    assert unmapped.where == "table 1, row 4"
    assert "status 'purple' not recognised" in unmapped.reason


def test_unknown_header_names_the_file_the_cell_and_the_header(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "odd.docx",
        header=["No", "Action", "Budget"],
        rows=[["1", "Buy CCTV", "£5k"]],
    )
    with pytest.raises(CspError) as raised:
        read_document(path)
    message = str(raised.value)
    assert str(path) in message
    assert "table 1, row 1, column 3: unknown column header 'Budget'" in message
    assert "Rename the column" in message


def test_unknown_header_in_text_file_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text("Title\n\nRef\tWhatever\tStatus\n1\tx\tGreen\n", encoding="utf-8")
    with pytest.raises(CspError) as raised:
        read_document(path)
    assert str(raised.value).startswith(f"{path}:3: line 3, column 2: unknown column header")


def test_a_table_that_lists_nothing_the_plan_knows_is_refused(tmp_path: Path) -> None:
    path = _docx(tmp_path / "t.docx", header=["Lead", "Status"], rows=[["Police", "Green"]])
    with pytest.raises(CspError, match="has no column saying what it lists"):
        read_document(path)


def test_a_file_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(CspError, match="not a readable Word document"):
        read_document(path)


def test_other_formats_are_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CspError, match=r"cannot import a '\.pdf' file.*Save the document"):
        read_document(path)


def test_a_merged_caption_row_above_the_header_names_the_theme(tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=3, cols=3)
    caption = table.rows[0].cells[0].merge(table.rows[0].cells[2])
    caption.text = "4. Drug related offending action plan"
    for cell, text in zip(table.rows[1].cells, ["No", "Lead", "Action"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[2].cells, ["4.2", "JE", "Keep the IOM cohort"], strict=True):
        cell.text = text
    path = tmp_path / "drugs.docx"
    document.save(str(path))
    (theme,) = read_document(path).themes
    assert (theme.number, theme.title) == (4, "Drug related offending")
    assert [(a.number, a.text) for a in theme.actions] == [(2, "Keep the IOM cohort")]


def test_an_action_numbered_for_another_theme_is_reported_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(
        "1. ASB ACTION PLAN\n\nNo\tAction\n1.1\tPatrol\n2.1\tMisplaced\nx\tNo number\n",
        encoding="utf-8",
    )
    document = read_document(path)
    assert [a.number for a in document.themes[0].actions] == [1]
    assert [(u.where, u.text) for u in document.unmapped] == [("line 5", "2.1"), ("line 6", "x")]
    assert "this is theme 1" in document.unmapped[0].reason


def test_a_word_document_without_tables_or_lists_gives_nothing_to_import(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Partnership meeting", level=1)
    document.add_paragraph("Apologies were received from the fire service.")
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    read = read_document(path)
    assert not read.has_plan_items
    assert read.title == "Partnership meeting"
    assert [(u.where, u.reason) for u in read.unmapped] == [
        ("paragraph 2", "narrative paragraph, not in a table or a recommendations list")
    ]


def test_a_paragraph_cut_by_a_page_break_is_joined_to_its_own_start(tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_text(
        "Title\n\nLocation Profile\n\nSome text\n\nLocation Profile\n\ncontinues here.\n",
        encoding="utf-8",
    )
    texts = [(u.where, u.text) for u in read_document(path).unmapped]
    assert texts == [
        ("line 3", "Location Profile"),
        ("line 5", "Some text"),
        ("line 7", "Location Profile continues here."),
    ]


def test_excel_tab_separated_export_with_quoted_multi_line_cells(tmp_path: Path) -> None:
    path = tmp_path / "register.txt"
    path.write_text(
        "Ref\tData gap\tLead\tUpdate\n"
        '3.2.1\t"Victim ethnicity\nmissing, ""often"""\tPolice\tRaised\n'
        "3.2.2\tNo ward BME population\tSBC\t\n",
        encoding="utf-8",
    )
    first, second = read_document(path).data_requirements
    assert (first.reference, first.data_gap, first.lead) == (
        "3.2.1",
        'Victim ethnicity missing, "often"',
        "Police",
    )
    assert (first.where, second.where) == ("line 2", "line 4")


def test_sub_actions_typed_as_a_word_list_in_the_cell_get_their_letters(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("3. Violence action plan", level=1)
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "No", "Action"
    table.rows[1].cells[0].text = "1"
    cell = table.rows[1].cells[1]
    cell.text = "Maintain the night-time economy initiatives:"
    for text in ("Operation Tranquility", "Pubwatch"):
        cell.add_paragraph(text, style="List Number")
    path = tmp_path / "violence.docx"
    document.save(str(path))
    (action,) = read_document(path).themes[0].actions
    assert action.text == "Maintain the night-time economy initiatives:"
    assert [(s.label, s.text) for s in action.sub_actions] == [
        ("a", "Operation Tranquility"),
        ("b", "Pubwatch"),
    ]


def _rewritten_docx(
    path: Path, rewrite: Callable[[bytes], bytes], *, styles: Callable[[bytes], bytes] | None = None
) -> Path:
    """A Word document whose main part is ``rewrite`` of a blank document's (and its styles
    part ``styles`` of the blank one's), the way a crafted file is made: by editing the XML
    inside the zip."""
    blank = io.BytesIO()
    Document().save(blank)
    rewrites = {"word/document.xml": rewrite, "word/styles.xml": styles or (lambda xml: xml)}
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member.filename)
            out.writestr(member.filename, rewrites.get(member.filename, lambda xml: xml)(data))
    return path


def _empty_paragraphs(count: int) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"<w:sectPr", b"<w:p/>" * count + b"<w:sectPr", 1)


def test_a_word_document_that_unpacks_to_50_mb_of_empty_paragraphs_is_refused_at_once(
    tmp_path: Path,
) -> None:
    path = _rewritten_docx(tmp_path / "bomb.docx", _empty_paragraphs(8_700_000))
    assert path.stat().st_size < 200_000  # 113 KB in the report: it compresses 500 to 1
    with pytest.raises(CspError, match=r"bomb\.docx: the Word document unpacks to 50\.\d MB"):
        read_document(path)


def test_a_word_document_of_millions_of_elements_under_the_size_cap_is_refused(
    tmp_path: Path,
) -> None:
    # 3.5 million empty paragraphs are 21 MB unpacked: under the size cap, over the count.
    path = _rewritten_docx(tmp_path / "bomb.docx", _empty_paragraphs(3_500_000))
    with pytest.raises(CspError, match=r"holds more than 500,000 XML elements"):
        read_document(path)


def test_malformed_xml_in_a_word_document_names_the_file_and_the_part(tmp_path: Path) -> None:
    path = _rewritten_docx(tmp_path / "broken.docx", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(
        CspError, match=r"broken\.docx: word/document\.xml in the Word document is not valid XML"
    ) as refused:
        read_document(path)
    assert "Open it in Word and save it again" in str(refused.value)


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"No\tAction\n" + b"x" * MAX_FILE_BYTES)
    with pytest.raises(
        CspError, match=r"huge\.txt: the file is 10\.0 MB; the import reads files up to 10\.0 MB"
    ):
        read_document(path)


def test_paragraph_styles_are_looked_up_once_per_document(tmp_path: Path) -> None:
    # Documents pasted together carry many styles; python-docx's Paragraph.style searched
    # them all for every paragraph (28 s for 10,000 paragraphs with Word's default styles).
    pasted = b"".join(
        b'<w:style w:type="paragraph" w:styleId="Pasted%d"><w:name w:val="Pasted %d"/>'
        b"</w:style>" % (number, number)
        for number in range(3000)
    )
    title = (
        b'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>'
        b"<w:r><w:t>Community Safety Plan</w:t></w:r></w:p>"
    )
    narrative = b"".join(
        b"<w:p><w:r><w:t>Narrative paragraph %d.</w:t></w:r></w:p>" % number
        for number in range(5000)
    )
    path = _rewritten_docx(
        tmp_path / "pasted.docx",
        lambda xml: xml.replace(b"<w:sectPr", title + narrative + b"<w:sectPr", 1),
        styles=lambda xml: xml.replace(b"</w:styles>", pasted + b"</w:styles>"),
    )
    parsed = read_document(path)
    assert parsed.title == "Community Safety Plan"
    assert len(parsed.unmapped) == 5000


def test_a_quote_that_never_closes_in_a_text_file_is_taken_as_written(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    narrative = "".join(f"narrative line {number} of the plan\n" for number in range(20_000))
    path.write_text(f'No\tLead\tAction\n1\tMW\t"Patrol the parks\n{narrative}', encoding="utf-8")
    parsed = read_document(path)
    (action,) = parsed.themes[0].actions
    assert action.text == "Patrol the parks"
    # Not swallowed into the cell: the lines after it are read (and, resuming in lower
    # case, joined as one paragraph cut by page breaks), and reported.
    (rest,) = parsed.unmapped
    assert rest.where == "line 3"
    assert rest.text == " ".join(f"narrative line {number} of the plan" for number in range(20_000))


def test_characters_xml_cannot_hold_are_dropped_from_imported_text(tmp_path: Path) -> None:
    # They would be saved into updates and break the Word progress report for everyone.
    path = tmp_path / "plan.txt"
    path.write_text("No\tLead\tAction\n1\tMW\tPatrol\x01 the\x1b parks\x0bat night\n")
    (action,) = read_document(path).themes[0].actions
    assert action.text == "Patrol the parks at night"
