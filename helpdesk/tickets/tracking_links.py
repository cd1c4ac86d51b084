"""Signed tracking links: (ticket id, tracking secret) under the app's secret key.

A link expires after PORTAL_LINK_MAX_AGE_DAYS and dies when the ticket's tracking secret is
rotated, so staff can revoke every link given out for a ticket at once.
"""

from __future__ import annotations

import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket

SALT = "sila.portal.tracking"
DEFAULT_MAX_AGE_DAYS = 90


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def max_age_seconds() -> int:
    days = current_app.config.get("PORTAL_LINK_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS)
    return int(days) * 24 * 60 * 60


def tracking_token(ticket: Ticket) -> str:
    return _serializer().dumps([ticket.id, ticket.tracking_secret])


def ticket_for_token(token: str) -> Ticket | None:
    """The ticket a link names, or None when it is forged, expired or revoked."""
    try:
        ticket_id, secret = _serializer().loads(token, max_age=max_age_seconds())
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(ticket_id, int) or not isinstance(secret, str):
        return None
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not hmac.compare_digest(ticket.tracking_secret.encode(),
                                                 secret.encode()):
        return None
    return ticket
