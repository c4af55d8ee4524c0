"""Write read rows into a plan through the tracker's services, matching what is there.

Themes are matched by number, actions by theme and number, register entries by reference,
updates by their text. A match whose content differs is edited; an identical one is
skipped; so importing the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ValidationError

from cspkit.errors import CspError
from cspkit.tracker.importers.dates import dated_update
from cspkit.tracker.importers.edits import (
    data_requirement_edit,
    recommendation_edit,
    sub_actions_set,
    theme_edit,
)
from cspkit.tracker.importers.matching import LeadIndex, Leads
from cspkit.tracker.importers.parsed import (
    ActionRow,
    DataRequirementRow,
    ParsedDocument,
    RecommendationRow,
    ThemePlan,
    Unmapped,
)
from cspkit.tracker.importers.report import ImportReport
from cspkit.tracker.models import Action, Agency, DataRequirement, Plan, Recommendation, Theme
from cspkit.tracker.reports.model import NO_UPDATE
from cspkit.tracker.selectors.access import User
from cspkit.tracker.services.people import agency_create
from cspkit.tracker.services.plan import action_create, action_edit, theme_create
from cspkit.tracker.services.registers import data_requirement_create, recommendation_create
from cspkit.tracker.services.updates import (
    action_update_create,
    data_requirement_update_create,
    recommendation_update_create,
)
from cspkit.tracker.status import RagStatus

T = TypeVar("T")


@dataclass
class PlanWriter:
    plan: Plan
    user: User
    written_on: date
    report: ImportReport
    leads: LeadIndex
    source: str
    add_agencies: bool = False

    def write(self, document: ParsedDocument) -> None:
        for theme_plan in document.themes:
            theme = self._guarded(theme_plan.where, self._theme, theme_plan)
            for row in theme_plan.actions:
                self._guarded(row.where, self._action, theme, row, theme_plan.lead_legend)
        for row in document.recommendations:
            self._guarded(row.where, self._recommendation, row)
        for row in document.data_requirements:
            self._guarded(row.where, self._data_requirement, row)

    def _guarded(self, where: str, write: Callable[..., T], *args: object) -> T:
        """Run one row's write; a row the models refuse stops the import, naming the row."""
        try:
            return write(*args)
        except ValidationError as error:
            raise CspError(
                f"{where}: could not be saved ({'; '.join(error.messages)}); nothing was imported",
                path=self.report.path,
                hint="Correct this row in the file and import it again",
            ) from error

    # plan ---------------------------------------------------------------------------------

    def _theme(self, row: ThemePlan) -> Theme:
        lead = self.leads.person_in(row.thematic_lead) if row.thematic_lead else None
        if row.thematic_lead and lead is None:
            self._unmatched(row.where, row.thematic_lead, "thematic lead")
        theme = Theme.objects.filter(plan=self.plan, number=row.number).first()
        if theme is None:
            self.report.count("themes", "created")
            return theme_create(
                created_by=self.user,
                plan=self.plan,
                number=row.number,
                title=row.title,
                thematic_lead=lead,
            )
        lead = lead or theme.thematic_lead
        if theme.title == row.title and theme.thematic_lead == lead:
            self.report.count("themes", "skipped")
            return theme
        self.report.count("themes", "updated")
        return theme_edit(theme=theme, edited_by=self.user, title=row.title, thematic_lead=lead)

    def _action(self, theme: Theme, row: ActionRow, legend: dict[str, str]) -> None:
        leads = self.leads.action_leads(row.lead, legend)
        self._report_unmatched(row.where, leads, "action point lead")
        subs = [(sub.label, sub.text) for sub in row.sub_actions]
        action = Action.objects.filter(theme=theme, number=row.number).first()
        if action is None:
            action = action_create(
                created_by=self.user,
                theme=theme,
                number=row.number,
                text=row.text,
                leads=leads.people,
                lead_agencies=leads.agencies,
                sub_actions=subs,
            )
            self.report.count("actions", "created")
            for _ in subs:
                self.report.count("sub-actions", "created")
        else:
            self._action_match(action, row, leads, subs)
        self._update(action, row.update, row.status, action_update_create, "action")

    def _action_match(
        self, action: Action, row: ActionRow, leads: Leads, subs: list[tuple[str, str]]
    ) -> None:
        people = set(leads.people) or set(action.leads.all())
        agencies = set(leads.agencies) | {person.agency for person in people}
        if not leads.people and not leads.agencies:
            agencies = set(action.lead_agencies.all())
        if (
            action.text == row.text
            and set(action.leads.all()) == people
            and set(action.lead_agencies.all()) == agencies
        ):
            self.report.count("actions", "skipped")
        else:
            action_edit(
                action=action,
                edited_by=self.user,
                expected_version=action.version,
                text=row.text,
                measure=action.measure,
                due_date=action.due_date,
                leads=people,
                lead_agencies=agencies,
            )
            action.refresh_from_db()
            self.report.count("actions", "updated")
        existing = dict(action.sub_actions.values_list("label", "text"))
        for label, text in subs:
            outcome = "created" if label not in existing else "updated"
            self.report.count("sub-actions", "skipped" if existing.get(label) == text else outcome)
        for _ in existing.keys() - dict(subs).keys():
            self.report.count("sub-actions", "removed")
        if existing != dict(subs):
            sub_actions_set(action=action, edited_by=self.user, sub_actions=subs)

    # registers ----------------------------------------------------------------------------

    def _recommendation(self, row: RecommendationRow) -> None:
        agencies = self._register_agencies(row.where, row.lead)
        entry = Recommendation.objects.filter(plan=self.plan, reference=row.reference).first()
        if entry is None:
            entry = recommendation_create(
                created_by=self.user,
                plan=self.plan,
                reference=row.reference,
                text=row.text,
                source=self.source,
                section=row.section,
                theme=Theme.objects.filter(plan=self.plan, title__iexact=row.section).first(),
                agencies=agencies.agencies,
            )
            self.report.count("recommendations", "created")
        else:
            wanted = set(agencies.agencies) or set(entry.agencies.all())
            if (entry.text, entry.section) == (row.text, row.section) and wanted == set(
                entry.agencies.all()
            ):
                self.report.count("recommendations", "skipped")
            else:
                entry = recommendation_edit(
                    recommendation=entry,
                    edited_by=self.user,
                    expected_version=entry.version,
                    text=row.text,
                    section=row.section,
                    agencies=wanted,
                )
                self.report.count("recommendations", "updated")
        self._update(entry, row.update, row.status, recommendation_update_create, "recommendation")

    def _data_requirement(self, row: DataRequirementRow) -> None:
        agencies = self._register_agencies(row.where, row.lead)
        entry = DataRequirement.objects.filter(plan=self.plan, reference=row.reference).first()
        if entry is None:
            entry = data_requirement_create(
                created_by=self.user,
                plan=self.plan,
                reference=row.reference,
                data_gap=row.data_gap,
                action=row.action,
                lead_agencies=agencies.agencies,
            )
            self.report.count("data requirements", "created")
        else:
            wanted = set(agencies.agencies) or set(entry.lead_agencies.all())
            if (entry.data_gap, entry.action) == (row.data_gap, row.action) and wanted == set(
                entry.lead_agencies.all()
            ):
                self.report.count("data requirements", "skipped")
            else:
                entry = data_requirement_edit(
                    data_requirement=entry,
                    edited_by=self.user,
                    expected_version=entry.version,
                    data_gap=row.data_gap,
                    action=row.action,
                    lead_agencies=wanted,
                )
                self.report.count("data requirements", "updated")
        self._update(
            entry, row.update, row.status, data_requirement_update_create, "data_requirement"
        )

    # updates and reporting ----------------------------------------------------------------

    def _update(
        self,
        item: Action | Recommendation | DataRequirement,
        text: str,
        status: RagStatus | None,
        create: Callable[..., object],
        item_argument: str,
    ) -> None:
        """Add the row's update unless the item already has one with the same text.

        A status with no update text still needs an update (that is how status changes are
        recorded), so one is written saying where the status came from.
        """
        current = RagStatus(item.status)
        written_on, text = dated_update("" if text == NO_UPDATE else text)
        if not text and (status is None or status == current):
            return
        text = text or f"Status {status.label} recorded in {Path(self.report.path).name}."
        if item.updates.filter(text=text).exists():
            self.report.count("updates", "skipped")
            return
        create(
            **{item_argument: item},
            author=self.user,
            text=text,
            status=status or current,
            expected_version=item.version,
            written_on=written_on or self.written_on,
        )
        self.report.count("updates", "created")

    def _register_agencies(self, where: str, text: str) -> Leads:
        """The agencies a register's lead cell names; unknown ones added if asked to."""
        found = self.leads.agencies_in(text)
        if not self.add_agencies:
            self._report_unmatched(where, found, "agency")
            return found
        for name in found.unmatched:
            agency = agency_create(
                partnership=self.plan.partnership,
                name=name,
                short_name=name[:40],
                kind=Agency.Kind.OTHER,
            )
            self.leads.add_agency(agency)
            found.agencies.append(agency)
            self.report.count("agencies", "created")
            self.report.warnings.append(
                Unmapped(where, name, f"agency '{name}' added as written; check its name and kind")
            )
        found.unmatched.clear()
        return found

    def _report_unmatched(self, where: str, leads: Leads, what: str) -> None:
        for name in leads.unmatched:
            self._unmatched(where, name, what)

    def _unmatched(self, where: str, name: str, what: str) -> None:
        self.report.unmatched_lead(what=what, name=name, where=where)
