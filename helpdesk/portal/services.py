"""The portal's use cases: find a tracked ticket, let the person reply, attach, rate.

The person has no account: they reach a ticket by its number and phone, or by a signed link
(links.py). Their changes never move the ticket's status; staff read them on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from helpdesk.casework import services as casework
from helpdesk.contacts.identifiers import InvalidIdentifier, normalise_phone
from helpdesk.extensions import db
from helpdesk.i18n.normalise import to_ascii_digits
from helpdesk.portal.texts import STATUS_TEXTS
from helpdesk.satisfaction import services as satisfaction
from helpdesk.tickets.models import Attachment, Event, Rating, Ticket
from helpdesk.tickets.person_change import change_as_person
from helpdesk.tickets.queries import timeline
from helpdesk.tickets.services import changing, clean_text, new_tracking_secret
from helpdesk.uploads import check_field, store_checked
from helpdesk.validation import ValidationError

DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
DEFAULT_DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
MAX_REPLY = 5_000
MAX_COMMENT = 2_000
MAX_NUMBER = 32



# ---------------------------------------------------------------------------------------
# Finding the ticket

def clean_ticket_number(value: Any) -> str:
    """What the person typed, as stored numbers are written: ASCII digits, no spaces."""
    return "".join(to_ascii_digits(str(value or "")).split())[:MAX_NUMBER]


def find_tracked_ticket(number: Any, phone: Any) -> Ticket | None:
    """The ticket with this number filed with this phone; None for any mismatch, so that
    a wrong number and a wrong phone look the same. Raises ValidationError only for input
    that cannot be a number or a phone at all (which says nothing about any ticket)."""
    errors: dict[str, str] = {}
    number = clean_ticket_number(number)
    if not number:
        errors["number"] = _("Write the request number.")
    try:
        phone = normalise_phone(str(phone or ""))
    except InvalidIdentifier:
        errors["phone"] = _("Write the mobile number you gave us, e.g. 05XXXXXXXX.")
    if errors:
        raise ValidationError(errors)
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        return None
    # The phone on the person's record, or the one typed on the form that filed the
    # request (a known person may have written from another number).
    filed_with = {ticket.contact.phone if ticket.contact is not None else None,
                  (ticket.channel_data or {}).get("phone")}
    return ticket if phone in filed_with else None


# Steps of the procedure no message announces (the policy's steps 6 and 7): the person
# reads them on the timeline all the same.
PERSON_STEP_ACTIONS = ("register", "deliver")


@dataclass(frozen=True)
class PublicEvent:
    """One entry of the person's timeline; a step says what the request became, never the
    staff's note on it."""

    id: int
    type: str
    body: str | None
    data: dict[str, Any]
    created_at: datetime
    step: str | None = None  # the status the step reached


def _public(event: Event) -> PublicEvent:
    if event.type != "status_changed":
        return PublicEvent(event.id, event.type, event.body, event.data or {},
                           event.created_at)
    to_status = (event.data or {}).get("to")
    return PublicEvent(event.id, event.type, str(STATUS_TEXTS[to_status][0]),
                       {"action": event.data.get("action"), "to": to_status},
                       event.created_at, step=to_status)


def public_timeline(ticket: Ticket) -> list[PublicEvent]:
    return [_public(event) for event in timeline(ticket, include_internal=False,
                                                 status_actions=PERSON_STEP_ACTIONS)]


def attachments_by_event(ticket: Ticket) -> dict[int, list[Attachment]]:
    grouped: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(
            select(Attachment).where(Attachment.ticket_id == ticket.id,
                                     Attachment.event_id.is_not(None))
            .order_by(Attachment.id)):
        grouped.setdefault(attachment.event_id, []).append(attachment)
    return grouped


# ---------------------------------------------------------------------------------------
# Staff: revoking the links given out for a ticket

def revoke_tracking_link(ticket: Ticket | int | str, actor: Any) -> Ticket:
    """Rotate the ticket's tracking secret: every link sent so far stops working."""
    with changing(ticket, actor=actor, expected_version=None) as change:
        change.require("tickets.work")
        change.ticket.tracking_secret = new_tracking_secret()
        change.event("tracking_link_revoked", visibility="internal")
    return change.ticket


# ---------------------------------------------------------------------------------------
# The person's changes: one unit of work each

def document_max_bytes() -> int:
    return int(current_app.config.get("PORTAL_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES))


def check_document(document: FileStorage | None, errors: dict[str, str]):
    return check_field(document, errors, "document", allowed_types=DOCUMENT_TYPES,
                       max_bytes=document_max_bytes(),
                       type_message=_("Attach a PDF, JPEG or PNG file."))


def add_reply(ticket: Ticket, *, body: Any, document: FileStorage | None = None,
              document_key: Any = None) -> Event:
    """The person writes to the association and/or attaches a missing document.

    Recorded as a public inbound message; the status stays as it is (staff confirm that
    the information arrived), but the event notes whether information was awaited. With
    ``document_key`` (a missing document of the case's checklist) that item is received."""
    errors: dict[str, str] = {}
    text = clean_text(body, max_length=MAX_REPLY)
    checked = check_document(document, errors)
    key = clean_text(document_key, max_length=64)
    if key and key not in {item.key for item in casework.missing_documents(ticket)}:
        errors["document_key"] = _("Choose one of the documents we are waiting for.")
    elif key and checked is None and "document" not in errors:
        errors["document"] = _("Attach the document you chose.")
    if not text and checked is None and "document" not in errors:
        errors["body"] = _("Write a message or attach a document.")
    if errors:
        raise ValidationError(errors)
    stored = store_checked(checked) if checked is not None else None

    def work(current: Ticket, now: datetime) -> Event:
        event = Event(ticket_id=current.id, type="message_in", visibility="public", body=text,
                      data={"via": "portal",
                            "awaiting_information": current.status == "awaiting_information",
                            "status": current.status},
                      created_at=now)
        db.session.add(event)
        db.session.flush()
        if stored is not None:
            attachment = Attachment(
                ticket_id=current.id, event_id=event.id, display_name=stored.display_name,
                stored_name=stored.stored_name, content_type=stored.content_type,
                size=stored.size, sha256=stored.sha256, created_at=now)
            db.session.add(attachment)
            db.session.flush()
            event.data = {**event.data, "attachments": [attachment.id]}
            if key:
                casework.document_arrived(current, document_key=key, attachment=attachment,
                                          now=now)
        return event

    return change_as_person(ticket.id, work)


# ---------------------------------------------------------------------------------------
# Rating the service

def rating_stage(ticket: Ticket) -> str:
    """'open' while the ticket is being worked, 'closed' once it is closed or cancelled."""
    return satisfaction.rating_stage(ticket)


def current_rating(ticket: Ticket) -> Rating | None:
    return satisfaction.rating_of(ticket)


def rating_edit_days() -> int:
    return satisfaction.rating_edit_days()


def can_edit_rating(rating: Rating | None, now: datetime | None = None) -> bool:
    return satisfaction.can_edit_rating(rating, now)


def rate_service(ticket: Ticket, *, stars: Any, comment: Any = None, speed: Any = None,
                 courtesy: Any = None, clarity: Any = None) -> Rating:
    """The overall rating (1–5), the survey's optional answers and a comment, once per
    stage (open, closed), editable for a while (helpdesk/satisfaction)."""
    return satisfaction.rate(ticket, {"stars": stars, "comment": comment, "speed": speed,
                                      "courtesy": courtesy, "clarity": clarity})
