"""One contact's tickets from every channel, under the reader's access rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import visible_tickets_clause

HISTORY_PAGE = 20


@dataclass(frozen=True)
class HistoryPage:
    tickets: list[Ticket] = field(default_factory=list)
    next_cursor: int | None = None


def contact_history(user: Any, contact: Contact, cursor: int | None = None,
                    limit: int = HISTORY_PAGE) -> HistoryPage:
    """The contact's tickets from every channel that ``user`` may see, newest first."""
    statement = (select(Ticket).where(Ticket.contact_id == contact.id,
                                      visible_tickets_clause(user))
                 .order_by(Ticket.id.desc()).limit(limit + 1))
    if cursor is not None:
        statement = statement.where(Ticket.id < cursor)
    tickets = list(db.session.scalars(statement))
    more = len(tickets) > limit
    tickets = tickets[:limit]
    return HistoryPage(tickets, tickets[-1].id if more else None)


def channel_counts(user: Any, contact: Contact) -> dict[str, int]:
    """How many of the contact's tickets (visible to ``user``) came through each channel."""
    rows = db.session.execute(
        select(Ticket.channel_key, func.count())
        .where(Ticket.contact_id == contact.id, visible_tickets_clause(user))
        .group_by(Ticket.channel_key).order_by(func.count().desc(), Ticket.channel_key))
    return {key: count for key, count in rows}


def ticket_count(contact: Contact) -> int:
    """All the contact's tickets, visible or not (what a merge will move)."""
    return db.session.scalar(select(func.count()).select_from(Ticket)
                             .where(Ticket.contact_id == contact.id)) or 0
