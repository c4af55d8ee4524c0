"""Deprivation and vulnerable localities: crime by IMD decile, deprived top wards, the VLI."""

from __future__ import annotations

import pandas as pd

from cspkit.assessment.chapters.parts import unavailable_callout
from cspkit.assessment.document import Block, Callout, Column, Finding, Paragraph, Section, Table
from cspkit.assessment.evidence import Evidence, Unavailable
from cspkit.assessment.figures import bar_chart, choropleth
from cspkit.assessment.wording import count_text, most_text, p_text, percent_text, rate_text

DECILE_TABLE = "crime_by_imd_decile"
WARD_TABLE = "top_wards_deprivation"
VLI_TABLE = "vulnerable_localities"


def _deprivation_blocks(evidence: Evidence) -> list[Block]:
    d = evidence.deprivation
    if isinstance(d, Unavailable):
        return [unavailable_callout(d)]
    t = d.table
    first = t.iloc[0]
    n_lsoas = int(t["lsoas"].sum())
    ratio = (first["rate_per_1000"] / t.loc[t["lsoas"] > 0, "rate_per_1000"].iloc[-1]
             if first["lsoas"] > 0 else None)
    blocks: list[Block] = []
    if first["lsoas"] > 0:
        blocks.append(Finding(
            sentence=(f"LSOAs among England's 10% most deprived hold "
                      f"{percent_text(100 * first['share_of_residents'])} of residents but "
                      f"recorded {percent_text(100 * first['share_of_crime'])} of crime: "
                      f"{rate_text(first['rate_per_1000'])} crimes per 1,000 residents, "
                      f"{ratio:.1f} times the rate in the least deprived decile present."),
            importance=2.0, kind="highest",
            figures={"share_of_crime": float(first["share_of_crime"]),
                     "rate_per_1000": float(first["rate_per_1000"])},
            source_table=DECILE_TABLE))
    direction = "higher" if d.spearman_rho > 0 else "lower"
    blocks.append(Finding(
        sentence=(f"Across the {n_lsoas} LSOAs, crime rates are {direction} where deprivation "
                  f"is higher: Spearman's rank correlation {d.spearman_rho:.2f} "
                  f"({p_text(d.spearman_p)})."),
        importance=1.5, kind="note",
        figures={"spearman_rho": d.spearman_rho, "spearman_p": d.spearman_p}))
    blocks.append(Table(
        id=DECILE_TABLE, caption=f"Crime by national IMD decile ({d.edition})",
        columns=(Column("imd_decile", "IMD decile (1 = most deprived)", "integer"),
                 Column("lsoas", "LSOAs", "integer"), Column("residents", "Residents", "integer"),
                 Column("count", "Crimes", "integer"),
                 Column("rate_per_1000", "Per 1,000 residents", "decimal1"),
                 Column("share_of_crime", "Share of crime", "percent"),
                 Column("share_of_residents", "Share of residents", "percent")),
        rows=t, source="deprivation.deprivation_profile",
        notes=("Deciles are national: decile 1 is England's most deprived 10% of LSOAs.",)))
    present = t[t["lsoas"] > 0]
    blocks.append(bar_chart(
        id="rate_by_imd_decile", title="Crimes per 1,000 residents by IMD decile",
        values=[{"decile": f"Decile {int(r.imd_decile)}", "rate": round(float(r.rate_per_1000), 1)}
                for r in present.itertuples(index=False)],
        category="decile", value="rate", category_title="IMD decile (1 = most deprived)",
        value_title="Crimes per 1,000 residents",
        sort=[f"Decile {int(v)}" for v in present["imd_decile"]],
        alt_text=(f"Bar chart: {rate_text(present['rate_per_1000'].iloc[0])} crimes per 1,000 "
                  f"residents in decile {int(present['imd_decile'].iloc[0])} against "
                  f"{rate_text(present['rate_per_1000'].iloc[-1])} in decile "
                  f"{int(present['imd_decile'].iloc[-1])}."),
        source="deprivation.deprivation_profile", table_id=DECILE_TABLE))
    w = d.wards
    top = w[w["top_crime"]]
    both = ", ".join(top.loc[top["both"], "ward_name"]) or "none of them"
    blocks.append(Paragraph(
        f"Of the {d.top_n} wards with the most crime, {d.top_wards_most_deprived} are also "
        f"among the {d.top_n} most deprived wards of the partnership ({both})."))
    blocks.append(Table(
        id=WARD_TABLE, caption="Wards with the most crime and their deprivation rank",
        columns=(Column("ward_name", "Ward"), Column("count", "Crimes", "integer"),
                 Column("rate_per_1000", "Per 1,000 residents", "decimal1"),
                 Column("crime_rank", "Crime rank", "integer"),
                 Column("imd_score", "IMD score (population-weighted)", "decimal1"),
                 Column("deprivation_rank", "Deprivation rank", "integer")),
        rows=top, source="deprivation.deprivation_profile",
        notes=("Deprivation rank 1 = the most deprived ward of the partnership.",)))
    return blocks


def _vulnerability_blocks(evidence: Evidence) -> list[Block]:
    v = evidence.vulnerability
    if isinstance(v, Unavailable):
        return [unavailable_callout(v)]
    t = v.table
    vulnerable = t[t["vulnerable"]]
    shown = vulnerable if not vulnerable.empty else t.head(10)
    figures: dict[str, int | str] = {"vulnerable": len(vulnerable), "lsoas": len(t)}
    where = ""
    if not vulnerable.empty:
        by_ward = vulnerable["ward_name"].value_counts()
        leaders = sorted(by_ward[by_ward == by_ward.max()].index)
        where = ", " + most_text(by_ward.to_dict(), of=len(vulnerable), noun="ward")
        figures |= {"most_count": int(by_ward.max()), "most_wards": "|".join(leaders)}
    blocks: list[Block] = [Finding(
        sentence=(f"{len(vulnerable)} of {len(t)} LSOAs score above {v.threshold:.0f} on the "
                  f"Vulnerable Localities Index (twice the partnership average){where}."),
        importance=1.5 + 0.1 * len(vulnerable), kind="note",
        figures=figures, source_table=VLI_TABLE)]
    blocks.append(Table(
        id=VLI_TABLE,
        caption=("Vulnerable localities (VLI above 200)" if not vulnerable.empty
                 else "LSOAs with the highest VLI (none above 200)"),
        columns=(Column("lsoa_code", "LSOA code"), Column("lsoa_name", "LSOA"),
                 Column("ward_name", "Ward"), Column("vli", "VLI", "decimal1"),
                 Column("crime_index", "Crime index", "decimal1"),
                 Column("income_index", "Income index", "decimal1"),
                 Column("young_index", "Aged 15-24 index", "decimal1")),
        rows=shown, source="vulnerability.vulnerable_localities"))
    areas = pd.DataFrame({"code": t["lsoa_code"], "name": t["lsoa_name"], "value": t["vli"]})
    vli_map = choropleth(
        id="vli_map", title="Vulnerable Localities Index by LSOA",
        areas=areas, geometries=evidence.lsoa_boundaries,
        legend_title="VLI (partnership average = 100)",
        alt_text=(f"Map of {len(t)} LSOAs shaded by their Vulnerable Localities Index; "
                  f"{len(vulnerable)} score above {v.threshold:.0f}."),
        source="vulnerability.vulnerable_localities", table_id=VLI_TABLE,
        labelled=shown["lsoa_code"].tolist(), label_others=False)
    if vli_map is not None:
        blocks.append(vli_map)
    blocks.append(Callout(
        title="How the data differ from the index's definition",
        text="; ".join(v.approximations) + ".", tone="caveat"))
    return blocks


def deprivation_chapter(evidence: Evidence) -> Section:
    """The deprivation and vulnerable localities chapter."""
    d = evidence.deprivation
    summary = None
    if not isinstance(d, Unavailable) and d.table.iloc[0]["lsoas"] > 0:
        first = d.table.iloc[0]
        summary = (f"{percent_text(100 * first['share_of_crime'])} of crime was recorded in "
                   f"the most deprived decile's {count_text(first['lsoas'])} LSOAs.")
    return Section(
        id="deprivation", title="Deprivation and vulnerable localities", level=1,
        summary=summary,
        children=(
            Section(id="crime_and_deprivation", title="Crime and deprivation", level=2,
                    children=tuple(_deprivation_blocks(evidence))),
            Section(id="vulnerable_localities_section", title="Vulnerable localities", level=2,
                    children=tuple(_vulnerability_blocks(evidence))),
        ),
    )
