"""Expectations for the outgoing webhooks' admin pages: administrators and managers."""

from tests.web.authz.rules import Rule

WEBHOOK_ADMINS = {"admin", "manager"}


def _subscription(app):
    """A subscription on a public address (nothing is sent: no worker runs in the matrix)."""
    from helpdesk.extensions import db
    from helpdesk.webhooks.models import WebhookSubscription

    subscription = WebhookSubscription(name="الموقع", url="https://93.184.216.34/hooks",
                                       secret="whsec_matrix", event_types=["ticket.created"],
                                       active=True, allow_private=False)
    db.session.add(subscription)
    db.session.commit()
    return {"subscription_id": subscription.id}


def _failed_delivery(app):
    from helpdesk.extensions import db
    from helpdesk.webhooks.models import WebhookDelivery

    subscription_id = _subscription(app)["subscription_id"]
    delivery = WebhookDelivery(delivery_key=f"matrix-{subscription_id}", payload="{}",
                               subscription_id=subscription_id, event_type="ping",
                               status="dead", attempts=8)
    db.session.add(delivery)
    db.session.commit()
    return {"delivery_id": delivery.id}


EXPECTATIONS = {
    "outgoing_webhooks.index": Rule(WEBHOOK_ADMINS),
    # An empty form is refused beside its fields.
    "outgoing_webhooks.create": Rule(WEBHOOK_ADMINS, methods=("GET", "POST"), ok={200, 422}),
    "outgoing_webhooks.show": Rule(WEBHOOK_ADMINS, setup=_subscription),
    "outgoing_webhooks.edit": Rule(WEBHOOK_ADMINS, methods=("GET", "POST"),
                                   setup=_subscription, ok={200, 422}),
    "outgoing_webhooks.set_active": Rule(WEBHOOK_ADMINS, methods=("POST",),
                                         setup=_subscription, ok={302}),
    "outgoing_webhooks.reveal": Rule(WEBHOOK_ADMINS, methods=("POST",), setup=_subscription),
    "outgoing_webhooks.ping": Rule(WEBHOOK_ADMINS, methods=("POST",), setup=_subscription,
                                   ok={302}),
    "outgoing_webhooks.retry": Rule(WEBHOOK_ADMINS, methods=("POST",),
                                    setup=_failed_delivery, ok={302}),
}
