"""Finding contacts: the contacts list and the candidates for a merge."""

from __future__ import annotations

from sqlalchemy import or_, select

from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.search.queries import ContactSearchPage, search_contacts

CANDIDATES = 8


def contact_page(text: str | None = None, cursor: str | None = None,
                 limit: int = 25) -> ContactSearchPage:
    """The contacts list: every current contact newest first, or those matching ``text``."""
    return search_contacts(text, limit=limit, cursor=cursor)


def merge_candidates(contact: Contact, text: str | None = None) -> list[Contact]:
    """Contacts that could be ``contact`` recorded twice: those matching ``text`` when given,
    else those sharing its phone or email, or named alike."""
    if text and text.strip():
        found = search_contacts(text, limit=CANDIDATES + 1).contacts
        return [c for c in found if c.id != contact.id][:CANDIDATES]
    same = []
    if contact.phone or contact.email:
        conditions = []
        if contact.phone:
            conditions.append(Contact.phone == contact.phone)
        if contact.email:
            conditions.append(Contact.email == contact.email)
        same = list(db.session.scalars(
            select(Contact).where(or_(*conditions), Contact.id != contact.id,
                                  Contact.merged_into_id.is_(None))
            .order_by(Contact.id).limit(CANDIDATES)))
    if contact.name and len(same) < CANDIDATES:
        for other in search_contacts(contact.name, limit=CANDIDATES + 1).contacts:
            if other.id != contact.id and other not in same:
                same.append(other)
    return same[:CANDIDATES]
