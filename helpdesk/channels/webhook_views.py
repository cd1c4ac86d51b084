"""The core-owned webhook of every channel: /channels/<key>/webhook (public, CSRF-exempt).

POST: verify → parse → receive each message; 200 with a small JSON summary. A bad
signature answers 403 and an unreadable payload 400, both recorded as IntakeFailures (the
payload kept, bounded) so that nothing a provider sent is lost without a trace.
GET: the provider's subscription handshake, answered by the channel.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from helpdesk.channels.failures import record_failure
from helpdesk.channels.registry import get_channel
from helpdesk.channels.services import effective_settings, is_channel_active
from helpdesk.extensions import csrf, limiter
from helpdesk.plugin_api.types import Capability, Channel, InboundMessage, WebhookRejected
from helpdesk.tickets.intake import receive

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)  # providers sign their requests; there is no session to forge

DEFAULT_WEBHOOK_RATE_LIMIT = "600 per minute"


def _webhook_limit() -> str:
    return current_app.config.get("WEBHOOK_RATE_LIMIT", DEFAULT_WEBHOOK_RATE_LIMIT)


def _per_channel() -> str:
    """Providers deliver from many addresses: the budget is the channel's, not the IP's."""
    return f"webhook:{(request.view_args or {}).get('key', '')}"


def _webhook_channel(key: str) -> Channel | None:
    """The channel if it is installed, active here and receives webhooks."""
    channel = get_channel(key)
    if channel is None or Capability.INBOUND_WEBHOOK not in channel.meta.capabilities:
        return None
    return channel if is_channel_active(key) else None


def _refusal(status: int, error: str) -> ResponseReturnValue:
    return jsonify({"ok": False, "error": error}), status


def _messages_or_none(parsed: object) -> list[InboundMessage] | None:
    """The channel's answer if it is a list of usable messages, else None (garbage)."""
    if not isinstance(parsed, list | tuple):
        return None
    for message in parsed:
        if not isinstance(message, InboundMessage) or not isinstance(message.body, str) \
                or not isinstance(message.external_id, str) \
                or not 0 < len(message.external_id) <= 255:
            return None
    return list(parsed)


@bp.post("/channels/<key>/webhook")
@limiter.limit(_webhook_limit, key_func=_per_channel)
def receive_webhook(key: str) -> ResponseReturnValue:
    channel = _webhook_channel(key)
    if channel is None:
        return _refusal(404, "unknown channel")
    body = request.get_data(cache=True)
    headers = list(request.headers.items())
    settings = effective_settings(key)
    try:
        channel.verify_webhook(request.headers, body, settings)
    except WebhookRejected as exc:
        log.warning("webhook for %s rejected: %s", key, exc)
        record_failure(key, "signature", detail=str(exc), headers=headers, body=body)
        return _refusal(403, "signature rejected")
    try:
        messages = _messages_or_none(channel.parse_inbound(request.headers, body, settings))
        problem = None if messages is not None else "the channel returned no message list"
    except Exception as exc:  # a plugin's parser may raise anything on a strange payload
        messages, problem = None, f"{type(exc).__name__}: {exc}"
    if messages is None:
        log.warning("webhook for %s could not be parsed: %s", key, problem)
        record_failure(key, "parse", detail=problem or "", headers=headers, body=body)
        return _refusal(400, "unreadable payload")
    summary = {"ok": True, "received": len(messages), "created": 0, "appended": 0,
               "duplicates": 0, "failed": 0}
    for message in messages:
        try:
            result = receive(key, message)
        except Exception as exc:
            # Recorded with the payload; answering 2xx keeps the provider from retrying a
            # message that fails the same way every time. If even the record fails, the
            # error propagates: a 5xx, and the provider delivers again later.
            log.exception("intake of %s/%s failed", key, message.external_id)
            record_failure(key, "intake", detail=f"{type(exc).__name__}: {exc}",
                           headers=headers, body=body, external_id=message.external_id)
            summary["failed"] += 1
            continue
        if result.duplicate:
            summary["duplicates"] += 1
        elif result.created:
            summary["created"] += 1
        else:
            summary["appended"] += 1
    return jsonify(summary), 200


@bp.get("/channels/<key>/webhook")
@limiter.limit(_webhook_limit, key_func=_per_channel)
def verify_subscription(key: str) -> ResponseReturnValue:
    channel = _webhook_channel(key)
    if channel is None:
        return _refusal(404, "unknown channel")
    challenge = channel.verify_subscription(request.args, effective_settings(key))
    if challenge is None:
        return _refusal(403, "verification refused")
    return str(challenge), 200, {"Content-Type": "text/plain; charset=utf-8"}
