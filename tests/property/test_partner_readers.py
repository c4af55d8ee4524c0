"""Property: partner exports load through their mappings, and the warehouse equals plain SQL.

A police crime extract (one row per crime and offender, the victim repeated, some crimes
without a reference, rows without location, 2011 and 2021 codes and codes beyond the force,
rows with an impossible date) and fire incidents placed by coordinates, each in UTF-8 with
or without a BOM or in Windows-1252, with CRLF or LF line ends. A load either completes or
stops with a one-line CspError.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspkit.errors import CspError
from cspkit.sources.partner.loading import load_partner
from cspkit.warehouse import connect

from .exports import BAD_REF, EXTRACT, FIRE, crime_extract, fire_incidents, representative_points
from .test_police_uk_reader import frame, rows
from .world import placed_lad_sql

EXAMPLES = settings(max_examples=25, deadline=None)


def export_sql(query: str, path: Path, encoding: str) -> list[tuple]:
    """``query`` over the export (view ``export``, every column text, with its line number)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"create view export as select row_number() over () as line, * from "
                f"read_csv('{path}', all_varchar=true, header=true, encoding='{encoding}')")
    try:
        return rows(con.execute(query).df())
    finally:
        con.close()


def q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


@EXAMPLES
@given(data=st.data())
def test_a_police_crime_extract_loads_and_equals_plain_sql(world, data):
    export = data.draw(crime_extract(world))
    inc = EXTRACT.incident
    with tempfile.TemporaryDirectory() as tmp:
        path = export.write(Path(tmp) / "police_crime_extract_2025.csv")
        con = connect(world.fresh_warehouse(Path(tmp)))
        try:
            good = [r for r in export.rows if not (r[inc.id] or "").startswith(BAD_REF)]
            if not good:
                with pytest.raises(CspError) as caught:
                    load_partner(con, [path], mapping=EXTRACT)
                assert "\n" not in str(caught.value)
                assert frame(con, "select count(*) as n from incident")["n"][0] == 0
                return
            report = load_partner(con, [path], mapping=EXTRACT)
            assert report.rejected == len(export.rows) - len(good)

            # An incident is a reference (or, without one, a row); its month is its date's.
            incident_key = f"coalesce({q(inc.id)}, 'line ' || line)"
            kept = f"coalesce({q(inc.id)}, '') not like '{BAD_REF}%'"
            expected = export_sql(
                f"select strftime(strptime({q(inc.date)}, '{inc.date_format}'), '%Y-%m') as "
                f"month, {q(inc.category)} as category, count(distinct {incident_key}) as n "
                f"from export where {kept} group by all", path, export.sql_encoding)
            loaded = rows(frame(con, "select month, category, count(*) as n from incident "
                                     "group by all"))
            assert loaded == expected

            people = " union all ".join(
                f"select distinct {incident_key} as incident, '{p.role}' as role, "
                f"{q(p.key)} as person from export where {q(p.key)} is not null and {kept}"
                for p in EXTRACT.person)
            expected_people = export_sql(
                f"select role, count(*) as n from ({people}) group by all", path,
                export.sql_encoding)
            loaded_people = rows(frame(con, "select role, count(*) as n from "
                                            "person_involvement group by all"))
            assert loaded_people == expected_people

            by_lad = export_sql(
                f"select l.lad, count(distinct {incident_key}) as n from export e left join "
                f"({placed_lad_sql(world)}) l on e.{q(inc.lsoa)} = l.code where {kept} "
                "group by all", path, export.sql_encoding)
            assert rows(frame(con, "select lad_code, count(*) as n from incident "
                                   "group by all")) == by_lad
        finally:
            con.disconnect()


@EXAMPLES
@given(data=st.data())
def test_fire_incidents_placed_by_coordinates_equal_the_points_drawn(world, data):
    export = data.draw(fire_incidents(representative_points(world)))
    inc = FIRE.incident
    with tempfile.TemporaryDirectory() as tmp:
        path = export.write(Path(tmp) / "fire_incidents_2025.csv")
        con = connect(world.fresh_warehouse(Path(tmp)))
        try:
            report = load_partner(con, [path], mapping=FIRE)
            assert report.rejected == 0
            expected = export_sql(
                f"select strftime(strptime({q(inc.date)}, '{inc.date_format}'), '%Y-%m') as "
                f"month, {q(inc.category)} as category, count(*) as n from export group by all",
                path, export.sql_encoding)
            assert rows(frame(con, "select month, category, count(*) as n from incident "
                                   "group by all")) == expected
            placed = rows(frame(con, "select source_ref, lsoa_code from incident"))
            assert placed == sorted(((r[inc.id], r["expected_lsoa"]) for r in export.rows),
                                    key=lambda r: r[0])
        finally:
            con.disconnect()
