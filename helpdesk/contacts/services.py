"""Contact use cases: find or register a person, merge duplicates, reveal a national ID."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.accounts.permissions import can
from helpdesk.audit.services import record_audit
from helpdesk.contacts.identifiers import (
    InvalidIdentifier,
    mask_national_id,
    normalise_national_id,
    normalise_phone,
)
from helpdesk.contacts.models import CONTACT_KINDS, Contact
from helpdesk.extensions import db
from helpdesk.validation import ValidationError

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 160
MERGE_PERMISSION = "contacts.merge"
REVEAL_PERMISSION = "contacts.view_national_id"
MERGED_EVENT = "contact_merged"


def _national_id_error(reason: str) -> str:
    if reason == "length":
        return _("A national ID or iqama number has 10 digits.")
    if reason == "first_digit":
        return _("A national ID starts with 1 and an iqama number with 2.")
    if reason == "checksum":
        return _("This national ID or iqama number is not valid; check the digits.")
    return _("Enter the national ID or iqama number in digits only.")


def clean_identifiers(*, national_id: str | None = None, phone: str | None = None,
                      email: str | None = None) -> dict[str, str | None]:
    """Normalised national ID, E.164 phone and lower-case email; ValidationError with a
    message per field for anything that cannot be right. Empty values become None."""
    errors: dict[str, str] = {}
    clean: dict[str, str | None] = {"national_id": None, "phone": None, "email": None}
    if national_id and national_id.strip():
        try:
            clean["national_id"] = normalise_national_id(national_id)
        except InvalidIdentifier as exc:
            errors["national_id"] = _national_id_error(exc.reason)
    if phone and phone.strip():
        try:
            clean["phone"] = normalise_phone(phone)
        except InvalidIdentifier:
            errors["phone"] = _("Enter a valid phone number, for example 0512345678.")
    if email and email.strip():
        clean["email"] = email.strip().lower()
        if not EMAIL_PATTERN.match(clean["email"]):
            errors["email"] = _("Enter a valid email address.")
    if errors:
        raise ValidationError(errors)
    return clean


def _current() -> Any:
    return select(Contact).where(Contact.merged_into_id.is_(None))


def find_by_national_id(national_id: str) -> Contact | None:
    return db.session.scalar(select(Contact).where(Contact.national_id == national_id))


def _find_by_phone(phone: str, national_id: str | None) -> Contact | None:
    """The oldest contact with this phone that could be the same person: any of them when
    no national ID was given, else one with no ID recorded (families share a phone; two
    different IDs are two people)."""
    candidates = db.session.scalars(_current().where(Contact.phone == phone)
                                    .order_by(Contact.id))
    for contact in candidates:
        if national_id is None or contact.national_id in (None, national_id):
            return contact
    return None


def fill_blanks(contact: Contact, values: dict[str, Any]) -> None:
    """Complete what the registry lacks; never overwrite what staff already recorded."""
    for name, value in values.items():
        if value and not getattr(contact, name):
            setattr(contact, name, value)


def find_or_create_contact(name: str | None = None, national_id: str | None = None,
                           phone: str | None = None, email: str | None = None,
                           kind: str = "beneficiary", *, commit: bool = True) -> Contact:
    """The one contact for this person, matched on national ID, then on phone; registered
    when neither matches. Missing details of a matched contact are filled in.

    ``commit=False`` leaves the transaction open for a caller that opens a ticket in it
    (intake): the contact and the ticket are then committed, or rolled back, together.
    """
    clean = clean_identifiers(national_id=national_id, phone=phone, email=email)
    name = (name or "").strip()[:NAME_MAX]
    errors: dict[str, str] = {}
    if kind not in CONTACT_KINDS:
        errors["kind"] = _("Choose the kind of contact.")
    if not (name or clean["national_id"] or clean["phone"] or clean["email"]):
        errors["name"] = _("Enter a name, a national ID or a phone number.")
    if errors:
        raise ValidationError(errors)

    contact = None
    if clean["national_id"]:
        contact = find_by_national_id(clean["national_id"])
    if contact is None and clean["phone"]:
        contact = _find_by_phone(clean["phone"], clean["national_id"])
    if contact is None:
        # Two intakes registering the same national ID at once: the unique index refuses
        # the second, whose transaction fails and is retried by its caller.
        contact = Contact(kind=kind, name=name, data={}, **clean)
        db.session.add(contact)
    else:
        fill_blanks(contact, {"name": name, **clean})
    db.session.flush()
    if commit:
        db.session.commit()
    return contact


def contact_summary(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "name": contact.name, "kind": contact.kind,
            "national_id": mask_national_id(contact.national_id), "phone": contact.phone,
            "email": contact.email}


def reveal_national_id(contact: Contact, actor: Any) -> str | None:
    """The full national ID for a role that needs it; every look is written to the audit
    log. Raises PermissionError for other roles."""
    if not can(actor, REVEAL_PERMISSION):
        raise PermissionError(REVEAL_PERMISSION)
    if not contact.national_id:
        return None
    record_audit(actor, "contact.national_id_viewed", "contact", contact.id)
    db.session.commit()
    return contact.national_id

