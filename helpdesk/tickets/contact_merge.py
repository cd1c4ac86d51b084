"""Merging a contact recorded twice: its tickets move to the contact that stays."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.accounts.permissions import can
from helpdesk.audit.services import record_audit
from helpdesk.contacts.models import Contact
from helpdesk.contacts.services import (
    MERGE_PERMISSION,
    MERGED_EVENT,
    contact_summary,
    fill_blanks,
)
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.tickets.models import Event, Ticket
from helpdesk.validation import ValidationError


def merge_contacts(keep: Contact, duplicate: Contact, actor: Any) -> list[int]:
    """Fold ``duplicate`` into ``keep``: every ticket moves (each gets a timeline entry),
    blank details are filled from the duplicate, the duplicate remains as a pointer to
    ``keep``, and the audit log records it. Returns the ids of the moved tickets."""
    if not can(actor, MERGE_PERMISSION):
        raise PermissionError(MERGE_PERMISSION)
    if keep.id == duplicate.id:
        raise ValidationError({"duplicate": _("Choose a different contact to merge.")})
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise ValidationError({"duplicate": _("This contact was already merged.")})
    if keep.national_id and duplicate.national_id and keep.national_id != duplicate.national_id:
        raise ValidationError({"duplicate": _(
            "These contacts have different national IDs: they are two people.")})

    before = {"keep": contact_summary(keep), "duplicate": contact_summary(duplicate)}
    tickets = list(db.session.scalars(select(Ticket).where(Ticket.contact_id == duplicate.id)
                                      .order_by(Ticket.id)))
    now = utcnow()
    for ticket in tickets:
        ticket.contact = keep
        ticket.updated_at = now
        db.session.add(Event(ticket_id=ticket.id, type=MERGED_EVENT, visibility="internal",
                             actor_id=getattr(actor, "id", None), created_at=now,
                             data={"from_contact_id": duplicate.id, "from_name": duplicate.name,
                                   "to_contact_id": keep.id, "to_name": keep.name}))

    carried = {"national_id": duplicate.national_id, "phone": duplicate.phone,
               "email": duplicate.email, "city": duplicate.city,
               "branch_id": duplicate.branch_id}
    # The national ID is unique: it leaves the duplicate before it joins the kept contact.
    duplicate.national_id = None
    duplicate.merged_into_id = keep.id
    duplicate.merged_at = now
    db.session.flush()
    fill_blanks(keep, carried)
    keep.data = {**(duplicate.data or {}), **(keep.data or {})}
    db.session.flush()
    moved = [ticket.id for ticket in tickets]
    record_audit(actor, "contact.merged", "contact", keep.id, before=before,
                 after={"keep": contact_summary(keep), "duplicate_id": duplicate.id,
                        "moved_tickets": moved})
    db.session.commit()
    return moved
