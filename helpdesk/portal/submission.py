"""The portal's contact form: check what the person sent, refuse robots quietly (but
record each refusal), open the ticket through intake with the attachments, and queue the
receipt (number and tracking link) by SMS.

The form belongs to the active channel that declares the contact-form capability: the
plugin declares the form's fields; the core renders them, checks them, and does
everything that touches the database.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from helpdesk.channels.failures import record_failure
from helpdesk.channels.fields import clean_fields
from helpdesk.channels.services import active_channel_with
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api.types import Capability, Channel, FieldSpec, InboundMessage
from helpdesk.portal.services import check_document
from helpdesk.tickets.intake import (
    RESERVED_FIELD_NAMES,
    IntakeResult,
    Person,
    UnknownChannel,
    receive_structured,
)
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.outbox import queue_message
from helpdesk.tickets.tracking_links import tracking_token
from helpdesk.uploads import StoredFile, store_checked, stored_path
from helpdesk.validation import ValidationError
from helpdesk.web.forms import HONEYPOT_FIELD

log = logging.getLogger(__name__)

# The kinds the contact form takes itself, in the order it offers them.
FORM_KINDS = ("inquiry", "complaint", "suggestion", "appreciation", "other")
# Kinds with a form of their own elsewhere, and the capability of the channel that takes it:
# the person is sent there while that form is open.
ROUTED_KINDS = {"support_request": ("applications.apply", Capability.SUPPORT_APPLICATIONS),
                "volunteering": ("volunteers.apply", Capability.VOLUNTEER_APPLICATIONS)}
STAMP_FIELD = "form_stamp"     # signed: when the form was shown, and its one-time token
EXTERNAL_ID_PREFIX = "contact:"
STAMP_SALT = "sila.portal.contact"
MAX_FILES = 3
DEFAULT_MIN_SECONDS = 3           # a person takes longer than this to fill the form
DEFAULT_MAX_AGE_SECONDS = 24 * 3600


class SpamRefused(Exception):
    """The form was refused as a robot's; recorded as an intake failure.

    ``pretend`` is True when the sender should believe it was accepted (the honeypot was
    filled: a person never sees that field); otherwise the form is shown again, as typed,
    with a fresh stamp, so that a person who was merely quick can send it once more."""

    def __init__(self, reason: str, *, pretend: bool):
        super().__init__(reason)
        self.reason = reason
        self.pretend = pretend


class IntakeUnavailable(Exception):
    """The ticket could not be opened (recorded as an intake failure): try again later."""


@dataclass(frozen=True)
class FormKind:
    key: str
    elsewhere: str | None   # the endpoint of the form that takes this kind instead


# ---------------------------------------------------------------------------------------
# The form

def contact_form_channel() -> Channel | None:
    """The active channel that takes the contact form; None: there is no contact form."""
    return active_channel_with(Capability.CONTACT_FORM)


def form_fields(channel: Channel) -> list[FieldSpec]:
    return [spec for spec in channel.intake_fields()
            if spec.name not in RESERVED_FIELD_NAMES | {HONEYPOT_FIELD, STAMP_FIELD}]


def _open_form(kind: str) -> str | None:
    """The endpoint of the form that takes this kind, while it exists and is open."""
    endpoint, capability = ROUTED_KINDS.get(kind, (None, None))
    if endpoint is None or endpoint not in current_app.view_functions:
        return None
    return endpoint if active_channel_with(capability) is not None else None


def form_kinds(channel: Channel) -> list[FormKind]:
    """The kinds offered: the form's own, plus the routed ones whose form does not exist
    (yet) in this installation or is closed, which the contact form then takes itself."""
    kinds = [FormKind(key, None) for key in FORM_KINDS if key in channel.meta.kinds]
    for key in ROUTED_KINDS:
        if key in channel.meta.kinds:
            kinds.append(FormKind(key, _open_form(key)))
    return kinds


def routed_elsewhere(kind: str) -> str | None:
    """The endpoint that takes this kind instead of the contact form, if there is one."""
    return _open_form(kind)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def new_form_stamp(*, token: str | None = None, issued_at: float | None = None) -> str:
    """The signed stamp a freshly shown form carries: its one-time token (the intake's
    external id, so a form sent twice opens one ticket) and the time it was shown."""
    return _serializer().dumps({"token": token or secrets.token_urlsafe(16),
                                "at": int(issued_at if issued_at is not None else time.time())})


def _min_seconds() -> float:
    return float(current_app.config.get("PORTAL_CONTACT_MIN_SECONDS", DEFAULT_MIN_SECONDS))


def _max_age() -> float:
    return float(current_app.config.get("PORTAL_CONTACT_MAX_AGE_SECONDS",
                                        DEFAULT_MAX_AGE_SECONDS))


def _read_stamp(stamp: str) -> tuple[str | None, str | None]:
    """(token, None) for a good stamp, else (None, why it is refused)."""
    try:
        value = _serializer().loads(stamp or "")
    except BadSignature:
        return None, "missing or forged form stamp"
    token, issued = (value.get("token"), value.get("at")) if isinstance(value, dict) \
        else (None, None)
    if not isinstance(token, str) or not 16 <= len(token) <= 64 \
            or not isinstance(issued, int):
        return None, "malformed form stamp"
    age = time.time() - issued
    if age < _min_seconds():
        return None, f"sent {max(age, 0):.1f} s after the form was shown (too fast)"
    if age > _max_age():
        return None, f"sent {age / 3600:.0f} h after the form was shown (expired)"
    return token, None


def _payload(form: Mapping[str, Any]) -> bytes:
    """What the person typed (never the files), readable for the admin who re-enters it."""
    kept = {name: str(value) for name, value in form.items()
            if name not in {"csrf_token", STAMP_FIELD}}
    return json.dumps(kept, ensure_ascii=False).encode()


def _refuse(channel: Channel, reason: str, form: Mapping[str, Any],
            headers: Mapping[str, str], *, pretend: bool) -> SpamRefused:
    """Record the refused form (never its files) for an admin to see, and say how to
    answer the sender."""
    record_failure(channel.meta.key, "intake", detail=f"contact form refused: {reason}",
                   headers=headers, body=_payload(form))
    return SpamRefused(reason, pretend=pretend)


# ---------------------------------------------------------------------------------------
# Checking the person's answers

def _check_files(files: Sequence[FileStorage], errors: dict[str, str]) -> list:
    chosen = [file for file in files if file is not None and file.filename]
    if len(chosen) > MAX_FILES:
        errors["attachments"] = ngettext("Attach at most %(num)d file.",
                                         "Attach at most %(num)d files.", MAX_FILES)
        return []
    checked = []
    for file in chosen:
        problem: dict[str, str] = {}
        upload = check_document(file, problem)
        if problem:
            errors["attachments"] = _("%(file)s: %(problem)s", file=file.filename,
                                      problem=problem["document"])
            return []
        checked.append(upload)
    return checked


def _clean(channel: Channel, form: Mapping[str, Any], files: Sequence[FileStorage]
           ) -> tuple[str, dict[str, Any], list]:
    specs = form_fields(channel)
    answers, errors = clean_fields(specs, form)
    raw = {spec.name: str(form.get(spec.name) or "").strip() for spec in specs}
    for name, message in (channel.validate_intake(raw) or {}).items():
        errors.setdefault(name, str(message))
    kind = str(form.get("kind") or "")
    if kind not in {k.key for k in form_kinds(channel) if k.elsewhere is None}:
        errors["kind"] = _("Choose what your message is about.")
    checked = _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    return kind, answers, checked


def _text_of(answers: Mapping[str, Any], specs: Sequence[FieldSpec], type_: str) -> Any:
    return next((answers[s.name] for s in specs if s.type == type_ and answers.get(s.name)),
                None)


def _message_of(answers: Mapping[str, Any], specs: Sequence[FieldSpec]) -> str:
    return str(next((answers[s.name] for s in specs
                     if s.type == "textarea" and answers.get(s.name)), ""))


# ---------------------------------------------------------------------------------------
# Receiving it

def tracking_url(ticket: Ticket) -> str:
    return url_for("portal.ticket", token=tracking_token(ticket), _external=True)


def receipt_text(ticket: Ticket) -> str:
    return _("We have received your request number %(number)s. Follow it here: %(url)s",
             number=ticket.number, url=tracking_url(ticket))


def _attach_and_acknowledge(ticket: Ticket, stored: Sequence[StoredFile], phone: str | None,
                            locale: str) -> None:
    """Inside intake's transaction: the files on the request's first event, and the
    receipt queued for the phone the person typed (their contact may hold another)."""
    now = utcnow()
    created = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                    Event.type == "created"))
    ids = []
    for file in stored:
        attachment = Attachment(
            ticket_id=ticket.id, event_id=created.id if created else None,
            display_name=file.display_name, stored_name=file.stored_name,
            content_type=file.content_type, size=file.size, sha256=file.sha256,
            created_at=now)
        db.session.add(attachment)
        db.session.flush()
        ids.append(attachment.id)
    if created is not None and ids:
        created.data = {**(created.data or {}), "attachments": ids}
    if phone:
        receipt = queue_message(ticket=ticket, purpose="receipt", body=receipt_text(ticket),
                                locale=locale, transport="sms")
        receipt.to_phone = phone


def submit(form: Mapping[str, Any], files: Sequence[FileStorage], *,
           headers: Mapping[str, str], locale: str) -> IntakeResult:
    """Take one contact form in. Raises SpamRefused (recorded), ValidationError (per
    field), UnknownChannel (no active channel takes it) or IntakeUnavailable (recorded).

    A form sent twice (a double tap, a reload) returns the first ticket as a duplicate."""
    channel = contact_form_channel()
    if channel is None:
        raise UnknownChannel(Capability.CONTACT_FORM)
    if str(form.get(HONEYPOT_FIELD) or "").strip():
        raise _refuse(channel, "the hidden field was filled", form, headers, pretend=True)
    token, why = _read_stamp(str(form.get(STAMP_FIELD) or ""))
    if token is None:
        raise _refuse(channel, why or "bad form stamp", form, headers, pretend=False)

    kind, answers, checked = _clean(channel, form, files)
    specs = form_fields(channel)
    phone = _text_of(answers, specs, "phone")
    stored: list[StoredFile] = []
    message = InboundMessage(
        external_id=EXTERNAL_ID_PREFIX + token, body=_message_of(answers, specs), kind=kind,
        data={**{name: value for name, value in answers.items()
                 if name not in {s.name for s in specs if s.type == "textarea"}},
              "form": "contact", "page": "/contact", "language": locale})
    person = Person(name=answers.get("name"), phone=phone,
                    email=_text_of(answers, specs, "email"),
                    national_id=_text_of(answers, specs, "national_id"))
    try:
        stored.extend(store_checked(upload) for upload in checked)
        result = receive_structured(
            channel.meta.key, message, person, actor=None,
            on_created=lambda ticket: _attach_and_acknowledge(ticket, stored, phone, locale))
    except ValidationError:
        _discard(stored)
        raise
    except Exception as exc:
        _discard(stored)
        log.exception("contact form: the ticket could not be opened")
        record_failure(channel.meta.key, "intake", detail=f"contact form: {exc!r}",
                       headers=headers, body=_payload(form),
                       external_id=message.external_id)
        raise IntakeUnavailable(str(exc)) from exc
    if result.duplicate:
        _discard(stored)
    return result


def _discard(stored: Sequence[StoredFile]) -> None:
    for file in stored:
        path = stored_path(file.stored_name)
        if path is not None:
            path.unlink(missing_ok=True)


def masked_phone(phone: str | None) -> str:
    """The last digits of the number the receipt went to: enough to recognise it."""
    return phone[-4:] if phone and len(phone) >= 4 else ""
