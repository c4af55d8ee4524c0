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
effect = "Overall reduction"
evidence_quality = "Strong"
summary = "Cameras cut some crime."
checked = "2026-01-15"
url = "https://www.college.police.uk/research/crime-reduction-toolkit/cctv"
reference = "A review."
'''
EARLIER = ENTRY.replace("https://www.college.police.uk/research/crime-reduction-toolkit/cctv",
                        "https://whatworks.college.police.uk/toolkit/Pages/Intervention.aspx"
                        "?InterventionID=1").replace('effect = "Overall reduction"',
                                                      'effect = "Can reduce crime"'
                                                      ).replace('evidence_quality = "Strong"',
                                                                'evidence_quality = '
                                                                '"Evidence quality 3"')


# The toolkit's scales as its pages word them, written out here rather than imported, so a
# word the module lets through that the toolkit never uses fails: the current pages' effect
# scale and quality of evidence (of impact), the earlier pages' effect-statement verdicts and
# count of evidence-quality icons.
CURRENT = ({"Overall reduction", "Overall reduction, some rises"},
           {"Very strong", "Strong", "Moderate", "Low", "No information"})
EARLIER_PAGES = ({"Has reduced crime", "Can reduce crime"},
                 {"Evidence quality 0", "Evidence quality 1", "Evidence quality 2",
                  "Evidence quality 3", "Evidence quality 4"})


def test_every_shipped_option_is_rated_as_the_toolkit_page_cited_publishes_it():
    base = load_evidence_base()
    assert urlsplit(base.toolkit_url).hostname == "www.college.police.uk"
    assert len(base.interventions) >= 7
    for option in base.interventions:
        address = urlsplit(option.url)
        assert address.scheme == "https", option.id
        assert address.hostname in {"www.college.police.uk",
                                    "whatworks.college.police.uk"}, option.id
        assert address.path not in {"", "/", urlsplit(base.toolkit_url).path}, option.id
        assert option.reference and option.summary, option.id
        assert set(option.applies_to) <= {*INCIDENT_CATEGORIES, EVERY_TOPIC}, option.id
        assert NOT_VERIFIED not in (option.effect, option.evidence_quality), option.id
        effects, qualities = (EARLIER_PAGES if option.evidence_quality.startswith("Evidence")
                              else CURRENT)
        assert option.effect in effects, option.id
        assert option.evidence_quality in qualities, option.id
        assert option.checked is not None, option.id


def test_the_ratings_read_on_the_toolkit_are_the_ones_recorded():
    """As read on 5 December 2026 (docs/problem-profiles.md lists the pages and what they
    say)."""
    rated = {o.id: (o.effect, o.evidence_quality, urlsplit(o.url).hostname)
             for o in load_evidence_base().interventions}
    current, earlier = "www.college.police.uk", "whatworks.college.police.uk"
    assert rated == {
        "alley_gating": ("Overall reduction", "Very strong", current),
        "focused_deterrence": ("Overall reduction", "Very strong", current),
        "mentoring": ("Overall reduction, some rises", "Very strong", current),
        "cognitive_behavioural_programmes": ("Overall reduction", "Strong", current),
        "street_lighting": ("Overall reduction", "Very strong", current),
        # the earlier address now serves the current page, read in its current form
        "neighbourhood_watch": ("Overall reduction", "Strong", earlier),
        "hot_spots_policing": ("Has reduced crime", "Evidence quality 4", earlier),
        "cctv": ("Can reduce crime", "Evidence quality 3", earlier),
    }


def test_the_options_are_offered_where_the_toolkit_s_evidence_lies():
    base = load_evidence_base()
    burglary = {o.id for o in base.options_for("Burglary")}
    assert {"alley_gating", "neighbourhood_watch", "hot_spots_policing", "cctv",
            "street_lighting"} <= burglary
    # the toolkit's CCTV page found no effect on violent crime
    assert "cctv" not in {o.id for o in base.options_for("Violence and sexual offences")}
    assert {o.id for o in base.options_for("Shoplifting")} == {
        "hot_spots_policing", "cctv", "cognitive_behavioural_programmes"}
    assert {o.id for o in base.options_for("Anti-social behaviour")} == {
        "hot_spots_policing", "alley_gating", "mentoring"}
    assert {o.id for o in base.options_for(None)} == {"hot_spots_policing"}
    covered = {c for o in base.interventions for c in o.applies_to}
    assert {"Shoplifting", "Vehicle crime", "Burglary", "Violence and sexual offences",
            "Anti-social behaviour", "Drugs", "Robbery"} <= covered
    assert {o.id for o in base.interventions if o.earlier_page} == {"hot_spots_policing",
                                                                    "cctv"}


def test_a_partner_topic_is_offered_its_crime_type_s_options():
    fires = Topic("Fire and rescue incidents", "partner", "fire", None)
    assert topic_category(fires) == "Criminal damage and arson"
    extract = Topic("Crimes in the police extract", "partner", "police_crime_extract", None)
    assert topic_category(extract) is None


@pytest.mark.parametrize(("text", "change", "message"), [
    (ENTRY, ('effect = "Overall reduction"', 'effect = "rating not verified"'),
     r"intervention 1 \(cctv\): effect not verified"),
    (ENTRY, ('evidence_quality = "Strong"', 'evidence_quality = "rating not verified"'),
     r"intervention 1 \(cctv\): evidence_quality not verified"),
    (ENTRY, ('effect = "Overall reduction"', 'effect = "Reduced crime"'),
     "effect 'Reduced crime' is not a rating of the scale of the toolkit's current pages"),
    (ENTRY, ('evidence_quality = "Strong"', 'evidence_quality = "4 stars"'),
     "evidence_quality '4 stars' is not a rating of the scale of the toolkit's current"),
    # the two ratings in different forms: no page shows them so
    (ENTRY, ('evidence_quality = "Strong"', 'evidence_quality = "Evidence quality 3"'),
     "effect 'Overall reduction' is not a rating of the scale of the toolkit's earlier pages"),
    (EARLIER, ('evidence_quality = "Evidence quality 3"', 'evidence_quality = "Strong"'),
     "evidence_quality 'Strong' is not a rating of the scale of the toolkit's earlier pages"),
    (EARLIER, ('effect = "Can reduce crime"', 'effect = "Overall reduction"'),
     "effect 'Overall reduction' is not a rating of the scale of the toolkit's earlier"),
    (EARLIER, ('"Evidence quality 3"', '"Evidence quality 5"'), "'Evidence quality 5' is not"),
    (ENTRY, ('applies_to = ["Shoplifting"]', 'applies_to = ["Shop theft"]'),
     "applies_to must list police.uk crime types"),
    (ENTRY, ("url = \"https://", "url = \"http://"), "url must be an https:// address"),
    (ENTRY, ("www.college.police.uk", "www.example.org"), "url must be an https:// address "
     "of the toolkit's page on college.police.uk"),
    (ENTRY, ('checked = "2026-01-15"', 'checked = ""'), "checked must be the date the page"),
    (ENTRY, ('checked = "2026-01-15"', 'checked = "last May"'), "checked must be the date"),
    (ENTRY, ('reference = "A review."\n', ""), "missing reference"),
    (ENTRY, ('summary = "Cameras cut some crime."\n', ""), "missing summary"),
    (ENTRY, ('summary = "Cameras cut some crime."', 'summary = " "'), "every field needs"),
])
def test_a_broken_entry_is_refused_naming_it(text, change, message):
    assert change[0] in text
    with pytest.raises(CspError, match=message) as error:
        load_evidence_base(text.replace(*change))
    assert str(error.value).startswith("interventions.toml: ")


def test_a_rating_in_the_form_of_the_page_cited_is_kept():
    current = load_evidence_base(ENTRY).interventions[0]
    assert (current.effect, current.evidence_quality, current.checked.isoformat(),
            current.earlier_page) == ("Overall reduction", "Strong", "2026-01-15", False)
    earlier = load_evidence_base(EARLIER).interventions[0]
    assert (earlier.effect, earlier.evidence_quality, earlier.earlier_page) == (
        "Can reduce crime", "Evidence quality 3", True)


def test_the_shipped_file_explains_its_rules():
    header = SHIPPED.replace("\n# ", " ").replace("\n#", " ")
    assert "never filled in from memory" in header
    assert "A number is never turned into a word here" in header
