"""Delivering a subscriber's queue: the oldest unfinished delivery first, one at a time.

Per subscriber, deliveries go out in id order: a later event waits while an earlier one is
retrying (the claim refuses a delivery while an older one of the same subscriber is
unfinished). A delivery that has failed for good ("dead") no longer holds the queue back.
Each step is its own short transaction, as in the outbox (helpdesk/outbox/delivery.py):
claim with a conditional UPDATE, send with no transaction open, record fenced on the attempt.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.outbox.delivery import retry_delay
from helpdesk.webhooks.addresses import UnsafeUrl, check_url
from helpdesk.webhooks.models import UNFINISHED_STATUSES, WebhookDelivery, WebhookSubscription
from helpdesk.webhooks.sending import SendResult, post, signed_headers

log = logging.getLogger(__name__)

ERROR_LENGTH = 1000
DEFAULTS = {"WEBHOOK_MAX_ATTEMPTS": 8, "WEBHOOK_RETRY_BASE_SECONDS": 30.0,
            "WEBHOOK_RETRY_MAX_SECONDS": 3600.0, "WEBHOOK_TIMEOUT_SECONDS": 10.0,
            "WEBHOOK_SENDING_TIMEOUT_SECONDS": 300.0}


def setting(name: str) -> Any:
    value = current_app.config.get(name)
    return DEFAULTS[name] if value is None else value


@dataclass(frozen=True)
class Outcome:
    """What a run over one subscriber's queue ended with.

    status: idle (nothing to send), delivered, failed (retry at ``retry_at``), dead,
    not_due (the head waits until ``retry_at``), busy (another worker is sending the head),
    paused (the subscription is inactive), superseded.
    """

    status: str
    retry_at: datetime | None = None
    delivery_id: int | None = None


def _claimable(model: Any, now: datetime) -> ColumnElement[bool]:
    due = or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now)
    stale = now - timedelta(seconds=float(setting("WEBHOOK_SENDING_TIMEOUT_SECONDS")))
    return or_(and_(model.status.in_(("pending", "failed")), due),
               and_(model.status == "sending",
                    or_(model.claimed_at.is_(None), model.claimed_at <= stale)))


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
    result = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, _claimable(WebhookDelivery, now), ~blocked)
        .values(status="sending", attempts=WebhookDelivery.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return None
    attempt = db.session.scalar(select(WebhookDelivery.attempts)
                                .where(WebhookDelivery.id == delivery_id))
    db.session.commit()
    return attempt


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
    return post(target, headers, body, float(setting("WEBHOOK_TIMEOUT_SECONDS")))


def record(delivery_id: int, attempt: int, result: SendResult) -> Outcome:
    now = utcnow()
    values: dict[str, Any] = {"claimed_at": None, "response_status": result.status}
    retry_at = None
    if result.ok:
        status = "delivered"
        values.update(status=status, delivered_at=now, last_error=None, next_attempt_at=None)
    else:
        final = not result.retryable or attempt >= int(setting("WEBHOOK_MAX_ATTEMPTS"))
        if not final:
            retry_at = now + timedelta(seconds=retry_delay(
                attempt, float(setting("WEBHOOK_RETRY_BASE_SECONDS")),
                float(setting("WEBHOOK_RETRY_MAX_SECONDS"))))
        status = "dead" if final else "failed"
        values.update(status=status, next_attempt_at=retry_at,
                      last_error=(result.error or "unknown error")[:ERROR_LENGTH])
    fenced = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "sending",
               WebhookDelivery.attempts == attempt)
        .values(**values).execution_options(synchronize_session=False))
    if fenced.rowcount != 1:
        db.session.rollback()
        return Outcome("superseded", delivery_id=delivery_id)
    db.session.commit()
    if result.ok:
        log.info("webhook delivery %s delivered (attempt %s)", delivery_id, attempt)
    else:
        log.warning("webhook delivery %s %s on attempt %s: %s", delivery_id, status, attempt,
                    result.error)
    return Outcome(status, retry_at=retry_at, delivery_id=delivery_id)


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
        db.session.expire_all()
        current = db.session.get(WebhookDelivery, delivery_id)
        db.session.rollback()
        if current is not None and current.status in ("pending", "failed") \
                and current.next_attempt_at and current.next_attempt_at > now:
            return Outcome("not_due", retry_at=current.next_attempt_at, delivery_id=delivery_id)
        return Outcome("busy", delivery_id=delivery_id)
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
        .where(WebhookSubscription.active.is_(True), _claimable(WebhookDelivery, now))
        .group_by(WebhookDelivery.subscription_id)
        .order_by(WebhookDelivery.subscription_id).limit(limit)))
