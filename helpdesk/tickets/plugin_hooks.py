"""The plugins' event hooks, called by after-commit handlers with a snapshot of the ticket."""

from __future__ import annotations

from typing import Any

from flask import current_app

from helpdesk.extensions import db
from helpdesk.tickets.events import MessageAdded, TicketOpened, TicketTransitioned
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.snapshots import snapshot


def _call(hook_name: str, ticket_id: int, **kwargs: Any) -> None:
    registry = current_app.extensions["helpdesk_plugins"]
    if not getattr(registry.manager.hook, hook_name).get_hookimpls():
        return  # no plugin listens: no snapshot to read
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is not None:
        registry.call_event(hook_name, ticket=snapshot(ticket), **kwargs)


def ticket_created(event: TicketOpened) -> None:
    _call("helpdesk_ticket_created", event.ticket_id)


def ticket_transitioned(event: TicketTransitioned) -> None:
    _call("helpdesk_ticket_transitioned", event.ticket_id, from_status=event.from_status,
          to_status=event.to_status, action=event.action)


def _attachment_name(event_id: int) -> str | None:
    """A message that is only a document is announced by the document's name."""
    row = db.session.get(Event, event_id)
    ids = (row.data or {}).get("attachments") if row is not None else None
    attachment = db.session.get(Attachment, ids[0]) if ids else None
    return attachment.display_name if attachment is not None else None


def message_added(event: MessageAdded) -> None:
    _call("helpdesk_message_added", event.ticket_id, direction=event.direction,
          body=event.body or _attachment_name(event.event_id), visibility=event.visibility)
