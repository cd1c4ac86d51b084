"""Opening a ticket: its number, its tracking secret, its first timeline entry."""

from __future__ import annotations

import secrets
from typing import Any

from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.change import (
    TRACKING_SECRET_BYTES,
)
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.numbering import allocate_sequence, format_ticket_number
from helpdesk.tickets.vocabulary import KINDS, PRIORITIES


def new_tracking_secret() -> str:
    return secrets.token_urlsafe(TRACKING_SECRET_BYTES)


def open_ticket(*, channel_key: str, kind: str, subject: str, body: str | None = None,
                contact: Contact | None = None, priority: str = "normal",
                service_id: int | None = None, team_id: int | None = None,
                branch_id: int | None = None, channel_data: dict[str, Any] | None = None,
                actor: Any = None) -> Ticket:
    """Open a ticket with its number and first timeline event, and commit."""
    ticket = open_ticket_in_transaction(
        channel_key=channel_key, kind=kind, subject=subject, body=body, contact=contact,
        priority=priority, service_id=service_id, team_id=team_id, branch_id=branch_id,
        channel_data=channel_data, actor=actor)
    db.session.commit()
    return ticket


def open_ticket_in_transaction(
        *, channel_key: str, kind: str, subject: str, body: str | None = None,
        contact: Contact | None = None, priority: str = "normal",
        service_id: int | None = None, team_id: int | None = None,
        branch_id: int | None = None, channel_data: dict[str, Any] | None = None,
        actor: Any = None) -> Ticket:
    """open_ticket's writes inside the caller's transaction, without the commit (intake
    adds its ExternalRef to the same transaction, then commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown ticket kind {kind!r}")
    if priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    now = utcnow()
    sequence = allocate_sequence(now.year)
    ticket = Ticket(
        number=format_ticket_number(now.year, sequence), year=now.year, sequence=sequence,
        channel_key=channel_key, kind=kind, status="new", priority=priority,
        subject=subject.strip()[:300], contact=contact, service_id=service_id,
        team_id=team_id, branch_id=branch_id or (contact.branch_id if contact else None),
        channel_data=channel_data or {}, tracking_secret=new_tracking_secret(),
        created_at=now, updated_at=now,
    )
    db.session.add(ticket)
    db.session.flush()
    db.session.add(Event(ticket_id=ticket.id, type="created", visibility="public",
                         actor_id=getattr(actor, "id", None), body=body,
                         data={"channel": channel_key}, created_at=now))
    db.session.flush()
    return ticket
