"""Use cases for the association's profile."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.admin.models import Association
from helpdesk.audit.services import record_audit
from helpdesk.contacts.identifiers import InvalidIdentifier, normalise_saudi_phone
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import to_riyadh
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS
from helpdesk.uploads import CheckedUpload, UploadRejected, check_upload, store_checked
from helpdesk.validation import ValidationError

PROFILE_FIELDS = ("name_ar", "name_en", "registration_number", "city", "phone", "email",
                  "whatsapp_number", "address", "postal_address", "committee_window_days",
                  "policy_board_meeting", "policy_approved_on", "policy_notes")
MAX_COMMITTEE_WINDOW_DAYS = 90
EARLIEST_APPROVAL = date(1924, 8, 1)  # the start of the Umm al-Qura calendar's range
MAX_ADDRESS_LENGTH = 500


def get_association() -> Association | None:
    return db.session.scalar(select(Association).order_by(Association.id).limit(1))


def profile_values(association: Association | None) -> dict[str, str]:
    if association is None:
        return {name: "" for name in PROFILE_FIELDS}
    values = {}
    for name in PROFILE_FIELDS:
        value = getattr(association, name)
        values[name] = "" if value is None else str(value)
    return values


def _parse_profile(values: dict[str, str]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {name: (values.get(name) or "").strip() or None
                             for name in PROFILE_FIELDS}
    if not clean["name_ar"]:
        errors["name_ar"] = _("Enter the association's Arabic name.")
    window = clean["committee_window_days"]
    try:
        clean["committee_window_days"] = int(window) if window else DEFAULT_DECISION_WINDOW_DAYS
        if not 1 <= clean["committee_window_days"] <= MAX_COMMITTEE_WINDOW_DAYS:
            raise ValueError
    except ValueError:
        errors["committee_window_days"] = _("Enter a number of days from 1 to %(n)d.",
                                            n=MAX_COMMITTEE_WINDOW_DAYS)
    if clean["policy_approved_on"]:
        try:
            approved = date.fromisoformat(clean["policy_approved_on"])
            if not EARLIEST_APPROVAL <= approved <= to_riyadh(utcnow()).date():
                raise ValueError
            clean["policy_approved_on"] = approved
        except ValueError:
            errors["policy_approved_on"] = _(
                "Enter the Gregorian date of the approval (YYYY-MM-DD), not in the future.")
    if clean["registration_number"] and not clean["registration_number"].isdigit():
        errors["registration_number"] = _("The registration number has digits only.")
    _check_contact_details(clean, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _check_contact_details(clean: dict[str, Any], errors: dict[str, str]) -> None:
    """The phone and WhatsApp numbers in E.164 (Saudi numbers only), addresses not too long."""
    for name, mobile, message in (
            ("phone", False, _("Enter a Saudi phone number, such as 0112345678 or 0512345678.")),
            ("whatsapp_number", True, _("Enter a Saudi mobile number for WhatsApp, such as "
                                        "0512345678."))):
        if clean[name]:
            try:
                clean[name] = normalise_saudi_phone(clean[name], mobile=mobile)
            except InvalidIdentifier:
                errors[name] = message
    for name in ("address", "postal_address"):
        if clean[name] and len(clean[name]) > MAX_ADDRESS_LENGTH:
            errors[name] = _("The address is too long: please shorten it.")


LOGO_TYPES = {"image/png", "image/jpeg", "image/webp"}
LOGO_MAX_BYTES = 1024 * 1024


def _check_logo(logo: Any, errors: dict[str, str]) -> CheckedUpload | None:
    if not logo:
        return None
    try:
        return check_upload(logo, allowed_types=LOGO_TYPES, max_bytes=LOGO_MAX_BYTES)
    except UploadRejected as exc:
        errors["logo"] = (_("The logo must be 1 MB or smaller.") if exc.reason == "size"
                          else _("The logo must be a PNG, JPEG or WebP image."))
        return None


def update_association(values: dict[str, str], actor: Any, logo: Any = None) -> Association:
    """Save the profile; ``logo`` is an uploaded file, or None to keep the current one."""
    errors: dict[str, str] = {}
    try:
        clean = _parse_profile(values)
    except ValidationError as exc:
        errors.update(exc.errors)
    checked_logo = _check_logo(logo, errors)
    if errors:
        raise ValidationError(errors)
    if checked_logo is not None:
        clean["logo_stored_name"] = store_checked(checked_logo).stored_name
    association = get_association()
    before = profile_values(association)
    if association is None:
        association = Association(name_ar=clean["name_ar"])
        db.session.add(association)
    for name, value in clean.items():
        setattr(association, name, value)
    association.updated_at = utcnow()
    db.session.flush()
    record_audit(actor, "association.updated", "association", association.id,
                 before=before, after=profile_values(association))
    db.session.commit()
    return association
