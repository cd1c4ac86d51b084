"""Webhook administration pages: subscriptions, their secret, a test ping, deliveries."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.accounts.permissions import permission_required
from helpdesk.validation import ValidationError
from helpdesk.web.htmx import is_partial_request, render
from helpdesk.webhooks import services
from helpdesk.webhooks.blueprint import bp
from helpdesk.webhooks.events import EVENT_TYPES
from helpdesk.webhooks.models import WebhookSubscription

PERMISSION = services.PERMISSION


def _subscription(subscription_id: int) -> WebhookSubscription:
    subscription = services.get_subscription(subscription_id)
    if subscription is None:
        abort(404)
    return subscription


def _form_values() -> dict:
    return {"name": request.form.get("name", ""), "url": request.form.get("url", ""),
            "allow_private": request.form.get("allow_private") == "1",
            "event_types": request.form.getlist("event_types")}


def _values_of(subscription: WebhookSubscription | None) -> dict:
    if subscription is None:
        return {"name": "", "url": "", "allow_private": False, "event_types": list(EVENT_TYPES)}
    return {"name": subscription.name, "url": subscription.url,
            "allow_private": subscription.allow_private,
            "event_types": list(subscription.event_types or [])}


def _editor(subscription, values, errors, status=200) -> ResponseReturnValue:
    return render("webhooks/edit.html", subscription=subscription, values=values,
                  errors=errors, event_types=EVENT_TYPES), status


def _show(subscription: WebhookSubscription, *, secret: str | None = None,
          errors: dict | None = None, status: int = 200) -> ResponseReturnValue:
    return render("webhooks/show.html", "webhooks/_deliveries.html",
                  subscription=subscription, secret=secret, errors=errors or {},
                  event_types=EVENT_TYPES,
                  deliveries=services.recent_deliveries(subscription.id)), status


@bp.get("")
@permission_required(PERMISSION)
def index() -> ResponseReturnValue:
    return render("webhooks/index.html", "webhooks/_subscriptions.html",
                  subscriptions=services.subscriptions(), event_types=EVENT_TYPES,
                  deliveries=services.recent_deliveries())


@bp.route("/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def create() -> ResponseReturnValue:
    if request.method == "GET":
        return _editor(None, _values_of(None), {})
    values = _form_values()
    try:
        subscription, secret = services.create_subscription(values, actor=current_user)
    except ValidationError as exc:
        return _editor(None, values, exc.errors, 422)
    flash(_("The subscription %(name)s was created. Copy its secret now.",
            name=subscription.name), "success")
    # The secret is shown on this answer; later only an explicit reveal shows it again.
    return _show(subscription, secret=secret, status=201)


@bp.get("/<int:subscription_id>")
@permission_required(PERMISSION)
def show(subscription_id: int) -> ResponseReturnValue:
    return _show(_subscription(subscription_id))


@bp.route("/<int:subscription_id>/edit", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    if request.method == "GET":
        return _editor(subscription, _values_of(subscription), {})
    values = _form_values()
    try:
        services.update_subscription(subscription, values, actor=current_user)
    except ValidationError as exc:
        return _editor(subscription, values, exc.errors, 422)
    flash(_("The subscription %(name)s was saved.", name=subscription.name), "success")
    return redirect(url_for("outgoing_webhooks.show", subscription_id=subscription.id))


@bp.post("/<int:subscription_id>/active")
@permission_required(PERMISSION)
def set_active(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    services.set_active(subscription, request.form.get("active") == "1", actor=current_user)
    if is_partial_request():
        return render("webhooks/_subscriptions.html", subscriptions=services.subscriptions(),
                      event_types=EVENT_TYPES)
    return redirect(url_for("outgoing_webhooks.index"))


@bp.post("/<int:subscription_id>/secret")
@permission_required(PERMISSION)
def reveal(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    secret = services.reveal_secret(subscription, actor=current_user)
    return render("webhooks/show.html", "webhooks/_secret.html", subscription=subscription,
                  secret=secret, errors={}, event_types=EVENT_TYPES,
                  deliveries=services.recent_deliveries(subscription.id))


@bp.post("/<int:subscription_id>/ping")
@permission_required(PERMISSION)
def ping(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    try:
        services.send_ping(subscription, actor=current_user)
    except ValidationError as exc:
        return _show(subscription, errors=exc.errors, status=422)
    if is_partial_request():
        return _show(subscription)
    flash(_("A test event was queued."), "success")
    return redirect(url_for("outgoing_webhooks.show", subscription_id=subscription.id))


@bp.post("/deliveries/<int:delivery_id>/retry")
@permission_required(PERMISSION)
def retry(delivery_id: int) -> ResponseReturnValue:
    delivery = services.get_delivery(delivery_id)
    if delivery is None:
        abort(404)
    subscription = _subscription(delivery.subscription_id)
    try:
        services.retry_delivery(delivery, actor=current_user)
    except ValidationError as exc:
        return _show(subscription, errors=exc.errors, status=422)
    if is_partial_request():
        return _show(subscription)
    flash(_("The delivery will be tried again."), "success")
    return redirect(url_for("outgoing_webhooks.show", subscription_id=subscription.id))
