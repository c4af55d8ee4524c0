"""Property: police.uk street files as published load, and the warehouse equals plain SQL.

Files are drawn with random gaps of months, rows without location, ASB rows without a
Crime ID, 2011 and 2021 LSOA codes mixed, rows over the force border, CRLF or LF line ends
and an optional byte-order mark.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspkit.errors import CspError
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

from .world import (
    STREET_COLUMNS,
    encodings,
    placed_lad_sql,
    sql,
    street_files,
    write_csv,
    write_street_files,
)

EXAMPLES = settings(max_examples=25, deadline=None)


def frame(con, query: str):
    return con.sql(query).to_pandas()


def rows(df) -> list[tuple]:
    """A frame's rows as plain tuples (NaN and NA as None), in a fixed order."""
    plain = [tuple(None if v is None or v != v else (int(v) if isinstance(v, int) or hasattr(
        v, "item") else v) for v in r) for r in df.itertuples(index=False)]
    return sorted(plain, key=lambda r: tuple(("" if v is None else str(v)) for v in r))


@EXAMPLES
@given(data=st.data())
def test_street_files_load_and_equal_plain_sql(world, data):
    files = data.draw(street_files(world))
    encoding = data.draw(encodings)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "police-uk"
        written = write_street_files(folder, files, encoding)
        con = connect(world.fresh_warehouse(Path(tmp)))
        try:
            load_paths(con, [folder])
            loaded = frame(con, "select month, source, category, count(*) as n from incident "
                                "group by all")
            expected = sql(
                "select Month as month, case when \"Crime type\" = 'Anti-social behaviour' "
                "then 'police_asb' else 'police_crime' end as source, \"Crime type\" as "
                "category, count(*) as n from street group by all", street=written)
            assert rows(loaded) == rows(expected)

            # ASB rows carry no Crime ID: each gets an id of its own. A crime keeps its Crime
            # ID, even one published twice (police.uk does, rarely).
            ids = frame(con, "select count(*) filter (where source = 'police_asb') as asb, "
                             "count(distinct incident_id) filter (where source = 'police_asb') "
                             "as asb_ids, count(*) filter (where source = 'police_crime' and "
                             "incident_id is distinct from source_ref) as renamed, "
                             "count(*) filter (where lsoa_code_published is null) as "
                             "no_location from incident")
            no_location = sql("select count(*) as n from street where \"LSOA code\" is null",
                              street=written)
            assert ids["asb_ids"][0] == ids["asb"][0]
            assert ids["renamed"][0] == 0
            assert ids["no_location"][0] == no_location["n"][0]

            by_lad = frame(con, "select month, lad_code, count(*) as n from incident "
                                "group by all")
            expected_lad = sql(
                f"select s.Month as month, l.lad as lad_code, count(*) as n from street s "
                f"left join ({placed_lad_sql(world)}) l on s.\"LSOA code\" = l.code "
                "group by all", street=written)
            assert rows(by_lad) == rows(expected_lad)
        finally:
            con.disconnect()


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_a_month_file_with_no_rows_stops_the_load_on_one_line_and_loads_nothing(world, data):
    files = data.draw(street_files(world, max_rows=5))
    empty = data.draw(st.sampled_from(sorted(files)))
    encoding = data.draw(encodings)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "police-uk"
        write_street_files(folder, {m: r for m, r in files.items() if m != empty}, encoding)
        header_only = write_csv(folder / empty / f"{empty}-kestrel-fenmoor-street.csv",
                                STREET_COLUMNS, [], encoding)
        con = connect(world.fresh_warehouse(Path(tmp)))
        try:
            before = frame(con, "select count(*) as n from load_ledger")["n"][0]
            with pytest.raises(CspError) as caught:
                load_paths(con, [folder])
            assert "\n" not in str(caught.value)
            assert header_only.name in str(caught.value)
            assert frame(con, "select count(*) as n from incident")["n"][0] == 0
            assert frame(con, "select count(*) as n from load_ledger")["n"][0] == before
        finally:
            con.disconnect()
