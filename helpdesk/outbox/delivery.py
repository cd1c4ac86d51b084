"""Delivering one outbox message: claim it, send it with its stable key, record the outcome.

The claim, lease, backoff and fenced record are the shared engine's
(helpdesk/delivery/queue.py); what is the outbox's own: what is sent (through the ticket's
channel or the core's SMS/email sender, with the row's ``idempotency_key``, the same on
every attempt) and what the ticket's timeline says about it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.channels.registry import get_channel
from helpdesk.channels.services import effective_settings
from helpdesk.db_types import utcnow
from helpdesk.delivery.queue import DeliveryQueue, Outcome, retry_delay
from helpdesk.extensions import db
from helpdesk.outbox.dev_inbox import DevInboxSender, dev_inbox_enabled, inbox_path
from helpdesk.outbox.senders import core_sender
from helpdesk.plugin_api.types import ChannelError, DeliveryResult, OutboundMessage
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.outbox_models import OutboxMessage

log = logging.getLogger(__name__)

UNCONFIGURED = "unconfigured"  # last_error of a message whose sender has no settings
__all__ = ["Outcome", "claim", "deliver", "due_message_ids", "record", "retry_delay"]

QUEUE = DeliveryQueue(OutboxMessage, done="sent", prefix="OUTBOX")


def due_message_ids(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Messages a worker should try now: due pending/failed ones, and stale claims."""
    now = now or utcnow()
    query = (select(OutboxMessage.id).where(QUEUE.claimable(now))
             .order_by(OutboxMessage.id).limit(limit))
    return list(db.session.scalars(query))


def claim(message_id: int, now: datetime) -> int | None:
    """Take the message for sending; return the attempt number, or None if not ours."""
    return QUEUE.claim(message_id, now)


def _default_subject(ticket: Ticket | None, locale: str) -> str | None:
    if ticket is None:
        return None
    with force_locale(locale):
        return _("Your request %(number)s", number=ticket.number)


def build_outbound(row: OutboxMessage, ticket: Ticket | None) -> OutboundMessage:
    thread_id = (ticket.channel_data or {}).get("thread_id") if ticket else None
    return OutboundMessage(
        idempotency_key=row.idempotency_key,
        ticket_number=ticket.number if ticket else "",
        body=row.body, to_phone=row.to_phone, to_email=row.to_email,
        thread_id=str(thread_id) if thread_id else None,
        subject=row.subject or _default_subject(ticket, row.locale), locale=row.locale,
    )


def _channel_call(channel_key: str | None) -> Callable[[OutboundMessage], DeliveryResult]:
    """The channel's send with its settings read now (the caller then ends the transaction)."""
    channel = get_channel(channel_key) if channel_key else None
    if channel is None:
        reason = f"channel {channel_key!r} is not installed"
        return lambda message: DeliveryResult(ok=False, error=reason, retryable=True)
    settings = effective_settings(channel.meta.key)
    return lambda message: channel.send(message, settings)


def _safe_send(send: Callable[[OutboundMessage], DeliveryResult],
               message: OutboundMessage) -> DeliveryResult:
    try:
        result = send(message)
    except ChannelError as exc:
        return DeliveryResult(ok=False, error=str(exc) or type(exc).__name__, retryable=True)
    except Exception as exc:  # a plugin's bug must not kill the worker
        log.exception("sending outbox message %s raised", message.idempotency_key)
        return DeliveryResult(ok=False, error=f"{type(exc).__name__}: {exc}", retryable=True)
    if not isinstance(result, DeliveryResult):
        return DeliveryResult(ok=False, retryable=False,
                              error=f"send returned {type(result).__name__}, not DeliveryResult")
    return result


def deliver(message_id: int) -> Outcome:
    """Try to deliver one outbox message now; safe to call twice, concurrently or after a crash."""
    now = utcnow()
    attempt = claim(message_id, now)
    if attempt is None:
        return QUEUE.not_claimed(message_id, now)

    row = db.session.get(OutboxMessage, message_id)
    ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
    transport = row.transport
    message = build_outbound(row, ticket)
    if dev_inbox_enabled():
        send = DevInboxSender(inbox_path(), transport, row.channel_key).send
    elif transport == "channel":
        send = _channel_call(row.channel_key)
    else:
        send = core_sender(transport, current_app.config).send
    db.session.commit()  # end the read transaction: none stays open during the provider call

    result = _safe_send(send, message)
    return record(message_id, attempt, result)


def record(message_id: int, attempt: int, result: DeliveryResult) -> Outcome:
    """Write the outcome of attempt number ``attempt``, with its timeline event."""
    values = ({"provider_id": result.provider_id, "sent_at": utcnow()} if result.ok else {})
    if result.unconfigured:
        # The sender's own words are for the log; staff read a translated line (the code).
        log.warning("outbox message %s waits for settings: %s", message_id, result.error)
        result = replace(result, error=UNCONFIGURED)

    def add_timeline(row: OutboxMessage, outcome: Outcome, now: datetime) -> None:
        _add_timeline(row, attempt, outcome, now, unconfigured=result.unconfigured)

    outcome = QUEUE.record(message_id, attempt, result, values=values, then=add_timeline)
    if outcome.status == "superseded":
        log.warning("outbox message %s: attempt %s finished after a newer attempt took over",
                    message_id, attempt)
    elif outcome.status == "sent":
        log.info("outbox message %s sent (attempt %s)", message_id, attempt)
    else:
        log.warning("outbox message %s %s on attempt %s: %s", message_id, outcome.status,
                    attempt, outcome.error)
    return outcome


def _already_said_unconfigured(row: OutboxMessage) -> bool:
    failures = db.session.scalars(select(Event.data).where(
        Event.ticket_id == row.ticket_id, Event.type == "delivery_failed"))
    return any((data or {}).get("outbox_id") == row.id and (data or {}).get("unconfigured")
               for data in failures)


def _add_timeline(row: OutboxMessage, attempt: int, outcome: Outcome, now: datetime, *,
                  unconfigured: bool = False) -> None:
    if row.ticket_id is None:
        return
    if outcome.status != "sent" and unconfigured:
        # Missing settings are the administrator's to fix (the channels page says which):
        # staff read one translated line per message, not the sender's English every retry.
        if not _already_said_unconfigured(row):
            db.session.add(Event(
                ticket_id=row.ticket_id, type="delivery_failed", visibility="internal",
                created_at=now,
                data={"outbox_id": row.id, "message_event_id": row.event_id,
                      "purpose": row.purpose, "transport": row.transport,
                      "channel": row.channel_key, "unconfigured": True}))
    elif outcome.status != "sent":
        db.session.add(Event(
            ticket_id=row.ticket_id, type="delivery_failed", visibility="internal",
            body=outcome.error, created_at=now,
            data={"outbox_id": row.id, "message_event_id": row.event_id,
                  "purpose": row.purpose, "transport": row.transport,
                  "channel": row.channel_key, "attempt": attempt,
                  "final": outcome.status == "dead",
                  "retry_at": outcome.retry_at.isoformat() if outcome.retry_at else None},
        ))
    if row.event_id is None or outcome.status == "failed":
        return
    message_event = db.session.get(Event, row.event_id)
    if message_event is None:
        return
    data = dict(message_event.data or {})
    if outcome.status == "sent":
        data.update(delivered=True, delivered_at=now.isoformat(), delivered_via=row.transport,
                    outbox_id=row.id)
    else:
        data.update(delivered=False, delivery_error=outcome.error, outbox_id=row.id)
    message_event.data = data  # a new dict: JSON columns do not track in-place changes
