"""Which webhook events a timeline event is, and the JSON body each delivery carries.

The timeline is the source: every change of a ticket appends an Event in the change's own
transaction, so reading the transaction's new events misses no change and needs no call in
each service.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.tickets.models import Event, Ticket
from helpdesk.tickets.states import COMMITTEE_ACTIONS

EVENT_TYPES = {
    "ticket.created": _l("Ticket created"),
    "ticket.status_changed": _l("Status changed"),
    "ticket.message_added": _l("Message added"),
    "ticket.decided": _l("Decision recorded"),
    "ticket.closed": _l("Ticket closed"),
    "ticket.rated": _l("Service rated"),
}
PING = "ping"
MESSAGE_EVENTS = {"message_in": "in", "message_out": "out", "note": "internal"}


def webhook_types(event: Event) -> list[str]:
    """The webhook event types this timeline event is, in the order they are sent."""
    data = event.data or {}
    if event.type == "created":
        return ["ticket.created"]
    if event.type == "status_changed":
        types = ["ticket.status_changed"]
        if data.get("action") in COMMITTEE_ACTIONS:
            types.append("ticket.decided")
        if data.get("to") == "closed":
            types.append("ticket.closed")
        return types
    if event.type in MESSAGE_EVENTS:
        return ["ticket.message_added"]
    if event.type == "rating":
        return ["ticket.rated"]
    return []


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number, "status": ticket.status, "version": ticket.version,
        "kind": ticket.kind, "channel": ticket.channel_key, "priority": ticket.priority,
        "subject": ticket.subject,
        "service": ticket.service.key if ticket.service is not None else None,
        "decision_due_on": ticket.decision_due_on.isoformat()
        if ticket.decision_due_on else None,
        "created_at": _time(ticket.created_at), "updated_at": _time(ticket.updated_at),
    }


def event_data(kind: str, event: Event) -> dict[str, Any]:
    data = event.data or {}
    common = {"event_id": event.id}
    if kind == "ticket.created":
        return {**common, "body": event.body, "channel": data.get("channel")}
    if kind == "ticket.status_changed":
        return {**common, "action": data.get("action"), "from": data.get("from"),
                "to": data.get("to"), "note": event.body}
    if kind == "ticket.decided":
        return {**common, "decision": data.get("action"), "reason": event.body,
                "committee": data.get("from") == "committee",
                "sitting_id": data.get("sitting_id")}
    if kind == "ticket.closed":
        return {**common, "resolution_code": data.get("resolution_code"),
                "resolution_note": event.body}
    if kind == "ticket.message_added":
        return {**common, "direction": MESSAGE_EVENTS.get(event.type),
                "visibility": event.visibility, "body": event.body,
                "purpose": data.get("purpose")}
    if kind == "ticket.rated":
        return {**common, "stars": data.get("stars"), "comment": event.body,
                "stage": data.get("stage"), "edited": bool(data.get("edited"))}
    return common


def new_delivery_key() -> str:
    return str(uuid.uuid4())


def payload(delivery_key: str, kind: str, occurred_at: datetime | None,
            ticket: dict[str, Any] | None, data: dict[str, Any]) -> str:
    """The body as sent: compact JSON, UTF-8 text kept as is."""
    return json.dumps({"id": delivery_key, "type": kind, "occurred_at": _time(occurred_at),
                       "ticket": ticket, "data": data},
                      ensure_ascii=False, separators=(",", ":"))
