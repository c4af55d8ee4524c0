"""The shipped evidence base: every option cited on the toolkit's site, ratings only in the
toolkit's own words and never without the date they were read."""

from __future__ import annotations

from importlib import resources
from urllib.parse import urlsplit

import pytest

from cspkit.analysis.topics import Topic
from cspkit.assessment.config import INCIDENT_CATEGORIES
from cspkit.assessment.interventions import (
    EVERY_TOPIC,
    NOT_VERIFIED,
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
effect = "rating not verified"
evidence_quality = "rating not verified"
summary = "Cameras cut some crime."
checked = ""
url = "https://www.college.police.uk/research/crime-reduction-toolkit"
reference = "A review."
'''


# The toolkit's scales as its pages word them (its effect scale, and the quality of evidence
# of impact), written out here rather than imported, so a word the module lets through that
# the toolkit never uses fails.
EFFECT_WORDS = {"Overall reduction", "Overall reduction, some rises", NOT_VERIFIED}
QUALITY_WORDS = {"Very strong", "Strong", "Moderate", NOT_VERIFIED}


def test_every_shipped_option_is_cited_on_the_toolkit_and_rated_in_its_words():
    base = load_evidence_base()
    assert urlsplit(base.toolkit_url).hostname == "www.college.police.uk"
    assert len(base.interventions) >= 10
    for option in base.interventions:
        address = urlsplit(option.url)
        assert address.scheme == "https", option.id
        assert address.hostname.endswith(".college.police.uk"), option.id
        assert option.reference and option.summary, option.id
        assert set(option.applies_to) <= {*INCIDENT_CATEGORIES, EVERY_TOPIC}, option.id
        assert option.effect in EFFECT_WORDS, option.id
        assert option.evidence_quality in QUALITY_WORDS, option.id
        assert option.checked is not None, option.id  # every page was read or looked for
        if option.url.rstrip("/") == base.toolkit_url:  # no page of its own was found
            assert (option.effect, option.evidence_quality) == (NOT_VERIFIED, NOT_VERIFIED)


def test_the_ratings_read_on_the_toolkit_are_the_ones_recorded():
    """As read on 5 December 2026 (docs/problem-profiles.md lists the pages)."""
    rated = {o.id: (o.effect, o.evidence_quality) for o in load_evidence_base().interventions}
    assert rated["alley_gating"] == ("Overall reduction", "Very strong")
    assert rated["mentoring"] == ("Overall reduction, some rises", "Very strong")
    assert rated["cognitive_behavioural_programmes"] == ("Overall reduction", "Strong")
    assert rated["cctv"] == (NOT_VERIFIED, NOT_VERIFIED)
    assert sum(NOT_VERIFIED not in r for r in rated.values()) == 3


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
    (('effect = "rating not verified"', 'effect = "Overall reduction"'),
     r"intervention 1 \(cctv\): effect given without the date it was read on the toolkit"),
    (('effect = "rating not verified"', 'effect = "Reduced crime"'),
     "effect 'Reduced crime' is not a rating of the toolkit's scale"),
    (('evidence_quality = "rating not verified"', 'evidence_quality = "4 stars"'),
     "evidence_quality '4 stars' is not a rating of the toolkit's scale"),
    (('applies_to = ["Shoplifting"]', 'applies_to = ["Shop theft"]'),
     "applies_to must list police.uk crime types"),
    (("url = \"https://", "url = \"http://"), "url must be an https:// address"),
    (("www.college.police.uk", "www.example.org"), "url must be an https:// address of the "
     "toolkit's page on college.police.uk"),
    (('checked = ""', 'checked = "last May"'), "checked must be a date"),
    (('reference = "A review."\n', ""), "missing reference"),
    (('summary = "Cameras cut some crime."\n', ""), "missing summary"),
])
def test_a_broken_entry_is_refused_naming_it(change, message):
    with pytest.raises(CspError, match=message) as error:
        load_evidence_base(ENTRY.replace(*change))
    assert str(error.value).startswith("interventions.toml: ")


def test_a_rating_with_the_date_it_was_read_is_kept():
    text = ENTRY.replace('effect = "rating not verified"', 'effect = "Overall reduction"'
                         ).replace('checked = ""', 'checked = "2026-01-15"')
    option = load_evidence_base(text).interventions[0]
    assert (option.effect, option.checked.isoformat()) == ("Overall reduction", "2026-01-15")


def test_the_shipped_file_explains_its_rules():
    assert "never filled in from memory" in SHIPPED.replace("\n# ", " ")
