"""Every volunteering application has its volunteer profile, whichever way it arrived.

Handlers of the unit of work rather than a call from each intake: applications are opened by
the staff intake form, the public volunteer form, the JSON API and the demo, most of them
owned by other modules. When a ticket of kind ``volunteering`` is opened its contact gets a
profile (or the contact's profile is brought up to date) in the same transaction, so a
rollback takes the profile with the ticket; and a profile moves along when the application
is accepted or declined from the ticket page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.events import TicketOpened, TicketTransitioned
from helpdesk.tickets.models import Ticket
from helpdesk.volunteers.models import VolunteerProfile
from helpdesk.volunteers.vocabulary import VOCABULARIES, pack

KIND = "volunteering"
# An application decided on the ticket page moves its profile along.
TICKET_DECISIONS = {"approved": "accepted", "rejected": "declined"}
UNDECIDED = ("received", "interview")


def _text(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = "، ".join(str(item) for item in value if item)
    text = str(value).strip() if value is not None else ""
    return text or None


def _keys(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def application_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Profile columns from an application's answers (the ticket's channel data).

    Older applications wrote skills and availability as free text: kept as notes.
    """
    values: dict[str, Any] = {}
    for name, vocabulary in VOCABULARIES.items():
        if isinstance(data.get(name), list | tuple):
            values[name] = pack(_keys(data[name]), vocabulary)
    if isinstance(data.get("skills"), str):
        values["skills_note"] = _text(data["skills"])
    for name in ("skills_note", "experience"):
        if _text(data.get(name)):
            values[name] = _text(data[name])
    if _text(data.get("availability")):
        values["availability_note"] = _text(data["availability"])
    branch_id = str(data.get("branch_id") or "")
    if branch_id.isdigit():
        values["branch_id"] = int(branch_id)
    return values


def _existing_profile(session: Session, ticket: Ticket) -> VolunteerProfile | None:
    contact = ticket.contact
    for obj in session.new:
        if isinstance(obj, VolunteerProfile) and obj.contact is contact:
            return obj
    if contact.id is None:
        return None
    with session.no_autoflush:
        return session.scalar(select(VolunteerProfile)
                              .where(VolunteerProfile.contact_id == contact.id))


def _take_application(session: Session, ticket: Ticket) -> None:
    values = application_values(ticket.channel_data or {})
    values.setdefault("branch_id", ticket.branch_id or ticket.contact.branch_id)
    profile = _existing_profile(session, ticket)
    now = utcnow()
    if profile is None:
        profile = VolunteerProfile(contact=ticket.contact, status="received",
                                   status_changed_at=now, created_at=now)
        session.add(profile)
    elif profile.status == "declined":
        # Applying again after a decline starts a new application.
        profile.status, profile.status_changed_at = "received", now
        profile.decline_reason = None
    profile.ticket = ticket
    for name, value in values.items():
        if value is not None or getattr(profile, name, None) is None:
            setattr(profile, name, value)


def take_application(event: TicketOpened) -> None:
    """A volunteering ticket opened: its contact's profile is created or brought up to date."""
    session = db.session()
    ticket = session.get(Ticket, event.ticket_id)
    if ticket is not None and ticket.kind == KIND and ticket.contact is not None:
        _take_application(session, ticket)


def follow_decision(event: TicketTransitioned) -> None:
    """An application approved or declined on the ticket page moves its profile along."""
    wanted = TICKET_DECISIONS.get(event.to_status)
    if wanted is None:
        return
    session = db.session()
    ticket = session.get(Ticket, event.ticket_id)
    if ticket is None or ticket.kind != KIND:
        return
    with session.no_autoflush:
        profile = session.scalar(select(VolunteerProfile)
                                 .where(VolunteerProfile.ticket_id == ticket.id))
    if profile is not None and profile.status in UNDECIDED:
        profile.status, profile.status_changed_at = wanted, utcnow()
