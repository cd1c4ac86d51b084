"""API token use cases: create (the secret is returned once), authenticate, revoke."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from helpdesk.accounts.models import User
from helpdesk.accounts.permissions import can
from helpdesk.api.models import ApiToken
from helpdesk.channels.registry import get_channel, registered_channels
from helpdesk.channels.services import is_channel_active
from helpdesk.contacts.models import Contact
from helpdesk.contacts.services import find_or_create_contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api.types import InboundMessage
from helpdesk.portal.services import check_document, document_max_bytes
from helpdesk.services_catalog.services import get_active_service
from helpdesk.tickets.errors import PermissionDenied
from helpdesk.tickets.intake import IntakeResult, Person, receive_structured
from helpdesk.tickets.models import Attachment, Event, ExternalRef, Ticket
from helpdesk.uploads import store_checked
from helpdesk.validation import ValidationError

SCOPES = ("tickets:read", "tickets:write", "contacts:read", "contacts:write", "catalog:read")
TOKEN_MARK = "sila"
PREFIX_BYTES = 6          # 12 hex characters: enough to tell tokens apart in a list
SECRET_BYTES = 32         # 256 random bits
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def prefix_of(secret: str) -> str | None:
    """The display prefix inside ``sila_<prefix>_<random>``, without a database read."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_MARK or len(parts[1]) != PREFIX_BYTES * 2:
        return None
    return parts[1]


def create_token(user: User, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """A new token for ``user``; the secret is returned here and never stored."""
    name = " ".join(str(name or "").split())[:100]
    wanted = [scope.strip() for scope in scopes if scope and scope.strip()]
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the token after the system that will use it.")
    unknown = sorted(set(wanted) - set(SCOPES))
    if unknown or not wanted:
        errors["scopes"] = _("Choose scopes among: %(scopes)s.", scopes=", ".join(SCOPES))
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret),
                     prefix=prefix, scopes=sorted(set(wanted)), created_at=utcnow())
    db.session.add(token)
    db.session.commit()
    return token, secret


def authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret whose user is active, or None."""
    if prefix_of(secret) is None:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    _touch(token)
    return token


def _touch(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    # A conditional UPDATE: concurrent requests with one token do not fight over the row.
    db.session.execute(update(ApiToken).where(
        ApiToken.id == token.id,
        (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < now - TOUCH_EVERY))
        .values(last_used_at=now).execution_options(synchronize_session=False))
    db.session.commit()


def revoke_token(token: ApiToken, actor: Any = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id)))


# ---------------------------------------------------------------------------------------
# Tickets created through the API

API_ID_PREFIX = "api:"
MAX_IDEMPOTENCY_KEY = 200


class IdempotencyConflict(Exception):
    """This caller sent this key (or external id) before with a different body."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field   # "Idempotency-Key" or "external_id"


def request_fingerprint(data: Mapping[str, Any]) -> str:
    """The SHA-256 of the request's body, whatever the order or spacing of its keys."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _external_id(token_id: int, data: Mapping[str, Any], key: str | None
                 ) -> tuple[str, str | None]:
    """(the ExternalRef id, the field that named it) for a new ticket.

    A caller's keys are its own: they are stored under its token, so another caller
    sending the same key or external id gets its own ticket, never this one's number
    and tracking link. Without either, every request is a new ticket."""
    if data.get("external_id"):
        return f"{API_ID_PREFIX}{token_id}:id:{data['external_id']}", "external_id"
    if key is not None:
        return f"{API_ID_PREFIX}{token_id}:key:{key}", "Idempotency-Key"
    return f"{API_ID_PREFIX}once:{secrets.token_urlsafe(16)}", None


def _recorded(external_id: str) -> ExternalRef | None:
    """This caller's earlier request with this key, on whichever channel it was sent."""
    # Every channel named, so that the (channel, external id) unique index answers.
    return db.session.scalar(select(ExternalRef).where(
        ExternalRef.channel_key.in_(sorted(registered_channels())),
        ExternalRef.external_id == external_id).order_by(ExternalRef.id).limit(1))


def _first_result(ref: ExternalRef, fingerprint: str, field: str) -> IntakeResult:
    if ref.fingerprint != fingerprint:
        raise IdempotencyConflict(field)
    return IntakeResult(db.session.get(Ticket, ref.ticket_id), created=False, duplicate=True)


MAX_ATTACHMENTS = 5


def check_attachments(items: Any) -> list[Any]:
    """Decode and check the base64 attachments as the portal checks its uploads (type by
    content, size); ValidationError keyed ``attachments[i].<field>``."""
    checked, errors = [], {}
    limit = document_max_bytes()
    for index, item in enumerate(items or ()):
        path = f"attachments[{index}]"
        encoded = "".join(str(item.get("content_base64") or "").split())
        if len(encoded) > (limit + 2) // 3 * 4:
            data = b"\0" * (limit + 1)  # too large: let the portal's check say so
        else:
            try:
                data = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                errors[f"{path}.content_base64"] = _("Send the file's content in base64.")
                continue
        found: dict[str, str] = {}
        upload = check_document(FileStorage(io.BytesIO(data), filename=item["filename"]),
                                found) if data else None
        if not data:
            errors[f"{path}.content_base64"] = _("The file is empty.")
        elif "document" in found:
            errors[f"{path}.content_base64"] = found["document"]
        elif upload is None:
            errors[f"{path}.content_base64"] = _("Attach a PDF, JPEG or PNG file.")
        elif upload.content_type != item["content_type"]:
            errors[f"{path}.content_type"] = _("The file's content is not of this type.")
        else:
            checked.append(upload)
    if errors:
        raise ValidationError(errors)
    return checked


def _attach(uploads: list[Any], user: User):
    """on_created for the intake: store the files and attach them to the ticket's first
    event, in the intake's transaction."""
    def attach(ticket: Any) -> None:
        if not uploads:
            return
        event = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                      Event.type == "created"))
        ids = []
        for upload in uploads:
            stored = store_checked(upload)
            attachment = Attachment(
                ticket_id=ticket.id, event_id=event.id if event else None,
                display_name=stored.display_name, stored_name=stored.stored_name,
                content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                uploaded_by_id=user.id, created_at=utcnow())
            db.session.add(attachment)
            db.session.flush()
            ids.append(attachment.id)
        if event is not None:
            event.data = {**(event.data or {}), "attachments": ids}

    return attach


def create_ticket(user: User, data: Mapping[str, Any], *, token_id: int,
                  idempotency_key: str | None = None) -> IntakeResult:
    """Open a ticket on an active channel as ``user`` (calling with token ``token_id``).

    A repeat of the same external id (or idempotency key) by the same token with the same
    body returns the first ticket and writes nothing; with another body it raises
    IdempotencyConflict."""
    if not can(user, "tickets.create"):
        raise PermissionDenied("tickets.create")
    errors: dict[str, str] = {}
    key = str(data["channel"])
    channel = get_channel(key)
    if channel is None or not is_channel_active(key):
        errors["channel"] = _("Choose an active channel.")
    elif data["kind"] not in channel.meta.kinds:
        errors["kind"] = _("This channel does not take this kind of ticket.")
    service_id = None
    if data.get("service"):
        service = get_active_service(str(data["service"]))
        if service is None:
            errors["service"] = _("Choose an active service.")
        else:
            service_id = service.id
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY):
        errors["Idempotency-Key"] = _("Send an idempotency key of 1 to %(n)d characters.",
                                      n=MAX_IDEMPOTENCY_KEY)
    try:
        uploads = check_attachments(data.get("attachments"))
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    external_id, named_by = _external_id(token_id, data, idempotency_key)
    fingerprint = request_fingerprint(data)
    if named_by is not None and (earlier := _recorded(external_id)) is not None:
        return _first_result(earlier, fingerprint, named_by)
    contact = data.get("contact") or {}
    message = InboundMessage(external_id=external_id, body=data["body"], kind=data["kind"],
                             subject=data.get("subject") or None)
    person = Person(name=contact.get("name") or None, phone=contact.get("phone") or None,
                    email=contact.get("email") or None,
                    national_id=contact.get("national_id") or None)
    attach = _attach(uploads, user)

    def on_created(ticket: Ticket) -> None:
        attach(ticket)
        # The intake has just written the ExternalRef, in this transaction.
        db.session.execute(update(ExternalRef).where(
            ExternalRef.channel_key == key, ExternalRef.external_id == external_id)
            .values(fingerprint=fingerprint).execution_options(synchronize_session=False))

    try:
        result = receive_structured(key, message, person, actor=user,
                                    priority=data.get("priority") or "normal",
                                    service_id=service_id, on_created=on_created)
    except ValidationError as exc:
        raise ValidationError({f"contact.{name}": text
                               for name, text in exc.errors.items()}) from None
    if result.duplicate and named_by is not None:  # a concurrent twin committed first
        earlier = _recorded(external_id)
        if earlier is not None:
            return _first_result(earlier, fingerprint, named_by)
    return result


def save_contact(user: User, data: Mapping[str, Any]) -> Contact:
    """Find the person in the registry, or register them (matched on ID, then phone)."""
    if not can(user, "tickets.create"):
        raise PermissionDenied("tickets.create")
    return find_or_create_contact(name=data.get("name"), national_id=data.get("national_id"),
                                  phone=data.get("phone"), email=data.get("email"),
                                  kind=data.get("kind") or "beneficiary")
