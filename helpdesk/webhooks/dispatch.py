"""Deliveries written in the transaction that changed the ticket, queued after its commit.

Handlers of the unit of work rather than a call in every service: tickets change in several
domains (tickets, intake, committee, portal), and every change appends timeline events. Just
before the COMMIT each new timeline event becomes delivery rows for the active subscriptions
that asked for its type, in the same transaction and on the ticket's final state (a
rolled-back change sends nothing, a committed one is never lost). After the commit the
worker's handler (helpdesk/worker.py) hands each subscriber's queue to the worker.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk.extensions import db
from helpdesk.tickets.events import TimelineEvent, WebhookDeliveriesQueued
from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.unit_of_work import record
from helpdesk.webhooks.events import (
    event_data,
    new_delivery_key,
    payload,
    ticket_json,
    webhook_types,
)
from helpdesk.webhooks.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)


def write_deliveries(session: Session, event_ids: list[int]) -> list[int]:
    """Delivery rows for these events, for every active subscriber of their types; returns
    the subscribers given deliveries."""
    subscriptions = list(session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)))
    if not subscriptions:
        return []
    events = list(session.scalars(select(Event).where(Event.id.in_(event_ids))
                                  .order_by(Event.id)))
    tickets: dict[int, dict | None] = {}
    subscribers: list[int] = []
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
                subscribers.append(subscription.id)
    return list(dict.fromkeys(subscribers))


def write_deliveries_for(event: TimelineEvent) -> None:
    """Before the commit: the deliveries of one new timeline event."""
    for subscription_id in write_deliveries(db.session(), [event.event_id]):
        record(WebhookDeliveriesQueued(subscription_id=subscription_id))
