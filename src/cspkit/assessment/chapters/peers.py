"""Peer comparison: the partnership's crime rate against its force area and England.

Every comparator says what it covers: the force area is the force's authorities with
complete data; "England" is the English authorities whose force published every month, named
with the forces and months it lacks, and is not shown at all when the loaded data cannot stand
for England (one force's data, or too few authorities).
"""

from __future__ import annotations

from cspkit.analysis.peers import EnglandComparator, PeerComparison
from cspkit.assessment.chapters.parts import unavailable_callout
from cspkit.assessment.document import Block, Callout, Column, Finding, Paragraph, Section, Table
from cspkit.assessment.evidence import Evidence, Unavailable
from cspkit.assessment.figures import bar_chart
from cspkit.assessment.wording import count_text, names_text, ordinal, rate_text
from cspkit.sources.names import force_name

PEER_TABLE = "peer_rates"
NO_ENGLAND = "No comparison with England is made"  # advice tells the analyst what to load


def england_label(england: EnglandComparator) -> str:
    """The England comparator's name wherever it is shown: what it covers."""
    return (f"England ({count_text(england.authorities)} of "
            f"{count_text(england.english_authorities)} authorities)")


def england_coverage(england: EnglandComparator) -> str:
    """Which authorities "England" pools, and the forces and months it lacks."""
    text = (f"The England comparison pools {count_text(england.authorities)} of England's "
            f"{count_text(england.english_authorities)} local authorities: those whose police "
            "force published crime data for every month of the strategic period.")
    gaps = []
    if england.forces_without_data:
        gaps.append(f"{names_text([force_name(f) for f in england.forces_without_data])} "
                    "(no data for the period)")
    for force, months in england.forces_incomplete:
        missing = (", ".join(months) if len(months) <= 3
                   else f"{len(months)} of the period's months")
        gaps.append(f"{force_name(force)} ({missing} missing)")
    if gaps:
        text += f" Not covered: {'; '.join(gaps)}."
    return text


def no_england_text(p: PeerComparison) -> str:
    """Why there is no England comparator, in the reader's words."""
    if len(p.forces_with_data) < 2:
        return (f"{NO_ENGLAND}: only "
                f"{force_name(p.police_force)}'s crime data were available for this period, "
                "and one force's area does not stand for England.")
    return (f"{NO_ENGLAND}: complete crime data were available for only "
            f"{count_text(p.english_authorities_covered)} of England's "
            f"{count_text(p.english_authorities)} local authorities.")


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
    force = force_name(p.police_force)
    england = p.england if "england" in wanted else None
    parts = [f"{me['lad_name']} recorded {rate_text(p.partnership_rate)} crimes per 1,000 "
             "residents in the strategic period"]
    figures = {"rate_per_1000": float(p.partnership_rate)}
    if "force" in wanted and not me.isna()["rank_in_force"]:
        parts.append(f"{ordinal(int(me['rank_in_force']))} highest of the "
                     f"{p.force_authorities} authorities in the {force} area (their pooled "
                     f"rate {rate_text(p.force_rate)})")
        figures["force_rate"] = float(p.force_rate)
    if england is not None and not me.isna()["rank_in_england"]:
        parts.append(f"{ordinal(int(me['rank_in_england']))} highest of the "
                     f"{count_text(england.authorities)} English authorities with complete "
                     f"data (their pooled rate {rate_text(england.rate)})")
        figures["england_rate"] = float(england.rate)
    blocks: list[Block] = [Finding(
        sentence="; ".join(parts) + ".", importance=2.0, kind="note", figures=figures,
        source_table=PEER_TABLE)]
    if england is not None:
        blocks.append(Paragraph(england_coverage(england)))
    elif "england" in wanted:
        blocks.append(Paragraph(no_england_text(p)))
    rows = shown.assign(police_force=[force_name(f) for f in shown["police_force"]],
                        complete_text=["Yes" if c else f"No: {m}" for c, m in
                                       zip(shown["complete"], shown["months_missing"],
                                           strict=True)])
    columns = [Column("lad_name", "Local authority"), Column("police_force", "Force"),
               Column("count", "Crimes", "integer"),
               Column("rate_per_1000", "Per 1,000 residents", "decimal1"),
               Column("rank_in_force", "Rank in force", "integer")]
    if england is not None:
        columns.append(Column("rank_in_england", "Rank in England", "integer"))
    columns.append(Column("complete_text", "Complete data"))
    notes = ["Rank 1 = highest rate. Authorities with months missing are shown but left out "
             "of ranks and pooled rates."]
    if england is not None:
        notes.append(f"Rank in England is among the {count_text(england.authorities)} English "
                     "authorities with complete data.")
    blocks.append(Table(
        id=PEER_TABLE, caption="Crimes per 1,000 residents: the partnership and its peers",
        columns=tuple(columns), rows=rows, source="peers.peer_comparison", notes=tuple(notes)))
    values = [{"area": str(r.lad_name), "rate": round(float(r.rate_per_1000), 1)}
              for r in rows.itertuples(index=False) if r.complete]
    if "force" in wanted:
        values.append({"area": f"{force} area ({p.force_authorities} authorities)",
                       "rate": round(p.force_rate, 1)})
    if england is not None:
        values.append({"area": england_label(england), "rate": round(england.rate, 1)})
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
