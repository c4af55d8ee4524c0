"""When partner data put people on a theme's incidents, the profiles use them, not a gap."""

from __future__ import annotations

import shutil

import duckdb

from cspkit.assessment.build import document_from_evidence
from cspkit.assessment.document import SUPPRESSED, DataGap, Table
from cspkit.assessment.evidence import gather
from cspkit.warehouse import connect


def test_loaded_victims_replace_the_victim_data_gap_for_their_theme_only(borough, tmp_path):
    warehouse = tmp_path / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.sql("""
            INSERT INTO person_involvement (incident_id, source, role, person_key, age, sex,
                                            load_id)
            SELECT incident_id, source, 'victim', 'key' || row_number() OVER (), 30,
                   CASE WHEN row_number() OVER () % 3 = 0 THEN 'M' ELSE 'F' END, 999
            FROM (SELECT incident_id, source FROM incident
                  WHERE category = 'Shoplifting' AND month = '2025-03' AND lad_code = 'E06900001'
                  ORDER BY incident_id LIMIT 6)""")
    con = connect(warehouse, create=False)
    evidence = gather(con, borough.config)
    con.disconnect()
    people = {item.theme.id: item.people for item in evidence.themes}
    assert set(people["acquisitive_crime"]) == {"victim"}
    assert people["acquisitive_crime"]["victim"].people == 6
    assert people["violence"] == {}
    document = document_from_evidence(evidence)
    sections = {s.id: s for s in document.all_sections()}
    victims = sections["acquisitive_crime_victims"].children
    assert not any(isinstance(b, DataGap) for b in victims)
    assert victims[0].text.startswith("6 victims (distinct people)")
    assert victims[1].text.startswith("Repeat victimisation: none of the 6 victims with a "
                                      "person key appears in more than one incident")
    profile = next(b for b in victims if isinstance(b, Table)).frame()
    sex = profile[profile["dimension"] == "Sex"].set_index("value")
    # four women and two men: both below the suppression threshold of 5, so withheld
    assert sex.loc["F", "people"] == sex.loc["M", "people"] == SUPPRESSED
    assert sex.loc["Not recorded", "people"] == 0
    ages = profile[profile["dimension"] == "Age band"].set_index("value")
    assert ages.loc["25-34", "people"] == 6 and ages.loc["25-34", "share"] == 1.0
    # the offender data it lacks were set out under violence, the theme before it
    offenders = sections["acquisitive_crime_offenders"].children
    assert offenders[0].text.startswith("No offender data are available for this theme")
    assert "under Violence including domestic abuse and robbery" in offenders[0].text
    # police.uk rows carry no time of day, so the partner timing says so instead of a chart
    location = [getattr(b, "text", "") for b in sections["acquisitive_crime_location"].children]
    assert "The partner data for this theme record no times of day." in location
    assert any(isinstance(b, DataGap) for b in sections["violence_victims"].children)


def test_council_asb_callers_fill_the_caller_profile_whatever_their_category(
        borough, tmp_path):
    warehouse = tmp_path / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        lsoa = con.sql("SELECT min(lsoa_code) FROM area WHERE lad_code = 'E06900001'"
                       ).fetchone()[0]
        # Twelve council cases, one a month, in the council's own categories, reported by
        # seven residents; and a thirteenth case before the period (not counted).
        con.sql(f"""
            INSERT INTO incident (incident_id, source, month, category, lsoa_code, ward_code,
                                  lad_code, load_id)
            SELECT 'case' || i, 'council_asb', '2025-' || lpad(CAST(1 + i AS VARCHAR), 2, '0'),
                   CASE WHEN i % 2 = 0 THEN 'Noise' ELSE 'Youth disorder' END,
                   '{lsoa}', a.ward_code, 'E06900001', 998
            FROM range(13) t(i), (SELECT ward_code FROM area WHERE lsoa_code = '{lsoa}') a""")
        con.sql("UPDATE incident SET month = '2023-05' WHERE incident_id = 'case12'")
        con.sql("""
            INSERT INTO person_involvement (incident_id, source, role, person_key, age, sex,
                                            load_id)
            SELECT 'case' || i, 'council_asb', 'caller', 'caller' || (i % 7), 40, 'F', 998
            FROM range(13) t(i)""")
    con = connect(warehouse, create=False)
    evidence = gather(con, borough.config)
    con.disconnect()
    people = {item.theme.id: item.people for item in evidence.themes}
    assert set(people["anti_social_behaviour"]) == {"caller"}
    profile = people["anti_social_behaviour"]["caller"]
    assert not hasattr(profile, "reason"), getattr(profile, "reason", "")
    assert profile.people == 7
    document = document_from_evidence(evidence)
    sections = {s.id: s for s in document.all_sections()}
    assert "anti_social_behaviour_victims" not in sections
    callers = sections["anti_social_behaviour_callers"]
    assert callers.title == "Caller profile"
    assert not any(isinstance(b, DataGap) for b in callers.children)
    assert callers.children[0].text.startswith("7 callers (distinct people)")
    # callers 0-4 reported two cases each, callers 5 and 6 one: the two would be withheld,
    # and with them the five, which would give the two away from the seven
    assert callers.children[1].text == (
        "Repeat callers: the number of callers in more than one incident of this theme in "
        "the strategic period is withheld, as it would reveal a small number.")
    # the council's cases cover every month of 2025, so the perpetrator profile's data have
    # arrived: no gap, though these cases name no perpetrator
    perpetrators = sections["anti_social_behaviour_offenders"]
    assert perpetrators.title == "Perpetrator profile"
    assert [b.text for b in perpetrators.children] == [
        "The partner data loaded record no perpetrators for this theme's incidents in the "
        "strategic period."]


def test_a_repeat_count_is_not_given_of_a_total_whose_remainder_is_small(borough, tmp_path):
    # 21 shoplifting victims: 18 keyed victims in two incidents each, 2 keyed victims in one
    # and one victim without a key. "18 of the 20 victims with a person key" would give the
    # two away, and the total of 21 the one without a key.
    warehouse = tmp_path / "kv.duckdb"
    shutil.copy(borough.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.sql("""
            WITH shop AS (
                SELECT incident_id, source, row_number() OVER (ORDER BY incident_id) AS n
                FROM incident
                WHERE category = 'Shoplifting' AND month BETWEEN '2025-01' AND '2025-12'
                  AND lad_code = 'E06900001')
            INSERT INTO person_involvement (incident_id, source, role, person_key, age, sex,
                                            load_id)
            SELECT incident_id, source, 'victim',
                   CASE WHEN n <= 36 THEN 'repeat' || ((n - 1) // 2)
                        WHEN n <= 38 THEN 'once' || n END, 40, 'F', 999
            FROM shop WHERE n <= 39""")
    con = connect(warehouse, create=False)
    evidence = gather(con, borough.config)
    con.disconnect()
    sections = {s.id: s for s in document_from_evidence(evidence).all_sections()}
    victims = sections["acquisitive_crime_victims"].children
    assert victims[0].text.startswith("21 victims (distinct people)")
    assert victims[1].text == (
        "Repeat victimisation: 18 victims appear in more than one incident of this theme in "
        "the strategic period; how many appear once or have no person key is withheld, as it "
        "would reveal a small number.")
