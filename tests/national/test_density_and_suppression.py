"""Population density in most similar groups (ONS Standard Area Measurements, written here
as a small synthetic file in the published layout) and small-number suppression in the
national table and the comparators."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from cspkit.analysis.national import (
    NationalComparison,
    log_density,
    most_similar_groups,
    national_comparison,
)
from cspkit.analysis.periods import StrategicPeriod
from cspkit.assessment.document import SUPPRESSED
from cspkit.errors import LoadFailed
from cspkit.national.load import load_archive
from cspkit.national.report import (
    comparator_document,
    national_document,
    withheld_types,
    write_national,
)
from cspkit.privacy.disclosure import determined_cells
from cspkit.synth.national import CENSUS, LOOKUP
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

from .conftest import GROUP_SIZE, LADS
from .test_national import result  # noqa: F401 (a fixture)

PERIOD = StrategicPeriod("2025-03", "2025-04")
SAM_HEADER = "LAD24CD,LAD24NM,LAD24NMW,AREAEHECT,AREACHECT,AREAIHECT,AREALHECT"


def sam_file(path, lands: dict[str, float]):
    """A SAM district CSV in the published layout with made-up areas (hectares)."""
    lines = [SAM_HEADER] + [f"{code},Place {i},,{land + 50:.2f},{land + 20:.2f},20.00,{land:.2f}"
                            for i, (code, land) in enumerate(lands.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- Hand-worked example --------------------------------------------------------------------

def test_density_changes_a_hand_worked_group():
    # Residents 1000 on 10, 0.1, 1 and 0.1 km²: densities 100, 10,000, 1,000, 10,000, so
    # log densities ln10 x (2, 4, 3, 4): mean 3.25 ln10, population sd ln10 sqrt(0.6875),
    # z = (-1.25, 0.75, -0.25, 0.75) / sqrt(0.6875). The age share x = (0, 0, 4, 4) has
    # z = (-1, -1, 1, 1). From A: to C sqrt(2² + 1²/0.6875) = sqrt(60/11) = 2.335, to B
    # sqrt(0 + 2²/0.6875) = 2.412, to D sqrt(2² + 2²/0.6875) = 3.133.
    density = log_density(pd.Series([1000, 1000, 1000, 1000]),
                          pd.Series([10.0, 0.1, 1.0, 0.1]))
    assert density.tolist() == pytest.approx([math.log(v) for v in (100, 1e4, 1e3, 1e4)])
    chars = pd.DataFrame({"lad_code": list("ABCD"), "x": [0.0, 0.0, 4.0, 4.0],
                          "log_density": density})
    groups = most_similar_groups(chars, size=3)
    of_a = groups[groups["lad_code"] == "A"]
    assert of_a["member"].tolist() == ["C", "B", "D"]
    assert of_a["distance"].tolist() == pytest.approx(
        [math.sqrt(60 / 11), 2 / math.sqrt(0.6875), math.sqrt(4 + 4 / 0.6875)])
    # Without density A's nearest is B, the same age structure.
    without = most_similar_groups(chars.drop(columns="log_density"), size=1)
    assert without.loc[without["lad_code"] == "A", "member"].item() == "B"


# ---- The SAM file ---------------------------------------------------------------------------

def test_csp_load_recognises_the_sam_district_file(tmp_path):
    lands = {"E06000001": 9386.71, "E06000002": 5386.82}
    con = connect(tmp_path / "w.duckdb")
    report = load_paths(con, [sam_file(tmp_path / "SAM_LAD_DEC_2024_UK.csv", lands)])
    assert [r.kind for r in report.loaded] == ["ons_standard_area_measurements"]
    stored = con.table("area_measure").to_pandas().set_index("lad_code")
    assert stored["land_hectares"].to_dict() == lands
    assert stored["total_hectares"].to_dict() == {c: v + 50 for c, v in lands.items()}
    assert set(stored["vintage"]) == {"LAD24"}


@pytest.mark.parametrize(("row", "field", "line"), [
    ("E06000002,Place,,10,10,0,-5", "AREALHECT", 3),
    ("E06000002,Place,,10,10,0,lots", "AREALHECT", 3),
    ("E06000002,Place,,10,10,0,", "AREALHECT", 3),
    ("E6,Place,,10,10,0,5", "LAD24CD", 3),
    ("E06000001,Place,,10,10,0,5", "LAD24CD", 3),
])
def test_a_bad_sam_row_names_file_line_and_field_and_loads_nothing(tmp_path, row, field,
                                                                   line):
    path = tmp_path / "SAM_LAD_DEC_2024_UK.csv"
    path.write_text(f"{SAM_HEADER}\nE06000001,Place,,10,10,0,5\n{row}\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(LoadFailed) as failed:
        load_paths(con, [path])
    message = str(failed.value)
    assert f"{path.name}:{line}: {field}" in message
    assert con.table("area_measure").count().execute() == 0
    assert con.table("load_ledger").count().execute() == 0


# ---- Density in the national comparison (real sample) ---------------------------------------

@pytest.fixture(scope="module")
def with_density(national_sample, tmp_path_factory):
    archive, reference, _ = national_sample
    root = tmp_path_factory.mktemp("density")
    lands = {code: 1000.0 * (i + 1) ** 2 + 0.25 for i, code in enumerate(sorted(LADS))}
    con = connect(root / "w.duckdb")
    load_paths(con, [*reference, sam_file(root / "SAM_LAD_DEC_2024_UK.csv", lands)])
    load_archive(con, archive)
    dense = national_comparison(con, period=PERIOD, group_size=GROUP_SIZE)
    yield dense, lands, reference, con
    con.disconnect()


@pytest.mark.real_data
def test_log_density_is_census_residents_over_land_from_the_raw_files(with_density):
    dense, lands, reference, _ = with_density
    lookup = pd.read_csv(next(p for p in reference if p.name.startswith(LOOKUP.name)),
                         dtype=str)
    census = pd.read_csv(next(p for p in reference if p.name.startswith(CENSUS.name)))
    count = next(c for c in census.columns if c not in ("lsoa21_code", "lsoa21_name"))
    lad = census["lsoa21_code"].map(lookup.drop_duplicates("LSOA21CD").set_index(
        "LSOA21CD")["LAD25CD"])
    residents = census.groupby(lad)[count].sum()
    want = {c: math.log(residents[c] / (lands[c] / 100)) for c in LADS}
    got = dense.characteristics.set_index("lad_code")["log_density"].to_dict()
    assert got == pytest.approx(want)
    assert dense.density_used


@pytest.mark.real_data
def test_groups_with_density_are_the_nearest_on_five_z_scores(with_density):
    dense, *_ = with_density
    chars = dense.characteristics.dropna().sort_values("lad_code")
    x = chars.drop(columns="lad_code").to_numpy(float)
    assert x.shape[1] == 5
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    d = cdist(z, z)
    np.fill_diagonal(d, np.inf)
    codes = chars["lad_code"].to_numpy()
    for i, code in enumerate(codes):
        want = [codes[j] for j in np.lexsort((codes, d[i]))[:GROUP_SIZE]]
        assert dense.groups[dense.groups["lad_code"] == code]["member"].tolist() == want


@pytest.mark.real_data
def test_the_outputs_say_whether_density_was_used(with_density, result):  # noqa: F811
    assert not result.density_used and "log_density" not in result.characteristics
    assert "population density was not used" in _text(national_document(result))
    page = comparator_document(result, "E06000004")
    assert "Population density was not used" in _text(page)
    dense, *_ = with_density
    assert "population density, age structure" in _text(national_document(dense))
    assert "not used" not in _text(comparator_document(dense, "E06000004"))


def _text(document) -> str:
    return repr(document)


# ---- Suppression ----------------------------------------------------------------------------

def _comparison(by_type: pd.DataFrame) -> NationalComparison:
    return NationalComparison(pd.DataFrame(), by_type, pd.DataFrame(), pd.DataFrame(),
                              PERIOD, PERIOD)


def test_crime_type_counts_are_suppressed_with_their_complement():
    rows = [("total", "All crime", 42), ("crime_type", "Burglary", 2),
            ("crime_type", "Drugs", 10), ("crime_type", "Shoplifting", 30),
            ("asb", "Anti-social behaviour", 3)]
    by_type = pd.DataFrame(rows, columns=["kind", "crime_type", "current"]).assign(
        lad_code="E1")
    hidden = withheld_types(_comparison(by_type), threshold=5).xs("E1")
    # 2 is small; with the total 42 shown it would be 42 - 10 - 30, so the smallest other
    # count (10) goes too. ASB (3), outside the crime total, is small on its own.
    assert hidden.to_dict() == {"Burglary": True, "Drugs": True, "Shoplifting": False,
                                "Anti-social behaviour": True}


@pytest.mark.real_data
def test_published_tables_withhold_small_counts(result, tmp_path):  # noqa: F811
    threshold = 40  # high, so that this small sample has counts to withhold
    write_national(result, tmp_path, formats=("csv",), comparators=False,
                   threshold=threshold)
    table = pd.read_csv(tmp_path / "national" / "data" / "national_table.csv", dtype=str)
    t = result.table.set_index("lad_code")
    hidden_crime = set(t.index[(t["crime"] > 0) & (t["crime"] < threshold)])
    hidden_asb = set(t.index[(t["asb"] > 0) & (t["asb"] < threshold)])
    assert hidden_crime or hidden_asb, "the threshold withholds nothing: the test tests nothing"
    by_name = table.set_index("lad_name")
    names = t["lad_name"]
    for code in t.index:
        row = by_name.loc[names[code]]
        assert (row["crime"] == SUPPRESSED) == (code in hidden_crime)
        assert (row["crime_rate"] == SUPPRESSED) == (code in hidden_crime)
        assert (row["crime_change"] == SUPPRESSED) == (code in hidden_crime)
        assert (row["asb_rate"] == SUPPRESSED) == (code in hidden_asb)
        members = set(result.groups.loc[result.groups["lad_code"] == code, "member"])
        assert (row["group_mean_rate"] == SUPPRESSED) == bool(members & hidden_crime)
    # Each comparator: no withheld crime-type count can be worked out from the rest and
    # the crime total.
    hidden = withheld_types(result, threshold)
    for code in t.index:
        mine = result.by_type[(result.by_type["lad_code"] == code)
                              & (result.by_type["kind"] == "crime_type")]
        small = mine.loc[(mine["current"] > 0) & (mine["current"] < threshold), "crime_type"]
        assert hidden.xs(code)[small].all()
        cells = hidden.xs(code)[mine["crime_type"]].to_numpy()
        total_hidden = code in hidden_crime
        column = np.append(cells, total_hidden)[:, None]
        assert determined_cells(column, row_totals=False) == []
        page = comparator_document(result, code, threshold=threshold, hidden_types=hidden)
        types = page.sections[0].children[1]
        counts = pd.Series({r[0]: r[1] for r in types.rows})
        assert ((counts == SUPPRESSED) == hidden.xs(code)[counts.index]).all()
