"""The monthly scanning bulletin: the scan's flagged issues first, then the top five wards,
new and persistent hot spots, repeat locations and A&E assaults when loaded.

The analyses come from :mod:`cspkit.analysis` (scan, hotspots, partner sources) and
:mod:`cspkit.assessment.locations`; this module only turns them into a :class:`Document`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from ibis.backends import BaseBackend

from cspkit.analysis.hotspots import hotspots
from cspkit.analysis.involvement import AE_ASSAULT
from cspkit.analysis.partner_sources import ae_assaults
from cspkit.analysis.periods import StrategicPeriod
from cspkit.analysis.scan import MONTH_TEST, TOTAL_CRIME, Scan, latest_month, scan
from cspkit.analysis.scope import CRIME, Scope, resolve_scope
from cspkit.assessment.build import partnership_document
from cspkit.assessment.config import PartnershipConfig, load_config
from cspkit.assessment.document import (
    SUPPRESSED,
    Callout,
    Chart,
    Column,
    Document,
    Finding,
    Paragraph,
    Section,
    Table,
)
from cspkit.assessment.locations import location_note, top_locations
from cspkit.errors import CspError
from cspkit.render import write_csv_bundle, write_docx, write_html, write_pdf
from cspkit.warehouse import connect

MAX_CHARTS = 6
"""Flagged issues drawn as charts (the rest are listed in the table), to keep the bulletin
to a few pages."""

SCAN_CSV_COLUMNS = ("area_code", "area_name", "category", "test", "observed", "expected",
                    "upper_limit", "p_value", "q_value", "flagged")


def month_text(month: str) -> str:
    """``2025-12`` as readers say it.

    >>> month_text("2025-12")
    'December 2025'
    """
    year, number = month.split("-")
    return f"{calendar.month_name[int(number)]} {year}"


def _issue_sentence(row: pd.Series) -> str:
    place = row["area_name"]
    if row["test"] == MONTH_TEST:
        return (f"**{row['category']}** in {place}: {row['observed']:,} this month against "
                f"about {row['expected']:,.0f} expected (upper limit {row['upper_limit']:,.0f}; "
                f"q = {row['q_value']:.3f}).")
    return (f"**{row['category']}** in {place}: {row['observed']:,} in the last three months "
            f"against {row['expected']:,.0f} in the same months a year earlier "
            f"(q = {row['q_value']:.3f}).")


def _chart(result: Scan, row: pd.Series, number: int) -> Chart:
    band = result.band(row["area_code"], row["source"], row["category"], months=12)
    counts = result.series(row["area_code"], row["source"], row["category"]).dropna().tail(24)
    values = [{"month": m, "count": float(c)} for m, c in counts.items()]
    bands = [{"month": r.month, "expected": float(r.expected), "upper": float(r.upper_limit)}
             for r in band.itertuples() if pd.notna(r.expected)]
    spec = {
        "layer": [
            {"data": {"values": bands},
             "mark": {"type": "area", "opacity": 0.25, "color": "#2a8a57"},
             "encoding": {"x": {"field": "month", "type": "ordinal", "title": "Month"},
                          "y": {"field": "expected", "type": "quantitative"},
                          "y2": {"field": "upper"}}},
            {"data": {"values": values},
             "mark": {"type": "line", "point": True},
             "encoding": {"x": {"field": "month", "type": "ordinal", "title": "Month"},
                          "y": {"field": "count", "type": "quantitative",
                                "title": "Incidents per month"}}},
        ],
        "height": 160,
    }
    return Chart(
        id=f"flagged_{number}", title=f"{row['category']}, {row['area_name']}", spec=spec,
        alt_text=(f"Monthly {row['category']} in {row['area_name']} over the last "
                  f"{len(values)} months, with the band from the expected level to the upper "
                  "limit for the last 12 months."),
        source="scan.scan")


def _flagged_section(result: Scan) -> Section:
    flagged = result.flagged
    intro = Paragraph(
        f"{result.n_series:,} series (crime types, anti-social behaviour and partner data, in "
        f"the partnership and each ward) were scanned: {result.n_tested:,} tests, each "
        "month against its own expected level and each last quarter against the same "
        f"months a year earlier. **{len(flagged)}** "
        f"{'issue stands' if len(flagged) == 1 else 'issues stand'} out after controlling "
        f"the false discovery rate at {result.fdr:.0%}.")
    children: list = [intro]
    if flagged.empty:
        children.append(Paragraph("No series is higher than its own past leads us to expect."))
    charted = set()
    for number, row in flagged.iterrows():
        children.append(Finding(_issue_sentence(row), importance=float(-row["p_value"]),
                                kind="rise", figures={"observed": int(row["observed"]),
                                                      "expected": float(row["expected"])}))
        key = (row["area_code"], row["source"], row["category"])
        if key not in charted and len(charted) < MAX_CHARTS:
            charted.add(key)
            children.append(_chart(result, row, number + 1))
    if len(flagged):
        children.append(Table(
            id="flagged_issues", caption="Every flagged issue",
            columns=(Column("area_name", "Area"), Column("category", "Category"),
                     Column("test", "Test"), Column("observed", "Observed", "integer"),
                     Column("expected", "Expected", "decimal1"),
                     Column("upper_limit", "Upper limit", "integer"),
                     Column("q_value", "q-value", "p_value")),
            rows=flagged, source="scan.scan"))
    return Section("flagged", "Issues standing out", 1, tuple(children))


def _wards_section(result: Scan) -> Section:
    t = result.table
    wards = t[(t["area_level"] == "ward") & (t["category"] == TOTAL_CRIME)
              & (t["test"] == MONTH_TEST) & (t["source"] == CRIME)]
    top = wards.sort_values(["observed", "area_name"], ascending=[False, True]).head(5)
    return Section("top_wards", "Top five wards", 1, (
        Table(id="ward_crime", caption=f"Wards with the most recorded crime, "
              f"{month_text(result.month)}",
              columns=(Column("area_name", "Ward"), Column("observed", "Crimes", "integer"),
                       Column("expected", "Expected", "decimal1"),
                       Column("upper_limit", "Upper limit", "integer"),
                       Column("q_value", "q-value", "p_value")),
              rows=top, source="scan.scan"),))


def _hotspot_section(con: BaseBackend, scope: Scope) -> Section:
    quarter = StrategicPeriod.ending(scope.period.end, 3)
    try:
        spots = hotspots(con, scope.over(quarter))
    except CspError as error:
        return Section("hot_spots", "Hot spots", 1, (
            Callout("Hot spots not analysed", str(error), tone="caveat"),))
    t = spots.table
    t = t.assign(status=["new" if h and not p else "persistent" if h else "ended"
                         for h, p in zip(t["hot"], t["previous_hot"], strict=True)])
    shown = t[t["hot"] | t["previous_hot"]].sort_values(["status", "gi_z"],
                                                       ascending=[False, False])
    new = int((shown["status"] == "new").sum())
    text = (f"Getis-Ord Gi* hot spots of recorded crime among the LSOAs, {quarter.label} "
            f"against the three months before: {new} new, "
            f"{int((shown['status'] == 'persistent').sum())} persistent, "
            f"{int((shown['status'] == 'ended').sum())} no longer hot.")
    children: list = [Paragraph(text)]
    if len(shown):
        children.append(Table(
            id="hot_spot_lsoas", caption=f"Hot spot LSOAs, {quarter.label}",
            columns=(Column("lsoa_name", "LSOA"), Column("ward_name", "Ward"),
                     Column("status", "Status"), Column("count", "Crimes", "integer"),
                     Column("previous_count", "Crimes, previous quarter", "integer")),
            rows=shown, source="hotspots.hotspots"))
    return Section("hot_spots", "New and emerging hot spots", 1, tuple(children))


def _locations_section(con: BaseBackend, scope: Scope) -> Section:
    quarter = StrategicPeriod.ending(scope.period.end, 3)
    places = top_locations(con, scope.over(quarter, None), sources=[CRIME], top_n=10)
    return Section("repeat_locations", "Repeat locations", 1, (
        Table(id="top_locations", caption=f"Locations with the most recorded crime, "
              f"{quarter.label}",
              columns=(Column("rank", "Rank", "integer"), Column("location", "Location"),
                       Column("ward_name", "Ward"), Column("count", "Crimes", "integer")),
              rows=places.table, source="locations.top_locations",
              notes=(location_note(places),)),))


def _ae_section(con: BaseBackend, scope: Scope, threshold: int) -> Section:
    quarter = StrategicPeriod.ending(scope.period.end, 3)
    try:
        ae = ae_assaults(con, scope.over(quarter, None))
    except CspError:
        return Section("ae_assaults", "A&E assaults", 1, (
            Paragraph(f"A&E assault attendances are not loaded for {quarter.label}."),))
    table = ae.by_location_type.copy()
    table["count"] = table["count"].astype(object)
    small = table["count"].astype(int) < threshold
    table.loc[small, "count"] = SUPPRESSED
    return Section("ae_assaults", "A&E assaults", 1, (
        Paragraph(f"{ae.attendances:,} assault attendances at A&E in {quarter.label}."
                  if ae.attendances >= threshold else
                  f"Fewer than {threshold} assault attendances at A&E in {quarter.label}."),
        Table(id="ae_location_type", caption=f"A&E assault attendances by where the assault "
              f"happened, {quarter.label}",
              columns=(Column("location_type", "Location type"),
                       Column("count", "Attendances", "integer")),
              rows=table[["location_type", "count"]], source="partner_sources.ae_assaults",
              notes=(f"Counts below {threshold} are withheld ({SUPPRESSED}).",)),))


def _method_section(result: Scan) -> Section:
    s = result.settings
    return Section("method", "How the scan works", 1, (Callout("Method", (
        "Each series' month is compared with its expected level from a quasi-Poisson model "
        f"with trend and seasonality fitted on up to {s.years} past years, past unusual "
        "months down-weighted (Farrington et al. 1996; Noufaily et al. 2013); short or "
        "mostly-zero series are compared with the mean of the months before them by an exact "
        "Poisson test. The last three months are also compared with the same months a year "
        "earlier. A series is flagged when its Benjamini–Hochberg q-value is at most "
        f"{result.fdr:.0%} and it counts at least {result.min_count} incidents."),),))


@dataclass
class BulletinRun:
    """What :func:`write_bulletin` wrote: the document, the scan and the files."""

    document: Document
    scan: Scan
    written: dict[str, Path]

    def summary(self) -> list[str]:
        """Lines for the command line."""
        lines = [f"{self.document.title}: {self.scan.n_series:,} series, "
                 f"{self.scan.n_tested:,} tests, {self.scan.n_flagged} flagged"]
        lines += [f"  {name}: {path}" for name, path in self.written.items()]
        return lines


def build_bulletin(con: BaseBackend, config: PartnershipConfig, *,
                   month: str | None = None) -> tuple[Document, Scan]:
    """The scanning bulletin for a month (default: the latest police.uk month loaded)."""
    month = month or latest_month(con)
    scope = resolve_scope(con, areas=config.areas, period=StrategicPeriod(month, month),
                          compare=None)
    result = scan(con, scope)
    sections = [_flagged_section(result), _wards_section(result),
                _hotspot_section(con, scope), _locations_section(con, scope)]
    if scope.months_loaded(AE_ASSAULT):
        sections.append(_ae_section(con, scope, config.suppression_threshold))
    sections.append(_method_section(result))
    citation = result.citation
    document = partnership_document(
        config, title=f"Scanning bulletin, {month_text(month)}",
        subtitle=" and ".join(citation.area_names), period=citation.period,
        comparison=citation.comparison, sections=sections, results=[result],
        ledger=con.table("load_ledger").to_pandas(), when=month_text(month),
        area_names=citation.area_names)
    return document, result


def write_bulletin(config_path: str | Path, *, warehouse: str | Path, out_dir: str | Path,
                   month: str | None = None,
                   formats: tuple[str, ...] = ("html", "docx", "pdf")) -> BulletinRun:
    """Scan a month and write ``bulletin.html``/``.docx``/``.pdf``, ``scan.csv`` (every
    test) and ``data/`` (the bulletin's tables as CSV with ``manifest.json``)."""
    config = load_config(config_path)
    con = connect(warehouse, create=False)
    try:
        document, result = build_bulletin(con, config, month=month)
    finally:
        con.disconnect()
    document = replace(document, metadata=replace(document.metadata, warehouse=str(warehouse)))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    writers = {"html": write_html, "docx": write_docx, "pdf": write_pdf}
    for name in formats:
        written[name] = writers[name](document, out / f"bulletin.{name}")
    csv_path = out / "scan.csv"
    result.table[list(SCAN_CSV_COLUMNS)].to_csv(csv_path, index=False)
    written["scan.csv"] = csv_path
    written["data"] = write_csv_bundle(document, out / "data")
    return BulletinRun(document=document, scan=result, written=written)
