"""Every request and response body of the API, declared once (validation + OpenAPI)."""

from __future__ import annotations

from helpdesk.api.schema import Array, Boolean, Integer, Object, Ref, String
from helpdesk.contacts.models import CONTACT_KINDS
from helpdesk.tickets.vocabulary import ACTIONS, KINDS, PRIORITIES, STATUSES

DATETIME = String(format="date-time")

ERROR = Object(name="Error", properties={
    "error": Object(properties={
        "code": String(description="A stable machine-readable code."),
        "message": String(description="For people, in the request's language."),
        "fields": Object(additional=True,
                         description="Field path → message, for validation errors."),
    }, required=("code", "message", "fields")),
}, required=("error",))

CONTACT = Object(name="Contact", properties={
    "id": Integer(),
    "name": String(),
    "kind": String(enum=CONTACT_KINDS),
    "national_id": String(nullable=True, description="Masked: enough to tell two apart."),
    "phone": String(nullable=True, description="E.164"),
    "email": String(nullable=True),
}, required=("id", "name", "kind", "national_id", "phone", "email"))

CONTACT_LIST = Object(name="ContactList", properties={
    "contacts": Array(items=Ref(target=CONTACT)),
    "next_cursor": String(nullable=True),
}, required=("contacts", "next_cursor"))

NEW_CONTACT = Object(name="NewContact", properties={
    "name": String(max_length=160),
    "national_id": String(max_length=20),
    "phone": String(max_length=32),
    "email": String(max_length=254),
    "kind": String(enum=CONTACT_KINDS),
})

EVENT = Object(name="Event", properties={
    "id": Integer(),
    "type": String(),
    "visibility": String(enum=("public", "internal")),
    "body": String(nullable=True),
    "actor_id": Integer(nullable=True),
    "created_at": DATETIME,
    "data": Object(additional=True),
}, required=("id", "type", "visibility", "body", "actor_id", "created_at", "data"))

_TICKET_FIELDS = {
    "number": String(),
    "status": String(enum=tuple(STATUSES)),
    "kind": String(enum=tuple(KINDS)),
    "channel": String(),
    "priority": String(enum=tuple(PRIORITIES)),
    "subject": String(),
    "service": String(nullable=True, description="The service's key."),
    "contact_id": Integer(nullable=True),
    "team_id": Integer(nullable=True),
    "assignee_id": Integer(nullable=True),
    "version": Integer(description="Send it back with an action (optimistic lock)."),
    "created_at": DATETIME,
    "updated_at": DATETIME,
    "first_response_due_at": String(format="date-time", nullable=True,
                                    description="When the first answer is due."),
    "first_responded_at": String(format="date-time", nullable=True,
                                 description="When the first public answer went out."),
    "resolution_due_at": String(format="date-time", nullable=True,
                                description="None while the clock is paused (waiting on "
                                            "the person or the committee)."),
    "decision_due_on": String(format="date", nullable=True,
                              description="The committee's decision date, once sent to it."),
    "sla_state": String(enum=("on_track", "at_risk", "breached"), nullable=True,
                        description="The resolution's clock (the committee's while the "
                                    "ticket is with it); none when no clock runs."),
    "sla_seconds_left": Integer(nullable=True,
                                description="Working seconds left; negative when late."),
}

TICKET_SUMMARY = Object(name="TicketSummary", properties=_TICKET_FIELDS,
                        required=tuple(_TICKET_FIELDS))

TICKET = Object(name="Ticket", properties={
    **_TICKET_FIELDS,
    "allowed_actions": Array(items=String(enum=tuple(ACTIONS)),
                             description="What the caller may do now."),
    "timeline": Array(items=Ref(target=EVENT)),
}, required=(*_TICKET_FIELDS, "allowed_actions", "timeline"))

TICKET_LIST = Object(name="TicketList", properties={
    "tickets": Array(items=Ref(target=TICKET_SUMMARY)),
    "next_cursor": String(nullable=True, description="Pass as `after` for the next page."),
}, required=("tickets", "next_cursor"))

ATTACHMENT = Object(name="NewAttachment", properties={
    "filename": String(min_length=1, max_length=255),
    "content_type": String(enum=("application/pdf", "image/jpeg", "image/png")),
    "content_base64": String(min_length=1, description="The file, base64-encoded."),
}, required=("filename", "content_type", "content_base64"))

NEW_TICKET = Object(name="NewTicket", properties={
    "channel": String(min_length=1, max_length=32),
    "kind": String(enum=tuple(KINDS)),
    "service": String(max_length=64, description="A service's key."),
    "subject": String(max_length=300),
    "body": String(min_length=1, max_length=10_000),
    "priority": String(enum=tuple(PRIORITIES)),
    "contact": Object(properties={
        "name": String(max_length=160),
        "phone": String(max_length=32),
        "national_id": String(max_length=20),
        "email": String(max_length=254),
    }),
    "external_id": String(min_length=1, max_length=200,
                          description="The sender's id for this ticket, its own (ids "
                                      "are kept per token): a repeat with the same body "
                                      "returns the first result, another body answers 422."),
    "attachments": Array(items=Ref(target=ATTACHMENT), max_items=5,
                         description="Documents, as the portal accepts them: PDF, JPEG or "
                                     "PNG, recognised by content, 5 MB each by default."),
}, required=("channel", "kind", "body"))

TICKET_CREATED = Object(name="TicketCreated", properties={
    "number": String(),
    "tracking_url": String(format="uri", description="The person's public tracking page "
                                                     "(a signed link, issued afresh)."),
}, required=("number", "tracking_url"))

NEW_MESSAGE = Object(name="NewMessage", properties={
    "type": String(enum=("reply", "note")),
    "body": String(min_length=1, max_length=10_000),
    "version": Integer(description="The version seen; omit to write on the latest."),
}, required=("type", "body"))

ACTION = Object(name="Action", properties={
    "action": String(enum=(*ACTIONS, "assign", "take", "change_team", "set_priority")),
    "version": Integer(),
}, required=("action", "version"), additional=True,
    description="Other fields are the action's own (note, reason, assignee_id, …).")

SERVICE = Object(name="Service", properties={
    "key": String(),
    "name": String(),
    "description": String(nullable=True),
    "needs_committee": Boolean(),
}, required=("key", "name", "description", "needs_committee"))

SERVICE_LIST = Object(name="ServiceList", properties={
    "services": Array(items=Ref(target=SERVICE)),
}, required=("services",))

CHANNEL = Object(name="Channel", properties={
    "key": String(),
    "name": String(),
    "kinds": Array(items=String(enum=tuple(KINDS))),
}, required=("key", "name", "kinds"))

CHANNEL_LIST = Object(name="ChannelList", properties={
    "channels": Array(items=Ref(target=CHANNEL)),
}, required=("channels",))

PUBLIC_TRACK = Object(name="PublicTrack", properties={
    "number": String(min_length=1, max_length=32, description="The request number."),
    "phone": String(min_length=1, max_length=32,
                    description="The mobile number the request was filed with."),
}, required=("number", "phone"))

PUBLIC_EVENT = Object(name="PublicEvent", properties={
    "type": String(),
    "label": String(description="What the portal calls it, in the request's language."),
    "body": String(nullable=True),
    "stars": Integer(nullable=True, description="For a rating."),
    "attachments": Array(items=String(), description="The files' names."),
    "created_at": DATETIME,
}, required=("type", "label", "body", "stars", "attachments", "created_at"))

TRACKED_TICKET = Object(name="TrackedTicket", properties={
    "number": String(),
    "status": String(enum=tuple(STATUSES)),
    "status_label": String(description="The status as the portal says it."),
    "next_step": String(description="What happens next, as the portal says it."),
    "expected_decision_on": String(format="date", nullable=True,
                                   description="While the committee's decision is awaited."),
    "timeline": Array(items=Ref(target=PUBLIC_EVENT)),
}, required=("number", "status", "status_label", "next_step", "expected_decision_on",
             "timeline"))

COMPONENTS = (ERROR, CONTACT, CONTACT_LIST, NEW_CONTACT, EVENT, TICKET_SUMMARY, TICKET,
              TICKET_LIST, NEW_TICKET, TICKET_CREATED, NEW_MESSAGE, ACTION, SERVICE,
              SERVICE_LIST, CHANNEL, CHANNEL_LIST, ATTACHMENT, PUBLIC_TRACK, PUBLIC_EVENT,
              TRACKED_TICKET)
