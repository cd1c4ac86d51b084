"""Support request use cases: a draft saved as it is typed, its documents, and the submit
that turns it into a ticket and a case in one transaction.

A draft is reached by a random token (192 bits) that lives in the form's URL and a cookie:
the person has no account. Documents are checked (type sniffed, size limited per the
service's definition) and stored the moment they are uploaded, so nothing already typed or
uploaded is lost to a refused file or a form sent back with its errors.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from helpdesk.applications.models import ApplicationDraft, DraftDocument
from helpdesk.casework.eligibility import check_eligibility
from helpdesk.casework.services import (
    DeclarationInput,
    current_declaration_text,
    open_case,
)
from helpdesk.channels.services import active_channel_keys, active_channel_with
from helpdesk.contacts.identifiers import InvalidIdentifier, is_mobile, national_phone
from helpdesk.contacts.models import Contact
from helpdesk.contacts.services import clean_identifiers, find_or_create_contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api.types import Capability, Channel
from helpdesk.services_catalog.models import Service
from helpdesk.services_catalog.rules import Verdict
from helpdesk.services_catalog.schema import (
    DocumentDef,
    FieldDef,
    current_language,
    validate_answers,
)
from helpdesk.services_catalog.services import check_documents, service_definition
from helpdesk.tickets.intake import UnknownChannel, staff_intake_channels
from helpdesk.tickets.models import Attachment, Event, ExternalRef, Ticket
from helpdesk.tickets.services import committee_window_days, open_ticket_in_transaction
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.uploads import UploadRejected, check_png_data_url, store_checked, stored_path
from helpdesk.validation import ValidationError

log = logging.getLogger(__name__)

KIND = "support_request"
# The channel that takes the application form: the active one declaring this capability.
CAPABILITY = Capability.SUPPORT_APPLICATIONS
TOKEN_BYTES = 24               # 192 random bits
DEFAULT_DRAFT_DAYS = 30
ANSWER_PREFIX = "answer-"
# The applicant's identity, kept apart from the service's own questions.
IDENTITY_INPUTS = ("applicant-name", "applicant-national_id", "applicant-phone")
DECLARATION_INPUT = "declaration"
# At the desk: the applicant types their name and draws their signature (or signs the
# printed form by hand); staff tick the checklist items they checked with them present.
SIGNED_NAME_INPUT = "declaration-name"
SIGNATURE_INPUT = "declaration-signature"
ON_PAPER_INPUT = "declaration-paper"
VERIFY_PREFIX = "verify-"
CHANNEL_INPUT = "desk-channel"
DEFAULT_SIGNATURE_MAX_BYTES = 256 * 1024
LONGEST_VALUE = 5000
LONGEST_NAME = 160
EXTERNAL_PREFIX = "application:"


def application_channel() -> Channel | None:
    """The active channel that takes support-request applications; None: the form is
    closed (the association takes no support requests through it)."""
    return active_channel_with(CAPABILITY)


def draft_days() -> int:
    return int(current_app.config.get("APPLICATION_DRAFT_DAYS", DEFAULT_DRAFT_DAYS))


# ---------------------------------------------------------------------------------------
# Drafts

def _known_inputs(service: Service) -> set[str]:
    definition = service_definition(service)
    return {*IDENTITY_INPUTS, DECLARATION_INPUT, SIGNED_NAME_INPUT, ON_PAPER_INPUT,
            CHANNEL_INPUT, *(ANSWER_PREFIX + f.name for f in definition.fields),
            *(verify_input(item) for item in checklist_keys(service))}


def checklist_keys(service: Service) -> list[str]:
    """The service's checklist items as "field:<name>" and "document:<key>"."""
    definition = service_definition(service)
    return [*(f"field:{f.name}" for f in definition.fields),
            *(f"document:{d.key}" for d in definition.documents)]


def verify_input(item: str) -> str:
    return VERIFY_PREFIX + item.replace(":", "-", 1)


def signature_max_bytes() -> int:
    return int(current_app.config.get("SIGNATURE_MAX_BYTES", DEFAULT_SIGNATURE_MAX_BYTES))


def desk_channels() -> list[Channel]:
    """The active channels whose contacts staff record and that take support requests:
    the ways a request reaches the desk (a walk-in, a call…)."""
    return [channel for channel in staff_intake_channels(set(active_channel_keys()))
            if KIND in channel.meta.kinds]


def _read_inputs(service: Service, form: Mapping[str, Any]) -> dict[str, str]:
    """The form's values this service knows, as typed (trimmed to a sane length)."""
    values: dict[str, str] = {}
    for name in _known_inputs(service):
        raw = form.get(name)
        if isinstance(raw, str):
            values[name] = raw[:LONGEST_VALUE]
    # An unticked checkbox is absent from a post: the declaration is then not given.
    for name in (DECLARATION_INPUT, ON_PAPER_INPUT,
                 *(verify_input(item) for item in checklist_keys(service))):
        values[name] = "on" if values.get(name) else ""
    return values


def new_draft(service: Service, *, answers: Mapping[str, Any] | None = None,
              owner: Any = None, contact: Contact | None = None) -> Any:
    """A new draft for ``service``, optionally pre-filled (from the eligibility page or a
    contact staff picked); committed."""
    now = utcnow()
    values = _read_inputs(service, answers or {}) if answers else {}
    if contact is not None:
        values.update(_contact_inputs(contact))
    draft = ApplicationDraft(token=secrets.token_urlsafe(TOKEN_BYTES), service_id=service.id,
                             answers=values, owner_id=getattr(owner, "id", None),
                             contact_id=contact.id if contact is not None else None,
                             created_at=now, updated_at=now,
                             expires_at=now + timedelta(days=draft_days()))
    db.session.add(draft)
    db.session.commit()
    return draft


def _contact_inputs(contact: Contact) -> dict[str, str]:
    return {"applicant-name": contact.name or "",
            "applicant-national_id": contact.national_id or "",
            "applicant-phone": national_phone(contact.phone) if contact.phone else ""}


def get_draft(token: Any, service: Service, *, viewer: Any = None) -> Any:
    """The live draft with this token for this service, or None (unknown, expired, for
    another service, or a staff member's draft seen by anyone else)."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return None
    draft = db.session.scalar(select(ApplicationDraft)
                              .where(ApplicationDraft.token == token))
    if draft is None or draft.service_id != service.id or draft.expires_at <= utcnow():
        return None
    if draft.owner_id is not None:
        viewer_id = getattr(viewer, "id", None) if getattr(viewer, "is_authenticated",
                                                           False) else None
        if viewer_id != draft.owner_id:
            return None
    return draft


def _touch(draft: Any) -> None:
    now = utcnow()
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=draft_days())


def save_answers(draft: Any, form: Mapping[str, Any]) -> Any:
    """Keep what was typed (autosave): no validation, nothing refused; committed."""
    draft.answers = {**(draft.answers or {}), **_read_inputs(draft.service, form)}
    _touch(draft)
    db.session.commit()
    return draft


def document_input(key: str) -> str:
    return f"document-{key}"


def _store_document(draft: Any, document: DocumentDef, upload: FileStorage
                    ) -> str | None:
    """Check and store one upload into the draft, replacing the one it had for this
    document; the refusal's message, or None when it was kept."""
    checked, errors = check_documents(draft.service, {document.key: upload})
    if document.key not in checked:
        return errors.get(document.key) or _("This file could not be read.")
    stored = store_checked(checked[document.key])
    _discard(draft, document.key)
    db.session.add(DraftDocument(
        draft_id=draft.id, document_key=document.key, display_name=stored.display_name,
        stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, created_at=utcnow()))
    return None


def _discard(draft: Any, key: str) -> None:
    old = db.session.scalar(select(DraftDocument).where(DraftDocument.draft_id == draft.id,
                                                        DraftDocument.document_key == key))
    if old is not None:
        _remove_file(old.stored_name)
        db.session.delete(old)
        db.session.flush()


def _remove_file(stored_name: str) -> None:
    path = stored_path(stored_name)
    if path is not None:
        try:
            path.unlink()
        except OSError:  # already gone: nothing to clean up
            log.info("draft file %s already removed", stored_name)


def find_document(service: Service, key: str) -> DocumentDef | None:
    return next((d for d in service_definition(service).documents if d.key == key), None)


def attach_document(draft: Any, document: DocumentDef, upload: FileStorage | None,
                    form: Mapping[str, Any] | None = None) -> Any:
    """Store one document in the draft now (and keep the answers posted with it).

    ValidationError keyed ``document-<key>`` when the file is refused; the answers and the
    draft's other documents are kept either way."""
    if form is not None:
        draft.answers = {**(draft.answers or {}), **_read_inputs(draft.service, form)}
    _touch(draft)
    error = None
    if upload is None or not upload.filename:
        error = _("Choose a file to upload.")
    else:
        error = _store_document(draft, document, upload)
    db.session.commit()
    if error:
        raise ValidationError({document_input(document.key): error})
    return draft


def remove_document(draft: Any, key: str, form: Mapping[str, Any] | None = None) -> Any:
    if form is not None:
        draft.answers = {**(draft.answers or {}), **_read_inputs(draft.service, form)}
    _discard(draft, key)
    _touch(draft)
    db.session.commit()
    return draft


def draft_documents(draft: Any | None) -> dict[str, Any]:
    if draft is None:
        return {}
    return {document.document_key: document for document in draft.documents}


def draft_answers(values: Mapping[str, Any], service: Service) -> dict[str, str]:
    """The service's answers by field name, from the inputs named answer-<field>."""
    return {f.name: values.get(ANSWER_PREFIX + f.name, "")
            for f in service_definition(service).fields
            if values.get(ANSWER_PREFIX + f.name, "") != ""}


def verdict_for(service: Service, values: Mapping[str, Any],
                contact: Contact | None = None) -> tuple[Verdict, dict[str, str]]:
    """The eligibility verdict for what is typed so far, and the answers' errors."""
    answers = draft_answers(values, service)
    verdict = check_eligibility(service, answers, contact)
    _clean, errors = validate_answers(service_definition(service).fields, answers)
    return verdict, errors


def purge_expired_drafts(now: datetime | None = None) -> int:
    """Delete expired drafts and their files; returns how many went."""
    now = now or utcnow()
    expired = list(db.session.scalars(select(ApplicationDraft)
                                      .where(ApplicationDraft.expires_at <= now)))
    for draft in expired:
        for document in draft.documents:
            _remove_file(document.stored_name)
    ids = [draft.id for draft in expired]
    if ids:
        db.session.execute(delete(DraftDocument).where(DraftDocument.draft_id.in_(ids)))
        db.session.execute(delete(ApplicationDraft).where(ApplicationDraft.id.in_(ids)))
    db.session.commit()
    return len(ids)


# ---------------------------------------------------------------------------------------
# Submitting

@dataclass(frozen=True)
class Submitted:
    ticket: Ticket
    duplicate: bool = False


def _identity(values: Mapping[str, Any], errors: dict[str, str]) -> dict[str, str | None]:
    name = " ".join(str(values.get("applicant-name") or "").split())
    if not name:
        errors["applicant-name"] = _("Enter the applicant's full name.")
    elif len(name) > LONGEST_NAME:
        errors["applicant-name"] = _("Keep the name under 160 characters.")
    national_id = str(values.get("applicant-national_id") or "")
    phone = str(values.get("applicant-phone") or "")
    if not national_id.strip():
        errors["applicant-national_id"] = _("Enter the national ID or iqama number.")
    if not phone.strip():
        errors["applicant-phone"] = _("Enter a mobile number: we send the request number "
                                      "and its news to it.")
    clean: dict[str, str | None] = {"name": name, "national_id": None, "phone": None}
    for key, raw in (("national_id", national_id), ("phone", phone)):
        try:
            clean[key] = clean_identifiers(**{key: raw})[key]
        except ValidationError as exc:
            errors.setdefault(f"applicant-{key}", exc.errors.get(key, ""))
    if clean["phone"] and "applicant-phone" not in errors:
        try:
            mobile = is_mobile(clean["phone"])
        except InvalidIdentifier:
            mobile = False
        if not mobile:
            errors["applicant-phone"] = _("Enter a mobile number (it starts with 05), not a "
                                          "landline.")
    return clean


def submit_application(draft: Any, form: Mapping[str, Any],
                       files: Mapping[str, FileStorage | None], *, actor: Any = None
                       ) -> Submitted:
    """Send the support request: the draft keeps the posted answers and files first, then
    everything is checked; ValidationError by input name (answer-<field>,
    applicant-<detail>, document-<key>, declaration) leaves the draft as it now is.

    A missing document does not stop the request (the checklist asks for it); a refused
    file does. One transaction then opens the ticket on the channel that takes
    applications (UnknownChannel when none is active), with the contact, attachments and
    case (helpdesk.casework.services.open_case, which sends
    the person one message: the receipt, with the list of anything missing), and deletes
    the draft. Sending the same draft twice opens one ticket.
    """
    service = draft.service
    definition = service_definition(service)
    draft.answers = {**(draft.answers or {}), **_read_inputs(service, form)}
    _touch(draft)
    errors: dict[str, str] = {}
    for document in definition.documents:
        upload = files.get(document_input(document.key))
        if upload is not None and upload.filename:
            error = _store_document(draft, document, upload)
            if error:
                errors[document_input(document.key)] = error
    db.session.commit()  # what was typed and uploaded survives whatever follows

    values = dict(draft.answers)
    answers = draft_answers(values, service)
    _clean, field_errors = validate_answers(definition.fields, answers)
    errors.update({ANSWER_PREFIX + name: message for name, message in field_errors.items()})
    contact = db.session.get(Contact, draft.contact_id) if draft.contact_id else None
    identity = _identity(values, {} if contact is not None else errors)
    shown = form.get("declaration_version")
    if values.get(DECLARATION_INPUT) and shown and shown != current_declaration_text()[0]:
        # The wording changed while the form was open: agreeing to it takes a new tick.
        draft.answers = {**draft.answers, DECLARATION_INPUT: ""}
        db.session.commit()
        errors[DECLARATION_INPUT] = _("The declaration's wording has changed: read it "
                                      "again and tick the box.")
    elif not values.get(DECLARATION_INPUT):
        errors[DECLARATION_INPUT] = (
            _("Tick the box to make the declaration.") if actor is None
            else _("Record that the applicant made the declaration."))
    declaration = DeclarationInput(current_declaration_text()[0], True)
    channel: Channel | None = None
    if actor is not None:
        declaration = _desk_declaration(values, form, errors)
        channel = _desk_channel(values, errors)
    if errors:
        raise ValidationError(errors)
    verified = [item for item in checklist_keys(service) if values.get(verify_input(item))] \
        if actor is not None else []
    return _open(draft, service, definition, answers, identity, contact, actor=actor,
                 declaration=declaration, verified=verified, channel=channel)


def _desk_declaration(values: Mapping[str, Any], form: Mapping[str, Any],
                      errors: dict[str, str]) -> DeclarationInput:
    """The declaration made at the desk: the name the applicant typed, and the signature
    they drew (a real PNG under the size limit) or their word that they sign on paper."""
    name = " ".join(str(values.get(SIGNED_NAME_INPUT) or "").split())
    if not name:
        errors[SIGNED_NAME_INPUT] = _("Ask the applicant to type their full name.")
    elif len(name) > LONGEST_NAME:
        errors[SIGNED_NAME_INPUT] = _("Keep the name under 160 characters.")
    drawn = str(form.get(SIGNATURE_INPUT) or "")
    signature = None
    if drawn:
        try:
            signature = check_png_data_url(drawn, max_bytes=signature_max_bytes(),
                                           display_name="signature.png")
        except UploadRejected as rejected:
            if rejected.reason == "size":
                errors[SIGNATURE_INPUT] = ngettext(
                    "The signature is too large: at most %(num)d kilobyte. Clear it and "
                    "sign again.",
                    "The signature is too large: at most %(num)d kilobytes. Clear it and "
                    "sign again.", signature_max_bytes() // 1024)
            else:
                errors[SIGNATURE_INPUT] = _("The signature could not be read. Clear it and "
                                            "sign again.")
    elif not values.get(ON_PAPER_INPUT):
        errors[SIGNATURE_INPUT] = _("Ask the applicant to sign on the screen, or tick that "
                                    "they sign the printed declaration.")
    return DeclarationInput(current_declaration_text()[0], True, in_person=True,
                            signed_name=name or None, signature=signature)


def _desk_channel(values: Mapping[str, Any], errors: dict[str, str]) -> Channel | None:
    """The way the applicant reached the desk, as staff chose it (None: the channel that
    takes the application form)."""
    key = str(values.get(CHANNEL_INPUT) or "")
    if not key:
        return None
    channel = next((c for c in desk_channels() if c.meta.key == key), None)
    if channel is None:
        errors[CHANNEL_INPUT] = _("Choose how the applicant reached us.")
    return channel


def _subject(service: Service, name: str) -> str:
    return _("Support request: %(service)s — %(name)s",
             service=service.name_en if current_language() == "en" and service.name_en
             else service.name_ar, name=name)


def _summary(fields: tuple[FieldDef, ...], answers: Mapping[str, Any]) -> str:
    lines = []
    for field in fields:
        if field.name not in answers:
            continue
        lines.append(f"{field.label.text()}: {field.answer_text(answers[field.name])}")
    return "\n".join(lines)


def _existing(external_id: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).join(ExternalRef, ExternalRef.ticket_id == Ticket.id)
        .where(Ticket.kind == KIND, ExternalRef.external_id == external_id))


def _open(draft: Any, service: Service, definition, answers: dict[str, str],
          identity: dict[str, str | None], contact: Contact | None, *, actor: Any,
          declaration: DeclarationInput, verified: list[str],
          channel: Channel | None = None) -> Submitted:
    external_id = EXTERNAL_PREFIX + draft.token
    existing = _existing(external_id)
    if existing is not None:
        return Submitted(existing, duplicate=True)
    channel = channel or application_channel()
    if channel is None:
        raise UnknownChannel(CAPABILITY)
    channel_key = channel.meta.key
    documents = list(draft.documents)
    try:
        if contact is None:
            contact = find_or_create_contact(name=identity["name"],
                                             national_id=identity["national_id"],
                                             phone=identity["phone"], commit=False)
        # Unrouted, like every contact: relations staff receive it, answer the person and
        # close it (policy steps 1 and 7); they refer it to the service's researchers.
        ticket = open_ticket_in_transaction(
            channel_key=channel_key, kind=KIND, subject=_subject(service, contact.name),
            body=_summary(definition.fields, answers) or None, contact=contact,
            service_id=service.id, team_id=None,
            branch_id=contact.branch_id or getattr(actor, "branch_id", None),
            channel_data={"source": "office" if actor is not None else "portal"},
            actor=actor)
        created = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                        Event.type == "created"))
        attachments: dict[str, list[Attachment]] = {}
        for document in documents:
            attachment = Attachment(
                ticket_id=ticket.id, event_id=created.id if created else None,
                display_name=document.display_name, stored_name=document.stored_name,
                content_type=document.content_type, size=document.size,
                sha256=document.sha256, uploaded_by_id=getattr(actor, "id", None),
                created_at=ticket.created_at)
            db.session.add(attachment)
            attachments.setdefault(document.document_key, []).append(attachment)
        db.session.add(ExternalRef(channel_key=channel_key, external_id=external_id,
                                   ticket_id=ticket.id, created_at=utcnow()))
        db.session.flush()
        if created is not None and attachments:
            created.data = {**(created.data or {}),
                            "attachments": [a.id for items in attachments.values()
                                            for a in items]}
        open_case(ticket, service=service, answers=answers, documents=attachments,
                  declaration=declaration, channel_key=channel_key,
                  actor=actor, receipt=_receipt(ticket, service), verified=verified)
        # The files now belong to the ticket: the draft's rows go (with the draft) while
        # the files stay where they are.
        db.session.delete(draft)
        db.session.commit()
    except IntegrityError:
        # The same draft was sent twice at once: the other request opened the ticket.
        db.session.rollback()
        existing = _existing(external_id)
        if existing is None:
            raise
        return Submitted(existing, duplicate=True)
    except BaseException:
        db.session.rollback()
        raise
    return Submitted(ticket)


def submitted_ticket(token: Any) -> Ticket | None:
    """The ticket a draft opened when it was sent (its token is the intake's external id)."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return None
    return _existing(EXTERNAL_PREFIX + token)


def tracking_url(ticket: Ticket) -> str:
    return url_for("portal.ticket", token=tracking_token(ticket), _external=True)


def _receipt(ticket: Ticket, service: Service) -> Callable[[], str]:
    """The receipt the person keeps: the number, the window and the tracking link, rendered
    in the locale current when it is called (open_case renders it in the person's).

    Intake writes no receipt of its own (it only opens the ticket), so this is the one;
    open_case sends it, alone or heading the list of what is missing."""
    link = tracking_url(ticket)
    days = committee_window_days(ticket)

    def render() -> str:
        name = service.name_en if current_language() == "en" and service.name_en \
            else service.name_ar
        return ngettext(
            "We received your support request %(number)s (%(service)s). The committee "
            "decides within %(num)d working day of receiving the complete request. "
            "Follow it here: %(link)s",
            "We received your support request %(number)s (%(service)s). The committee "
            "decides within %(num)d working days of receiving the complete request. "
            "Follow it here: %(link)s",
            days, number=ticket.number, service=name, link=link)
    return render
