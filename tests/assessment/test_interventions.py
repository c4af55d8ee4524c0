"""The shipped evidence base: every option cited, no rating without the date it was copied."""

from __future__ import annotations

from importlib import resources

import pytest

from cspkit.analysis.topics import Topic
from cspkit.assessment.config import INCIDENT_CATEGORIES
from cspkit.assessment.interventions import (
    EVERY_TOPIC,
    SEE_TOOLKIT,
    load_evidence_base,
    topic_category,
)
from cspkit.errors import CspError

SHIPPED = resources.files("cspkit.assessment").joinpath("interventions.toml").read_text("utf-8")
ENTRY = '''
[[intervention]]
id = "cctv"
name = "CCTV"
what = "Cameras."
applies_to = ["Shoplifting"]
effect = "see the toolkit"
evidence_quality = "see the toolkit"
checked = ""
url = "https://www.college.police.uk/research/crime-reduction-toolkit"
reference = "A review."
'''


def test_every_shipped_option_is_cited_and_rated_only_as_published():
    base = load_evidence_base()
    assert base.toolkit_url.startswith("https://www.college.police.uk/")
    assert len(base.interventions) >= 10
    for option in base.interventions:
        assert option.url.startswith("https://") and option.reference, option.id
        assert set(option.applies_to) <= {*INCIDENT_CATEGORIES, EVERY_TOPIC}, option.id
        if option.checked is None:
            assert (option.effect, option.evidence_quality) == (SEE_TOOLKIT, SEE_TOOLKIT)


def test_the_brief_s_interventions_are_offered_where_they_belong():
    base = load_evidence_base()
    names = {o.id for o in base.interventions}
    assert {"cctv", "street_lighting", "alley_gating", "neighbourhood_watch",
            "hot_spots_policing", "problem_oriented_policing",
            "shoplifting_situational"} <= names
    burglary = {o.id for o in base.options_for("Burglary")}
    assert {"alley_gating", "neighbourhood_watch", "problem_oriented_policing"} <= burglary
    assert "shoplifting_situational" not in burglary
    assert {o.id for o in base.options_for(None)} == {"problem_oriented_policing",
                                                     "hot_spots_policing"}


def test_a_partner_topic_is_offered_its_crime_type_s_options():
    fires = Topic("Fire and rescue incidents", "partner", "fire", None)
    assert topic_category(fires) == "Criminal damage and arson"
    extract = Topic("Crimes in the police extract", "partner", "police_crime_extract", None)
    assert topic_category(extract) is None


@pytest.mark.parametrize(("change", "message"), [
    (('effect = "see the toolkit"', 'effect = "Reduced crime"'),
     r"intervention 1 \(cctv\): effect given without the date it was copied from the toolkit"),
    (('applies_to = ["Shoplifting"]', 'applies_to = ["Shop theft"]'),
     "applies_to must list police.uk crime types"),
    (("url = \"https://", "url = \"http://"), "url must be an https:// address"),
    (('checked = ""', 'checked = "last May"'), "checked must be a date"),
    (('reference = "A review."\n', ""), "missing reference"),
])
def test_a_broken_entry_is_refused_naming_it(change, message):
    with pytest.raises(CspError, match=message) as error:
        load_evidence_base(ENTRY.replace(*change))
    assert str(error.value).startswith("interventions.toml: ")


def test_a_rating_with_the_date_it_was_copied_is_kept():
    text = ENTRY.replace('effect = "see the toolkit"', 'effect = "Reduced crime"').replace(
        'checked = ""', 'checked = "2026-01-15"')
    option = load_evidence_base(text).interventions[0]
    assert (option.effect, option.checked.isoformat()) == ("Reduced crime", "2026-01-15")


def test_the_shipped_file_explains_its_rules():
    assert "never filled in from memory" in SHIPPED.replace("\n# ", " ")
