"""Frozen views of tickets handed to plugins (never ORM objects)."""

from __future__ import annotations

from helpdesk.plugin_api.types import TicketSnapshot
from helpdesk.tickets.models import Ticket


def snapshot(ticket: Ticket) -> TicketSnapshot:
    contact = ticket.contact
    return TicketSnapshot(
        id=ticket.id, number=ticket.number, channel_key=ticket.channel_key, kind=ticket.kind,
        status=ticket.status, priority=ticket.priority, subject=ticket.subject,
        contact_name=contact.name if contact else None,
        contact_phone=contact.phone if contact else None,
        created_at=ticket.created_at, channel_data=dict(ticket.channel_data or {}),
    )
