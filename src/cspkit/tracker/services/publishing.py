"""Publishing an assessment's recommendations and data gaps, a scan's flagged issues, or the
priorities' proposed themes into a plan (``csp tracker publish``).

Each entry has a stable key (a recommendation's ``key``, a data need's ``key``, a flagged
series' area, category and test within its month, a proposed priority's candidate key), so
publishing the same folder again changes nothing, and next year's assessment updates the
entries still open instead of adding new ones. Publishing runs in one transaction: an error
writes nothing.

The proposed priorities of ``priorities_plan.json`` (``csp priorities``) become proposed
recommendations ("Adopt as a priority of the plan: …", not yet agreed) with the evidence
that ranked them as their findings: the manager sees them in the recommendations register
beside the assessment's and decides; the plan's themes are never changed by publishing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from cspkit.errors import CspError
from cspkit.tracker.models import (
    Agency,
    DataRequirement,
    EmergingIssue,
    Plan,
    PublishedAssessment,
    Recommendation,
    Theme,
)
from cspkit.tracker.selectors.access import User, administrator_required
from cspkit.tracker.selectors.plan import plan_or_latest
from cspkit.tracker.services.registers import recommendation_carry_forward

MANIFEST = "manifest.json"
SCAN_CSV = "scan.csv"
PRIORITIES_FILE = "priorities_plan.json"
PRIORITY_KEY = "priority:"
PRIORITY_SECTION = "Setting priorities"
ASSESSMENT_TITLE = "Partnership Strategic Assessment"
SCAN_TITLE = "Scanning bulletin"
_MONTHS = re.compile(r"^(\d{4}-\d{2}):(\d{4}-\d{2})$")

OWNER_KINDS: dict[str, str] = {
    "Police": Agency.Kind.POLICE,
    "Council": Agency.Kind.COUNCIL,
    "Fire and rescue service": Agency.Kind.FIRE,
    "Health": Agency.Kind.HEALTH,
    "Probation": Agency.Kind.PROBATION,
    "Youth justice service": Agency.Kind.YOUTH_JUSTICE,
    "Drug and alcohol service": Agency.Kind.SUBSTANCE_MISUSE,
}
"""The kind of agency holding each owner the assessment names
(:data:`cspkit.assessment.data_needs.OWNERS`)."""


@dataclass(frozen=True)
class Folder:
    """An assessment's or a scan's output folder, read and checked.

    Attributes
    ----------
    kind
        ``assessment`` or ``scan`` (:class:`PublishedAssessment.Kind`), or ``priorities``.
    path
        The manifest's path (for priorities, ``priorities_plan.json``'s), for messages.
    manifest
        The manifest (or the priorities' plan file) as parsed JSON.
    sha256
        The manifest file's SHA-256.
    issues
        The scan's flagged rows (``scan.csv`` rows whose ``flagged`` is true); empty for an
        assessment.
    """

    kind: str
    path: Path
    manifest: dict[str, Any]
    sha256: str
    issues: tuple[dict[str, str], ...] = ()

    @property
    def period(self) -> tuple[str, str]:
        start, end = self.manifest["period"].split(":")
        return start, end

    @property
    def partnership(self) -> str:
        return str(self.manifest["partnership"])


def read_folder(path: str | Path) -> Folder:
    """Read ``<path>/priorities_plan.json`` when there is one (a ``csp priorities``
    folder), else ``<path>/data/manifest.json`` (or ``<path>/manifest.json``) and, for a scan,
    ``<path>/scan.csv``; raise a one-line :class:`CspError` naming the file when the folder
    is not an assessment, a scan or the priorities."""
    folder = Path(path)
    if not folder.is_dir():
        raise CspError("not a folder", path=str(folder),
                       hint="Give the folder csp assess, csp scan or csp priorities wrote")
    if (folder / PRIORITIES_FILE).is_file():
        return _read_priorities(folder / PRIORITIES_FILE)
    manifest_path = next((p for p in (folder / "data" / MANIFEST, folder / MANIFEST)
                          if p.is_file()), None)
    if manifest_path is None:
        raise CspError("not an assessment: it holds no data/manifest.json", path=str(folder),
                       hint="Give the folder csp assess wrote, with csv among its formats")
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise CspError("is not valid JSON", path=str(manifest_path), line=line,
                       hint="Write the assessment again with csp assess") from error
    if not isinstance(manifest, dict):
        raise CspError("is not a manifest (a JSON object)", path=str(manifest_path))
    for key in ("title", "partnership", "period", "config"):
        if key not in manifest:
            raise CspError(f"has no '{key}'", path=str(manifest_path),
                           hint="Write the assessment again with this version of csp assess")
    if not _MONTHS.match(str(manifest["period"])):
        raise CspError(f"period {manifest['period']!r} is not YYYY-MM:YYYY-MM",
                       path=str(manifest_path))
    title = str(manifest["title"])
    sha = hashlib.sha256(raw).hexdigest()
    if title.startswith(SCAN_TITLE):
        return Folder("scan", manifest_path, manifest, sha, _flagged(folder / SCAN_CSV))
    if not title.startswith(ASSESSMENT_TITLE):
        raise CspError(f"'{title}' is neither a strategic assessment nor a scanning bulletin",
                       path=str(manifest_path))
    if "recommendations" not in manifest:
        raise CspError("has no 'recommendations'", path=str(manifest_path),
                       hint="Write the assessment again with this version of csp assess")
    return Folder("assessment", manifest_path, manifest, sha)


THEME_FIELDS = ("key", "name", "kind", "rank", "score", "share_in_top", "evidence")


def _read_priorities(path: Path) -> Folder:
    raw = path.read_bytes()
    try:
        plan_file = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CspError("is not valid JSON", path=str(path), line=getattr(error, "lineno", None),
                       hint="Write the priorities again with csp priorities") from error
    if not isinstance(plan_file, dict):
        raise CspError("is not a priorities plan file (a JSON object)", path=str(path))
    for key in ("partnership", "period", "top", "themes"):
        if key not in plan_file:
            raise CspError(f"has no '{key}'", path=str(path),
                           hint="Write the priorities again with this version of csp priorities")
    if not _MONTHS.match(str(plan_file["period"])):
        raise CspError(f"period {plan_file['period']!r} is not YYYY-MM:YYYY-MM", path=str(path))
    for number, theme in enumerate(plan_file["themes"], start=1):
        missing = [f for f in THEME_FIELDS if not isinstance(theme, dict) or f not in theme]
        if missing:
            raise CspError(f"theme {number} has no '{missing[0]}'", path=str(path),
                           hint="Write the priorities again with this version of csp priorities")
    return Folder("priorities", path, plan_file, hashlib.sha256(raw).hexdigest())


def _flagged(path: Path) -> tuple[dict[str, str], ...]:
    if not path.is_file():
        raise CspError("not found: a scan folder holds scan.csv beside data/", path=str(path),
                       hint="Give the folder csp scan wrote")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    wanted = {"area_code", "area_name", "category", "test", "observed", "expected",
              "upper_limit", "q_value", "flagged"}
    missing = wanted - set(rows[0] if rows else wanted)
    if missing:
        raise CspError(f"has no column {', '.join(sorted(missing))}", path=str(path), line=1)
    return tuple(r for r in rows if r["flagged"].strip().lower() == "true")


@dataclass
class PublishReport:
    """What publishing did, as counts and lines for the command line."""

    title: str
    plan: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    carried_forward: int = 0
    proposed_for_closure: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        counts = (f"{self.created} created, {self.updated} updated, {self.unchanged} "
                  f"unchanged, {self.carried_forward} carried forward, "
                  f"{self.proposed_for_closure} proposed for closure")
        return [f"{self.title} → {self.plan}: {counts}", *self.notes]


def matches_partnership(folder: Folder, plan: Plan) -> bool:
    """Whether the folder is for the plan's partnership: the same name, or its area among
    the areas the folder covers."""
    partnership = plan.partnership
    names = {str(n).casefold() for n in folder.manifest.get("area_names", [])}
    return (folder.partnership.strip().casefold() == partnership.name.strip().casefold()
            or partnership.area_name.strip().casefold() in names)


def _check_partnership(folder: Folder, plan: Plan) -> None:
    """Raise when the folder is another partnership's."""
    if not matches_partnership(folder, plan):
        areas = ", ".join(folder.manifest.get("area_names", [])) or "no area named"
        raise CspError(f"is for {folder.partnership} ({areas}), not {plan.partnership.name} "
                       f"({plan.partnership.area_name})", path=str(folder.path),
                       hint="Publish it into that partnership's plan")


def _checked(folder: Folder, plan: Plan) -> PublishedAssessment | None:
    """The record of this very folder if already published into the plan; raises when the
    folder is another partnership's or older than one already published."""
    _check_partnership(folder, plan)
    same = PublishedAssessment.objects.filter(plan=plan, manifest_sha256=folder.sha256).first()
    if same is not None:
        return same
    start, end = folder.period
    later = (PublishedAssessment.objects
             .filter(partnership=plan.partnership, kind=folder.kind, period_end__gt=end)
             .order_by("-period_end").first())
    if later is not None:
        what = "an assessment" if folder.kind == "assessment" else "a scan"
        raise CspError(f"covers {start} to {end}, older than {what} already published "
                       f"({later.title}, to {later.period_end})", path=str(folder.path),
                       hint="Publish the latest one only")
    return None


@transaction.atomic
def publish(*, folder: Folder, plan: Plan, published_by: User, now: datetime) -> PublishReport:
    """Publish an assessment's recommendations and data gaps, a scan's flagged issues, or
    the priorities' proposed themes (as proposed recommendations) into ``plan``.

    Parameters
    ----------
    folder
        Read by :func:`read_folder`.
    plan
        The plan to publish into; its ``warehouse`` becomes the folder's.
    published_by
        An administrator.
    now
        When it is published.

    Raises
    ------
    CspError
        The folder is another partnership's, or older than one already published; nothing
        is written.
    """
    administrator_required(published_by)
    if folder.kind == "priorities":
        _check_partnership(folder, plan)
        report = PublishReport(title=f"{PRIORITY_SECTION} {folder.manifest['period']}",
                               plan=plan.title)
        _publish_priorities(folder, plan, published_by, report)
        return report
    report = PublishReport(title=str(folder.manifest["title"]), plan=plan.title)
    if _checked(folder, plan) is not None:
        report.notes.append("already published: nothing changed")
        return report
    start, end = folder.period
    record = PublishedAssessment.objects.create(
        partnership=plan.partnership, plan=plan, kind=folder.kind,
        title=report.title, period_start=start, period_end=end,
        manifest_sha256=folder.sha256,
        warehouse=str(folder.manifest.get("warehouse", "")), published_at=now)
    if folder.kind == "scan":
        _publish_issues(folder, plan, record, report)
        return report
    if record.warehouse and plan.warehouse != record.warehouse:
        plan.warehouse = record.warehouse
        plan._history_user = published_by
        plan.save(update_fields=["warehouse"])
    previous = (Plan.objects.filter(partnership=plan.partnership,
                                    period_start__lt=plan.period_start)
                .order_by("-period_start").first())
    _publish_recommendations(folder, plan, previous, record, published_by, report)
    _publish_gaps(folder, plan, previous, record, published_by, report)
    return report


def _next_reference(existing: set[str], prefix: str) -> str:
    numbers = [int(r[len(prefix):]) for r in existing
               if r.startswith(prefix) and r[len(prefix):].isdigit()]
    reference = f"{prefix}{max(numbers, default=0) + 1}"
    existing.add(reference)
    return reference


def _theme(plan: Plan, name: str | None) -> Theme | None:
    return Theme.objects.filter(plan=plan, title__iexact=name).first() if name else None


def _save_changes(entry: Any, values: dict[str, Any], user: User) -> bool:
    """Set the values that differ, growing the version by one; False when none differ."""
    changed = {k: v for k, v in values.items() if getattr(entry, k) != v}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(entry, name, value)
    entry.version += 1
    entry._history_user = user
    entry.full_clean()
    entry.save()
    return True


def _publish_recommendations(folder: Folder, plan: Plan, previous: Plan | None,
                             record: PublishedAssessment, user: User,
                             report: PublishReport) -> None:
    entries = {r.key: r for r in plan.recommendations.exclude(key="")}
    if previous is not None:
        for old in (previous.recommendations.exclude(key="").filter(carried_forward_to=None)
                    .order_by("reference")):
            if old.key in entries or not old.rag.is_open:
                continue
            copy = recommendation_carry_forward(recommendation=old, carried_by=user,
                                                to_plan=plan, expected_version=old.version)
            entries[copy.key] = copy
            report.carried_forward += 1
    references = set(plan.recommendations.values_list("reference", flat=True))
    for item in folder.manifest["recommendations"]:
        key = item.get("key") or ""
        if not key:
            continue
        theme_name = item.get("theme") or ""
        values = {"text": item["text"], "section": theme_name[:200],
                  "theme": _theme(plan, theme_name), "agreed": bool(item.get("agreed", True)),
                  "findings": item.get("findings", []), "source": record.title[:200],
                  "published_in": record}
        entry = entries.get(key)
        if entry is None:
            entry = Recommendation(plan=plan, key=key,
                                   reference=_next_reference(references, "R"), **values)
            entry._history_user = user
            entry.full_clean()
            entry.save()
            entries[key] = entry
            report.created += 1
        elif not entry.rag.is_open:
            report.unchanged += 1
            report.notes.append(f"{entry.reference} is {entry.rag.label.lower()}: not reopened")
        elif _save_changes(entry, values, user):
            report.updated += 1
        else:
            report.unchanged += 1


def priority_findings(theme: dict[str, Any], *, top: int) -> list[dict[str, Any]]:
    """The findings shown with a proposed priority: its place in the priority matrix, then
    the evidence that put it there.

    Examples
    --------
    >>> f = priority_findings({"rank": 2, "score": 31.21, "share_in_top": 1.0, "kind": "theme",
    ...                        "evidence": ["4,860 incidents"]}, top=5)
    >>> print(f[0]["sentence"].replace("; ", ";\\n"))
    Ranked 2 in the priority matrix (theme), score 31.21 of 125;
    in the top 5 in 100% of the sensitivity draws.
    >>> f[1]
    {'kind': 'evidence', 'sentence': '4,860 incidents'}
    """
    from cspkit.assessment.priorities import MATRIX_TABLE

    share = float(theme["share_in_top"])
    ranked = {"kind": "priority",
              "sentence": f"Ranked {theme['rank']} in the priority matrix ({theme['kind']}), "
                          f"score {theme['score']} of 125; in the top {top} in {share:.0%} of "
                          "the sensitivity draws.",
              "figures": {"rank": theme["rank"], "score": theme["score"],
                          "share_in_top": share},
              "table": MATRIX_TABLE}
    return [ranked, *({"kind": "evidence", "sentence": str(e)} for e in theme["evidence"])]


def _publish_priorities(folder: Folder, plan: Plan, user: User, report: PublishReport) -> None:
    entries = {r.key: r for r in plan.recommendations.filter(key__startswith=PRIORITY_KEY)}
    references = set(plan.recommendations.values_list("reference", flat=True))
    for theme in folder.manifest["themes"]:
        key = f"{PRIORITY_KEY}{theme['key']}"[:200]
        values = {"text": f"Adopt as a priority of the plan: {theme['name']}.",
                  "section": PRIORITY_SECTION, "theme": _theme(plan, theme["name"]),
                  "findings": priority_findings(theme, top=int(folder.manifest["top"])),
                  "source": report.title[:200]}
        entry = entries.get(key)
        if entry is None:
            entry = Recommendation(plan=plan, key=key, agreed=False,
                                   reference=_next_reference(references, "R"), **values)
            entry._history_user = user
            entry.full_clean()
            entry.save()
            entries[key] = entry
            report.created += 1
        elif entry.rag.is_open and _save_changes(entry, values, user):
            report.updated += 1
        else:
            report.unchanged += 1


def _owner_agency(plan: Plan, owner: str) -> Agency | None:
    agencies = plan.partnership.agencies
    return (agencies.filter(short_name__iexact=owner).first()
            or agencies.filter(kind=OWNER_KINDS.get(owner, "")).order_by("name").first())


def _publish_gaps(folder: Folder, plan: Plan, previous: Plan | None,
                  record: PublishedAssessment, user: User, report: PublishReport) -> None:
    entries = {d.key: d for d in plan.data_requirements.exclude(key="")}
    references = set(plan.data_requirements.values_list("reference", flat=True))
    if previous is not None:
        for old in (previous.data_requirements.exclude(key="").filter(carried_forward_to=None)
                    .order_by("reference")):
            if old.key in entries or not old.rag.is_open:
                continue
            reference = (old.reference if old.reference not in references
                         else _next_reference(references, "D"))
            references.add(reference)
            copy = DataRequirement(
                plan=plan, reference=reference, key=old.key, data_gap=old.data_gap,
                action=old.action, status=old.status, suggested_owner=old.suggested_owner,
                quality_measure=old.quality_measure, published_in=old.published_in,
                carried_forward_from=old)
            copy._history_user = user
            copy.full_clean()
            copy.save()
            copy.lead_agencies.set(list(old.lead_agencies.all()))
            entries[old.key] = copy
            report.carried_forward += 1
    gaps = [g for g in folder.manifest.get("data_gaps", []) if g.get("key")]
    for gap in gaps:
        values = {"data_gap": gap["missing"], "action": gap["would_fill"],
                  "suggested_owner": gap["owner"][:200], "published_in": record,
                  "closure_proposed_in": None}
        entry = entries.get(gap["key"])
        if entry is None:
            entry = DataRequirement(plan=plan, key=gap["key"],
                                    reference=_next_reference(references, "D"), **values)
            entry._history_user = user
            entry.full_clean()
            entry.save()
            agency = _owner_agency(plan, gap["owner"])
            if agency is not None:
                entry.lead_agencies.set([agency])
            else:
                report.notes.append(f"{entry.reference}: no agency of the partnership is "
                                    f"'{gap['owner']}'; its lead is left to choose")
            entries[gap["key"]] = entry
            report.created += 1
        elif not entry.rag.is_open:
            report.unchanged += 1
        elif _save_changes(entry, values, user):
            report.updated += 1
        else:
            report.unchanged += 1
    still_open = {g["key"] for g in gaps}
    for key, entry in entries.items():
        if key in still_open or not entry.rag.is_open or entry.closure_proposed_in_id:
            continue
        _save_changes(entry, {"closure_proposed_in": record}, user)
        report.proposed_for_closure += 1


def _publish_issues(folder: Folder, plan: Plan, record: PublishedAssessment,
                    report: PublishReport) -> None:
    month = folder.period[1]
    for row in folder.issues:
        key = f"{row['area_code']}|{row['category']}|{row['test']}"
        upper = row.get("upper_limit", "")
        values = {"area_code": row["area_code"], "area_name": row["area_name"],
                  "category": row["category"], "test": row["test"],
                  "observed": int(float(row["observed"])), "expected": float(row["expected"]),
                  "upper_limit": float(upper) if upper not in ("", None) else None,
                  "q_value": float(row["q_value"])}
        issue = EmergingIssue.objects.filter(plan=plan, month=month, key=key).first()
        if issue is None:
            EmergingIssue.objects.create(plan=plan, month=month, key=key, published_in=record,
                                         **values)
            report.created += 1
        elif any(getattr(issue, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(issue, name, value)
            issue.published_in = record
            issue.save()
            report.updated += 1
        else:
            report.unchanged += 1


def publish_folder(*, folder: str | Path, username: str, plan_id: int | None,
                   now: datetime) -> list[str]:
    """Publish ``folder`` (what ``csp assess``, ``csp scan`` or ``csp priorities`` wrote)
    into plan ``plan_id`` (the latest plan when None) as ``username``, in one transaction,
    and return the report's lines (``csp tracker publish``)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    read = read_folder(folder)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CspError(f"no user called '{username}'", hint="Give the user name you sign in with")
    plan = plan_or_latest(pk=plan_id)
    try:
        report = publish(folder=read, plan=plan, published_by=user, now=now)
    except PermissionDenied as error:
        raise CspError(f"'{username}' is not an administrator",
                       hint="Publish as a member of the community safety team") from error
    return report.lines()
