"""Deliveries written in the transaction that changed the ticket, queued after its commit.

Session events, as the outbox does (helpdesk/outbox/dispatch.py), rather than a call in every
service: tickets change in several domains (tickets, intake, committee, portal), and every
change appends timeline events. The ids of new events are collected at each flush; just
before the outermost COMMIT the events become delivery rows for the active subscriptions
that asked for their type, in the same transaction (a rolled-back change sends nothing, a
committed one is never lost). After the commit each subscriber's queue is handed to the
worker; an enqueue that fails is logged and left to the periodic sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from helpdesk.extensions import db
from helpdesk.tickets.models import Event, Ticket
from helpdesk.webhooks.events import (
    event_data,
    new_delivery_key,
    payload,
    ticket_json,
    webhook_types,
)
from helpdesk.webhooks.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

NEW_EVENTS = "helpdesk_webhook_new_events"          # key in Session.info
QUEUED_SUBSCRIBERS = "helpdesk_webhook_subscribers"  # key in Session.info


def enqueue_subscribers(subscription_ids: Iterable[int]) -> None:
    """Queue one delivery task per subscriber; never raises (the sweep is the safety net)."""
    from helpdesk.worker import get_worker

    ids = list(dict.fromkeys(subscription_ids))
    if not ids or not has_app_context():
        return
    try:
        tasks = get_worker(current_app._get_current_object())
        for subscription_id in ids:
            tasks.deliver_webhooks(subscription_id)
    except Exception:
        log.warning("could not queue webhook deliveries for subscriptions %s; the sweep "
                    "will send them", ids, exc_info=True)


def write_deliveries(session: Session, event_ids: list[int]) -> None:
    """Delivery rows for these events, for every active subscriber of their types."""
    subscriptions = list(session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)))
    if not subscriptions:
        return
    events = list(session.scalars(select(Event).where(Event.id.in_(event_ids))
                                  .order_by(Event.id)))
    tickets: dict[int, dict | None] = {}
    for item in events:
        for kind in webhook_types(item):
            wanted = [s for s in subscriptions if kind in (s.event_types or [])]
            if not wanted:
                continue
            if item.ticket_id not in tickets:
                ticket = session.get(Ticket, item.ticket_id)
                tickets[item.ticket_id] = ticket_json(ticket) if ticket else None
            data = event_data(kind, item)
            for subscription in wanted:
                key = new_delivery_key()
                session.add(WebhookDelivery(
                    delivery_key=key, subscription_id=subscription.id, event_type=kind,
                    ticket_id=item.ticket_id, event_id=item.id, status="pending",
                    payload=payload(key, kind, item.created_at, tickets[item.ticket_id], data),
                    created_at=item.created_at))


@event.listens_for(db.session, "after_flush")
def _collect_new_rows(session: Session, flush_context) -> None:
    # After a flush the new rows have ids, and session.new still lists them.
    ids = [obj.id for obj in session.new if isinstance(obj, Event)]
    if ids:
        session.info.setdefault(NEW_EVENTS, []).extend(ids)
    subscribers = {obj.subscription_id for obj in session.new
                   if isinstance(obj, WebhookDelivery)}
    if subscribers:
        session.info.setdefault(QUEUED_SUBSCRIBERS, set()).update(subscribers)


@event.listens_for(db.session, "before_commit")
def _deliveries_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT: the outer commit writes the deliveries
    if session.new or session.dirty:
        session.flush()  # events still pending are collected by the flush
    ids = session.info.pop(NEW_EVENTS, None)
    if not ids:
        return
    # The commit's own flush writes the new rows (and collects their subscribers).
    write_deliveries(session, list(dict.fromkeys(ids)))


@event.listens_for(db.session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    ids = session.info.pop(QUEUED_SUBSCRIBERS, None)
    if ids:
        enqueue_subscribers(sorted(ids))


@event.listens_for(db.session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(NEW_EVENTS, None)
        session.info.pop(QUEUED_SUBSCRIBERS, None)
