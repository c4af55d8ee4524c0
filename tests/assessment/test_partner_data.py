"""With the partners' exports loaded, chapters show victims, offenders and partner records."""

from __future__ import annotations

import re

import pandas as pd

from cspkit.assessment.data_needs import DATA_NEEDS
from cspkit.assessment.document import DataGap, Paragraph, Table
from cspkit.assessment.wording import percent_text


def _section(document, section_id):
    return next(s for s in document.all_sections() if s.id == section_id)


def test_victim_and_offender_profiles_replace_the_data_gaps(partner_document):
    for role in ("victims", "offenders"):
        section = _section(partner_document, f"violence_{role}")
        assert not any(isinstance(b, DataGap) for b in section.children)
        tables = {b.id for b in section.children if isinstance(b, Table)}
        assert f"violence_{role[:-1]}_profile" in tables
        assert section.children[1].text.startswith(
            f"Repeat {'victimisation' if role == 'victims' else 'offending'}: ")


def test_profile_shares_sum_to_one_per_characteristic_where_nothing_is_withheld(
        partner_document):
    table = next(t for t in partner_document.tables() if t.id == "violence_victim_profile")
    frame = table.frame()
    for dimension, part in frame.groupby("dimension"):
        if (part["people"] != "[c]").all():
            assert abs(sum(part["share"]) - 1.0) < 1e-9, dimension
    text = _section(partner_document, "violence_victims").children[0].text
    people = int(re.match(r"([\d,]+) victims", text).group(1).replace(",", ""))
    ages = frame[(frame["dimension"] == "Age band") & (frame["people"] != "[c]")]
    assert ages["people"].sum() <= people


def test_council_asb_fires_and_ae_appear_in_their_themes(partner_document):
    ids = {t.id for t in partner_document.tables()}
    assert {"anti_social_behaviour_asb_by_source", "criminal_damage_arson_deliberate_fires",
            "violence_ae_assaults"} <= ids
    asb = _section(partner_document, "anti_social_behaviour_partner_data").children[0].text
    table = next(t for t in partner_document.tables()
                 if t.id == "anti_social_behaviour_asb_by_source").frame()
    council = int(table.loc[table["reported_to"] == "Council", "count"].sum())
    assert f"{council:,} incidents" in asb


def test_partner_timing_gives_a_day_and_hour_chart(partner_document):
    figures = {f.id for f in partner_document.figures()}
    assert "violence_timing" in figures


def test_asb_chapter_profiles_callers_and_repeat_callers_as_the_council_export_has_them(
        partner_document, borough):
    # Independently of the loader: the council's 2025 cases whose date is real and whose
    # postcode is in the postcode lookup (so placed in the borough), by caller key.
    data = borough.manifest.out_dir
    cases = pd.read_csv(data / "partners" / "council_asb_cases_2025.csv", dtype=str,
                        keep_default_na=False, encoding="cp1252")
    postcodes = set(pd.read_csv(next((data / "lookups").glob("PCD_*.csv")), dtype=str)["pcds"])
    placed = cases[cases["Postcode"].isin(postcodes)
                   & pd.to_datetime(cases["Date Received"], format="%d/%m/%Y",
                                    errors="coerce").notna()]
    per_caller = placed.loc[placed["Complainant Key"] != "", "Complainant Key"].value_counts()
    assert (placed["Complainant Key"] != "").all()
    callers, repeat = len(per_caller), int((per_caller >= 2).sum())
    section = _section(partner_document, "anti_social_behaviour_callers")
    assert section.title == "Caller profile"
    first, second = section.children[0].text, section.children[1].text
    assert first.startswith(f"{callers:,} callers (distinct people) were recorded")
    assert second.startswith(f"Repeat callers: {repeat:,} of the {callers:,} callers with a "
                             f"person key ({percent_text(100 * repeat / callers)}) appear in "
                             "more than "
                             "one incident")
    assert "victim" not in " ".join(b.text for b in section.children
                                    if isinstance(b, Paragraph)).casefold()
    perpetrators = _section(partner_document, "anti_social_behaviour_offenders")
    assert perpetrators.title == "Perpetrator profile"
    assert perpetrators.children[1].text.startswith("Repeat perpetrators: ")


def test_a_data_gap_closes_when_its_data_arrive_and_a_note_in_words_stays(partner_document):
    # Every export the default themes name is loaded for all of 2025, and the police extract
    # records the domestic abuse flag: their gaps are gone from the chapters and the register.
    register = next(t for t in partner_document.tables() if t.id == "data_requirements")
    listed = set(register.frame()["missing"])
    loaded = ("police_crime_extract", "council_asb", "fire", "ae_assault", "yos_fte",
              "domestic_abuse_flag")
    assert not {DATA_NEEDS[n].missing for n in loaded} & listed, listed
    sections = {s.id for s in partner_document.all_sections()}
    assert "anti_social_behaviour_data_gaps" not in sections
    assert "criminal_damage_arson_data_gaps" not in sections
    # the data cspkit cannot load (treatment numbers, service referrals) stay
    assert {DATA_NEEDS[n].missing for n in ("drug_treatment", "drug_tests_on_arrest",
                                            "domestic_abuse_services")} <= listed
    # a theme that selects no incidents says its people data are loaded, with no gap
    young = _section(partner_document, "young_people_victims").children
    assert [type(b) for b in young] == [Paragraph]
    assert young[0].text.startswith("The partner data are loaded, but this theme names no "
                                    "crime types or flags")


def test_people_tables_cite_only_the_partner_data_that_recorded_the_people(
        partner_document, partner_warehouse):
    import duckdb

    from cspkit.sources.names import PARTNER_DATA_NAMES

    with duckdb.connect(str(partner_warehouse), read_only=True) as con:
        loaded = {d.removeprefix("partner_") for (d,) in con.sql(
            "SELECT DISTINCT dataset FROM load_ledger "
            "WHERE status = 'loaded' AND dataset LIKE 'partner_%'").fetchall()}
        with_people = {s for (s,) in con.sql(
            "SELECT DISTINCT i.source FROM person_involvement p "
            "JOIN incident i USING (incident_id)").fetchall()}
    without_people = loaded - with_people
    # the premise: partner data are loaded that hold no people (the fire service's incidents)
    assert "fire" in without_people and "police_crime_extract" in with_people
    people = [b for b in [*partner_document.tables(), *partner_document.figures()]
              if b.source.startswith("people.people_profile")]
    assert len(people) >= 6
    for block in people:
        assert not [PARTNER_DATA_NAMES[s] for s in without_people
                    if PARTNER_DATA_NAMES[s] in block.cited_source], block.id
        assert any(PARTNER_DATA_NAMES[s] in block.cited_source for s in with_people), block.id
    # violence's victims are linked in the police extract only: the A&E attendances, which
    # hold victims too, are coded by injury ("Blunt object"), never as a police.uk crime type
    with duckdb.connect(str(partner_warehouse), read_only=True) as con:
        linked = {s for (s,) in con.sql(
            "SELECT DISTINCT i.source FROM person_involvement p JOIN incident i "
            "USING (incident_id) WHERE p.role = 'victim' "
            "AND i.category = 'Violence and sexual offences'").fetchall()}
    assert linked == {"police_crime_extract"} and "ae_assault" in with_people
    victims = next(t for t in partner_document.tables() if t.id == "violence_victim_profile")
    cited = [name for source, name in PARTNER_DATA_NAMES.items() if name in victims.cited_source]
    assert cited == [PARTNER_DATA_NAMES["police_crime_extract"]]


def test_appendix_measures_partner_fields_and_reports_records_left_out(partner_document):
    table = next(t for t in partner_document.tables() if t.id == "record_completeness")
    fields = {(r[0], r[1]) for r in table.rows}
    assert ("council anti-social behaviour case records", "Ethnicity") in fields
    assert ("council anti-social behaviour case records", "Date and time") in fields
    assert all(0 <= r[2] <= 1 for r in table.rows if r[2] is not None)
    texts = [b.text for s in partner_document.all_sections() if s.id == "completeness_of_records"
             for b in s.children if hasattr(b, "text")]
    assert any("police.uk files are loaded whole or not at all" in t for t in texts)
