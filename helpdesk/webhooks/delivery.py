"""Delivering a subscriber's queue: the oldest unfinished delivery first, one at a time.

Per subscriber, deliveries go out in id order: a later event waits while an earlier one is
retrying (the claim refuses a delivery while an older one of the same subscriber is
unfinished). A delivery that has failed for good ("dead") no longer holds the queue back.
Claim, lease, backoff and the fenced record are the shared engine's
(helpdesk/delivery/queue.py); the order per subscriber and the signed POST are this module's.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from helpdesk.db_types import utcnow
from helpdesk.delivery.queue import DeliveryQueue, Outcome
from helpdesk.extensions import db
from helpdesk.webhooks.addresses import UnsafeUrl, check_url
from helpdesk.webhooks.models import UNFINISHED_STATUSES, WebhookDelivery, WebhookSubscription
from helpdesk.webhooks.sending import SendResult, post, signed_headers

log = logging.getLogger(__name__)

DEFAULTS = {"WEBHOOK_MAX_ATTEMPTS": 8, "WEBHOOK_RETRY_BASE_SECONDS": 30.0,
            "WEBHOOK_RETRY_MAX_SECONDS": 3600.0, "WEBHOOK_TIMEOUT_SECONDS": 10.0,
            "WEBHOOK_SENDING_TIMEOUT_SECONDS": 300.0}
QUEUE = DeliveryQueue(WebhookDelivery, done="delivered", prefix="WEBHOOK", defaults=DEFAULTS)
# Outcome statuses: idle (nothing to send), delivered, failed (retry at ``retry_at``), dead,
# not_due (the head waits until ``retry_at``), busy (another worker is sending the head),
# paused (the subscription is inactive), superseded, more (the budget ran out).
__all__ = ["Outcome", "deliver_one", "deliver_queue", "subscribers_due"]


def head(subscription_id: int) -> WebhookDelivery | None:
    """The subscriber's oldest unfinished delivery: the only one that may be sent now."""
    return db.session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id,
               WebhookDelivery.status.in_(UNFINISHED_STATUSES))
        .order_by(WebhookDelivery.id).limit(1))


def claim(delivery_id: int, now: datetime) -> int | None:
    """Take the delivery for sending (only while no older one of its subscriber is
    unfinished); the attempt number, or None if it is not ours to send."""
    older = aliased(WebhookDelivery)
    blocked = exists().where(older.subscription_id == WebhookDelivery.subscription_id,
                             older.id < WebhookDelivery.id,
                             older.status.in_(UNFINISHED_STATUSES))
    return QUEUE.claim(delivery_id, now, ~blocked)


@dataclass(frozen=True)
class Request:
    """What one attempt needs, read in the claim's transaction."""

    url: str
    allow_private: bool
    secret: str
    event_type: str
    delivery_key: str
    payload: str


def send_delivery(request: Request) -> SendResult:
    """Check the address again (DNS may have changed), sign with a fresh timestamp, POST."""
    try:
        target = check_url(request.url, allow_private=request.allow_private)
    except UnsafeUrl as refused:
        if refused.reason == "resolve":
            return SendResult(False, error=f"cannot resolve the host: {refused.detail}")
        return SendResult(False, retryable=False,
                          error=f"refused by the address check ({refused.reason}): "
                                f"{refused.detail}".rstrip(": "))
    body = request.payload.encode("utf-8")
    headers = signed_headers(secret=request.secret, event_type=request.event_type,
                             delivery_key=request.delivery_key,
                             timestamp=str(int(time.time())), body=body)
    return post(target, headers, body, QUEUE.setting("TIMEOUT_SECONDS"))


def record(delivery_id: int, attempt: int, result: SendResult) -> Outcome:
    values = {"response_status": result.status}
    if result.ok:
        values.update(delivered_at=utcnow(), next_attempt_at=None)
    outcome = QUEUE.record(delivery_id, attempt, result, values=values)
    if outcome.status == "delivered":
        log.info("webhook delivery %s delivered (attempt %s)", delivery_id, attempt)
    elif outcome.status != "superseded":
        log.warning("webhook delivery %s %s on attempt %s: %s", delivery_id, outcome.status,
                    attempt, result.error)
    return outcome


def deliver_one(subscription_id: int) -> Outcome:
    """Send the head of the subscriber's queue if it is due and nobody else is sending it."""
    now = utcnow()
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or not subscription.active:
        db.session.rollback()
        return Outcome("paused")
    first = head(subscription_id)
    if first is None:
        db.session.rollback()
        return Outcome("idle")
    delivery_id = first.id
    attempt = claim(delivery_id, now)
    if attempt is None:
        outcome = QUEUE.not_claimed(delivery_id, now)
        return outcome if outcome.status == "not_due" else Outcome("busy", delivery_id=delivery_id)
    subscription = db.session.get(WebhookSubscription, subscription_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    request = Request(subscription.url, bool(subscription.allow_private), subscription.secret,
                      delivery.event_type, delivery.delivery_key, delivery.payload)
    db.session.commit()  # no transaction stays open during the call
    return record(delivery_id, attempt, send_delivery(request))


def deliver_queue(subscription_id: int, budget: int = 50) -> Outcome:
    """Deliver the subscriber's queue in order until it is empty, waits for a retry, or
    ``budget`` deliveries were made (the task then queues itself again)."""
    outcome = Outcome("idle")
    for _ in range(budget):
        outcome = deliver_one(subscription_id)
        if outcome.status not in ("delivered", "dead"):
            return outcome
    return Outcome("more") if outcome.status in ("delivered", "dead") else outcome


def subscribers_due(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Subscribers whose queue has a due or stale delivery (the sweep's list)."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(WebhookDelivery.subscription_id)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookSubscription.active.is_(True), QUEUE.claimable(now))
        .group_by(WebhookDelivery.subscription_id)
        .order_by(WebhookDelivery.subscription_id).limit(limit)))
