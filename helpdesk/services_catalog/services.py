"""Use cases of the service catalogue: define services, list them, check documents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from babel.lists import format_list
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from helpdesk.accounts.models import Team
from helpdesk.audit.services import record_audit
from helpdesk.contacts.models import Contact
from helpdesk.extensions import db
from helpdesk.services_catalog.models import DEFAULT_DECISION_WINDOW_DAYS, Service
from helpdesk.services_catalog.schema import (
    DOCUMENT_TYPES,
    DocumentDef,
    ServiceDefinition,
    current_language,
    parse_definition,
    read_flag,
    read_number,
)
from helpdesk.uploads import CheckedUpload, UploadRejected, check_upload
from helpdesk.validation import ValidationError

SERVICE_KEY = re.compile(r"[a-z][a-z0-9_]{1,63}")
LONGEST_NAME = 160
LONGEST_DESCRIPTION = 4000
MAX_DECISION_WINDOW_DAYS = 90

MAX_SILENT_DAYS = 90

SERVICE_COLUMNS = ("key", "name_ar", "name_en", "description_ar", "description_en", "team_id",
                   "decision_window_days", "close_after_silent_days", "needs_committee",
                   "active")


# -- reading ------------------------------------------------------------------------------

def list_services() -> list[Service]:
    """Every service, active ones first, for the admin list."""
    return list(db.session.scalars(
        select(Service).order_by(Service.active.desc(), Service.name_ar, Service.id)))


def active_services() -> list[Service]:
    """The services a person may request, for the portal and the staff form."""
    return list(db.session.scalars(
        select(Service).where(Service.active.is_(True)).order_by(Service.name_ar,
                                                                  Service.id)))


def get_service(key: str) -> Service | None:
    return db.session.scalar(select(Service).where(Service.key == key))


def get_active_service(key: str) -> Service | None:
    service = get_service(key)
    return service if service is not None and service.active else None


def team_choices() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name_ar)))


def service_definition(service: Service) -> ServiceDefinition:
    """The service's fields, documents and rules as parsed objects (unusable entries left
    out; ``check_eligibility`` turns a left-out rule into a review)."""
    definition, _errors = parse_definition(service.fields or [], service.documents or [],
                                           service.rules or [])
    return definition


def service_snapshot(service: Service | None) -> dict[str, Any] | None:
    """Everything an admin can change, as JSON (the audit log's before and after)."""
    if service is None:
        return None
    data = {name: getattr(service, name) for name in SERVICE_COLUMNS}
    data.update(fields=list(service.fields or []), documents=list(service.documents or []),
                rules=list(service.rules or []))
    return data


# -- defining services --------------------------------------------------------------------

def _row_id(raw: Any) -> int | None:
    """A primary key from a form or JSON; None when it cannot be one (kept within the
    32-bit range PostgreSQL's integer columns accept)."""
    number = read_number(raw) if isinstance(raw, str | int) else None
    if number is None or number != number.to_integral_value() or not 1 <= number < 2**31:
        return None
    return int(number)


def _clean_text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def _parse_service(values: Mapping[str, Any], *, creating: bool
                   ) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if creating:
        key = _clean_text(values, "key")
        if not SERVICE_KEY.fullmatch(key):
            errors["key"] = _("Use 2 to 64 lower-case Latin letters, digits and underscores, "
                              "starting with a letter (for example food_basket).")
        elif get_service(key) is not None:
            errors["key"] = _("Another service already has the key %(key)s.", key=key)
        clean["key"] = key
    for name in ("name_ar", "name_en"):
        clean[name] = _clean_text(values, name)
        if len(clean[name]) > LONGEST_NAME:
            errors[name] = _("Keep the name under 160 characters.")
    if not clean["name_ar"]:
        errors["name_ar"] = _("Enter the service's Arabic name.")
    for name in ("description_ar", "description_en"):
        clean[name] = _clean_text(values, name) or None
        if clean[name] and len(clean[name]) > LONGEST_DESCRIPTION:
            errors[name] = _("Keep the description under 4000 characters.")
    team_raw = values.get("team_id")
    clean["team_id"] = None
    if team_raw not in (None, ""):
        team_id = _row_id(team_raw)
        team = db.session.get(Team, team_id) if team_id is not None else None
        if team is None:
            errors["team_id"] = _("Choose one of the teams.")
        else:
            clean["team_id"] = team.id
    window_raw = values.get("decision_window_days")
    window = DEFAULT_DECISION_WINDOW_DAYS if window_raw in (None, "") else read_number(window_raw)
    if window is None or window != int(window) or not 1 <= window <= MAX_DECISION_WINDOW_DAYS:
        errors["decision_window_days"] = _("Enter a number of days from 1 to %(n)d.",
                                           n=MAX_DECISION_WINDOW_DAYS)
    else:
        clean["decision_window_days"] = int(window)
    silent_raw = values.get("close_after_silent_days")
    clean["close_after_silent_days"] = None
    if silent_raw not in (None, ""):
        silent = read_number(silent_raw)
        if silent is None or silent != int(silent) or not 1 <= silent <= MAX_SILENT_DAYS:
            errors["close_after_silent_days"] = _(
                "Enter a number of working days from 1 to %(n)d, or leave it empty.",
                n=MAX_SILENT_DAYS)
        else:
            clean["close_after_silent_days"] = int(silent)
    # Absent means the model's default (both true); the editor always sends both flags.
    clean["needs_committee"] = bool(read_flag(values.get("needs_committee", True)))
    clean["active"] = bool(read_flag(values.get("active", True)))
    definition, definition_errors = parse_definition(
        values.get("fields") or [], values.get("documents") or [], values.get("rules") or [])
    errors.update(definition_errors)
    clean.update(definition.to_json())
    return clean, errors


def create_service(values: Mapping[str, Any], *, actor: Any) -> Service:
    """Add a service from an admin's input; ValidationError maps each problem to its place:
    key, name_ar, ..., and "fields-0", "documents-1", "rules-2" for the definition rows."""
    clean, errors = _parse_service(values, creating=True)
    if errors:
        raise ValidationError(errors)
    service = Service(**clean)
    db.session.add(service)
    db.session.flush()
    record_audit(actor, "service.created", "service", service.id,
                 after=service_snapshot(service))
    db.session.commit()
    return service


def update_service(service: Service, values: Mapping[str, Any], *, actor: Any) -> Service:
    """Replace a service's definition with ``values`` (its key stays); the same input,
    checks and errors as create_service."""
    clean, errors = _parse_service(values, creating=False)
    if errors:
        raise ValidationError(errors)
    before = service_snapshot(service)
    for name, value in clean.items():
        setattr(service, name, value)
    db.session.flush()
    record_audit(actor, "service.updated", "service", service.id,
                 before=before, after=service_snapshot(service))
    db.session.commit()
    return service


# -- eligibility --------------------------------------------------------------------------

def contact_for_check(contact_id: Any) -> Contact | None:
    """The contact a staff member names in an eligibility check, if it exists."""
    number = _row_id(contact_id)
    return db.session.get(Contact, number) if number is not None else None


def check_documents(service: Service, files: Mapping[str, FileStorage | None]
                    ) -> tuple[dict[str, CheckedUpload], dict[str, str]]:
    """Check the uploaded documents by key (type sniffed, size limited); nothing is stored.

    Returns (checked uploads by document key, errors by document key); a required document
    that is missing is an error.
    """
    checked: dict[str, CheckedUpload] = {}
    errors: dict[str, str] = {}
    for document in service_definition(service).documents:
        upload = files.get(document.key)
        if upload is None or not getattr(upload, "filename", None):
            if document.required:
                errors[document.key] = _("Attach this document.")
            continue
        try:
            checked[document.key] = check_upload(upload, allowed_types=document.content_types,
                                                 max_bytes=document.max_bytes)
        except UploadRejected as exc:
            errors[document.key] = _document_error(document, exc.reason)
    return checked, errors


def _document_error(document: DocumentDef, reason: str) -> str:
    if reason == "size":
        return ngettext("The file is larger than %(num)d MB.",
                        "The file is larger than %(num)d MB.", document.max_mb)
    if reason == "empty":
        return _("The file is empty.")
    names = [DOCUMENT_TYPES[name][1] for name in document.types]
    return _("Attach the file as %(types)s.",
             types=format_list(names, style="or", locale=current_language()))
