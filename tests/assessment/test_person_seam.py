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
    assert victims[1].text.startswith("Repeat victimisation: fewer than 5 victims appear")
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


def test_council_asb_callers_fill_the_asb_victim_profile_whatever_their_category(
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
    assert set(people["anti_social_behaviour"]) == {"victim"}
    profile = people["anti_social_behaviour"]["victim"]
    assert not hasattr(profile, "reason"), getattr(profile, "reason", "")
    assert profile.people == 7
    document = document_from_evidence(evidence)
    sections = {s.id: s for s in document.all_sections()}
    victims = sections["anti_social_behaviour_victims"].children
    assert not any(isinstance(b, DataGap) for b in victims)
    assert any(isinstance(b, DataGap)
               for b in sections["anti_social_behaviour_offenders"].children)
