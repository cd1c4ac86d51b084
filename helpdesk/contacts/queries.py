"""Read-side queries over contacts: one contact, and where a merged one now lives."""

from __future__ import annotations

from helpdesk.contacts.models import Contact
from helpdesk.extensions import db


def get_contact(contact_id: int) -> Contact | None:
    return db.session.get(Contact, contact_id)


def current_contact(contact: Contact) -> Contact:
    """Where a merged contact now lives (merges can chain)."""
    seen = {contact.id}
    while contact.merged_into_id is not None and contact.merged_into_id not in seen:
        seen.add(contact.merged_into_id)
        contact = db.session.get(Contact, contact.merged_into_id)
    return contact


