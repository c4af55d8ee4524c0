"""Peer comparison: the partnership's crime rate against its force area and England."""

from __future__ import annotations

from cspkit.assessment.chapters.parts import unavailable_callout
from cspkit.assessment.document import Block, Callout, Column, Finding, Paragraph, Section, Table
from cspkit.assessment.evidence import Evidence, Unavailable
from cspkit.assessment.figures import bar_chart
from cspkit.assessment.wording import ordinal, rate_text
from cspkit.sources.names import force_name

PEER_TABLE = "peer_rates"


def _blocks(evidence: Evidence) -> list[Block]:
    p = evidence.peers
    if p is None:
        return [Paragraph("No comparison with other areas was made for this assessment.")]
    if isinstance(p, Unavailable):
        return [unavailable_callout(p)]
    wanted = set(evidence.config.peers)
    t = p.table
    shown = t[t["is_partnership"] | (t["in_force"] & ("force" in wanted))
              | t["lad_code"].isin(wanted)]
    me = t[t["is_partnership"]].iloc[0]
    in_force = int(t["rank_in_force"].notna().sum())
    in_england = int(t["rank_in_england"].notna().sum())
    parts = [f"{me['lad_name']} recorded {rate_text(p.partnership_rate)} crimes per 1,000 "
             "residents in the strategic period"]
    if "force" in wanted and not me.isna()["rank_in_force"]:
        parts.append(f"{ordinal(int(me['rank_in_force']))} highest of {in_force} authorities "
                     f"in the {force_name(p.police_force)} area (force rate "
                     f"{rate_text(p.force_rate)})")
    if "england" in wanted and not me.isna()["rank_in_england"]:
        parts.append(f"{ordinal(int(me['rank_in_england']))} highest of {in_england} English "
                     f"authorities with complete data (England rate {rate_text(p.england_rate)})")
    blocks: list[Block] = [Finding(
        sentence="; ".join(parts) + ".", importance=2.0, kind="note",
        figures={"rate_per_1000": float(p.partnership_rate), "force_rate": float(p.force_rate),
                 "england_rate": float(p.england_rate)}, source_table=PEER_TABLE)]
    rows = shown.assign(police_force=[force_name(f) for f in shown["police_force"]],
                        complete_text=["Yes" if c else f"No: {m}" for c, m in
                                       zip(shown["complete"], shown["months_missing"],
                                           strict=True)])
    blocks.append(Table(
        id=PEER_TABLE, caption="Crimes per 1,000 residents: the partnership and its peers",
        columns=(Column("lad_name", "Local authority"), Column("police_force", "Force"),
                 Column("count", "Crimes", "integer"),
                 Column("rate_per_1000", "Per 1,000 residents", "decimal1"),
                 Column("rank_in_force", "Rank in force", "integer"),
                 Column("rank_in_england", "Rank in England", "integer"),
                 Column("complete_text", "Complete data")),
        rows=rows, source="peers.peer_comparison",
        notes=("Rank 1 = highest rate. Authorities with months missing are shown but left out "
               "of ranks and pooled rates.",)))
    values = [{"area": str(r.lad_name), "rate": round(float(r.rate_per_1000), 1)}
              for r in rows.itertuples(index=False) if r.complete]
    if "force" in wanted:
        values.append({"area": f"{force_name(p.police_force)} area",
                       "rate": round(p.force_rate, 1)})
    if "england" in wanted:
        values.append({"area": "England", "rate": round(p.england_rate, 1)})
    values.sort(key=lambda v: (-v["rate"], v["area"]))
    blocks.append(bar_chart(
        id="peer_rate_chart", title="Crimes per 1,000 residents, strategic period",
        values=values, category="area", value="rate", category_title="Area",
        value_title="Crimes per 1,000 residents", highlight=str(me["lad_name"]),
        sort=[v["area"] for v in values],
        alt_text=(f"Bar chart of crime rates: {me['lad_name']} "
                  f"{rate_text(p.partnership_rate)} per 1,000 residents, highlighted among "
                  f"{len(values) - 1} other areas."),
        source="peers.peer_comparison", table_id=PEER_TABLE))
    if p.n_incomplete:
        incomplete = t[~t["complete"]]
        forces = ", ".join(sorted({force_name(f) for f in incomplete["police_force"]}))
        blocks.append(Callout(
            title="Incomplete peer data",
            text=(f"{p.n_incomplete} local authorities have months missing from their force's "
                  f"published data in the strategic period (forces: {forces}); they are left "
                  "out of the ranks and pooled rates."),
            tone="caveat"))
    return blocks


def peers_chapter(evidence: Evidence) -> Section:
    """The peer comparison chapter."""
    return Section(id="peers", title="Peer comparison", level=1,
                   children=tuple(_blocks(evidence)))
