"""Forces and data sets as a reader names them, for the sources under tables and Appendix A.

police.uk names a force by a slug (``cleveland``, ``avon-and-somerset``); the warehouse names
each kind of file it loads (``police_street``, ``partner_council_asb``). A board paper says
"Cleveland Police" and "police.uk street-level crime and anti-social behaviour".
"""

from __future__ import annotations

FORCE_NAMES: dict[str, str] = {
    "avon-and-somerset": "Avon and Somerset Constabulary",
    "bedfordshire": "Bedfordshire Police",
    "btp": "British Transport Police",
    "cambridgeshire": "Cambridgeshire Constabulary",
    "cheshire": "Cheshire Constabulary",
    "city-of-london": "City of London Police",
    "cleveland": "Cleveland Police",
    "cumbria": "Cumbria Constabulary",
    "derbyshire": "Derbyshire Constabulary",
    "devon-and-cornwall": "Devon and Cornwall Police",
    "dorset": "Dorset Police",
    "durham": "Durham Constabulary",
    "dyfed-powys": "Dyfed-Powys Police",
    "essex": "Essex Police",
    "gloucestershire": "Gloucestershire Constabulary",
    "greater-manchester": "Greater Manchester Police",
    "gwent": "Gwent Police",
    "hampshire": "Hampshire and Isle of Wight Constabulary",
    "hertfordshire": "Hertfordshire Constabulary",
    "humberside": "Humberside Police",
    "kent": "Kent Police",
    "lancashire": "Lancashire Constabulary",
    "leicestershire": "Leicestershire Police",
    "lincolnshire": "Lincolnshire Police",
    "merseyside": "Merseyside Police",
    "metropolitan": "Metropolitan Police Service",
    "norfolk": "Norfolk Constabulary",
    "north-wales": "North Wales Police",
    "north-yorkshire": "North Yorkshire Police",
    "northamptonshire": "Northamptonshire Police",
    "northern-ireland": "Police Service of Northern Ireland",
    "northumbria": "Northumbria Police",
    "nottinghamshire": "Nottinghamshire Police",
    "south-wales": "South Wales Police",
    "south-yorkshire": "South Yorkshire Police",
    "staffordshire": "Staffordshire Police",
    "suffolk": "Suffolk Constabulary",
    "surrey": "Surrey Police",
    "sussex": "Sussex Police",
    "thames-valley": "Thames Valley Police",
    "warwickshire": "Warwickshire Police",
    "west-mercia": "West Mercia Police",
    "west-midlands": "West Midlands Police",
    "west-yorkshire": "West Yorkshire Police",
    "wiltshire": "Wiltshire Police",
}
"""police.uk force identifiers and the forces' own names."""

DATA_SET_NAMES: dict[str, str] = {
    "police_street": "police.uk street-level crime and anti-social behaviour",
    "police_outcomes": "police.uk outcomes",
    "police_stop_search": "police.uk stop and search",
    "ons_lsoa_ward_lad_lookup": "ONS LSOA to ward to local authority lookup",
    "ons_lsoa11_lsoa21_lookup": "ONS LSOA 2011 to LSOA 2021 lookup",
    "ons_postcode_lookup": "ONS postcode to LSOA lookup",
    "census2021_residents": "Census 2021 usual residents (ONS)",
    "census2021_ts001": "Census 2021 usual residents (ONS, TS001)",
    "mid_year_population_single_year": "ONS mid-year population estimates by single year of age",
    "mid_year_population_sex_age": "ONS mid-year population estimates by sex and age",
    "deprivation_iod2025": "English Indices of Deprivation 2025 (MHCLG)",
    "deprivation_iod2019": "English Indices of Deprivation 2019 (MHCLG)",
    "boundary_lsoa21": "ONS LSOA 2021 boundaries",
    "boundary_lsoa11": "ONS LSOA 2011 boundaries",
    "boundary_ward": "ONS ward boundaries",
    "boundary_lad": "ONS local authority boundaries",
    "published_force_counts": "police.uk recorded crime counts for every force",
    "published_lad_counts": "police.uk recorded crime counts for every local authority",
    "published_counts_inventory": "police.uk published counts: months each force published",
}
"""Warehouse file kinds (``load_ledger.kind``) and what a reader calls the data."""

PARTNER_DATA_NAMES: dict[str, str] = {
    "council_asb": "council anti-social behaviour case records",
    "fire": "fire and rescue service incident records",
    "ae_assault": "A&E assault attendances (information sharing to tackle violence)",
    "police_crime_extract": "police crime extract with pseudonymised people",
    "yos_fte": "youth justice service first-time entrants",
}
"""Partner sources (a mapping's ``source``) and what a reader calls them."""


POLICE_SOURCE_NAMES: dict[str, str] = {
    "police_crime": "police.uk recorded crime",
    "police_asb": "police.uk anti-social behaviour",
}
"""police.uk sources (``incident.source``) and what a reader calls them."""


def source_name(source: str) -> str:
    """What a reader calls the records of a source (``incident.source``).

    >>> source_name("police_asb"), source_name("fire"), source_name("night_time_economy")
    ('police.uk anti-social behaviour', 'fire and rescue service incident records', \
'partner data: night time economy')
    """
    if source in POLICE_SOURCE_NAMES:
        return POLICE_SOURCE_NAMES[source]
    return PARTNER_DATA_NAMES.get(source, "partner data: " + source.replace("_", " "))


def force_name(force: str) -> str:
    """A police.uk force identifier as the force names itself.

    >>> force_name("cleveland"), force_name("devon-and-cornwall"), force_name("kestrel-fenmoor")
    ('Cleveland Police', 'Devon and Cornwall Police', 'Kestrel Fenmoor Police')
    """
    if force in FORCE_NAMES:
        return FORCE_NAMES[force]
    words = [w if w in ("and", "of") else w.capitalize() for w in force.split("-")]
    return " ".join(words) + " Police"


def data_set_name(kind: str, dataset: str = "") -> str:
    """What a reader calls the data in a file of this kind.

    ``dataset`` (``load_ledger.dataset``) names a partner file's source
    (``partner_council_asb``); a kind nobody named is shown in words, not as an identifier.

    >>> data_set_name("police_street")
    'police.uk street-level crime and anti-social behaviour'
    >>> data_set_name("partner_my_export", "partner_council_asb")
    'council anti-social behaviour case records'
    >>> data_set_name("partner_my_export", "partner_night_time_economy")
    'partner data: night time economy'
    """
    if kind in DATA_SET_NAMES:
        return DATA_SET_NAMES[kind]
    source = dataset.removeprefix("partner_") if dataset.startswith("partner_") else ""
    if source:
        return source_name(source)
    return kind.replace("_", " ")
