"""Invented names and codes for the fictional force area.

Every place name here is made up. Codes sit in ranges ONS has never issued (``E019…``,
``E059…``, ``E069…``), so a fictional row can never be mistaken for a real area.
"""

from __future__ import annotations

from dataclasses import dataclass

FORCE_NAME = "Kestrel Vale and Fenmoor Police"
FORCE_SLUG = "kestrel-fenmoor"

LSOA21_CODE_PREFIX = "E019"  # E01900001 …
LSOA11_SPLIT_CODE_PREFIX = "E0191"  # E01910001 …: 2011 LSOAs split in 2021
WARD_CODE_PREFIX = "E059"  # E05900001 …


@dataclass(frozen=True)
class Authority:
    """A fictional local authority district of the force area.

    Attributes
    ----------
    code, name
        LAD code (``E069…``) and name.
    n_lsoa, n_ward
        How many LSOAs and wards the generator draws for it.
    ward_names
        Names for its wards; the first is the ward holding the main town centre.
    """

    code: str
    name: str
    n_lsoa: int
    n_ward: int
    ward_names: tuple[str, ...]


BOROUGH = Authority(
    code="E06900001",
    name="Kestrel Vale",
    n_lsoa=120,
    n_ward=20,
    ward_names=(
        "Kestrel Central",
        "Kestrel Riverside",
        "Hobbs Cross",
        "Curlew Bank",
        "Sorrelby",
        "Otterby",
        "Cinderhill Vale",
        "Linnet Hill",
        "Sedgecombe",
        "Harwick Fold",
        "Coldwater Lane",
        "Wyvern Park",
        "Copperfold, Stoneby and Ashgill",
        "Ravensgill",
        "Mardle Green",
        "Fernsby",
        "Quayside Wharf",
        "Hollins Edge",
        "Stoneacre",
        "Whitlow Bank",
    ),
)

NEIGHBOURS = (
    Authority(
        code="E06900002",
        name="Fenmoor",
        n_lsoa=50,
        n_ward=8,
            ward_names=(
            "Fenmoor Town",
            "Fenmoor Marsh",
            "Reedham Cross",
            "Dykeside",
            "Grebe Water",
            "Cressley",
            "Pipit Lees",
            "Tallow Cross",
        ),
    ),
    Authority(
        code="E06900003",
        name="Brackenholt",
        n_lsoa=40,
        n_ward=7,
            ward_names=(
            "Brackenholt Town",
            "Brackenholt Moor",
            "Gorsey Knoll",
            "Lapwing Hill",
            "Highcote",
            "Nethercote Vale",
            "Dunnock Rise",
        ),
    ),
)

AUTHORITIES = (BOROUGH, *NEIGHBOURS)

STREET_STEMS = (
    "Alder", "Ash", "Aspen", "Badger", "Barley", "Beacon", "Beech", "Birch", "Bishop", "Bramble",
    "Bridge", "Brook", "Buttercup", "Canal", "Castle", "Cedar", "Chapel", "Cherry", "Chestnut",
    "Church", "Clover", "Colliery", "Coronation", "Cotton", "Cross", "Dale", "Deer", "Elm",
    "Farm", "Ferry", "Field", "Forge", "Fox", "Furnace", "Garden", "Glebe", "Hawthorn", "Hazel",
    "Heather", "Heron", "Hill", "Holly", "Ivy", "Jubilee", "Juniper", "Kiln", "Larch", "Laurel",
    "Lilac", "Lime", "Linden", "Maple", "Market", "Meadow", "Mill", "Mulberry", "Navigation",
    "Oak", "Orchard", "Park", "Pine", "Poplar", "Priory", "Quarry", "Railway", "Rectory", "Reed",
    "Rose", "Rowan", "School", "Spinney", "Spring", "Station", "Sycamore", "Tannery", "Thorn",
    "Victoria", "Vicarage", "Walnut", "Water", "Weaver", "Well", "Willow", "Windmill", "Yew",
)

STREET_SUFFIXES = (
    "Road", "Street", "Close", "Avenue", "Lane", "Way", "Crescent", "Grove", "Drive", "Court",
    "Terrace", "Gardens", "Walk", "View",
)

# Named non-street map points as police.uk publishes them ("On or near Supermarket").
COMMERCIAL_POINTS = ("Shopping Area", "Supermarket", "Petrol Station", "Parking Area")
NIGHTLIFE_POINTS = ("Nightclub", "Pedestrian Subway", "Bus/Coach Station")
OPEN_SPACE_POINTS = ("Park/Open Space", "Sports/Recreation Area")
