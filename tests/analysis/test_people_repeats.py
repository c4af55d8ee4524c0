"""Victim/offender profiles, repeats, first-time entrants and timing on a hand-worked extract.

Testton (E06999001: LSOAs A1 in ward Alpha, A2 and A3 in ward Beta; 4,500 residents) and
Otherby (B1). Eight crimes in Testton, one in Otherby::

    crime  date        time   type      LSOA  location     victim        offender
    CR1    Fri 03 Jan  23:10  violence  A1    High St      v1 31 F WB A1  o1 34
    CR2    Sat 04 Jan  01:30  violence  A1    high  st     v1             o1
    CR7    Fri 10 Jan  -      theft     A1    (none)       (business)     o4 16 (first)
    CR8    Wed 15 Jan  14:00  violence  A2    Park Rd      no key 30 F    no key, male
    CR9    Mon 20 Jan  12:00  theft     B1    Mill St      v1             o2 17 (first)
    CR3    Sat 01 Feb  23:45  theft     A2    Market Pl    v1             o2 17
    CR4    Sun 02 Feb  02:00  violence  A3    Park         v2 45 M -- A3  o1
    CR5    Fri 07 Feb  23:00  theft     A2    Market Pl    v3 17 F AS B1  o3 15 (first)
    CR6    Sat 08 Feb  10:00  theft     A3    Mill Lane    v3             (none)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cspkit.analysis.partner_sources import first_time_entrants
from cspkit.analysis.people import people_profile
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.repeats import repeats
from cspkit.analysis.scope import Scope, resolve_scope
from cspkit.analysis.temporal import temporal_profile
from cspkit.errors import CspError
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from tests.sources.partner.conftest import (  # noqa: F401  (fixture)
    pseudonym,
    warehouse,
    with_keys,
    write_rows,
)
from tests.sources.partner.test_load_partner import POLICE_HEADER, asb_export, asb_row
from tests.warehouse.conftest import A1, A2, A3, B1

TESTTON = "E06999001"
VIOLENCE, THEFT = "Violence against the person", "Theft offences"
PERIOD = StrategicPeriod("2025-01", "2025-02")


def crime(ref, day, time, group, lsoa, location, victim=("", "", "", "", ""),
          offender=("", "", "", "", "")):
    return [ref, day, time, group, "", location, lsoa, "N", "N", "N", *victim, *offender]


def partner_scope(con, period: StrategicPeriod = PERIOD, compare=None) -> Scope:
    """Testton over ``period``, resolved for partner data alone: the partner analyses check
    their own sources, and these warehouses hold no police.uk crime."""
    return resolve_scope(con, areas=TESTTON, period=period, compare=compare, source=None)


V1 = ("v1", "31", "F", "White British", A1)
O1 = ("o1", "34", "M", "White British", A1)
ROWS = [
    crime("CR1", "03/01/2025", "23:10", VIOLENCE, A1, "High St", V1, O1),
    crime("CR2", "04/01/2025", "01:30", VIOLENCE, A1, "high  st", V1, O1),
    crime("CR7", "10/01/2025", "", THEFT, A1, "", offender=("o4", "16", "M", "", A2)),
    crime("CR8", "15/01/2025", "14:00", VIOLENCE, A2, "Park Rd", ("", "30", "F", "", ""),
          ("", "", "M", "", "")),
    crime("CR9", "20/01/2025", "12:00", THEFT, B1, "Mill St", V1,
          ("o2", "17", "M", "", B1)),
    crime("CR3", "01/02/2025", "23:45", THEFT, A2, "Market Pl", V1,
          ("o2", "17", "M", "", B1)),
    crime("CR4", "02/02/2025", "02:00", VIOLENCE, A3, "Park", ("v2", "45", "M", "", A3), O1),
    crime("CR5", "07/02/2025", "23:00", THEFT, A2, "Market Pl",
          ("v3", "17", "F", "Asian or Asian British", B1), ("o3", "15", "F", "", A3)),
    crime("CR6", "08/02/2025", "10:00", THEFT, A3, "Mill Lane",
          ("v3", "17", "F", "Asian or Asian British", B1)),
]


@pytest.fixture
def extract(warehouse, tmp_path: Path):  # noqa: F811
    export = write_rows(tmp_path / "extract.csv", POLICE_HEADER, with_keys(POLICE_HEADER, ROWS))
    load_partner(warehouse, [export], mapping=load_mapping("police_crime_extract"))
    return warehouse


def test_repeat_victims_offenders_and_locations_by_hand(extract):
    result = repeats(extract, partner_scope(extract))
    t = result.table.set_index("unit")
    assert result.residents == 4500
    # Victims v1 (CR1, CR2, CR3), v2 (CR4), v3 (CR5, CR6); CR8's victim has no key.
    assert t.loc["victim", ["units", "incidents", "repeat_units", "incidents_to_repeats",
                            "without_key"]].tolist() == [3, 6, 2, 5, 1]
    assert_allclose(t.loc["victim", ["repeat_share", "repeat_incident_share",
                                     "incidence_per_1000", "prevalence_per_1000",
                                     "concentration"]].astype(float),
                    [2 / 3, 5 / 6, 6 / 4.5, 3 / 4.5, 2.0])
    # Offenders o1 (CR1, CR2, CR4), o2 (CR3), o3 (CR5), o4 (CR7); CR8's has no key.
    assert t.loc["offender", ["units", "incidents", "repeat_units", "incidents_to_repeats",
                              "without_key"]].tolist() == [4, 6, 1, 3, 1]
    assert_allclose(t.loc["offender", ["repeat_share", "prevalence_per_1000",
                                       "concentration"]].astype(float),
                    [0.25, 4 / 4.5, 1.5])
    # Locations: A1 high st (2), A2 market pl (2), A3 park, A3 mill lane, A2 park rd;
    # CR7 has no location text.
    assert t.loc["location", ["units", "incidents", "repeat_units", "incidents_to_repeats",
                              "without_key"]].tolist() == [5, 7, 2, 4, 1]
    assert_allclose(float(t.loc["location", "concentration"]), 1.4)
    assert np.isnan(t.loc["location", "prevalence_per_1000"])


def test_repeat_callers_are_counted_like_repeat_victims(warehouse, tmp_path):  # noqa: F811
    # Five council cases in Testton in January and February: caller c1 reports three, c2
    # one, and one caller has no key; every case names perpetrator p1.
    callers = ["c1", "c1", "c2", "c1", ""]
    rows = []
    for i, caller in enumerate(callers, start=1):
        row = asb_row(f"A{i}", f"{i + 2:02d}/0{1 + i % 2}/2025", "Noise", "ZZ1 1AA")
        row[8] = pseudonym(caller) if caller else ""
        rows.append(row)
    load_partner(warehouse, [asb_export(tmp_path, rows)], mapping=load_mapping("council_asb"))
    scope = partner_scope(warehouse)
    result = repeats(warehouse, scope, sources=("council_asb",), roles=("caller", "offender"))
    t = result.table.set_index("unit")
    assert list(t.index) == ["caller", "offender", "location"]
    assert t.loc["caller", ["units", "incidents", "repeat_units", "incidents_to_repeats",
                            "without_key"]].tolist() == [2, 4, 1, 3, 1]
    assert t.loc["offender", ["units", "incidents", "repeat_units"]].tolist() == [1, 5, 1]


def test_repeat_rate_by_offence_type(extract):
    by = repeats(extract,
                 partner_scope(extract)).by_category
    victims = by[by["unit"] == "victim"].set_index("category")
    # Violence: v1 twice, v2 once. Theft: v1 once (CR3), v3 twice.
    assert victims.loc[VIOLENCE, ["units", "incidents", "repeat_units"]].tolist() == [2, 3, 1]
    assert victims.loc[THEFT, ["units", "incidents", "repeat_units"]].tolist() == [2, 3, 1]
    assert_allclose(victims["repeat_rate"], [0.5, 0.5])


def test_victim_profile_counts_people_and_always_shows_not_recorded(extract):
    profile = people_profile(extract,
                             partner_scope(extract), role="victim")
    assert (profile.people, profile.involvements, profile.keyed) == (4, 7, 6)
    ages = profile.dimension("age_band").set_index("value")["people"]
    assert ages.to_dict() == {"0-9": 0, "10-17": 1, "18-24": 0, "25-34": 2, "35-44": 0,
                              "45-54": 1, "55-64": 0, "65+": 0, "Not recorded": 0}
    sexes = profile.dimension("sex").set_index("value")["people"].to_dict()
    assert sexes == {"female": 3, "male": 1, "Not recorded": 0}
    ethnicity = profile.dimension("ethnicity").set_index("value")
    assert ethnicity["people"].to_dict() == {"Asian or Asian British": 1, "White British": 1,
                                             "Not recorded": 2}
    assert profile.not_recorded["ethnicity"] == 0.5
    wards = profile.home_wards.set_index("ward_name")["people"].to_dict()
    assert wards == {"Alpha": 1, "Beta": 1, "Outside the areas": 1, "Not recorded": 1}


def test_offender_profile_for_a_theme_by_category(extract):
    profile = people_profile(extract,
                             partner_scope(extract), role="offender", categories=[VIOLENCE])
    # o1 (34, male) and CR8's unnamed male offender.
    assert profile.people == 2
    assert profile.dimension("sex").set_index("value")["people"]["male"] == 2
    assert profile.not_recorded["age_band"] == 0.5
    assert "role = offender" in profile.citation.filters


def test_first_time_entrants_are_first_appearances_aged_10_to_17(extract):
    february = StrategicPeriod("2025-02", "2025-02")
    result = first_time_entrants(extract, partner_scope(extract, february, "previous"))
    # February: o3 (15, CR5). January: o4 (16, CR7). o2 first offended in Otherby (CR9).
    assert (result.current, result.previous) == (1, 1)
    assert result.table["first_time_entrants"].tolist() == [1, 1]
    assert result.change == 0.0 and result.p_value == 1.0
    assert result.by_sex.set_index("sex")["count"].to_dict() == {"female": 1}
    assert (result.method, result.history_months) == ("police_extract_proxy", 0)


def test_hour_by_weekday_profile_keeps_untimed_incidents_out_of_the_grid(extract):
    profile = temporal_profile(extract,
                               partner_scope(extract), sources=["police_crime_extract"])
    assert (profile.dated, profile.timed, profile.untimed) == (8, 7, 1)
    days = profile.by_weekday.set_index("weekday_name")["count"].to_dict()
    assert days == {"Monday": 0, "Tuesday": 0, "Wednesday": 1, "Thursday": 0, "Friday": 3,
                    "Saturday": 3, "Sunday": 1}
    grid = profile.table[profile.table["count"] > 0]
    assert sorted(zip(grid.weekday_name, grid.hour, grid["count"], strict=True)) == [
        ("Friday", 23, 2), ("Saturday", 1, 1), ("Saturday", 10, 1), ("Saturday", 23, 1),
        ("Sunday", 2, 1), ("Wednesday", 14, 1)]
    assert len(profile.table) == 168
    assert profile.by_hour.set_index("hour")["count"][23] == 3


def test_a_source_not_loaded_for_the_period_is_an_error(extract):
    with pytest.raises(CspError, match="no police_crime_extract data loaded for 1 month"):
        people_profile(extract, partner_scope(extract, StrategicPeriod("2025-01", "2025-03")),
                       role="victim")


def test_profile_counts_feed_disclosure_control(extract):
    from cspkit.privacy.disclosure import suppress_counts

    profile = people_profile(extract,
                             partner_scope(extract), role="victim")
    sexes = profile.dimension("sex").set_index("value")[["people"]]
    published = suppress_counts(sexes).published("*")
    # 3 women and 1 man are small counts, and so is the total of 4; the zero is shown.
    assert published["people"].tolist() == ["*", "*", "0", "*"]
    assert isinstance(published, pd.DataFrame)
