"""Reads for the three pages everyone opens most: the plan overview, an action and "my
actions", as fixed SQL (see :mod:`cspkit.tracker.rows` for why).

Each function gives the same objects, in the same order, as its ORM counterpart in
:mod:`cspkit.tracker.selectors.plan` (``plan_get``/``plan_list``/``plan_overview``,
``action_get`` and ``my_actions``), and applies the same access rules; the tests hold them
to that on SQLite and PostgreSQL. Those ORM selectors remain what the services, reports and
the less-visited pages use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db import connections, router
from django.http import Http404

from cspkit.tracker.models import (
    Action,
    ActionUpdate,
    Agency,
    Partnership,
    Person,
    Plan,
    Recommendation,
    Role,
    SubAction,
    Theme,
)
from cspkit.tracker.rows import Columns, Statement, fetch_all, relate
from cspkit.tracker.selectors.access import User, person_of, reader_required
from cspkit.tracker.selectors.plan import LeadAction, ThemeSummary, lead_actions
from cspkit.tracker.status import RagStatus


@dataclass(frozen=True)
class ActionPage:
    """An action (with its theme and plan) and everything its page lists."""

    action: Action
    sub_actions: list[SubAction]
    leads: list[Person]
    lead_agencies: list[Agency]
    updates: list[ActionUpdate]
    recommendation: Recommendation | None

    @property
    def plan(self) -> Plan:
        return self.action.theme.plan


@dataclass(frozen=True)
class PlanPage:
    """A plan with its partnership, every plan to switch to, and its themes' RAG counts."""

    plan: Plan
    plans: list[Plan]
    summaries: list[ThemeSummary]


def _connection(model: type) -> Any:
    return connections[router.db_for_read(model)]


def _day(value: Any) -> date | None:
    """A date from an aggregate (SQLite gives ISO text, PostgreSQL a date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _m2m(model: type, name: str) -> tuple[str, str, str]:
    """Table, own column and target column of a many-to-many field's join table."""
    field = model._meta.get_field(name)
    return field.m2m_db_table(), field.m2m_column_name(), field.m2m_reverse_name()


def _current_plan_sql(connection: Any) -> str:
    """The id of the plan whose period started most recently (``plan_current``)."""
    q = connection.ops.quote_name
    return (
        f"(SELECT {q('id')} FROM {q(Plan._meta.db_table)} "
        f"ORDER BY {q('period_start')} DESC, {q('id')} LIMIT 1)"
    )


# -- plans -------------------------------------------------------------------------------------


@cache
def _plan_columns() -> tuple[Columns, Columns]:
    return Columns(Plan, "p"), Columns(Partnership, "s")


def _plans_statement(connection: Any, where: str = "", params: Any = ()) -> Statement:
    """Plans with their partnership, newest period first (``plan_list``)."""
    plans, partnerships = _plan_columns()
    q = connection.ops.quote_name
    return (
        f"SELECT {plans.sql(connection)}, {partnerships.sql(connection)} "
        f"FROM {plans.table(connection)} JOIN {partnerships.table(connection)} "
        f"ON {partnerships.column('id', connection)} = {plans.column('partnership', connection)}"
        f"{where} ORDER BY p.{q('period_start')} DESC, p.{q('id')}",
        list(params),
    )


def _chosen_plan_statement(connection: Any, pk: int | None) -> Statement:
    """Plan ``pk``, or the current plan when ``pk`` is None."""
    q = connection.ops.quote_name
    if pk is None:
        return _plans_statement(connection, f" WHERE p.{q('id')} = {_current_plan_sql(connection)}")
    return _plans_statement(connection, f" WHERE p.{q('id')} = %s", [pk])


def _plans(connection: Any, rows: list[tuple[Any, ...]]) -> list[Plan]:
    plans, partnerships = _plan_columns()
    found = []
    for row in rows:
        plan = plans.build(row, 0, connection)
        relate(plan, "partnership", partnerships.build(row, plans.width, connection))
        found.append(plan)
    return found


def plan_chosen(*, fetched_by: User, pk: int | None) -> Plan | None:
    """Plan ``pk`` (404 if there is none), or when ``pk`` is None the plan whose period
    started most recently, or None if there is no plan: ``plan_get``/``plan_current``."""
    reader_required(fetched_by)
    connection = _connection(Plan)
    (rows,) = fetch_all(connection, [_chosen_plan_statement(connection, pk)])
    found = _plans(connection, rows)
    if not found and pk is not None:
        raise Http404("No such plan.")
    return found[0] if found else None


# -- the plan overview -------------------------------------------------------------------------


@cache
def _theme_columns() -> tuple[Columns, Columns, Columns]:
    return Columns(Theme, "t"), Columns(Person, "l"), Columns(Agency, "g")


def plan_page(*, fetched_by: User, pk: int) -> PlanPage:
    """The plan overview: ``plan_get``, ``plan_list`` and ``plan_overview`` in three short
    queries sent together."""
    reader_required(fetched_by)
    connection = _connection(Plan)
    themes, people, agencies = _theme_columns()
    q = connection.ops.quote_name
    plan_rows, theme_rows, count_rows = fetch_all(
        connection,
        [
            _plans_statement(connection),
            (
                f"SELECT {themes.sql(connection)}, {people.sql(connection)}, "
                f"{agencies.sql(connection)} FROM {themes.table(connection)} "
                f"LEFT JOIN {people.table(connection)} "
                f"ON {people.column('id', connection)} = "
                f"{themes.column('thematic_lead', connection)} "
                f"LEFT JOIN {agencies.table(connection)} "
                f"ON {agencies.column('id', connection)} = {people.column('agency', connection)} "
                f"WHERE {themes.column('plan', connection)} = %s ORDER BY t.{q('number')}",
                [pk],
            ),
            (
                f"SELECT a.{q('theme_id')}, a.{q('status')}, COUNT(*) "
                f"FROM {q(Action._meta.db_table)} a "
                f"JOIN {q(Theme._meta.db_table)} t ON t.{q('id')} = a.{q('theme_id')} "
                f"WHERE t.{q('plan_id')} = %s GROUP BY a.{q('theme_id')}, a.{q('status')}",
                [pk],
            ),
        ],
    )
    plans = _plans(connection, plan_rows)
    plan = next((candidate for candidate in plans if candidate.pk == pk), None)
    if plan is None:
        raise Http404("No such plan.")
    counts: dict[int, dict[RagStatus, int]] = {}
    found = []
    for row in theme_rows:
        theme = themes.build(row, 0, connection)
        lead = people.build(row, themes.width, connection)
        if lead is not None:
            relate(lead, "agency", agencies.build(row, themes.width + people.width, connection))
        relate(theme, "thematic_lead", lead)
        relate(theme, "plan", plan)
        counts[theme.pk] = {status: 0 for status in RagStatus}
        found.append(theme)
    for theme_id, status, count in count_rows:
        counts[theme_id][RagStatus(status)] = count
    summaries = [ThemeSummary(theme=theme, counts=counts[theme.pk]) for theme in found]
    return PlanPage(plan=plan, plans=plans, summaries=summaries)


# -- one action --------------------------------------------------------------------------------


@cache
def _action_columns() -> dict[str, Columns]:
    return {
        "action": Columns(Action, "a"),
        "theme": Columns(Theme, "t"),
        "plan": Columns(Plan, "p"),
        "sub": Columns(SubAction, "s"),
        "person": Columns(Person, "l"),
        "agency": Columns(Agency, "g"),
        "update": Columns(ActionUpdate, "u"),
    }


def _action_statements(connection: Any, pk: int) -> list[Statement]:
    """The action with its theme, plan and recommendation; its sub-actions; its leads with
    their agencies; its lead agencies; its updates with their authors and agencies."""
    c = _action_columns()
    q = connection.ops.quote_name
    action, theme, plan = c["action"], c["theme"], c["plan"]
    sub, person, agency, update = c["sub"], c["person"], c["agency"], c["update"]
    plan_action = q(Recommendation._meta.get_field("plan_action").column)
    leads, leads_own, leads_other = _m2m(Action, "leads")
    agencies, agencies_own, agencies_other = _m2m(Action, "lead_agencies")
    person_agency = (
        f"JOIN {agency.table(connection)} "
        f"ON {agency.column('id', connection)} = {person.column('agency', connection)} "
    )
    return [
        (
            f"SELECT {action.sql(connection)}, {theme.sql(connection)}, "
            f"{plan.sql(connection)}, r.{q('id')}, r.{q('reference')} "
            f"FROM {action.table(connection)} "
            f"JOIN {theme.table(connection)} "
            f"ON {theme.column('id', connection)} = {action.column('theme', connection)} "
            f"JOIN {plan.table(connection)} "
            f"ON {plan.column('id', connection)} = {theme.column('plan', connection)} "
            f"LEFT JOIN {q(Recommendation._meta.db_table)} r ON r.{plan_action} = a.{q('id')} "
            f"WHERE a.{q('id')} = %s",
            [pk],
        ),
        (
            f"SELECT {sub.sql(connection)} FROM {sub.table(connection)} "
            f"WHERE {sub.column('action', connection)} = %s "
            f"ORDER BY s.{q('label')}, s.{q('id')}",
            [pk],
        ),
        (
            f"SELECT {person.sql(connection)}, {agency.sql(connection)} "
            f"FROM {q(leads)} j "
            f"JOIN {person.table(connection)} ON l.{q('id')} = j.{q(leads_other)} "
            f"{person_agency}"
            f"WHERE j.{q(leads_own)} = %s ORDER BY l.{q('full_name')}, l.{q('id')}",
            [pk],
        ),
        (
            f"SELECT {agency.sql(connection)} FROM {q(agencies)} j "
            f"JOIN {agency.table(connection)} ON g.{q('id')} = j.{q(agencies_other)} "
            f"WHERE j.{q(agencies_own)} = %s ORDER BY g.{q('name')}, g.{q('id')}",
            [pk],
        ),
        (
            f"SELECT {update.sql(connection)}, {person.sql(connection)}, "
            f"{agency.sql(connection)} FROM {update.table(connection)} "
            f"JOIN {person.table(connection)} "
            f"ON {person.column('id', connection)} = {update.column('author', connection)} "
            f"{person_agency}"
            f"WHERE {update.column('action', connection)} = %s "
            f"ORDER BY u.{q('written_on')} DESC, u.{q('created_at')} DESC, u.{q('id')} DESC",
            [pk],
        ),
    ]


def action_page(*, fetched_by: User, pk: int) -> ActionPage:
    """What ``action_get`` loads for an action's page, in five short queries sent
    together."""
    reader_required(fetched_by)
    connection = _connection(Action)
    c = _action_columns()
    action_cols, theme_cols, plan_cols = c["action"], c["theme"], c["plan"]
    person_cols, agency_cols, update_cols = c["person"], c["agency"], c["update"]
    main, sub_rows, lead_rows, agency_rows, update_rows = fetch_all(
        connection, _action_statements(connection, pk)
    )
    if not main:
        raise Http404("No such action.")
    row = main[0]
    action = action_cols.build(row, 0, connection)
    theme = theme_cols.build(row, action_cols.width, connection)
    relate(theme, "plan", plan_cols.build(row, action_cols.width + theme_cols.width, connection))
    relate(action, "theme", theme)
    recommendation = None
    if row[-2] is not None:
        recommendation = Recommendation.from_db(
            connection.alias, ["id", "reference"], [row[-2], row[-1]]
        )
    sub_actions = [c["sub"].build(found, 0, connection) for found in sub_rows]
    for sub in sub_actions:
        relate(sub, "action", action)
    leads = []
    for found in lead_rows:
        person = person_cols.build(found, 0, connection)
        relate(person, "agency", agency_cols.build(found, person_cols.width, connection))
        leads.append(person)
    lead_agencies = [agency_cols.build(found, 0, connection) for found in agency_rows]
    updates = []
    for found in update_rows:
        update = update_cols.build(found, 0, connection)
        author = person_cols.build(found, update_cols.width, connection)
        relate(
            author,
            "agency",
            agency_cols.build(found, update_cols.width + person_cols.width, connection),
        )
        relate(update, "author", author)
        relate(update, "action", action)
        updates.append(update)
    return ActionPage(
        action=action,
        sub_actions=sub_actions,
        leads=leads,
        lead_agencies=lead_agencies,
        updates=updates,
        recommendation=recommendation,
    )


def action_page_can_update(*, user: User, page: ActionPage) -> bool:
    """``access.action_can_update`` on the page's own lists (no further query)."""
    person = person_of(user)
    if person is None or person.role == Role.MEMBER:
        return False
    if person.role == Role.ADMINISTRATOR:
        return True
    return (
        page.action.theme.thematic_lead_id == person.pk
        or any(lead.pk == person.pk for lead in page.leads)
        or any(agency.pk == person.agency_id for agency in page.lead_agencies)
    )


# -- my actions --------------------------------------------------------------------------------


@cache
def _my_columns() -> tuple[Columns, Columns]:
    return Columns(Action, "a"), Columns(Theme, "t")


def _my_actions_statement(
    connection: Any, person: Person, plan_sql: str, plan_params: list[Any]
) -> Statement:
    actions, themes = _my_columns()
    q = connection.ops.quote_name
    updates = q(ActionUpdate._meta.db_table)
    sql = (
        f"SELECT {actions.sql(connection)}, {themes.sql(connection)}, "
        f"(SELECT MAX(u.{q('written_on')}) FROM {updates} u "
        f"WHERE u.{q('action_id')} = a.{q('id')}) "
        f"FROM {actions.table(connection)} JOIN {themes.table(connection)} "
        f"ON {themes.column('id', connection)} = {actions.column('theme', connection)} "
        f"WHERE {themes.column('plan', connection)} = {plan_sql} AND "
    )
    params: list[Any] = list(plan_params)
    if person.role == Role.LEAD:
        leads, lead_own, lead_other = _m2m(Action, "leads")
        agencies, agency_own, agency_other = _m2m(Action, "lead_agencies")
        sql += (
            f"(EXISTS (SELECT 1 FROM {q(leads)} j WHERE j.{q(lead_own)} = a.{q('id')} "
            f"AND j.{q(lead_other)} = %s) "
            f"OR EXISTS (SELECT 1 FROM {q(agencies)} k WHERE k.{q(agency_own)} = a.{q('id')} "
            f"AND k.{q(agency_other)} = %s) "
            f"OR {themes.column('thematic_lead', connection)} = %s)"
        )
        params += [person.pk, person.agency_id, person.pk]
    else:
        sql += f"a.{q('status')} NOT IN (%s, %s)"
        params += [RagStatus.COMPLETE.value, RagStatus.WITHDRAWN.value]
    return sql, params


def _lead_actions(
    connection: Any, rows: list[tuple[Any, ...]], plan: Plan, today: date
) -> list[LeadAction]:
    actions, themes = _my_columns()
    found = []
    theme_of: dict[int, Theme] = {}
    for row in rows:
        action = actions.build(row, 0, connection)
        theme = theme_of.get(action.theme_id)
        if theme is None:
            theme = theme_of[action.theme_id] = themes.build(row, actions.width, connection)
        relate(action, "theme", theme)
        found.append((action, _day(row[-1])))
    return lead_actions(found, plan=plan, today=today)


def my_actions_rows(*, fetched_by: User, plan: Plan, today: date) -> list[LeadAction]:
    """``selectors.plan.my_actions`` in one query: the actions of ``plan`` the user leads (in
    person, through their agency or their theme), overdue first; administrators get every
    open action; members lead nothing."""
    person = reader_required(fetched_by)
    if person.role == Role.MEMBER:
        return []
    connection = _connection(Action)
    (rows,) = fetch_all(connection, [_my_actions_statement(connection, person, "%s", [plan.pk])])
    return _lead_actions(connection, rows, plan, today)


def my_actions_page(
    *, fetched_by: User, pk: int | None, today: date
) -> tuple[Plan | None, list[LeadAction]]:
    """Plan ``pk`` (or the current plan) with ``my_actions_rows`` for it, the two queries
    sent together."""
    person = reader_required(fetched_by)
    if person.role == Role.MEMBER:
        return plan_chosen(fetched_by=fetched_by, pk=pk), []
    connection = _connection(Action)
    if pk is None:
        plan_sql, plan_params = _current_plan_sql(connection), []
    else:
        plan_sql, plan_params = "%s", [pk]
    plan_rows, rows = fetch_all(
        connection,
        [
            _chosen_plan_statement(connection, pk),
            _my_actions_statement(connection, person, plan_sql, plan_params),
        ],
    )
    plans = _plans(connection, plan_rows)
    if not plans:
        if pk is not None:
            raise Http404("No such plan.")
        return None, []
    return plans[0], _lead_actions(connection, rows, plans[0], today)


def prepare() -> None:
    """Build every column list and converter these reads use, for the default database."""
    from cspkit.tracker.auth import _columns

    connection = _connection(Action)
    for group in (_plan_columns(), _theme_columns(), _my_columns(), _columns()):
        for columns in group:
            columns.prepare(connection)
    for columns in _action_columns().values():
        columns.prepare(connection)
