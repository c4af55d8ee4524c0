"""Appendix: data coverage and quality, from the load ledger and the placement of rows."""

from __future__ import annotations

import pandas as pd

from cspkit.analysis.scope import ASB, CRIME
from cspkit.assessment.chapters.parts import trend_gaps, unavailable_callout
from cspkit.assessment.chapters.peers import england_coverage, no_england_text
from cspkit.assessment.document import Block, Callout, Column, Paragraph, Section, Table
from cspkit.assessment.evidence import Evidence, Unavailable
from cspkit.assessment.figures import share_chart
from cspkit.assessment.wording import count_text
from cspkit.sources.completeness import FIELDS
from cspkit.sources.names import data_set_name, force_name, source_name

MONTHS_TABLE = "data_coverage_by_month"
COMPLETENESS_TABLE = "record_completeness"
REJECTED_TABLE = "records_rejected_by_month"
FILES_TABLE = "input_files_by_kind"
ASSIGNMENT_LABELS = {
    "published_2021": "Published with a 2021 LSOA code",
    "lsoa11_unchanged": "2011 LSOA, unchanged in 2021",
    "lsoa11_merged": "2011 LSOA merged into a 2021 LSOA",
    "lsoa11_split_polygon": "2011 LSOA split in 2021, placed by its map point",
    "lsoa11_split_best_fit": "2011 LSOA split in 2021, placed by best fit",
    "lsoa11_complex_best_fit": "2011 LSOA with a complex change, placed by best fit",
}


def _months_table(evidence: Evidence) -> Table:
    m = evidence.coverage.months
    wide = m.pivot_table(index=["month", "period"], columns="source",
                         values=["in_partnership", "elsewhere", "not_placed"], aggfunc="sum",
                         fill_value=0)
    rows = pd.DataFrame({
        "month": [i[0] for i in wide.index],
        "period": [i[1] for i in wide.index],
        "crime": wide[("in_partnership", CRIME)].to_numpy(),
        "asb": wide[("in_partnership", ASB)].to_numpy(),
        "elsewhere": (wide[("elsewhere", CRIME)] + wide[("elsewhere", ASB)]).to_numpy(),
        "not_placed": (wide[("not_placed", CRIME)] + wide[("not_placed", ASB)]).to_numpy(),
    }).sort_values("month")
    return Table(
        id=MONTHS_TABLE, caption="Police rows per month used by the assessment",
        columns=(Column("month", "Month"), Column("period", "Period"),
                 Column("crime", "Crimes in the partnership", "integer"),
                 Column("asb", "ASB in the partnership", "integer"),
                 Column("elsewhere", "Rows elsewhere in the force area", "integer"),
                 Column("not_placed", "Rows not placed", "integer")),
        rows=rows, source="assessment.coverage.data_coverage",
        notes=(f"Forces: {', '.join(force_name(f) for f in evidence.coverage.forces)}. "
               "Rows not placed had no LSOA "
               "or an LSOA in no loaded lookup, so they are in no area's figures.",))


def _files_table(evidence: Evidence) -> Table:
    ledger = evidence.ledger
    live = ledger[ledger["status"] == "loaded"].assign(
        data=lambda t: [data_set_name(str(k), str(d)) for k, d in zip(t["kind"], t["dataset"],
                                                                       strict=True)])
    rows = (live.groupby("data", as_index=False)
            .agg(files=("file_name", "size"), rows=("rows", "sum"),
                 first_month=("first_month", "min"), last_month=("last_month", "max"))
            .sort_values("data"))
    return Table(
        id=FILES_TABLE, caption="Files loaded into the warehouse, by data set",
        columns=(Column("data", "Data"), Column("files", "Files", "integer"),
                 Column("rows", "Rows", "integer"), Column("first_month", "First month"),
                 Column("last_month", "Last month")),
        rows=rows, source="warehouse load_ledger",
        notes=("data/manifest.json lists every input file with its SHA-256 checksum.",))


def _placement(evidence: Evidence) -> list[Block]:
    cov = evidence.coverage
    a = cov.assignment
    blocks: list[Block] = []
    for period, label in (("strategic", "strategic"), ("comparison", "comparison")):
        moved = cov.rows_reassigned(period)
        total = int(a.loc[a["period"] == period, "rows"].sum())
        outside = cov.total("elsewhere", period)
        unplaced = cov.total("not_placed", period)
        blocks.append(Paragraph(
            f"In the {label} period, {count_text(total)} police rows fell in the partnership; "
            f"{count_text(moved)} of them were published with 2011 LSOA codes and re-assigned "
            f"to 2021 LSOAs. A further {count_text(outside)} rows of the same force files fell "
            f"elsewhere in the force area, and {count_text(unplaced)} could not be placed "
            "(no LSOA, or an LSOA in no loaded lookup)."))
    if (a["lsoa_assignment"] != "published_2021").any():
        rows = a.assign(how=[ASSIGNMENT_LABELS.get(x, x) for x in a["lsoa_assignment"]])
        blocks.append(Table(
            id="lsoa_assignment", caption="How police rows in the partnership were placed",
            columns=(Column("period", "Period"), Column("how", "Placement"),
                     Column("rows", "Rows", "integer")),
            rows=rows, source="assessment.coverage.data_coverage"))
    return blocks


def _period_share(c: pd.DataFrame, months: tuple[str, ...]) -> float | None:
    rows = c[c["month"].isin(months)]
    return float(rows["complete"].sum() / rows["rows"].sum()) if len(rows) else None


def _completeness(evidence: Evidence) -> list[Block]:
    """The share of records holding each field that matters, by period and month."""
    c = evidence.quality.completeness
    if c.empty:
        return [Paragraph("No records were loaded for the months of the assessment, so the "
                          "completeness of their fields cannot be measured.")]
    lines, series = [], []
    for (source, key), rows in c.groupby(["source", "field"], sort=False):
        field = FIELDS[key].label
        label = f"{source_name(source)}: {field[0].lower()}{field[1:]}"
        low = rows.loc[rows["share"].idxmin()]
        lines.append({
            "data": source_name(source), "field": field,
            "strategic": _period_share(rows, tuple(evidence.period.months)),
            "comparison": _period_share(rows, tuple(evidence.comparison.months)),
            "lowest": f"{float(low['share']):.1f}% ({low['month']})",
        })
        if (rows["share"] < 100).any():
            series.append(rows.assign(series=label)[["month", "series", "share"]])
    table = Table(
        id=COMPLETENESS_TABLE, caption="Records holding each field that matters, by period",
        columns=(Column("data", "Data"), Column("field", "Field"),
                 Column("strategic", "Strategic period", "percent"),
                 Column("comparison", "Comparison period", "percent"),
                 Column("lowest", "Lowest month")),
        rows=pd.DataFrame(lines), source="analysis.quality.completeness",
        notes=(" ".join([
            "A record counts when it was placed in the partnership's areas or could not be "
            "placed anywhere (it may belong to the partnership).",
            *(["Age, sex, ethnicity, home area and person key are counted over the people "
               "named in the records."] if (c["field"] == "age").any() else []),
            *(f"{FIELDS[key].label}: {FIELDS[key].definition}." for key in FIELDS
              if key in set(c["field"]))]),))
    complete = len(lines) - len(series)
    always = (f"Of the {count_text(len(lines))} fields measured, {count_text(complete)} "
              "were complete in every month" + (
                  "; the chart shows the rest." if series else "."))
    if not series:
        return [table, Paragraph(always), *_rejected(evidence)]
    chart = share_chart(
        id="record_completeness_by_month",
        title="Records holding each field, by month (fields not always complete)",
        series=pd.concat(series, ignore_index=True), what="records holding the field (%)",
        source="analysis.quality.completeness", table_id=COMPLETENESS_TABLE)
    return [table, *([Paragraph(always)] if complete else []), chart, *_rejected(evidence)]


def _rejected(evidence: Evidence) -> list[Block]:
    r = evidence.quality.rejected
    police = ("police.uk files are loaded whole or not at all: a file with a value that "
              "cannot be read is refused, so no police.uk record is ever left out on its own.")
    if r.empty:
        return [Paragraph("No partner record was left out because a value in it could not "
                          f"be read. {police}")]
    rows = r.assign(data=[source_name(s) for s in r["source"]],
                    month=[m if isinstance(m, str) else "date not readable" for m in r["month"]])
    return [Paragraph(f"Partner records with a value that could not be read (a date, a "
                      "postcode, a category not agreed) were left out of every figure; "
                      f"{count_text(int(r['rows'].sum()))} were left out in all. {police}"),
            Table(id=REJECTED_TABLE, caption="Partner records left out because a value could "
                  "not be read, by month",
                  columns=(Column("data", "Data"), Column("month", "Month"),
                           Column("rows", "Records left out", "integer")),
                  rows=rows, source="analysis.quality.rejected_rows")]


def _peer_quality(evidence: Evidence) -> list[Block]:
    p = evidence.peers
    if p is None or isinstance(p, Unavailable):
        return []
    coverage = [] if "england" not in evidence.config.peers else [Paragraph(
        england_coverage(p.england) if p.england is not None else no_england_text(p))]
    incomplete = p.table[~p.table["complete"]]
    if incomplete.empty:
        return [Paragraph("Peer data are complete for every authority compared."), *coverage]
    by_force = incomplete.groupby("police_force", as_index=False).agg(
        authorities=("lad_code", "size"), months_missing=("months_missing", "first"))
    by_force["police_force"] = [force_name(f) for f in by_force["police_force"]]
    return [
        Paragraph(f"{p.n_incomplete} peer authorities have incomplete data and are left out "
                  "of peer ranks:"),
        Table(id="peer_data_gaps", caption="Peer authorities with incomplete data, by force",
              columns=(Column("police_force", "Force"),
                       Column("authorities", "Authorities", "integer"),
                       Column("months_missing", "Months missing")),
              rows=by_force, source="peers.peer_comparison"),
        *coverage,
    ]


def quality_chapter(evidence: Evidence) -> Section:
    """The data coverage and quality appendix."""
    unavailable = [r for r in (evidence.recent, evidence.recent_year_earlier,
                               evidence.concentration, evidence.deprivation, evidence.hotspots,
                               evidence.vulnerability, evidence.outcomes, evidence.peers)
                   if isinstance(r, Unavailable)]
    missing: list[Block] = [unavailable_callout(u) for u in unavailable]
    missing += trend_gaps(evidence.trends)
    if not missing:
        missing = [Callout("Analyses not available", "Every analysis ran.", "note")]
    placement = evidence.placement
    warehouse = Paragraph(
        f"Across the whole warehouse, {count_text(placement.rows_reassigned)} incident rows "
        f"were re-assigned from 2011 LSOAs, {count_text(placement.rows_without_lsoa)} had no "
        f"LSOA and {count_text(placement.rows_outside_known_areas)} fell outside every "
        "loaded area.")
    return Section(
        id="appendix_data", title="Appendix A: Data coverage and quality", level=1,
        children=(
            Section(id="coverage_months", title="Months covered", level=2,
                    children=(_months_table(evidence),)),
            Section(id="completeness_of_records", title="Completeness of records", level=2,
                    children=tuple(_completeness(evidence))),
            Section(id="placement", title="Placement of rows", level=2,
                    children=(*_placement(evidence), warehouse)),
            Section(id="input_files", title="Files loaded", level=2,
                    children=(_files_table(evidence),)),
            Section(id="peer_data_quality", title="Peer data", level=2,
                    children=tuple(_peer_quality(evidence)) or (Paragraph(
                        "No peer comparison was made."),)),
            Section(id="analyses_not_available", title="Analyses not available", level=2,
                    children=tuple(missing)),
        ),
    )
