"""Read-side queries over contacts: the list, one contact's history, merge candidates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.search.queries import ContactSearchPage, search_contacts
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.queries import visible_tickets_clause

HISTORY_PAGE = 20
CANDIDATES = 8


def contact_page(text: str | None = None, cursor: str | None = None,
                 limit: int = 25) -> ContactSearchPage:
    """The contacts list: every current contact newest first, or those matching ``text``."""
    return search_contacts(text, limit=limit, cursor=cursor)


def get_contact(contact_id: int) -> Contact | None:
    return db.session.get(Contact, contact_id)


def current_contact(contact: Contact) -> Contact:
    """Where a merged contact now lives (merges can chain)."""
    seen = {contact.id}
    while contact.merged_into_id is not None and contact.merged_into_id not in seen:
        seen.add(contact.merged_into_id)
        contact = db.session.get(Contact, contact.merged_into_id)
    return contact


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


def merge_candidates(contact: Contact, text: str | None = None) -> list[Contact]:
    """Contacts that could be ``contact`` recorded twice: those matching ``text`` when given,
    else those sharing its phone or email, or named alike."""
    if text and text.strip():
        found = search_contacts(text, limit=CANDIDATES + 1).contacts
        return [c for c in found if c.id != contact.id][:CANDIDATES]
    same = []
    if contact.phone or contact.email:
        conditions = []
        if contact.phone:
            conditions.append(Contact.phone == contact.phone)
        if contact.email:
            conditions.append(Contact.email == contact.email)
        same = list(db.session.scalars(
            select(Contact).where(or_(*conditions), Contact.id != contact.id,
                                  Contact.merged_into_id.is_(None))
            .order_by(Contact.id).limit(CANDIDATES)))
    if contact.name and len(same) < CANDIDATES:
        for other in search_contacts(contact.name, limit=CANDIDATES + 1).contacts:
            if other.id != contact.id and other not in same:
                same.append(other)
    return same[:CANDIDATES]
