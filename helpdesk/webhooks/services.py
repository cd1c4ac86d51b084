"""Webhook administration: subscriptions (create, edit, activate), a test ping, retries."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.accounts.permissions import can
from helpdesk.audit.services import record_audit
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.errors import PermissionDenied
from helpdesk.tickets.events import WebhookDeliveriesQueued
from helpdesk.tickets.unit_of_work import record
from helpdesk.validation import ValidationError
from helpdesk.webhooks.addresses import UnsafeUrl, check_url
from helpdesk.webhooks.events import EVENT_TYPES, PING, new_delivery_key, payload
from helpdesk.webhooks.models import WebhookDelivery, WebhookSubscription

PERMISSION = "admin.webhooks"
SECRET_BYTES = 32
MAX_URL = 2000
RECENT_DELIVERIES = 50


def _require(actor: Any) -> None:
    if not can(actor, PERMISSION):
        raise PermissionDenied(PERMISSION)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def url_error(reason: str) -> str:
    """The message shown at the URL field for a refused address."""
    messages = {
        "scheme": _("Write an address that starts with https:// or http://."),
        "credentials": _("Do not put a user name or password in the address."),
        "host": _("Write a complete address, with the host name."),
        "resolve": _("The host name could not be found. Check the address."),
        "private": _("This address leads to a private or local network. Choose a public "
                     "address, or allow private addresses explicitly."),
    }
    return messages.get(reason, messages["host"])


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())[:100]
    if not name:
        errors["name"] = _("Name the subscription after the system that receives it.")
    url = str(values.get("url") or "").strip()
    allow_private = bool(values.get("allow_private"))
    if not url:
        errors["url"] = _("Write the address that receives the events.")
    elif len(url) > MAX_URL:
        errors["url"] = _("Use at most %(n)d characters.", n=MAX_URL)
    else:
        try:
            check_url(url, allow_private=allow_private)
        except UnsafeUrl as refused:
            errors["url"] = url_error(refused.reason)
    raw_types = values.get("event_types") or []
    if isinstance(raw_types, str):
        raw_types = [raw_types]
    event_types = [t for t in EVENT_TYPES if t in set(raw_types)]
    if not event_types or set(raw_types) - set(EVENT_TYPES):
        errors["event_types"] = _("Choose at least one event.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "url": url, "allow_private": allow_private,
            "event_types": event_types}


def _audit_values(subscription: WebhookSubscription) -> dict[str, Any]:
    return {"name": subscription.name, "url": subscription.url,
            "event_types": list(subscription.event_types or []),
            "active": subscription.active, "allow_private": subscription.allow_private}


def create_subscription(values: Mapping[str, Any], *, actor: Any
                        ) -> tuple[WebhookSubscription, str]:
    """A new active subscription and its signing secret (shown to the admin now)."""
    _require(actor)
    clean = _clean(values)
    secret = new_secret()
    now = utcnow()
    subscription = WebhookSubscription(**clean, secret=secret, active=True,
                                       created_by_id=getattr(actor, "id", None),
                                       created_at=now, updated_at=now)
    db.session.add(subscription)
    db.session.flush()
    record_audit(actor, "webhook.created", "webhook_subscription", subscription.id,
                 after=_audit_values(subscription))
    db.session.commit()
    return subscription, secret


def update_subscription(subscription: WebhookSubscription, values: Mapping[str, Any], *,
                        actor: Any) -> WebhookSubscription:
    _require(actor)
    clean = _clean(values)
    before = _audit_values(subscription)
    for name, value in clean.items():
        setattr(subscription, name, value)
    subscription.updated_at = utcnow()
    record_audit(actor, "webhook.updated", "webhook_subscription", subscription.id,
                 before=before, after=_audit_values(subscription))
    db.session.commit()
    return subscription


def set_active(subscription: WebhookSubscription, active: bool, *, actor: Any
               ) -> WebhookSubscription:
    """Deactivate (events stop being recorded for it; queued ones wait) or activate again."""
    _require(actor)
    if subscription.active != active:
        subscription.active = active
        subscription.updated_at = utcnow()
        record_audit(actor, "webhook.activated" if active else "webhook.deactivated",
                     "webhook_subscription", subscription.id)
        if active:  # what waited while it was inactive goes to the worker
            record(WebhookDeliveriesQueued(subscription_id=subscription.id))
        db.session.commit()
    return subscription


def reveal_secret(subscription: WebhookSubscription, *, actor: Any) -> str:
    """The signing secret, for an administrator configuring the receiver (audited)."""
    _require(actor)
    record_audit(actor, "webhook.secret_revealed", "webhook_subscription", subscription.id)
    db.session.commit()
    return subscription.secret


def send_ping(subscription: WebhookSubscription, *, actor: Any) -> WebhookDelivery:
    """A test event queued behind the subscriber's other deliveries."""
    _require(actor)
    if not subscription.active:
        raise ValidationError({"ping": _("Activate the subscription before testing it.")})
    key = new_delivery_key()
    now = utcnow()
    delivery = WebhookDelivery(
        delivery_key=key, subscription_id=subscription.id, event_type=PING, status="pending",
        payload=payload(key, PING, now, None, {"subscription": subscription.name}),
        created_at=now)
    db.session.add(delivery)
    record(WebhookDeliveriesQueued(subscription_id=subscription.id))
    db.session.commit()
    return delivery


def retry_delivery(delivery: WebhookDelivery, *, actor: Any) -> WebhookDelivery:
    """A failed or dead delivery tried again now, with a fresh count of attempts."""
    _require(actor)
    if delivery.status not in ("failed", "dead"):
        raise ValidationError({"retry": _("Only a failed delivery can be retried.")})
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = None
    record_audit(actor, "webhook.delivery_retried", "webhook_delivery", delivery.id)
    record(WebhookDeliveriesQueued(subscription_id=delivery.subscription_id))
    db.session.commit()
    return delivery


def get_subscription(subscription_id: int) -> WebhookSubscription | None:
    return db.session.get(WebhookSubscription, subscription_id)


def get_delivery(delivery_id: int) -> WebhookDelivery | None:
    return db.session.get(WebhookDelivery, delivery_id)


def subscriptions() -> list[WebhookSubscription]:
    return list(db.session.scalars(select(WebhookSubscription)
                                   .order_by(WebhookSubscription.id)))


def recent_deliveries(subscription_id: int | None = None,
                      limit: int = RECENT_DELIVERIES) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    return list(db.session.scalars(query))
