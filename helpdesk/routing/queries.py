"""Reads for the routing pages: the rules in order, teams with their people, and which
recent tickets a rule (as typed, unsaved) would have matched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.accounts.models import Branch, Team, User
from helpdesk.accounts.permissions import can
from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.normalise import without_prefix
from helpdesk.routing.models import RoutingRule
from helpdesk.routing.services import Facts, matches, open_counts
from helpdesk.search.models import TicketSearchDocument
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.models import Event, Ticket

TRY_DAYS = 30
TRY_SHOWN = 20
# The newest tickets of the period that pass the rule's other conditions, read at most;
# beyond it the count says "at least".
TRY_CANDIDATES = 5_000


def list_rules() -> list[RoutingRule]:
    return list(db.session.scalars(
        select(RoutingRule).options(selectinload(RoutingRule.team),
                                    selectinload(RoutingRule.assignee))
        .order_by(RoutingRule.position, RoutingRule.id)))


def list_teams() -> list[Team]:
    return list(db.session.scalars(
        select(Team).options(selectinload(Team.members), selectinload(Team.branch),
                             selectinload(Team.lead))
        .order_by(Team.name_ar)))


def staff_people() -> list[User]:
    """People who could work tickets (the choices for members, leads and assignees)."""
    return [u for u in db.session.scalars(select(User).order_by(User.name))
            if can(u, "tickets.work") or can(u, "tickets.view")]


def people_open_counts(users: list[User]) -> dict[int, int]:
    return open_counts(u.id for u in users)


def branches() -> list[Branch]:
    return list(db.session.scalars(select(Branch).order_by(Branch.name_ar)))


def services() -> list[Service]:
    return list(db.session.scalars(select(Service).order_by(Service.name_ar)))


@dataclass(frozen=True)
class TriedTicket:
    number: str
    subject: str
    created_at: datetime


@dataclass(frozen=True)
class TryResult:
    count: int
    tickets: list[TriedTicket]
    capped: bool  # more candidates than were read: the count is a lower bound
    days: int = TRY_DAYS


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def try_conditions(conditions: dict[str, Any], *, now: datetime | None = None) -> TryResult:
    """The tickets opened in the last 30 days that these conditions match, newest first.

    The structured conditions and a first pass on the words (the search document holds the
    normalised text) run in SQL on the newest candidates (bounded); the exact word match
    is then the very function intake uses, so the answer is what routing would have done."""
    since = (now or utcnow()) - timedelta(days=TRY_DAYS)
    query = (select(Ticket.id, Ticket.number, Ticket.subject, Ticket.created_at,
                    Ticket.channel_key, Ticket.kind, Ticket.service_id, Ticket.branch_id,
                    Ticket.priority, Contact.kind)
             .outerjoin(Contact, Contact.id == Ticket.contact_id)
             .where(Ticket.created_at >= since))
    for name, column in (("channels", Ticket.channel_key), ("kinds", Ticket.kind),
                         ("service_ids", Ticket.service_id), ("branch_ids", Ticket.branch_id),
                         ("priorities", Ticket.priority), ("contact_kinds", Contact.kind)):
        if conditions.get(name):
            query = query.where(column.in_(conditions[name]))
    words = conditions.get("words") or []
    if words:
        stems = {without_prefix(w) or w for w in words}
        query = query.join(TicketSearchDocument,
                           TicketSearchDocument.ticket_id == Ticket.id).where(
            db.or_(*(TicketSearchDocument.document.like(f"%{_escape_like(stem)}%",
                                                        escape="\\") for stem in stems)))
    rows = db.session.execute(query.order_by(Ticket.id.desc())
                              .limit(TRY_CANDIDATES + 1)).all()
    capped = len(rows) > TRY_CANDIDATES
    rows = rows[:TRY_CANDIDATES]
    bodies: dict[int, str] = {}
    if words and rows:
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for ticket_id, body in db.session.execute(
                    select(Event.ticket_id, Event.body)
                    .where(Event.ticket_id.in_(chunk),
                           Event.type.in_(("created", "message_in")),
                           Event.body.is_not(None))
                    .order_by(Event.ticket_id, Event.id)):
                bodies.setdefault(ticket_id, body)
    found: list[TriedTicket] = []
    count = 0
    for (ticket_id, number, subject, created_at, channel, kind, service_id, branch_id,
         priority, contact_kind) in rows:
        facts = Facts(channel=channel, kind=kind, service_id=service_id, branch_id=branch_id,
                      contact_kind=contact_kind, priority=priority,
                      text=f"{subject or ''}\n{bodies.get(ticket_id) or ''}")
        if matches(conditions, facts):
            count += 1
            if len(found) < TRY_SHOWN:
                found.append(TriedTicket(number, subject, created_at))
    return TryResult(count=count, tickets=found, capped=capped)
