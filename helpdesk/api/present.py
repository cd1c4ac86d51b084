"""JSON shapes of the API's resources (what schemas.py declares)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.contacts.identifiers import mask_national_id
from helpdesk.contacts.models import Contact
from helpdesk.portal.services import attachments_by_event, public_timeline
from helpdesk.portal.texts import STATUS_TEXTS
from helpdesk.sla.status import sla_status
from helpdesk.tickets.models import Event, Ticket


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    clock = sla_status(ticket)
    return {
        "number": ticket.number,
        "status": ticket.status,
        "kind": ticket.kind,
        "channel": ticket.channel_key,
        "priority": ticket.priority,
        "subject": ticket.subject,
        "service": ticket.service.key if ticket.service is not None else None,
        "contact_id": ticket.contact_id,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "version": ticket.version,
        "created_at": _time(ticket.created_at),
        "updated_at": _time(ticket.updated_at),
        "first_response_due_at": _time(ticket.first_response_due_at),
        "first_responded_at": _time(ticket.first_responded_at),
        "resolution_due_at": _time(ticket.resolution_due_at),
        "decision_due_on": ticket.decision_due_on.isoformat()
        if ticket.decision_due_on else None,
        "sla_state": clock.state if clock else None,
        "sla_seconds_left": clock.seconds_left if clock else None,
    }


def event(item: Event) -> dict[str, Any]:
    return {"id": item.id, "type": item.type, "visibility": item.visibility,
            "body": item.body, "actor_id": item.actor_id,
            "created_at": _time(item.created_at), "data": dict(item.data or {})}


def ticket_detail(ticket: Ticket, allowed_actions: list[str], events: list[Event]
                  ) -> dict[str, Any]:
    return {**ticket_summary(ticket), "allowed_actions": allowed_actions,
            "timeline": [event(item) for item in events]}


def contact(item: Contact) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "kind": item.kind,
            "national_id": mask_national_id(item.national_id) or None,
            "phone": item.phone, "email": item.email}


# What the portal's timeline calls each public event (portal/ticket.html).
PUBLIC_EVENT_LABELS = {
    "created": _l("Your request was received"),
    "message_in": _l("You wrote"),
    "message_out": _l("The association wrote"),
    "rating": _l("You rated our service"),
}


def tracked_ticket(ticket: Ticket) -> dict[str, Any]:
    """Only what the portal's page shows the person: status, next step, the expected
    decision date, the public timeline."""
    label, next_step = STATUS_TEXTS.get(ticket.status, (ticket.status, ""))
    files = attachments_by_event(ticket)
    due = ticket.decision_due_on if ticket.status not in ("closed", "cancelled") else None
    return {
        "number": ticket.number, "status": ticket.status,
        "status_label": str(label), "next_step": str(next_step),
        "expected_decision_on": due.isoformat() if due else None,
        "timeline": [{
            "type": item.type,
            "label": str(PUBLIC_EVENT_LABELS.get(item.type, _l("Update"))),
            "body": item.body,
            "stars": (item.data or {}).get("stars") if item.type == "rating" else None,
            "attachments": [a.display_name for a in files.get(item.id, [])],
            "created_at": _time(item.created_at),
        } for item in public_timeline(ticket)],
    }
