"""Where the real open data comes from: one declared catalogue of download URLs.

Every URL ``csp fetch`` may download is declared here, with what it holds, its format and the
attribution its licence asks for. ``docs/fetch.md`` describes the same entries and a test
checks that each one is documented.

A URL marked ``uncertain`` was not confirmed against the publisher's own page when the
catalogue was written; the user can override any entry with ``--url``. Every URL can also be
redirected to a mirror (or a test server) with a base URL: ``https://host/path?query`` becomes
``<base>/host/path?query``.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from cspkit.errors import CspError

BASE_URL_ENV = "CSP_FETCH_BASE_URL"

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PSI_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
)
OS_ATTRIBUTION = "Contains OS data © Crown copyright and database right."
# The attribution the ONS asks for on its postcode products (ONSPD, NSPL, postcode lookups).
POSTCODE_ATTRIBUTION = (
    f"{OS_ATTRIBUTION} Contains Royal Mail data © Royal Mail copyright and database right. "
    "Contains GeoPlace data © Local Government Information House Limited copyright and "
    f"database right. {ONS_ATTRIBUTION}"
)

POLICE_ARCHIVE_URL = "https://data.police.uk/data/archive/{archive}.zip"
POLICE_ATTRIBUTION = f"data.police.uk (Home Office). {PSI_ATTRIBUTION}"

_ARCGIS = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
_POSTCODE_ITEM = "80592949bebd4390b2cbe29159a75ef4"  # the February 2025 edition
_GOV_UK_ASSETS = "https://assets.publishing.service.gov.uk"
_IOD2019_ASSETS = f"{_GOV_UK_ASSETS}/government/uploads/system/uploads/attachment_data/file"
_MYE_PATH = (
    "https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/populationandmigration/"
    "populationestimates/datasets/lowersuperoutputareamidyearpopulationestimates/"
    "mid2022revisednov2025tomid2024/sapelsoasyoa20222024.xlsx"
)

Format = Literal["csv", "xlsx", "zip", "arcgis-csv", "arcgis-geojson"]


@dataclass(frozen=True)
class ReferenceSource:
    """One downloadable reference file.

    Attributes
    ----------
    name : str
        Short name used on the command line (``csp fetch reference NAME``).
    title : str
        The publisher's title of the product.
    description : str
        What the file holds and why a partnership needs it.
    url : str
        Download URL. For ``arcgis-*`` formats, an ArcGIS FeatureServer ``query`` endpoint
        that is read page by page.
    format : str
        ``csv``, ``xlsx``, ``zip`` (one member is extracted), ``arcgis-csv`` (feature
        attributes written as CSV) or ``arcgis-geojson`` (features written as GeoJSON).
    filename : str
        Name of the file written to the output folder.
    publisher : str
        Who publishes the data.
    landing_page : str
        The publisher's page for the product, where a changed URL can be found.
    attribution : str
        Attribution text the licence asks for.
    licence : str
        Licence name.
    member : str or None
        For ``zip``: the member to extract, by its path or file name; a glob pattern
        (``*``) matches the editions a publisher names by date.
    uncertain : bool
        True when the URL was not confirmed against the publisher's own page.
    needs_url : bool
        True when ``url`` is a page to find the file on, not the file (a publisher that
        makes every edition a new item): fetched only with an overriding ``--url``, and
        left out when the whole catalogue is fetched.
    """

    name: str
    title: str
    description: str
    url: str
    format: Format
    filename: str
    publisher: str
    landing_page: str
    attribution: str
    licence: str = OGL
    member: str | None = None
    uncertain: bool = False
    needs_url: bool = False


REFERENCE_CATALOGUE: tuple[ReferenceSource, ...] = (
    ReferenceSource(
        name="lsoa21-ward25-lad25",
        title="LSOA (2021) to Electoral Ward (2025) to LAD (2025) Best Fit Lookup in EW (V2)",
        description="Each 2021 LSOA with its best-fit 2025 ward and local authority district.",
        url=f"{_ARCGIS}/LSOA21_WD25_LAD25_EW_LU_v2/FeatureServer/0/query",
        format="arcgis-csv",
        filename="LSOA21_WD25_LAD25_EW_LU_v2.csv",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page=(
            "https://geoportal.statistics.gov.uk/datasets/"
            "ons::lsoa-2021-to-electoral-ward-2025-to-lad-2025-best-fit-lookup-in-ew-v2/about"
        ),
        attribution=ONS_ATTRIBUTION,
    ),
    ReferenceSource(
        name="lsoa11-lsoa21",
        title="LSOA (2011) to LSOA (2021) to LAD (2022) Exact Fit Lookup for EW",
        description=(
            "2011 LSOAs to 2021 LSOAs with the change indicator (U unchanged, S split, "
            "M merged, X complex); police.uk files before June 2023 use 2011 codes."
        ),
        url=f"{_ARCGIS}/LSOA11_LSOA21_LAD22_EW_LU_v5/FeatureServer/0/query",
        format="arcgis-csv",
        filename="LSOA11_LSOA21_LAD22_EW_LU.csv",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/",
        attribution=ONS_ATTRIBUTION,
    ),
    ReferenceSource(
        name="postcode-lsoa21",
        title="Postcode to OA (2021) to LSOA to MSOA to LAD (February 2025) Best Fit Lookup "
        "in the UK",
        description=(
            "Every UK postcode, live and terminated, with its best-fit 2021 output area, LSOA "
            "and MSOA and its local authority: places partner rows that give a postcode."
        ),
        url=f"https://www.arcgis.com/sharing/rest/content/items/{_POSTCODE_ITEM}/data",
        format="zip",
        # Any edition's CSV, so that --url can name a newer edition's zip.
        member="PCD_OA21_LSOA21_MSOA21_LAD_*_UK_LU.csv",
        filename="PCD_OA21_LSOA21_MSOA21_LAD_UK_LU.csv",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page=f"https://geoportal.statistics.gov.uk/datasets/{_POSTCODE_ITEM}/about",
        attribution=POSTCODE_ATTRIBUTION,
        uncertain=True,
    ),
    ReferenceSource(
        name="iod2025-file1",
        title="English Indices of Deprivation 2025: File 1, Index of Multiple Deprivation",
        description="IMD 2025 rank and decile for every 2021 LSOA in England.",
        url=(
            f"{_GOV_UK_ASSETS}/media/691dece32c6b98ecdbc500d5/"
            "File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx"
        ),
        format="xlsx",
        filename="File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
        attribution=PSI_ATTRIBUTION,
    ),
    ReferenceSource(
        name="iod2025-file7",
        title=(
            "English Indices of Deprivation 2025: File 7, all ranks, scores, deciles and "
            "population denominators"
        ),
        description="IMD 2025 and its seven domains: score, rank and decile for every 2021 LSOA.",
        url=(
            f"{_GOV_UK_ASSETS}/media/691ded56d140bbbaa59a2a7d/"
            "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
        ),
        format="csv",
        filename="File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
        attribution=PSI_ATTRIBUTION,
    ),
    ReferenceSource(
        name="iod2019-file1",
        title="English Indices of Deprivation 2019: File 1, Index of Multiple Deprivation",
        description="IMD 2019 rank and decile for every 2011 LSOA in England.",
        url=f"{_IOD2019_ASSETS}/833970/File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx",
        format="xlsx",
        filename="File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        attribution=PSI_ATTRIBUTION,
    ),
    ReferenceSource(
        name="iod2019-file7",
        title=(
            "English Indices of Deprivation 2019: File 7, all scores, ranks, deciles and "
            "population denominators"
        ),
        description="IMD 2019 and its domains: score, rank and decile for every 2011 LSOA.",
        url=(
            f"{_IOD2019_ASSETS}/845345/"
            "File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv"
        ),
        format="csv",
        filename="File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        attribution=PSI_ATTRIBUTION,
    ),
    ReferenceSource(
        name="census2021-ts001",
        title="Census 2021 TS001: number of usual residents in households and communal "
        "establishments",
        description="Usual resident population of every 2021 LSOA on Census day 2021.",
        url="https://www.nomisweb.co.uk/output/census/2021/census2021-ts001.zip",
        format="zip",
        member="census2021-ts001-lsoa.csv",
        filename="census2021-ts001-lsoa.csv",
        publisher="Office for National Statistics (Nomis bulk download)",
        landing_page="https://www.nomisweb.co.uk/sources/census_2021_bulk",
        attribution=ONS_ATTRIBUTION,
    ),
    ReferenceSource(
        name="mye-lsoa21-2022-2024",
        title="Lower layer Super Output Area population estimates, mid-2022 (revised) to "
        "mid-2024, single year of age and sex",
        description="Mid-year population of every 2021 LSOA by single year of age and sex.",
        url=_MYE_PATH,
        format="xlsx",
        filename="sapelsoasyoa20222024.xlsx",
        publisher="Office for National Statistics",
        landing_page=(
            "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/"
            "populationestimates/datasets/lowersuperoutputareamidyearpopulationestimates"
        ),
        attribution=ONS_ATTRIBUTION,
    ),
    ReferenceSource(
        name="lsoa21-boundaries",
        title="Lower layer Super Output Areas (December 2021) Boundaries EW BSC (V4)",
        description="2021 LSOA polygons, super generalised (fine for choropleth maps).",
        url=(
            f"{_ARCGIS}/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4/"
            "FeatureServer/0/query"
        ),
        format="arcgis-geojson",
        filename="lsoa21_boundaries_bsc.geojson",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page=(
            "https://geoportal.statistics.gov.uk/datasets/"
            "ons::lower-layer-super-output-areas-december-2021-boundaries-ew-bsc-v4/about"
        ),
        attribution=f"{ONS_ATTRIBUTION} {OS_ATTRIBUTION}",
    ),
    ReferenceSource(
        name="ward25-boundaries",
        title="Wards (May 2025) Boundaries UK BGC",
        description="May 2025 electoral ward polygons, generalised (fine for maps).",
        url=f"{_ARCGIS}/Wards_May_2025_Boundaries_UK_BGC/FeatureServer/0/query",
        format="arcgis-geojson",
        filename="wards25_boundaries_bgc.geojson",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/",
        attribution=f"{ONS_ATTRIBUTION} {OS_ATTRIBUTION}",
        uncertain=True,
    ),
    ReferenceSource(
        name="sam-lad",
        title="Standard Area Measurements (latest December edition) for Administrative Areas "
        "in the UK: local authority districts",
        description=(
            "Land area (AREALHECT, hectares) of every local authority district: population "
            "density for most similar groups (`csp national rank`)."
        ),
        # The release is a zip of one CSV per geography; the item changes every edition, so
        # the URL is the portal's search for the product: take the newest zip's URL from it
        # and give it with --url.
        url="https://geoportal.statistics.gov.uk/search?q=PRD_SAM",
        format="zip",
        member="SAM_LAD_*_UK.csv",
        filename="SAM_LAD_UK.csv",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/search?q=PRD_SAM",
        attribution=ONS_ATTRIBUTION,
        uncertain=True,
        needs_url=True,
    ),
)


def reference_source(name: str) -> ReferenceSource:
    """Return the catalogue entry called ``name``.

    Raises
    ------
    CspError
        When no entry has that name; the message lists the closest names.
    """
    for source in REFERENCE_CATALOGUE:
        if source.name == name:
            return source
    names = [source.name for source in REFERENCE_CATALOGUE]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"Did you mean {', '.join(close)}?" if close else f"Known names: {', '.join(names)}"
    raise CspError(
        f"no reference data set called '{name}'",
        hint=f"{hint} ('csp fetch list' shows the catalogue)",
    )


def police_archive_url(archive: str) -> str:
    """URL of a data.police.uk monthly archive (``YYYY-MM`` or ``latest``)."""
    return POLICE_ARCHIVE_URL.format(archive=archive)


def resolve_base_url(base_url: str | None) -> str | None:
    """The base URL in force: the argument, else ``$CSP_FETCH_BASE_URL``, else none."""
    return base_url or os.environ.get(BASE_URL_ENV) or None


def redirect_url(url: str, base_url: str | None) -> str:
    """Rewrite ``https://host/path?query`` to ``<base_url>/host/path?query``.

    Examples
    --------
    >>> redirect_url("https://data.police.uk/data/archive/latest.zip", "http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/data.police.uk/data/archive/latest.zip'
    >>> redirect_url("https://example.org/a.csv", None)
    'https://example.org/a.csv'
    """
    if not base_url:
        return url
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url.rstrip('/')}/{parts.netloc}{parts.path}{query}"
