"""``import_file``: read one document and write what it holds into a plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cspkit.errors import CspError
from cspkit.tracker.importers.matching import LeadIndex
from cspkit.tracker.importers.parsed import ParsedDocument
from cspkit.tracker.importers.reader import read_document
from cspkit.tracker.importers.report import ImportReport
from cspkit.tracker.importers.writers import PlanWriter
from cspkit.tracker.models import Partnership, Plan
from cspkit.tracker.selectors.access import User, administrator_required
from cspkit.tracker.selectors.plan import plan_or_latest

NOTHING_TO_IMPORT = (
    "nothing imported: the file has no action plan table (No, Action …), no register table "
    "(Recommendation … or Data gap …) and no recommendations list"
)


def import_file(*, path: Path, imported_by: User, **options: Any) -> ImportReport:
    """Read ``path``, then import it with :func:`import_document` (``options``: ``plan``,
    ``partnership``, ``written_on``, ``add_agencies``, as there).

    The file is read before the database transaction opens, so reading a large file keeps
    no one else from saving.
    """
    path = Path(path)
    import_allowed(imported_by=imported_by, path=path)
    document = read_document(path)
    return import_document(document=document, path=path, imported_by=imported_by, **options)


def import_files(
    *,
    files: list[Path],
    username: str,
    plan_id: int | None,
    written_on: date | None = None,
    add_agencies: bool = False,
    dry_run: bool = False,
) -> list[str]:
    """Import each file into plan ``plan_id`` (the latest plan when None) as ``username``,
    all or nothing, and return the report lines (``csp tracker import``)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CspError(f"no user called '{username}'", hint="Give the user name you sign in with")
    plan = plan_or_latest(pk=plan_id)
    for path in files:
        import_allowed(imported_by=user, path=Path(path))
    # Every file is read before the transaction opens: reading holds no database lock.
    documents = [(Path(path), read_document(Path(path))) for path in files]
    lines: list[str] = []
    with transaction.atomic():
        for path, document in documents:
            report = import_document(document=document, path=path, plan=plan,
                                     imported_by=user, written_on=written_on,
                                     add_agencies=add_agencies)
            lines.extend(report.lines())
        if dry_run:
            transaction.set_rollback(True)
            lines.append("dry run: nothing was saved")
    return lines


def import_allowed(*, imported_by: User, path: Path) -> None:
    """Refuse anyone but an administrator, naming the file."""
    try:
        administrator_required(imported_by)
    except PermissionDenied as error:
        raise CspError(
            f"not allowed to import: {error}",
            path=str(path),
            hint="Import as an administrator of the tracker",
        ) from error


@transaction.atomic
def import_document(
    *,
    document: ParsedDocument,
    path: Path,
    imported_by: User,
    plan: Plan | None = None,
    partnership: Partnership | None = None,
    written_on: date | None = None,
    add_agencies: bool = False,
) -> ImportReport:
    """Import the themes, actions, sub-actions, registers and updates of ``document`` (read
    from ``path`` by ``read_document``) in one transaction.

    ``plan`` defaults to the partnership's most recent plan. Updates are dated
    ``written_on``, else the date the document carries (its signature, or the month in its
    title), else today.

    With ``add_agencies``, an agency a register names that the partnership does not have is
    added as written (kind "other") instead of being reported. People are never added:
    initials do not say which agency someone belongs to.

    Everything is written through the tracker's services as ``imported_by`` (an
    administrator), so history shows who imported what; on any error nothing is written and
    a :class:`CspError` says which row and why.
    """
    import_allowed(imported_by=imported_by, path=path)
    plan = _plan(plan=plan, partnership=partnership, path=path)
    report = ImportReport(
        path=str(path),
        plan=str(plan),
        title=document.title,
        cover_paragraphs=list(document.cover_paragraphs),
        unmapped=list(document.unmapped),
        warnings=list(document.warnings),
    )
    if written_on is None and document.dated is not None:
        written_on = document.dated.value
        report.notes.append(
            f"updates dated {written_on.isoformat()} from '{document.dated.text}' "
            f"({document.dated.where})"
        )
    elif written_on is None:
        written_on = timezone.localdate()
        report.notes.append(
            f"the file carries no date: updates dated today ({written_on.isoformat()})"
        )
    if not document.has_plan_items:
        report.notes.append(NOTHING_TO_IMPORT)
    writer = PlanWriter(
        plan=plan,
        user=imported_by,
        written_on=written_on,
        report=report,
        leads=LeadIndex(plan.partnership),
        source=document.title or path.name,
        add_agencies=add_agencies,
    )
    writer.write(document)
    return report


def _plan(*, plan: Plan | None, partnership: Partnership | None, path: Path) -> Plan:
    if plan is not None:
        return plan
    if partnership is None:
        raise CspError("no plan or partnership given to import into", path=str(path))
    latest = Plan.objects.filter(partnership=partnership).order_by("-period_start").first()
    if latest is None:
        raise CspError(
            f"partnership '{partnership}' has no plan yet",
            path=str(path),
            hint="Create the plan for the strategic period first, then import into it",
        )
    return latest
