"""The national table and each partnership's one-page comparator, as Documents for
:mod:`cspkit.render`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cspkit import __version__
from cspkit.analysis.national import NationalComparison
from cspkit.assessment.build import period_text
from cspkit.assessment.document import Column, Document, Metadata, Paragraph, Section, Table
from cspkit.render import write_outputs

SOURCE = ("police.uk street-level crime and anti-social behaviour, all forces; ONS Census 2021 "
          "residents, mid-year estimates by age; English Indices of Deprivation 2025")

GROUP_NOTE = ("A most similar group holds the partnerships nearest to this one in the shares of "
              "residents aged 0 to 15, 16 to 24 and 65 and over and in mean deprivation "
              "(Index of Multiple Deprivation 2025 score).")

_NATIONAL_COLUMNS = (
    Column("national_rank", "Rank", "integer"),
    Column("lad_name", "Partnership (local authority)"),
    Column("residents", "Residents", "integer"),
    Column("crime", "Crimes", "integer"),
    Column("crime_rate", "Crimes per 1,000", "decimal1"),
    Column("crime_change", "Change", "signed_percent"),
    Column("crime_significant", "Significant"),
    Column("asb_rate", "ASB per 1,000", "decimal1"),
    Column("asb_change", "ASB change", "signed_percent"),
    Column("group_rank", "Place in group", "integer"),
    Column("group_mean_rate", "Group average per 1,000", "decimal1"),
)


def _period_text(result: NationalComparison) -> str:
    return f"{period_text(result.period)}, compared with {period_text(result.previous)}"


def _metadata(result: NationalComparison) -> Metadata:
    return Metadata(period=f"{result.period.start}:{result.period.end}",
                    comparison_period=f"{result.previous.start}:{result.previous.end}",
                    software_version=__version__)


def _ranked(result: NationalComparison) -> pd.DataFrame:
    t = result.table.sort_values(["national_rank", "lad_code"]).copy()
    t["crime_change"] = t["crime_pct_change"] / 100.0
    t["asb_change"] = t["asb_pct_change"] / 100.0
    t["crime_significant"] = t["crime_significant"].map({True: "yes", False: "no"})
    return t


def national_document(result: NationalComparison) -> Document:
    """Every partnership ranked on crime per 1,000 residents, with its most similar group."""
    t = _ranked(result)
    intro = Paragraph(
        f"{len(t)} partnerships ranked on recorded crime per 1,000 residents, highest first. "
        f"Change is against {period_text(result.previous)}; it is called significant when "
        "an exact test puts the chance of so large a difference between two equal rates "
        "below 5%. Each partnership's group is the authorities most like it in age "
        "structure and deprivation; its place is its rank among them (1 = highest rate).")
    table = Table(id="national_table", caption="Crime and anti-social behaviour by partnership",
                  columns=_NATIONAL_COLUMNS, rows=t, source="national.national_comparison",
                  data_source=SOURCE)
    return Document(
        title="Community safety partnerships compared", partnership="England and Wales",
        period_text=_period_text(result), metadata=_metadata(result), layout="paper",
        sections=(Section("national", "National table", 1, (intro, table)),))


def comparator_document(result: NationalComparison, lad_code: str) -> Document:
    """One page for one partnership: its rates by crime type and its most similar group."""
    row = result.table.set_index("lad_code").loc[lad_code]
    name = str(row["lad_name"])
    members = result.groups[result.groups["lad_code"] == lad_code]
    group = result.table.set_index("lad_code").loc[[lad_code, *members["member"]]]
    group = group.reset_index().sort_values(["crime_rate", "lad_code"], ascending=[False, True])
    group["place"] = range(1, len(group) + 1)
    types = result.by_type[(result.by_type["lad_code"] == lad_code)
                           & (result.by_type["kind"] != "total")].copy()
    peers = result.by_type[result.by_type["lad_code"].isin(members["member"])]
    types["group_rate"] = types["crime_type"].map(peers.groupby("crime_type")["rate"].mean())
    types["change"] = types["pct_change"] / 100.0
    types["significant"] = types["significant"].map({True: "yes", False: "no"})
    types = types.sort_values(["rate", "crime_type"], ascending=[False, True])
    if pd.isna(row["group_rank"]):
        position = "It has no most similar group (a characteristic is not available for it)."
    else:
        position = (f"It is {int(row['group_rank'])} of {int(row['group_size']) + 1} in its "
                    f"most similar group, whose average is {row['group_mean_rate']:.1f}.")
    text = Paragraph(
        f"{name} recorded {int(row['crime']):,} crimes, {row['crime_rate']:.1f} per 1,000 "
        f"residents, ranked {int(row['national_rank'])} of {len(result.table)} "
        f"partnerships (1 = highest). {position}")
    chars = result.characteristics.set_index("lad_code")
    type_table = Table(
        id="by_crime_type", caption=f"{name}: rates by crime type against its group",
        columns=(Column("crime_type", "Crime type"), Column("current", "Count", "integer"),
                 Column("rate", "Per 1,000", "decimal2"),
                 Column("group_rate", "Group average", "decimal2"),
                 Column("change", "Change", "signed_percent"),
                 Column("significant", "Significant")),
        rows=types, source="national.national_comparison", data_source=SOURCE)
    group_table = Table(
        id="most_similar_group", caption=f"{name} and its most similar group",
        columns=(Column("place", "Place", "integer"), Column("lad_name", "Partnership"),
                 Column("crime_rate", "Crimes per 1,000", "decimal1"),
                 Column("asb_rate", "ASB per 1,000", "decimal1")),
        rows=group, source="national.most_similar_groups", data_source=SOURCE,
        notes=(GROUP_NOTE,) if lad_code in chars.index else ())
    return Document(
        title=f"{name}: how it compares", partnership=name, period_text=_period_text(result),
        metadata=_metadata(result), layout="paper",
        sections=(Section("comparator", "Compared with similar partnerships", 1,
                          (text, type_table, group_table)),))


def write_national(result: NationalComparison, out_dir: str | Path, *,
                   formats: tuple[str, ...] = ("html", "xlsx", "csv"),
                   comparators: bool = True) -> list[Path]:
    """Write the national table (``out_dir/national``) and, if asked, one comparator page
    per partnership (``out_dir/comparators/<code>/``)."""
    out_dir = Path(out_dir)
    written = write_outputs(national_document(result), out_dir / "national", formats)
    if comparators:
        for code in result.table["lad_code"]:
            written += write_outputs(comparator_document(result, code),
                                     out_dir / "comparators" / code, ("html",))
    return written
