"""Writing messages to the outbox inside the caller's transaction (never committing).

Part of the tickets layer: every answer to a person is queued with the change that makes it;
the outbox domain (helpdesk/outbox) delivers what is queued here."""

from __future__ import annotations

import uuid

from flask import current_app

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api.types import Capability
from helpdesk.tickets.events import MessageQueued
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.outbox_models import OUTBOX_PURPOSES, TRANSPORTS, OutboxMessage
from helpdesk.tickets.unit_of_work import record


def choose_transport(ticket: Ticket) -> tuple[str, str | None]:
    """The ticket's channel when it can answer; else SMS to the contact's phone; else email."""
    channel = current_app.extensions["helpdesk_plugins"].channel(ticket.channel_key)
    if channel is not None and Capability.OUTBOUND in channel.meta.capabilities:
        return "channel", ticket.channel_key
    contact = ticket.contact
    if contact is not None and contact.phone:
        return "sms", None
    if contact is not None and contact.email:
        return "email", None
    return "channel", ticket.channel_key  # recorded, and shown as undeliverable on the ticket


def queue_message(*, ticket: Ticket, purpose: str, body: str, subject: str | None = None,
                  event_id: int | None = None, locale: str = "ar",
                  transport: str | None = None) -> OutboxMessage:
    """Add a message for the person behind ``ticket``; the caller's commit makes it real.

    ``transport`` ("sms", "email") overrides the usual choice, e.g. a receipt sent by SMS
    for a channel that answers by email."""
    if purpose not in OUTBOX_PURPOSES:
        raise ValueError(f"unknown outbox purpose {purpose!r}")
    if transport is not None and transport not in TRANSPORTS:
        raise ValueError(f"unknown transport {transport!r}")
    if transport is None:
        transport, channel_key = choose_transport(ticket)
    else:
        channel_key = ticket.channel_key if transport == "channel" else None
    contact = ticket.contact
    message = OutboxMessage(
        idempotency_key=uuid.uuid4().hex, ticket_id=ticket.id, event_id=event_id,
        purpose=purpose, transport=transport, channel_key=channel_key,
        to_phone=contact.phone if contact else None,
        to_email=contact.email if contact else None,
        subject=subject, body=body, locale=locale, status="pending",
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()  # its id, for the worker once the caller commits
    record(MessageQueued(message_id=message.id, ticket_id=ticket.id))
    return message


def queue_staff_email(*, to_email: str, subject: str, body: str,
                      locale: str = "ar") -> OutboxMessage:
    """Add an e-mail to a staff member (a notification); the caller's commit makes it real.

    Not a ticket's message: it carries no ticket, so it stays off the ticket's outbox panel,
    its timeline and the portal."""
    message = OutboxMessage(
        idempotency_key=uuid.uuid4().hex, ticket_id=None, event_id=None,
        purpose="staff_notification", transport="email", channel_key=None,
        to_phone=None, to_email=to_email, subject=subject, body=body, locale=locale,
        status="pending", next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    record(MessageQueued(message_id=message.id, ticket_id=None))
    return message
