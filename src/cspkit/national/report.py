"""The national table and each partnership's one-page comparator, as Documents for
:mod:`cspkit.render`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cspkit import __version__
from cspkit.analysis.national import NationalComparison
from cspkit.assessment.build import period_text
from cspkit.assessment.document import (
    SUPPRESSED,
    Column,
    Document,
    Metadata,
    Paragraph,
    Section,
    Table,
)
from cspkit.privacy.disclosure import TOTAL, suppress_counts
from cspkit.render import write_outputs

SOURCE = ("police.uk street-level crime and anti-social behaviour, all forces; ONS Census 2021 "
          "residents, mid-year estimates by age; English Indices of Deprivation 2025")
DENSITY_SOURCE = "; ONS Standard Area Measurements (land area)"
DEFAULT_THRESHOLD = 5
"""Counts from 1 to 4 are withheld, as everywhere in cspkit (the partnership config's
``suppression_threshold`` default)."""


def group_note(result: NationalComparison) -> str:
    """What the most similar groups were built from, saying so when density was not used."""
    if result.density_used:
        return ("A most similar group holds the partnerships nearest to this one in population "
                "density (residents per km² of land), in the shares of residents aged 0 to 15, "
                "16 to 24 and 65 and over and in mean deprivation (Index of Multiple "
                "Deprivation 2025 score).")
    return ("A most similar group holds the partnerships nearest to this one in the shares of "
            "residents aged 0 to 15, 16 to 24 and 65 and over and in mean deprivation (Index "
            "of Multiple Deprivation 2025 score). Population density was not used: no land "
            "areas (ONS Standard Area Measurements) are loaded.")


def _source(result: NationalComparison) -> str:
    return SOURCE + (DENSITY_SOURCE if result.density_used else "")


def _withheld_note(threshold: int, extra: str = "") -> str:
    return (f"Counts from 1 to {threshold - 1} are withheld ({SUPPRESSED}), with the rate and "
            f"change that would reveal them{extra}.")


def _small(counts: pd.Series, threshold: int) -> pd.Series:
    return (counts > 0) & (counts < threshold)


def withheld_rates(result: NationalComparison, threshold: int) -> pd.DataFrame:
    """Which partnership figures are withheld: ``crime`` (its count, rate and change, and any
    group average a withheld rate enters: with the other members' rates shown it would give
    that rate away) and ``asb`` (its rate and change: rate times residents is the count).
    Indexed by ``lad_code``. No national total is published, so no second cell is needed."""
    t = result.table.set_index("lad_code")
    out = pd.DataFrame({"crime": _small(t["crime"], threshold),
                        "asb": _small(t["asb"], threshold)})
    hidden = set(out.index[out["crime"]])
    members = result.groups[result.groups["member"].isin(hidden)]["lad_code"]
    out["group_mean"] = out.index.isin(set(members))
    return out

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


def _ranked(result: NationalComparison, threshold: int) -> pd.DataFrame:
    t = result.table.sort_values(["national_rank", "lad_code"]).copy()
    t["crime_change"] = t["crime_pct_change"] / 100.0
    t["asb_change"] = t["asb_pct_change"] / 100.0
    t["crime_significant"] = t["crime_significant"].map({True: "yes", False: "no"})
    return _withhold(t, withheld_rates(result, threshold))


def _withhold(t: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Partnership rows with withheld figures replaced by the confidential marker."""
    flags = hidden.reindex(t["lad_code"]).fillna(False).astype(bool)
    for flag, columns in (("crime", ("crime", "crime_rate", "crime_change",
                                     "crime_significant")),
                          ("asb", ("asb_rate", "asb_change")),
                          ("group_mean", ("group_mean_rate",))):
        shown = ~flags[flag].to_numpy()
        for column in columns:
            if column in t:
                t[column] = t[column].astype(object).where(shown, SUPPRESSED)
    return t


def national_document(result: NationalComparison, *,
                      threshold: int = DEFAULT_THRESHOLD) -> Document:
    """Every partnership ranked on crime per 1,000 residents, with its most similar group.
    A count from 1 to ``threshold - 1`` is withheld with what would reveal it
    (:func:`withheld_rates`)."""
    t = _ranked(result, threshold)
    intro = Paragraph(
        f"{len(t)} partnerships ranked on recorded crime per 1,000 residents, highest first. "
        f"Change is against {period_text(result.previous)}; it is called significant when "
        "an exact test puts the chance of so large a difference between two equal rates "
        "below 5%. Each partnership's group is the authorities most like it in "
        + ("population density, age structure and deprivation" if result.density_used else
           "age structure and deprivation (population density was not used: no land areas "
           "are loaded)")
        + "; its place is its rank among them (1 = highest rate).")
    table = Table(id="national_table", caption="Crime and anti-social behaviour by partnership",
                  columns=_NATIONAL_COLUMNS, rows=t, source="national.national_comparison",
                  data_source=_source(result),
                  notes=(_withheld_note(threshold, ", and a group average a withheld rate "
                                        "enters"),))
    return Document(
        title="Community safety partnerships compared", partnership="England and Wales",
        period_text=_period_text(result), metadata=_metadata(result), layout="paper",
        sections=(Section("national", "National table", 1, (intro, table), landscape=True),))


def withheld_types(result: NationalComparison, threshold: int = DEFAULT_THRESHOLD
                   ) -> pd.Series:
    """Which crime-type counts each partnership's comparator withholds, indexed by
    (``lad_code``, ``crime_type``): counts from 1 to ``threshold - 1``, and the further
    ones that would reveal them from the partnership's crime total
    (:func:`cspkit.privacy.disclosure.suppress_counts`). Anti-social behaviour, outside the
    crime total, is withheld when small."""
    out = []
    by_type = result.by_type[result.by_type["kind"] != "total"]
    for code, rows in by_type.groupby("lad_code", sort=True):
        crime = rows[rows["kind"] == "crime_type"].set_index("crime_type")["current"]
        hidden = pd.Series(False, index=rows["crime_type"].to_numpy())
        if len(crime):
            reason = suppress_counts(crime.astype("int64").to_frame("count"),
                                     threshold=threshold).reason["count"].drop(TOTAL)
            hidden[reason.index] = (reason != "").to_numpy()
        asb = rows[rows["kind"] == "asb"].set_index("crime_type")["current"]
        hidden[asb.index] = _small(asb, threshold).to_numpy()
        hidden.index = pd.MultiIndex.from_product([[code], hidden.index])
        out.append(hidden)
    return pd.concat(out) if out else pd.Series(dtype=bool)


def comparator_document(result: NationalComparison, lad_code: str, *,
                        threshold: int = DEFAULT_THRESHOLD,
                        hidden_types: pd.Series | None = None) -> Document:
    """One page for one partnership: its rates by crime type and its most similar group.

    Small counts are withheld with the rates and changes that would reveal them; a group
    average of a crime type is withheld when a member's rate of that type is (the member's
    own page withholds it, and the others' rates would give it away).
    ``hidden_types`` is :func:`withheld_types` (computed here when not given)."""
    if hidden_types is None:
        hidden_types = withheld_types(result, threshold)
    hidden = withheld_rates(result, threshold)
    row = result.table.set_index("lad_code").loc[lad_code]
    name = str(row["lad_name"])
    members = result.groups[result.groups["lad_code"] == lad_code]
    group = result.table.set_index("lad_code").loc[[lad_code, *members["member"]]]
    group = group.reset_index().sort_values(["crime_rate", "lad_code"], ascending=[False, True])
    group["place"] = range(1, len(group) + 1)
    group = _withhold(group, hidden)
    types = result.by_type[(result.by_type["lad_code"] == lad_code)
                           & (result.by_type["kind"] != "total")].copy()
    peers = result.by_type[result.by_type["lad_code"].isin(members["member"])]
    types["group_rate"] = types["crime_type"].map(peers.groupby("crime_type")["rate"].mean())
    peer_hidden = hidden_types[hidden_types.index.get_level_values(0).isin(members["member"])]
    masked = set(peer_hidden[peer_hidden].index.get_level_values(1))
    types["change"] = types["pct_change"] / 100.0
    types["significant"] = types["significant"].map({True: "yes", False: "no"})
    types = types.sort_values(["rate", "crime_type"], ascending=[False, True])
    own = hidden_types.xs(lad_code, level=0).reindex(types["crime_type"]).fillna(False)
    shown = ~own.to_numpy(dtype=bool)
    for column in ("current", "rate", "change", "significant"):
        types[column] = types[column].astype(object).where(shown, SUPPRESSED)
    types["group_rate"] = types["group_rate"].astype(object).where(
        ~types["crime_type"].isin(masked).to_numpy(), SUPPRESSED)
    # Withheld rows last, by name: their order by rate would say which is the larger.
    types = pd.concat([types[shown], types[~shown].sort_values("crime_type")])
    if pd.isna(row["group_rank"]):
        position = "It has no most similar group (a characteristic is not available for it)."
    elif hidden.loc[lad_code, "group_mean"]:
        position = (f"It is {int(row['group_rank'])} of {int(row['group_size']) + 1} in its "
                    "most similar group.")
    else:
        position = (f"It is {int(row['group_rank'])} of {int(row['group_size']) + 1} in its "
                    f"most similar group, whose average is {row['group_mean_rate']:.1f}.")
    if hidden.loc[lad_code, "crime"]:
        recorded = f"{name} recorded fewer than {threshold} crimes"
    else:
        recorded = (f"{name} recorded {int(row['crime']):,} crimes, "
                    f"{row['crime_rate']:.1f} per 1,000 residents")
    text = Paragraph(
        f"{recorded}, ranked {int(row['national_rank'])} of {len(result.table)} "
        f"partnerships (1 = highest). {position}")
    chars = result.characteristics.set_index("lad_code")
    note = _withheld_note(threshold, ", with any further count that would reveal one from "
                          "the crime total; a group average is withheld when a member's "
                          "rate of that crime type is")
    type_table = Table(
        id="by_crime_type", caption=f"{name}: rates by crime type against its group",
        columns=(Column("crime_type", "Crime type"), Column("current", "Count", "integer"),
                 Column("rate", "Per 1,000", "decimal2"),
                 Column("group_rate", "Group average", "decimal2"),
                 Column("change", "Change", "signed_percent"),
                 Column("significant", "Significant")),
        rows=types, source="national.national_comparison", data_source=_source(result),
        notes=(note,))
    group_table = Table(
        id="most_similar_group", caption=f"{name} and its most similar group",
        columns=(Column("place", "Place", "integer"), Column("lad_name", "Partnership"),
                 Column("crime_rate", "Crimes per 1,000", "decimal1"),
                 Column("asb_rate", "ASB per 1,000", "decimal1")),
        rows=group, source="national.most_similar_groups", data_source=_source(result),
        notes=(group_note(result),) if lad_code in chars.index else ())
    return Document(
        title=f"{name}: how it compares", partnership=name, period_text=_period_text(result),
        metadata=_metadata(result), layout="paper",
        sections=(Section("comparator", "Compared with similar partnerships", 1,
                          (text, type_table, group_table)),))


def write_national(result: NationalComparison, out_dir: str | Path, *,
                   formats: tuple[str, ...] = ("html", "xlsx", "csv"),
                   comparators: bool = True,
                   threshold: int = DEFAULT_THRESHOLD) -> list[Path]:
    """Write the national table (``out_dir/national``) and, if asked, one comparator page
    per partnership (``out_dir/comparators/<code>/``), counts below ``threshold`` withheld."""
    out_dir = Path(out_dir)
    written = write_outputs(national_document(result, threshold=threshold),
                            out_dir / "national", formats)
    if comparators:
        hidden_types = withheld_types(result, threshold)
        for code in result.table["lad_code"]:
            written += write_outputs(comparator_document(result, code, threshold=threshold,
                                                         hidden_types=hidden_types),
                                     out_dir / "comparators" / code, ("html",))
    return written
