"""Delivering one outbox message: claim it, send it with its stable key, record the outcome.

Each step is its own short transaction, so that no database transaction stays open while a
provider is called:

1. claim: one conditional UPDATE moves the row to ``sending`` and counts the attempt; zero
   rows means another worker has it (or it is done, or not due yet);
2. send: through the ticket's channel or the core's SMS/email sender, with the row's
   ``idempotency_key``, the same on every attempt;
3. record: ``sent``, or ``failed`` with a retry time (exponential backoff with jitter), or
   ``dead`` once retrying cannot help; the update is fenced on the attempt number, so a worker
   that was presumed dead cannot overwrite a newer attempt's outcome.

A row left in ``sending`` longer than OUTBOX_SENDING_TIMEOUT_SECONDS belonged to a worker that
died mid-send: it is claimed again and sent with the same key, so an idempotent provider
delivers it once.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from helpdesk.channels.registry import get_channel
from helpdesk.channels.services import effective_settings
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.outbox.models import OutboxMessage
from helpdesk.outbox.senders import core_sender
from helpdesk.plugin_api.types import ChannelError, DeliveryResult, OutboundMessage
from helpdesk.tickets.models import Event, Ticket

log = logging.getLogger(__name__)

ERROR_LENGTH = 1000  # what is kept of a provider's error text


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did.

    status: sent, failed (retry at ``retry_at``), dead, not_due (try at ``retry_at``),
    busy (claimed by another worker, or already finished), missing, or superseded (this
    worker was presumed dead and a newer attempt owns the row).
    """

    status: str
    retry_at: datetime | None = None
    error: str | None = None


def retry_delay(attempt: int, base: float, cap: float,
                rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …).

    Exponential (base, 2·base, 4·base … at most cap) with "equal jitter": half the step is
    fixed, half random, so that messages failed together do not retry together.
    """
    step = min(cap, base * 2 ** max(attempt - 1, 0))
    return step / 2 + rand() * step / 2


def _claimable(now: datetime, sending_timeout: float) -> ColumnElement[bool]:
    due = or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
    stale = now - timedelta(seconds=sending_timeout)
    return or_(
        and_(OutboxMessage.status.in_(("pending", "failed")), due),
        and_(OutboxMessage.status == "sending",
             or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at <= stale)),
    )


def due_message_ids(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Messages a worker should try now: due pending/failed ones, and stale claims."""
    now = now or utcnow()
    timeout = current_app.config["OUTBOX_SENDING_TIMEOUT_SECONDS"]
    query = (select(OutboxMessage.id).where(_claimable(now, timeout))
             .order_by(OutboxMessage.id).limit(limit))
    return list(db.session.scalars(query))


def claim(message_id: int, now: datetime) -> int | None:
    """Take the message for sending; return the attempt number, or None if not ours."""
    timeout = current_app.config["OUTBOX_SENDING_TIMEOUT_SECONDS"]
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now, timeout))
        .values(status="sending", attempts=OutboxMessage.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return None
    attempt = db.session.scalar(select(OutboxMessage.attempts)
                                .where(OutboxMessage.id == message_id))
    db.session.commit()
    return attempt


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
        return _not_claimed(message_id, now)

    row = db.session.get(OutboxMessage, message_id)
    ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
    transport = row.transport
    message = build_outbound(row, ticket)
    if transport == "channel":
        send = _channel_call(row.channel_key)
    else:
        send = core_sender(transport, current_app.config).send
    db.session.commit()  # end the read transaction: none stays open during the provider call

    result = _safe_send(send, message)
    return record(message_id, attempt, result)


def _not_claimed(message_id: int, now: datetime) -> Outcome:
    row = db.session.get(OutboxMessage, message_id)
    db.session.rollback()
    if row is None:
        return Outcome("missing")
    if row.status in ("pending", "failed") and row.next_attempt_at and row.next_attempt_at > now:
        return Outcome("not_due", retry_at=row.next_attempt_at)
    return Outcome("busy")


def record(message_id: int, attempt: int, result: DeliveryResult) -> Outcome:
    """Write the outcome of attempt number ``attempt``, with its timeline event."""
    config = current_app.config
    now = utcnow()
    values: dict[str, Any] = {"claimed_at": None}
    error = (result.error or "unknown error")[:ERROR_LENGTH] if not result.ok else None
    retry_at = None
    if result.ok:
        outcome = Outcome("sent")
        values.update(status="sent", provider_id=result.provider_id, sent_at=now,
                      last_error=None)
    else:
        final = not result.retryable or attempt >= config["OUTBOX_MAX_ATTEMPTS"]
        if not final:
            retry_at = now + timedelta(seconds=retry_delay(
                attempt, config["OUTBOX_RETRY_BASE_SECONDS"], config["OUTBOX_RETRY_MAX_SECONDS"]))
        outcome = Outcome("dead" if final else "failed", retry_at=retry_at, error=error)
        values.update(status=outcome.status, last_error=error, next_attempt_at=retry_at)

    fenced = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending",
               OutboxMessage.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if fenced.rowcount != 1:
        db.session.rollback()
        log.warning("outbox message %s: attempt %s finished after a newer attempt took over",
                    message_id, attempt)
        return Outcome("superseded")

    row = db.session.get(OutboxMessage, message_id)
    _add_timeline(row, attempt, outcome, now)
    db.session.commit()
    if outcome.status == "sent":
        log.info("outbox message %s sent by %s (attempt %s)", message_id, row.transport, attempt)
    else:
        log.warning("outbox message %s %s on attempt %s: %s", message_id, outcome.status,
                    attempt, error)
    return outcome


def _add_timeline(row: OutboxMessage, attempt: int, outcome: Outcome, now: datetime) -> None:
    if row.ticket_id is None:
        return
    if outcome.status != "sent":
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
