"""No withheld count can be worked out from what a small-numbers assessment publishes.

A small partnership's partner exports give few people per theme, so the profiles withhold
many counts. A reader of the document is simulated: every sentence and table about people
(the role profiles, repeats, A&E attendances) is read back into statements — each count shown,
each total, each percentage as the interval its printed precision allows, "fewer than 5" —
and integer linear programming (``privacy.disclosure.count_ranges``) finds the smallest and
largest value every withheld count (and every count the text implies but no table shows)
can take. None may be pinned: a withheld cell to any value, an implied count to 1–4.

The reader knows the sentences it reads; a number in a people section that no reader
recognises fails the test, so new text about people has to be taught to it (and checked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cspkit.assessment.build import build_assessment
from cspkit.assessment.config import load_config, write_default_config
from cspkit.assessment.document import (
    SUPPRESSED,
    Callout,
    Chart,
    Document,
    Finding,
    Paragraph,
    Table,
)
from cspkit.privacy.disclosure import (
    Statement,
    count_between,
    count_is,
    count_ranges,
    counts_add_up,
    share_is,
)
from cspkit.sources.partner.loading import load_partner
from cspkit.sources.partner.mapping import load_mapping
from cspkit.synth import generate_borough
from cspkit.synth.partners import EXPORTS, write_partner_exports
from cspkit.warehouse import connect
from cspkit.warehouse.load import load_paths

SHARE_KEPT = 0.05  # a partnership with a twentieth of the demo's partner records
ENCODINGS = {"council_asb": "cp1252", "fire_incidents": "utf-8-sig"}


def thin_exports(folder: Path, share: float, seed: int) -> None:
    """Keep ``share`` of each partner export's records (all rows of a record together)."""
    rng = np.random.default_rng(seed)
    for mapping, pattern in EXPORTS.items():
        encoding = ENCODINGS.get(mapping, "utf-8")
        for path in sorted(folder.glob(pattern)):
            rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            records = rows[rows.columns[0]].unique()
            kept = rows[rows[rows.columns[0]].isin(records[rng.random(len(records)) < share])]
            if kept.empty:
                path.unlink()
            else:
                kept.to_csv(path, index=False, lineterminator="\n", encoding=encoding)


@pytest.fixture(scope="module")
def small_assessment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, int]:
    """Kestrel Vale's 2025 data with a twentieth of its partners' records, assessed for the
    last quarter of 2025: a few dozen people per theme."""
    root = tmp_path_factory.mktemp("small_partnership")
    manifest = generate_borough(root / "data", seed=2026, first_month="2025-01")
    write_partner_exports(root / "data", seed=2026)
    thin_exports(root / "data" / "partners", SHARE_KEPT, seed=7)
    con = connect(root / "small.duckdb")
    load_paths(con, [root / "data"])
    for name, pattern in EXPORTS.items():
        exports = sorted((root / "data" / "partners").glob(pattern))
        if exports:
            load_partner(con, exports, mapping=load_mapping(name),
                         rejects=root / f"{name}.rejects.csv")
    config = load_config(write_default_config(
        root / "csp.toml", name="Small Partnership", areas=[manifest.borough.code],
        period="2025-10:2025-12", compare="previous"))
    document = build_assessment(con, config)
    con.disconnect()
    return document, config.suppression_threshold


# --------------------------------------------------------------------------- the reader

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
WHO = r"[a-z]+"
PEOPLE = re.compile(rf"^(?P<n>[\d,]+) {WHO} \(distinct people\) were recorded")
INVOLVEMENTS = re.compile(r"from (?P<m>[\d,]+) involvements \((?P<k>[\d.]+%) carrying a person "
                          r"key\)")
NOT_RECORDED = re.compile(r"Not recorded: (?P<items>.+)\.$")
NOT_RECORDED_ITEM = re.compile(r"^(?P<what>[a-z ]+) (?P<value>[\d.]+%|withheld)$")
FEWER_PEOPLE = re.compile(rf"^Fewer than (?P<t>\d+) {WHO} were recorded")
NO_DATA = re.compile(rf"^No {WHO} data are available")
REPEAT_FEWER = re.compile(rf"^Repeat {WHO}: fewer than (?P<t>\d+) {WHO} appear in more than "
                          "one incident")
REPEAT_WITHHELD = re.compile(rf"^Repeat {WHO}: the number of {WHO} in more than one incident")
REPEAT_NO = re.compile(rf"^Repeat {WHO}: no {WHO} appear in more than one incident")
REPEAT_ONLY = re.compile(rf"^Repeat {WHO}: (?P<r>[\d,]+) {WHO} appear in more than one "
                         r"incident[^;]*; how many appear once or have no person key is withheld")
REPEAT_NONE_OF = re.compile(rf"^Repeat {WHO}: none of the (?P<u>[\d,]+) {WHO} with a person "
                            "key appears")
REPEAT_OF = re.compile(rf"^Repeat {WHO}: (?P<r>[\d,]+) of the (?P<u>[\d,]+) {WHO} with a person"
                       r" key \((?P<p>[\d.]+%)\) appear in more than one incident[^;]*; they "
                       rf"account for (?P<q>[\d.]+%) of its {WHO} involvements")
KEYLESS = re.compile(r"(?P<l>[\d,]+) had no person key")
AE = re.compile(r"^Hospital A&E recorded (?P<a>[\d,]+) assault attendances in the strategic "
                r"period \(Cardiff Model\)(?:; (?P<p>[\d.]+%) of those asked said)?")
AE_FEWER = re.compile(r"^Hospital A&E recorded fewer than (?P<t>\d+) assault attendances")


def number(text: str) -> int:
    return int(text.replace(",", ""))


@dataclass
class Reading:
    """What a reader has learnt from one part of the document."""

    where: str
    statements: list[Statement] = field(default_factory=list)
    withheld: list[tuple] = field(default_factory=list)
    implied: list[tuple] = field(default_factory=list)
    shown: dict[tuple, int] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)

    def show(self, name: tuple, value: int) -> None:
        self.statements.append(count_is(name, value))
        self.shown[name] = value

    def imply(self, *names: tuple) -> None:
        self.implied += [n for n in names if n not in self.implied]

    def table(self, table: Table, total: tuple) -> None:
        """Cells of a table of people (or attendances) adding up, group by group, to ``total``.
        """
        frame = table.frame()
        count = "people" if "people" in frame else "count"
        label = next(c for c in frame.columns if c not in ("dimension", count, "share"))
        groups = (frame.groupby("dimension", sort=False) if "dimension" in frame
                  else [("", frame)])
        for group, part in groups:
            cells = [(table.id, group, value) for value in part[label]]
            self.statements.append(counts_add_up(cells, total))
            for row, cell in zip(part.index, cells, strict=True):
                if part.loc[row, count] == SUPPRESSED:
                    self.withheld.append(cell)
                    continue
                self.show(cell, int(part.loc[row, count]))
                self.statements += share_is(cell, total, table.cell_text(row, "share"))

    def chart(self, chart: Chart) -> None:
        """A chart of people by age band: each bar must be a count its table shows."""
        for bar in chart.spec["data"]["values"]:
            cell = (chart.table_id, "Age band", bar["age"])
            if self.shown.get(cell) != bar["people"]:
                self.unread.append(f"chart {chart.id}: {bar}")

    def sentence(self, text: str, tables: dict[str, Table]) -> None:
        """Turn one sentence about people into statements; keep numbers it cannot read."""
        where = self.where
        people, repeat, once, keyless = ((where, n) for n in (
            "people", "in more than one incident", "in one incident", "no person key"))
        split = counts_add_up([repeat, once, keyless], people)
        rest = text

        def read(pattern: re.Pattern) -> re.Match | None:
            nonlocal rest
            found = pattern.search(rest)
            if found:
                rest = rest[:found.start()] + " " + rest[found.end():]
            return found

        if found := read(PEOPLE):
            self.show(people, number(found["n"]))
        if found := read(FEWER_PEOPLE):
            self.statements.append(count_between(people, 0, number(found["t"]) - 1))
        read(NO_DATA)
        if found := read(INVOLVEMENTS):
            involvements, keyed = (where, "involvements"), (where, "keyed involvements")
            self.show(involvements, number(found["m"]))
            self.statements += [*share_is(keyed, involvements, found["k"]),
                                count_between(keyed, 0, number(found["m"]))]
        if found := read(NOT_RECORDED):
            for item in found["items"].split(", "):
                part = NOT_RECORDED_ITEM.match(item)
                if part is None:
                    self.unread.append(item)
                    continue
                if part["value"] == "withheld":
                    continue
                if part["what"] == "home ward":
                    cell = (tables["ward_name"].id, "", "Not recorded")
                else:
                    cell = (tables["dimension"].id, part["what"].capitalize(), "Not recorded")
                self.statements += share_is(cell, people, part["value"])
        for pattern in (REPEAT_FEWER, REPEAT_WITHHELD, REPEAT_NO, REPEAT_ONLY, REPEAT_NONE_OF,
                        REPEAT_OF):
            if found := read(pattern):
                self.statements.append(split)
                self.imply(repeat, once, keyless)
                given = found.groupdict()
                if "t" in given:
                    self.statements.append(count_between(repeat, 0, number(given["t"]) - 1))
                if pattern in (REPEAT_NO, REPEAT_NONE_OF):
                    self.statements.append(count_is(repeat, 0))
                if "r" in given:
                    self.show(repeat, number(given["r"]))
                if "u" in given:
                    units = (where, "people with a person key")
                    self.statements += [count_is(units, number(given["u"])),
                                        counts_add_up([repeat, once], units)]
                if "p" in given:
                    # each repeat person has two or more involvements, each other one
                    theirs, all_keyed = (where, "repeat involvements"), (where, "involvements")
                    self.statements += [
                        *share_is(repeat, units, given["p"]),
                        *share_is(theirs, all_keyed, given["q"]),
                        counts_add_up([theirs, once], all_keyed),
                        Statement(((theirs, 1.0), (repeat, -2.0)), 0, np.inf)]
        if found := read(KEYLESS):
            self.show(keyless, number(found["l"]))
        if found := read(AE_FEWER):
            self.statements.append(count_between((where, "attendances"), 0,
                                                 number(found["t"]) - 1))
        if found := read(AE):
            attendances = (where, "attendances")
            self.show(attendances, number(found["a"]))
            if found["p"]:
                answers = [(where, a) for a in ("reported", "not reported", "not asked")]
                asked = (where, "asked")
                self.statements += [counts_add_up(answers, attendances),
                                    counts_add_up(answers[:2], asked),
                                    *share_is(answers[1], asked, found["p"])]
                self.imply(*answers)
        self.unread += NUMBER.findall(rest)

    def problems(self, threshold: int) -> list[str]:
        """Withheld counts a reader can work out, and small counts shown or implied exactly."""
        out = [f"{self.where}: cannot read {text!r}" for text in self.unread]
        out += [f"{self.where}: {name} = {value} is shown although below {threshold}"
                for name, value in self.shown.items() if 0 < value < threshold]
        wanted = self.withheld + [n for n in self.implied if n not in self.shown]
        if not wanted:
            return out
        for name, (low, high) in count_ranges(self.statements, wanted).items():
            if low == high and (name in self.withheld or 0 < low < threshold):
                out.append(f"{self.where}: {name} is worked out exactly as {int(low)}")
        return out


def read_people(document: Document) -> list[Reading]:
    """A reading of every section about people, and of the A&E attendances."""
    readings = []
    for section in document.all_sections():
        blocks = [b for b in section.children if not hasattr(b, "children")]
        texts = [b.text if isinstance(b, Paragraph | Callout) else b.sentence
                 for b in blocks if isinstance(b, Paragraph | Callout | Finding)]
        tables = {next(k for k in ("dimension", "ward_name", "location_type")
                       if k in t.frame()): t
                  for t in blocks if isinstance(t, Table)
                  and {"people", "location_type"} & set(t.frame().columns)}
        about_people = any(p.search(t) for t in texts
                           for p in (PEOPLE, FEWER_PEOPLE, NO_DATA))
        if about_people:
            reading = Reading(section.id)
            for key in ("dimension", "ward_name"):
                if key in tables:
                    reading.table(tables[key], (section.id, "people"))
            for chart in (b for b in blocks if isinstance(b, Chart)):
                reading.chart(chart)
            for text in texts:
                reading.sentence(text, tables)
            readings.append(reading)
        attendances = [t for t in texts if AE.search(t) or AE_FEWER.search(t)]
        if attendances:
            reading = Reading(f"{section.id} (A&E)")
            if "location_type" in tables:
                reading.table(tables["location_type"], (reading.where, "attendances"))
            for text in attendances:
                reading.sentence(text, tables)
            readings.append(reading)
    return readings


def test_no_withheld_count_can_be_worked_out_from_what_the_assessment_publishes(
        small_assessment):
    document, threshold = small_assessment
    readings = read_people(document)
    # the check is not vacuous: profiles of several roles, withheld cells, A&E, repeats
    parts = {r.where.split(" ")[0].rsplit("_", 1)[-1] for r in readings}
    assert parts >= {"victims", "offenders", "callers"}
    assert any(r.where.endswith("(A&E)") for r in readings)
    assert sum(len(r.withheld) for r in readings) >= 50
    assert any(r.implied for r in readings)
    problems = [p for r in readings for p in r.problems(threshold)]
    assert problems == [], "\n".join(problems)
