"""Whether a person may receive a service: its rules over their answers and their history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.contacts.models import Contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.services_catalog.models import Service
from helpdesk.services_catalog.rules import ELIGIBLE, NEEDS_REVIEW, Verdict, evaluate
from helpdesk.services_catalog.schema import parse_definition, validate_answers
from helpdesk.tickets.models import Event, Ticket

# A ticket reaching one of these statuses means the service was given to the person.
SERVED_STATUSES = ("approved", "service_delivered")
# Tickets in these statuses were approved even when their timeline does not say when.
APPROVED_SINCE = ("approved", "registration", "service_delivered")


def service_history(service: Service, contact: Contact) -> list[tuple[str, date]]:
    """When this service was approved or delivered to the contact, from their tickets.

    The dates come from the tickets' status changes (Riyadh dates); a ticket that is
    approved (or further) without such an event counts from its last update. A closed
    ticket counts only through its events: it may have been closed after a rejection.
    """
    if contact.id is None:
        return []
    tickets = db.session.execute(
        select(Ticket.id, Ticket.status, Ticket.updated_at)
        .where(Ticket.contact_id == contact.id, Ticket.service_id == service.id)).all()
    if not tickets:
        return []
    served: dict[int, list[date]] = {}
    events = db.session.execute(
        select(Event.ticket_id, Event.created_at, Event.data)
        .where(Event.ticket_id.in_([row.id for row in tickets]),
               Event.type == "status_changed"))
    for ticket_id, created_at, data in events:
        if isinstance(data, Mapping) and data.get("to") in SERVED_STATUSES:
            served.setdefault(ticket_id, []).append(to_riyadh(created_at).date())
    history: list[tuple[str, date]] = []
    for row in tickets:
        days = served.get(row.id)
        if not days and row.status in APPROVED_SINCE and row.updated_at is not None:
            days = [to_riyadh(row.updated_at).date()]
        history.extend((service.key, day) for day in days or ())
    return sorted(history, key=lambda entry: entry[1])


def check_eligibility(service: Service, answers: Mapping[str, Any],
                      contact: Contact | None = None, *, today: date | None = None
                      ) -> Verdict:
    """The verdict for these answers (raw form values or clean ones, by field name).

    Answers are validated first; an invalid or missing answer leaves its rules to a
    review. Without a contact, "not served within months" needs a review too (the public
    portal never reveals anyone's history).
    """
    definition, errors = parse_definition(service.fields or [], service.documents or [],
                                          service.rules or [])
    clean, _field_errors = validate_answers(definition.fields, answers)
    history = service_history(service, contact) if contact is not None else None
    today = today or to_riyadh(utcnow()).date()
    verdict = evaluate(definition.rules, clean, history, service_key=service.key, today=today)
    if not any(key.startswith("rules-") for key in errors):
        return verdict
    unusable = _("One of the service's conditions cannot be checked automatically; a staff "
                 "member will review it.")
    status = NEEDS_REVIEW if verdict.status == ELIGIBLE else verdict.status
    return Verdict(status, [*verdict.reasons, unusable])
