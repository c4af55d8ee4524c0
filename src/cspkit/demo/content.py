"""The fictional Kestrel Vale partnership of the demo's plan tracker. Every name is invented.

Update dates are given in days before the demo is created (those of the previous plan's
register in days after that plan started), due dates in days after the current plan
starts, so the demo always looks current: some updates are recent, some actions overdue.
"""

from __future__ import annotations

from cspkit.tracker.models import Agency, Role
from cspkit.tracker.status import RagStatus as S

PARTNERSHIP = "Kestrel Vale Community Safety Partnership"
AREA = "Borough of Kestrel Vale"

# key, name, short name, kind
AGENCIES = [
    ("police", "Kestrel Vale Police", "Police", Agency.Kind.POLICE),
    ("council", "Kestrel Vale Borough Council", "Council", Agency.Kind.COUNCIL),
    ("fire", "Kestrel and Wold Fire and Rescue Service", "Fire", Agency.Kind.FIRE),
    ("health", "Kestrel Vale Hospitals NHS Trust", "Health", Agency.Kind.HEALTH),
    ("probation", "Probation Service, Kestrel Vale", "Probation", Agency.Kind.PROBATION),
    ("youth", "Kestrel Vale Youth Justice Service", "YJS", Agency.Kind.YOUTH_JUSTICE),
    ("recovery", "Harbourlight Recovery Service", "Harbourlight", Agency.Kind.SUBSTANCE_MISUSE),
]

# username, agency key, full name, job title, initials, role
PEOPLE = [
    ("admin", "council", "Priya Okafor", "Community Safety Manager", "PO", Role.ADMINISTRATOR),
    ("lead.police", "police", "Tom Hartley", "Chief Inspector, Neighbourhoods", "TH", Role.LEAD),
    ("lead.council", "council", "Sian Whitfield", "ASB Team Leader", "SW", Role.LEAD),
    ("lead.fire", "fire", "Gareth Moss", "Station Manager, Prevention", "GM", Role.LEAD),
    ("lead.health", "health", "Amina Rahman", "Violence Prevention Lead", "AR", Role.LEAD),
    ("lead.probation", "probation", "Colin Ashby", "Offender Management Lead", "CA", Role.LEAD),
    ("lead.youth", "youth", "Lauren Price", "Youth Justice Service Manager", "LP", Role.LEAD),
    ("lead.recovery", "recovery", "Marcus Bell", "Recovery Service Manager", "MB", Role.LEAD),
    ("member", "council", "Helen Carver", "Partnership board member", "HC", Role.MEMBER),
]

# theme number, title, thematic lead username, actions:
#   (lead usernames, text, measure, due offset days, sub-actions, updates)
#   updates: (days ago, author username, status, text), oldest first
THEMES = [
    (1, "Anti-social behaviour", "lead.police", [
        (["lead.police"], "Target patrols and problem-solving at the five wards with the "
         "most anti-social behaviour reports.",
         "Reports in the five wards down 5% on last year", 300,
         [("a", "Share a monthly hot-spot briefing with neighbourhood teams"),
          ("b", "Register each ward as a problem-solving project at the area tasking group")],
         [(120, "lead.police", S.GREEN, "Monthly briefings started; first two "
           "problem-solving projects opened in Riverside and Millfield."),
          (30, "lead.police", S.AMBER, "Two of five projects running; staff moves delayed "
           "the other three by three months.")]),
        (["lead.council"], "Set up a multi-agency register of repeat and vulnerable callers "
         "so that each gets a named case worker.",
         "All callers with three or more reports in 12 months reviewed", 240,
         [("a", "Agree the risk assessment form with police and housing")],
         [(100, "lead.council", S.GREEN, "Form agreed; register live on the council case "
           "system with 34 callers.")]),
        (["lead.council"], "Offer mediation for neighbour disputes before enforcement.",
         "Mediation offered in every neighbour dispute case", 330, [], []),
        (["lead.youth"], "Reduce the number of young people entering the justice system for "
         "the first time through early diversion.",
         "First-time entrants below last year's count", 365,
         [("a", "Screen every youth ASB referral for diversion")],
         [(85, "lead.youth", S.GREEN, "Diversion screening in place for all referrals.")]),
    ]),
    (2, "Alcohol-related crime and disorder", "lead.recovery", [
        (["lead.recovery"], "Refresh the alcohol needs assessment and use it to update the "
         "alcohol strategy.", "Needs assessment presented to the board", 180,
         [("a", "Include hospital admissions and licensing data")],
         [(110, "lead.recovery", S.AMBER, "Data requests sent; hospital admissions extract "
           "still awaited.")]),
        (["lead.council", "lead.police"], "Run a licensing and enforcement group that meets "
         "every six weeks and uses police, council and hospital data.",
         "Eight meetings held; licence reviews informed by A&E data", 365,
         [("a", "Monitor dispersal directions in the town centre"),
          ("b", "Use emergency department data to inform licence reviews")],
         [(115, "lead.council", S.GREEN, "Group has met twice; terms of reference agreed.")]),
        (["lead.recovery"], "Give brief alcohol advice to everyone referred by the ASB team "
         "for alcohol-related incidents.", "Referrals and take-up reported quarterly", 365,
         [], [(60, "lead.recovery", S.RED, "Referral route not yet agreed with the ASB "
               "team; escalated to the board.")]),
    ]),
    (3, "Violence, including domestic abuse", "lead.health", [
        (["lead.health"], "Share anonymised emergency department assault data monthly with "
         "the police and the community safety team.",
         "Monthly data received with location of assault recorded", 150,
         [("a", "Add 'where did it happen' to triage screens"),
          ("b", "Check completeness each quarter")],
         [(130, "lead.health", S.GREEN, "Triage question added; first extract shared."),
          (40, "lead.health", S.GREEN, "Location completed in 71% of assault attendances.")]),
        (["admin"], "Extend integrated offender management to the most harmful domestic "
         "abuse perpetrators.", "Cohort of ten perpetrators managed jointly", 365,
         [("a", "Agree selection criteria with probation and police"),
          ("b", "Increase completions of the perpetrator programme")],
         [(70, "admin", S.AMBER, "Criteria agreed; cohort selection delayed by vacancies "
           "in the probation team.")]),
        (["admin"], "Keep the sanctuary scheme so victims can stay safely in their homes.",
         "Every eligible referral offered target hardening within 10 days", 365, [],
         [(100, "admin", S.COMPLETE, "Funding confirmed for the year; scheme running.")]),
    ]),
    (4, "Drug-related offending", "lead.police", [
        (["lead.police"], "Carry out at least six drug-supply operations guided by the "
         "reducing supply group.", "Six operations completed", 365,
         [("a", "Choose locations from community intelligence")],
         [(80, "lead.police", S.GREEN, "Two operations completed; 14 arrests.")]),
        (["lead.recovery"], "Improve the move from young people's to adult treatment "
         "services so fewer people drop out.", "Drop-out at transition halved", 270, [], []),
        (["lead.recovery"], "Increase the number of women in treatment with a women-only "
         "session and childcare.", "Women in treatment up 10%", 365, [],
         [(90, "lead.recovery", S.GREEN, "Women-only session now running weekly.")]),
    ]),
    (5, "Criminal damage and deliberate fires", "lead.fire", [
        (["lead.fire"], "Deliver fire-setting and criminal damage sessions in schools in "
         "hot-spot areas.", "Twenty schools visited", 300,
         [("a", "Select schools from the damage and fire hot-spot map")],
         [(105, "lead.fire", S.GREEN, "Nine schools visited last term.")]),
        (["lead.fire", "lead.council"], "Remove fly-tipped waste quickly where deliberate "
         "fires cluster.", "Waste removed within 48 hours in target areas", 200, [],
         [(65, "lead.fire", S.AMBER, "Removal time averages 72 hours; new contract "
           "terms under discussion.")]),
        (["lead.police"], "Visit repeat victims of criminal damage and fix what puts them "
         "at risk.", "Every repeat victim visited within 14 days", 365, [], []),
    ]),
    (6, "Reducing reoffending", "lead.probation", [
        (["lead.probation"], "Keep intensive support and enforcement for the cohort of "
         "prolific offenders.", "Cohort reoffending down on its baseline", 365,
         [("a", "Review the cohort every quarter"),
          ("b", "Secure funding for the team beyond March")],
         [(125, "lead.probation", S.GREEN, "Cohort of 42 agreed; quarterly review booked."),
          (35, "lead.probation", S.AMBER, "Funding for next year not yet confirmed.")]),
        (["lead.probation"], "Offer brief intervention and referral to everyone arrested for "
         "shop theft while drunk.", "Take-up of referrals reported quarterly", 365, [], []),
        (["lead.youth"], "Support young people moving from youth to adult services so "
         "that supervision continues.", "Every transition has a joint meeting", 300, [],
         [(75, "lead.youth", S.GREEN, "Joint transition meetings held for all six cases.")]),
    ]),
]

SOURCE = "Partnership Strategic Assessment {year}"

# reference, section, theme number, agency keys, text, updates (days ago, author, status, text)
RECOMMENDATIONS = [
    ("R1", "Alcohol", 2, ["recovery", "council"], "Find out why women, young people and "
     "minority ethnic residents are under-represented in treatment, and whether outreach "
     "would help.", [(100, "lead.recovery", S.AMBER, "Survey of people who left treatment "
                          "early is under way.")]),
    ("R2", "Violence", 3, ["health"], "Use emergency department data to check whether "
     "assaults on men are under-reported to the police.", []),
    ("R3", "Reoffending", 6, ["probation", "police"], "Study first-time offenders to learn "
     "what support would prevent a second offence.", [(70, "lead.probation", S.GREEN,
                                                       "University partner agreed.")]),
    ("R4", "Partnership", None, ["council"], "Review every target of the plan and reset "
     "those that no longer fit.", [(130, "admin", S.COMPLETE, "Targets reset and approved.")]),
    ("R5", "Anti-social behaviour", 1, ["police", "council"], "Commission a problem "
     "profile of anti-social behaviour in the town centre.", []),
    ("R6", "Domestic abuse", 3, ["police", "health"], "Set up a task group on repeat "
     "victims of domestic abuse.", [(50, "lead.police", S.RED, "No chair found yet.")]),
]

PREVIOUS_RECOMMENDATIONS = [
    ("R1", "Drugs", None, ["recovery"], "Agree a data-sharing route for treatment data so "
     "the next assessment can include it.", [(200, "lead.recovery", S.AMBER, "Agreement "
                                              "drafted; legal review pending.")]),
    ("R2", "Criminal damage", None, ["police"], "Improve the coding of how criminal damage "
     "was done so patterns can be analysed.", [(150, "lead.police", S.COMPLETE, "New "
                                               "closing codes in use.")]),
]

# reference, agency keys, data gap, action, (completeness measure, target %) or "",
# updates
DATA_REQUIREMENTS = [
    ("D1", ["police"], "Victim ethnicity is often missing from crime records, so "
     "over-representation cannot be measured.", "Remind staff of the recording standard "
     "and report completeness quarterly.", ("police_crime_extract.ethnicity", 90),
     [(90, "lead.police", S.AMBER, "Completeness up from 58% to 66%.")]),
    ("D2", ["health"], "Emergency department records lack the location of assaults.",
     "Add a location question at triage.", ("ae_assault.lsoa", 80),
     [(115, "lead.health", S.GREEN, "Question live at triage.")]),
    ("D3", ["council"], "The ASB case system does not record the age of the person "
     "reporting.", "Add an age band with a 'not given' option.", "",
     [(60, "lead.council", S.COMPLETE, "Field added and in use.")]),
    ("D4", ["probation", "police"], "Reoffending cannot be linked to treatment without a "
     "shared pseudonymous key.", "Agree a keyed-hash method with both data controllers.",
     "", []),
    ("D5", ["youth"], "Youth justice outcomes arrive as yearly totals only.",
     "Request quarterly, ward-level extracts.", "", [(80, "lead.youth", S.RED,
                                                      "Extract refused pending a data "
                                                      "sharing agreement.")]),
]

# Measures counted from the demo borough's warehouse (the whole borough):
#   (theme number, action number or None for the theme's own, name, categories, aim, target %)
MEASURES = [
    (1, None, "Anti-social behaviour in Kestrel Vale", ["Anti-social behaviour"], "reduce", 5),
    (3, 1, "Violence and sexual offences", ["Violence and sexual offences"], "reduce", 3),
    (4, 1, "Drug offences found", ["Drugs"], "increase", 10),
    (5, 1, "Criminal damage and arson", ["Criminal damage and arson"], "reduce", 5),
]
