"""The staff queue: saved views, filters, sort and keyset (cursor) pagination.

Every page is one indexed query: the access rule, the filters, then ``ORDER BY <key>, id``
with ``WHERE (key, id) beyond the cursor`` and ``LIMIT n + 1`` — never OFFSET, so the
thousandth page costs what the first does.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import joinedload

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import RIYADH
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import (
    open_ticket_clause,
    referred_to_clause,
    unindexed,
    user_team_ids,
    visible_tickets_clause,
)
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES, STATUSES

PAGE_SIZE = 25
TEXT_SEARCH = "helpdesk_ticket_text_search"
MAX_ID = 2**31 - 1

SAVED_VIEWS = {
    "all": _l("All tickets"),
    "mine": _l("Mine"),
    "team": _l("My teams"),
    "unassigned": _l("Unassigned"),
    "referred": _l("Referred to me"),
    "awaiting_information": _l("Awaiting information"),
    "committee": _l("At the committee"),
    "overdue": _l("Overdue"),
    "at_risk": _l("At risk"),
    "closed_today": _l("Closed today"),
}
SORTS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "due": _l("Due soonest"),
}
ID_FILTERS = ("service", "team", "assignee", "branch")
DATE_FILTERS = ("created_from", "created_to", "due_from", "due_to")


@dataclass(frozen=True)
class QueueFilters:
    view: str = "all"
    statuses: tuple[str, ...] = ()
    channel: str | None = None
    kind: str | None = None
    priority: str | None = None
    service: int | None = None
    team: int | None = None
    assignee: int | None = None
    branch: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None
    q: str = ""
    sort: str = "newest"
    after: str | None = None

    def query_args(self, *, with_cursor: bool = False) -> dict[str, Any]:
        """The filters as URL arguments, so that a view can be bookmarked and shared."""
        args: dict[str, Any] = {}
        if self.view != "all":
            args["view"] = self.view
        if self.statuses:
            args["status"] = list(self.statuses)
        for name in ("channel", "kind", "priority", *ID_FILTERS):
            if getattr(self, name) is not None:
                args[name] = getattr(self, name)
        for name in DATE_FILTERS:
            if getattr(self, name) is not None:
                args[name] = getattr(self, name).isoformat()
        if self.q:
            args["q"] = self.q
        if self.sort != "newest":
            args["sort"] = self.sort
        if with_cursor and self.after:
            args["after"] = self.after
        return args

    @property
    def is_filtered(self) -> bool:
        return bool(self.query_args())


@dataclass
class QueuePage:
    tickets: list[Ticket]
    next_cursor: str | None
    filters: QueueFilters
    errors: dict[str, str] = field(default_factory=dict)


def parse_filters(args: Mapping[str, Any], channel_keys: set[str]) -> tuple[QueueFilters, dict]:
    """Read the filters from request arguments; a bad value is dropped with a message."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def one(name: str) -> str:
        return (args.get(name) or "").strip()

    view = one("view")
    values["view"] = view if view in SAVED_VIEWS else "all"
    getlist = getattr(args, "getlist", None)
    statuses = getlist("status") if getlist else ([args["status"]] if args.get("status") else [])
    values["statuses"] = tuple(s for s in statuses if s in STATUSES)
    for name, allowed in (("channel", channel_keys), ("kind", set(KINDS)),
                          ("priority", set(PRIORITIES))):
        value = one(name)
        values[name] = value if value in allowed else None
    for name in ID_FILTERS:
        value = one(name)
        if value.isdigit() and int(value) <= MAX_ID:  # beyond an integer column: no such row
            values[name] = int(value)
        elif value:
            errors[name] = _("Choose a value from the list.")
    for name in DATE_FILTERS:
        value = one(name)
        if not value:
            continue
        try:
            values[name] = date.fromisoformat(value)
        except ValueError:
            errors[name] = _("Enter the date as YYYY-MM-DD.")
    values["q"] = one("q")[:200]
    sort = one("sort")
    values["sort"] = sort if sort in SORTS else "newest"
    values["after"] = one("after") or None
    return QueueFilters(**values), errors


def _day_start(day: date) -> datetime:
    """Midnight in Riyadh, as an aware UTC datetime: staff mean their own day."""
    return datetime.combine(day, time.min, tzinfo=RIYADH).astimezone(UTC)


def _view_clause(view: str, user: Any) -> ColumnElement[bool] | None:
    now = utcnow()
    if view == "mine":
        return Ticket.assignee_id == user.id
    if view == "team":
        return Ticket.team_id.in_(user_team_ids(user))
    if view == "referred":
        return referred_to_clause(user)
    if view == "unassigned":
        return and_(Ticket.assignee_id.is_(None), open_ticket_clause())
    if view in ("awaiting_information", "committee"):
        return Ticket.status == view
    if view == "overdue":
        # Pages through the open-tickets index (ix_tickets_open_id_due) newest first.
        return and_(open_ticket_clause(), Ticket.resolution_due_at < now)
    if view == "at_risk":
        # Open tickets whose at-risk instant (set with the due time by helpdesk/sla) has
        # come and whose due time has not: a range of ix_tickets_open_at_risk.
        return and_(open_ticket_clause(), Ticket.at_risk_at <= now,
                    Ticket.resolution_due_at >= now)
    if view == "closed_today":
        # Today's closures through ix_tickets_closed_at (a few hundred rows, then sorted);
        # on SQLite the status index, leading to every closed ticket, is kept out.
        return and_(Ticket.closed_at >= _day_start(now.astimezone(RIYADH).date()),
                    unindexed(Ticket.status) == "closed")
    return None


def _filter_clauses(filters: QueueFilters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.statuses:
        clauses.append(Ticket.status.in_(filters.statuses))
    columns = {"channel": Ticket.channel_key, "kind": Ticket.kind,
               "priority": Ticket.priority, "service": Ticket.service_id,
               "team": Ticket.team_id, "assignee": Ticket.assignee_id,
               "branch": Ticket.branch_id}
    for name, column in columns.items():
        value = getattr(filters, name)
        if value is not None:
            clauses.append(column == value)
    if filters.created_from:
        clauses.append(Ticket.created_at >= _day_start(filters.created_from))
    if filters.created_to:
        clauses.append(Ticket.created_at < _day_start(filters.created_to + timedelta(days=1)))
    if filters.due_from:
        clauses.append(Ticket.resolution_due_at >= _day_start(filters.due_from))
    if filters.due_to:
        clauses.append(Ticket.resolution_due_at
                       < _day_start(filters.due_to + timedelta(days=1)))
    if filters.q:
        clauses.append(_search_clause(filters.q))
    return clauses


def register_text_search(app: Flask, clause: Callable[[str], ColumnElement[bool]]) -> None:
    """The search domain's clause for the queue's search box, handed over at start-up (the
    search index is built on tickets, so the queue cannot import it)."""
    app.extensions[TEXT_SEARCH] = clause


def _search_clause(text: str) -> ColumnElement[bool]:
    return current_app.extensions[TEXT_SEARCH](text)


# --- keyset cursors --------------------------------------------------------------------

def encode_cursor(sort: str, ticket: Ticket) -> str:
    due = ticket.resolution_due_at.isoformat() if ticket.resolution_due_at else None
    payload = [sort, ticket.id, due if sort == "due" else None]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[int, datetime | None] | None:
    """The (id, due) a page continues after; None for a cursor that is not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, ticket_id, due = json.loads(base64.urlsafe_b64decode(padded))
        if kind != sort or not isinstance(ticket_id, int):
            return None
        return ticket_id, datetime.fromisoformat(due) if due else None
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        return None


def _order_and_cursor(filters: QueueFilters):
    after = decode_cursor(filters.after, filters.sort) if filters.after else None
    if filters.sort == "oldest":
        order = (Ticket.id.asc(),)
        beyond = Ticket.id > after[0] if after else None
    elif filters.sort == "due":
        # Tickets with a due time first (soonest first), then those without, each by id.
        order = (Ticket.resolution_due_at.is_(None), Ticket.resolution_due_at.asc(),
                 Ticket.id.asc())
        beyond = None
        if after:
            last_id, last_due = after
            if last_due is None:
                beyond = and_(Ticket.resolution_due_at.is_(None), Ticket.id > last_id)
            else:
                beyond = or_(Ticket.resolution_due_at > last_due,
                             and_(Ticket.resolution_due_at == last_due, Ticket.id > last_id),
                             Ticket.resolution_due_at.is_(None))
    else:
        order = (Ticket.id.desc(),)
        beyond = Ticket.id < after[0] if after else None
    return order, beyond


def queue_clauses(user: Any, filters: QueueFilters) -> list[ColumnElement[bool]]:
    """The access rule, the saved view and the filters: which tickets the queue shows."""
    clauses = [visible_tickets_clause(user), *_filter_clauses(filters)]
    view = _view_clause(filters.view, user)
    if view is not None:
        clauses.append(view)
    return clauses


def queue_page(user: Any, filters: QueueFilters, limit: int = PAGE_SIZE) -> QueuePage:
    clauses = queue_clauses(user, filters)
    order, beyond = _order_and_cursor(filters)
    if filters.view == "closed_today" and filters.sort != "due":
        # Without statistics SQLite prefers walking every id (it gives the order) to the
        # range of today's closures; ordering by +id leaves it only the range, then a sort
        # of a few hundred rows.
        by_id = unindexed(Ticket.id)
        order = (by_id.asc() if filters.sort == "oldest" else by_id.desc(),)
    if beyond is not None:
        clauses.append(beyond)
    statement = (select(Ticket).where(*clauses).order_by(*order).limit(limit + 1)
                 .options(joinedload(Ticket.contact), joinedload(Ticket.assignee),
                          joinedload(Ticket.team)))
    tickets = list(db.session.scalars(statement).unique())
    has_more = len(tickets) > limit
    tickets = tickets[:limit]
    cursor = encode_cursor(filters.sort, tickets[-1]) if has_more else None
    return QueuePage(tickets=tickets, next_cursor=cursor, filters=filters)


def without_cursor(filters: QueueFilters) -> QueueFilters:
    return replace(filters, after=None)


def other_tickets_of_contact(user: Any, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """The contact's other tickets within the user's reach, newest first."""
    if ticket.contact_id is None:
        return []
    statement = (select(Ticket)
                 .where(Ticket.contact_id == ticket.contact_id, Ticket.id != ticket.id,
                        visible_tickets_clause(user))
                 .order_by(Ticket.id.desc()).limit(limit))
    return list(db.session.scalars(statement))
