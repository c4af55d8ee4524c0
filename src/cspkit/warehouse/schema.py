"""The canonical warehouse tables, declared once.

Every table and column is described here; ``docs/schema.md`` is generated from this module
(``python -m cspkit.warehouse.schema``) and a test fails when the two differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def schema(self) -> ibis.Schema:
        return ibis.schema({c.name: c.dtype for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _table(name: str, description: str, *columns: tuple[str, str, str]) -> Table:
    return Table(name, description, tuple(Column(*c) for c in columns))


LOAD_ID = ("load_id", "int64", "The `load_ledger` row that brought this row in.")

# Where an incident or outcome was placed: published LSOA, harmonised 2021 LSOA, ward, LAD.
_PLACEMENT = (
    ("longitude", "float64", "WGS84 longitude as published (police.uk: snapped to a map point)."),
    ("latitude", "float64", "WGS84 latitude as published."),
    ("lsoa_code_published", "string", "LSOA code exactly as in the source file (2011 or 2021)."),
    ("lsoa_code", "string", "LSOA 2021 code after harmonisation; null when it cannot be placed."),
    (
        "lsoa_assignment",
        "string",
        "How `lsoa_code` was found: published_2021, lsoa11_unchanged, lsoa11_merged, "
        "lsoa11_split_polygon, lsoa11_split_best_fit, lsoa11_complex_best_fit, "
        "coordinates_polygon (no code given: the LSOA polygon holding the point), "
        "no_lsoa (none published) or unknown_lsoa (code in no loaded lookup).",
    ),
    ("ward_code", "string", "Ward of `lsoa_code` (best fit) from the loaded `area` lookup."),
    ("lad_code", "string", "Local authority district of `lsoa_code` from the `area` lookup."),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _table(
            "load_ledger",
            "One row per file loaded. Loads key on the file's sha256, so loading the same file "
            "again changes nothing (a notice, not an error); a newer download of the same months "
            "replaces the older one.",
            ("load_id", "int64", "Sequential id of the load."),
            ("kind", "string", "Recognised file format, e.g. police_street, imd2025."),
            ("dataset", "string", "What the file replaces when reloaded (with `scope`)."),
            ("scope", "string", "Partition the file covers, e.g. cleveland/2024-01."),
            ("version", "string", "Vintage of reference data (e.g. WD25); newer wins."),
            ("file_name", "string", "File name (and archive member) as given."),
            ("file_path", "string", "Full path the file was loaded from."),
            ("sha256", "string", "SHA-256 of the file's bytes (decompressed for .gz)."),
            ("rows", "int64", "Records the file contributed: rows of its main table (a partner "
             "export's incidents, not its people or details)."),
            ("first_month", "string", "Earliest month covered (YYYY-MM), if any."),
            ("last_month", "string", "Latest month covered (YYYY-MM), if any."),
            ("loaded_at", "timestamp", "When the load was committed (UTC)."),
            ("status", "string", "loaded, replaced or partly_replaced (by a newer download), "
             "or superseded."),
            ("replaced_by", "int64", "The load that replaced this one."),
            ("note", "string", "What the loader noticed (e.g. rows re-assigned)."),
        ),
        _table(
            "load_rejection",
            "Rows a loaded file held that were rejected (never loaded), counted by file, month, "
            "column and reason, written in the same transaction as the load. police.uk files "
            "are all or nothing (one unreadable value refuses the file), so only partner "
            "exports have rows here.",
            ("source", "string", "The source the rows would have been, e.g. council_asb."),
            ("month", "string", "Month of the rejected rows, YYYY-MM; null when their date "
             "could not be read."),
            ("column_name", "string", "The column whose value could not be read."),
            ("reason", "string", "Why, e.g. not a date (expected %d/%m/%Y)."),
            ("rows", "int64", "Rows rejected for this file, month, column and reason."),
            LOAD_ID,
        ),
        _table(
            "area",
            "LSOA 2021 → electoral ward → local authority district (best-fit lookup).",
            ("lsoa_code", "string", "LSOA 2021 code."),
            ("lsoa_name", "string", "LSOA 2021 name."),
            ("ward_code", "string", "Electoral ward code."),
            ("ward_name", "string", "Electoral ward name."),
            ("lad_code", "string", "Local authority district code."),
            ("lad_name", "string", "Local authority district name."),
            ("vintage", "string", "Ward pattern of the lookup, e.g. WD25."),
            LOAD_ID,
        ),
        _table(
            "lsoa_change",
            "LSOA 2011 → LSOA 2021 (ONS): U unchanged, S split, M merged, X complex.",
            ("lsoa11_code", "string", "LSOA 2011 code."),
            ("lsoa11_name", "string", "LSOA 2011 name."),
            ("change_code", "string", "U, S, M or X."),
            ("lsoa21_code", "string", "LSOA 2021 code."),
            ("lsoa21_name", "string", "LSOA 2021 name."),
            ("lad_code", "string", "Local authority of the 2021 LSOA, as in the lookup."),
            LOAD_ID,
        ),
        _table(
            "boundary",
            "Polygons for maps and point-in-polygon placement (WGS84, well-known text).",
            ("level", "string", "lsoa21 or ward."),
            ("code", "string", "Area code."),
            ("name", "string", "Area name."),
            ("parent_code", "string", "Ward of an LSOA, LAD of a ward, where the file says."),
            ("geometry_wkt", "string", "Polygon or multipolygon as WKT, lon/lat."),
            LOAD_ID,
        ),
        _table(
            "population",
            "Residents by area, year and age (single years or bands).",
            ("lsoa_code", "string", "LSOA code in the geography of `geography`."),
            ("geography", "string", "lsoa21 or lsoa11."),
            ("year", "int64", "Reference year (2021 for Census 2021, 2020 for mid-2020)."),
            ("age_min", "int64", "Youngest age in the band."),
            ("age_max", "int64", "Oldest age in the band (120 for open-ended)."),
            ("sex", "string", "persons, male or female."),
            ("count", "int64", "Residents."),
            ("source", "string", "census2021 or mid_year_estimate."),
            LOAD_ID,
        ),
        _table(
            "deprivation",
            "English Indices of Deprivation, long format: one row per LSOA, edition and domain.",
            ("lsoa_code", "string", "LSOA code (2021 for IoD2025, 2011 for IoD2019)."),
            ("geography", "string", "lsoa21 or lsoa11."),
            ("edition", "string", "IoD2025 or IoD2019."),
            ("domain", "string", "imd, income, employment, education, health, crime, "
             "housing, environment, a sub-domain, or an indicator name."),
            ("score", "float64", "Score (null where the file gives none)."),
            ("rank", "int64", "Rank, 1 = most deprived."),
            ("decile", "int64", "Decile, 1 = most deprived 10%."),
            LOAD_ID,
        ),
        _table(
            "area_measure",
            "ONS Standard Area Measurements of local authority districts (hectares, flat): "
            "the land area gives population density.",
            ("lad_code", "string", "Local authority district code (the file's LADyyCD)."),
            ("lad_name", "string", "Name as published (LADyyNM)."),
            ("vintage", "string", "Boundary vintage of the codes, e.g. LAD24."),
            ("total_hectares", "float64", "Total extent (AREAEHECT)."),
            ("coast_hectares", "float64", "Area to mean high water (AREACHECT)."),
            ("inland_water_hectares", "float64", "Area of inland water (AREAIHECT)."),
            ("land_hectares", "float64",
             "Land area: to mean high water, inland water excluded (AREALHECT)."),
            LOAD_ID,
        ),
        _table(
            "incident",
            "Every recorded event, whatever its source. ASB (police_asb, council_asb) is never "
            "part of total crime.",
            ("incident_id", "string", "Unique id: the police Crime ID, or a stable made-up id."),
            ("source", "string", "police_crime, police_asb, council_asb, fire, ae_assault, …"),
            ("source_ref", "string", "Identifier in the source system (police Crime ID)."),
            ("month", "string", "Month of the event, YYYY-MM."),
            ("occurred_at", "timestamp", "Date and time when known."),
            ("category", "string", "Crime type or incident category as published."),
            ("subcategory", "string", "Finer category where the source has one."),
            ("police_force", "string", "Police force file slug (e.g. cleveland)."),
            ("reported_by", "string", "Organisation that reported it."),
            ("falls_within", "string", "Organisation whose area it falls within."),
            *_PLACEMENT,
            ("location", "string", "Location text as published (e.g. On or near X Street)."),
            ("last_outcome", "string", "Latest outcome category at download time."),
            ("flag_domestic", "boolean", "Domestic abuse flag where the source has one."),
            ("flag_alcohol", "boolean", "Alcohol-related flag where the source has one."),
            ("flag_hate", "boolean", "Hate crime flag where the source has one."),
            LOAD_ID,
        ),
        _table(
            "outcome",
            "Police outcomes; `month` is the month of the outcome, not of the crime. "
            "Join to `incident` on crime_id = source_ref.",
            ("crime_id", "string", "Police Crime ID."),
            ("month", "string", "Month of the outcome, YYYY-MM."),
            ("outcome_type", "string", "Outcome category."),
            ("police_force", "string", "Force file slug."),
            *_PLACEMENT,
            LOAD_ID,
        ),
        _table(
            "stop_search",
            "Police stop and search records.",
            ("search_type", "string", "Person search, Vehicle search, …"),
            ("occurred_at", "timestamp", "Date and time (UTC, as published)."),
            ("month", "string", "Month of the file (police.uk's month), YYYY-MM."),
            ("part_of_operation", "boolean", "Part of a policing operation."),
            ("operation_name", "string", "Policing operation."),
            ("latitude", "float64", "WGS84 latitude (often missing)."),
            ("longitude", "float64", "WGS84 longitude."),
            ("gender", "string", "Gender."),
            ("age_range", "string", "Age range."),
            ("self_defined_ethnicity", "string", "Self-defined ethnicity."),
            ("officer_defined_ethnicity", "string", "Officer-defined ethnicity."),
            ("legislation", "string", "Power used."),
            ("object_of_search", "string", "Object of search."),
            ("outcome", "string", "Outcome."),
            ("outcome_linked", "boolean", "Outcome linked to object of search."),
            ("removal_of_clothing", "boolean", "Removal of more than just outer clothing."),
            ("police_force", "string", "Force file slug."),
            LOAD_ID,
        ),
        _table(
            "person_involvement",
            "People involved in incidents, pseudonymised before they reach the warehouse: "
            "no names, dates of birth or addresses ever.",
            ("incident_id", "string", "The incident."),
            ("source", "string", "The incident's source."),
            ("month", "string", "The incident's month, YYYY-MM (so a newer export of a "
             "month replaces its people too)."),
            ("role", "string", "victim, offender, suspect or caller."),
            ("person_key", "string", "Keyed hash (HMAC-SHA256) made by the data owner."),
            ("age", "int64", "Age at the incident."),
            ("sex", "string", "Sex as recorded."),
            ("ethnicity", "string", "Ethnicity as recorded (null = not recorded)."),
            ("home_lsoa_code", "string", "Home LSOA 2021, never the address."),
            LOAD_ID,
        ),
        _table(
            "incident_detail",
            "Fields of partner incidents with no column of their own, long format: e.g. "
            "A&E location_type, weapon, reported_to_police; fire motive; ASB school.",
            ("incident_id", "string", "The incident."),
            ("source", "string", "The incident's source."),
            ("month", "string", "The incident's month, YYYY-MM."),
            ("name", "string", "Field name as in the mapping's [details] table."),
            ("value", "string", "Value as recorded (null = blank)."),
            LOAD_ID,
        ),
        _table(
            "postcode",
            "ONS postcode → output area → LSOA 2021 → MSOA → LAD best-fit lookup, for placing "
            "partner rows that give a postcode.",
            ("postcode", "string", "Postcode in the ONS `pcds` form (e.g. TS18 1AA)."),
            ("oa_code", "string", "Output area 2021."),
            ("lsoa_code", "string", "LSOA 2021."),
            ("msoa_code", "string", "MSOA 2021."),
            ("lad_code", "string", "Local authority district."),
            ("terminated", "string", "Month the postcode was terminated (YYYYMM), if it was."),
            LOAD_ID,
        ),
        _table(
            "unplaced_postcode",
            "Postcodes of partner incidents that no loaded postcode lookup could place, held "
            "only until one does: then the incident gets its LSOA and the postcode is deleted "
            "(see docs/privacy.md).",
            ("incident_id", "string", "The incident."),
            ("source", "string", "The incident's source."),
            ("month", "string", "The incident's month, YYYY-MM (a newer export of the month "
             "replaces it with the incident)."),
            ("postcode", "string", "The postcode as given, normalised (e.g. TS18 1AA)."),
            LOAD_ID,
        ),
        _table(
            "area_crime_count",
            "Counts by area × month × crime type from published tables (e.g. an all-forces "
            "summary), for peer comparison where the incident rows are not loaded.",
            ("month", "string", "YYYY-MM."),
            ("area_level", "string", "lad or force."),
            ("area_code", "string", "LAD code, or force slug for force level."),
            ("area_name", "string", "Area name."),
            ("police_force", "string", "Force file slug the counts came from."),
            ("crime_type", "string", "police.uk crime type."),
            ("count", "int64", "Rows counted."),
            LOAD_ID,
        ),
        _table(
            "source_inventory",
            "Which force-month files a published count table was built from, and which were "
            "missing: a peer's total is incomplete for a month whose file is absent.",
            ("month", "string", "YYYY-MM."),
            ("police_force", "string", "Force file slug."),
            ("status", "string", "ok, or why the file is missing (e.g. absent_in_snapshot)."),
            ("rows", "int64", "Rows in the file, when present."),
            LOAD_ID,
        ),
    ]
}


def schema_markdown() -> str:
    """The schema as Markdown, for docs/schema.md."""
    out = [
        "# Warehouse schema",
        "",
        "Generated from `src/cspkit/warehouse/schema.py` "
        "(`python -m cspkit.warehouse.schema > docs/schema.md`). Do not edit by hand.",
        "",
    ]
    for table in TABLES.values():
        out += [f"## `{table.name}`", "", table.description, "", "| column | type | meaning |",
                "| --- | --- | --- |"]
        out += [f"| `{c.name}` | {c.dtype} | {c.description} |" for c in table.columns]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(schema_markdown(), end="")
