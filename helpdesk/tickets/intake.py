"""Intake: every contact from any channel becomes a ticket.

receive → dedupe (ExternalRef) → find the contact → thread → open a ticket or append the
message → record the ExternalRef → commit → tell the plugins. One transaction per message;
the unique (channel, external id) makes a repeated delivery harmless, even when two copies
arrive at the same moment: the loser's insert fails, it rolls back and returns the winner.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from helpdesk.accounts.permissions import can
from helpdesk.channels.fields import clean_fields
from helpdesk.channels.registry import get_channel, registered_channels
from helpdesk.contacts.models import CONTACT_KINDS, Contact
from helpdesk.contacts.services import find_or_create_contact
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.plugin_api.types import Capability, Channel, InboundMessage
from helpdesk.tickets.change import STAFF_FILE_TYPES, person_locale
from helpdesk.tickets.handling import staff_file_max_bytes
from helpdesk.tickets.models import Attachment, Event, ExternalRef, Ticket
from helpdesk.tickets.queries import user_team_ids
from helpdesk.tickets.receipts import send_receipt
from helpdesk.tickets.services import open_ticket_in_transaction
from helpdesk.tickets.vocabulary import OPEN_STATUSES, PRIORITIES
from helpdesk.uploads import CheckedUpload, check_field, store_checked
from helpdesk.validation import ValidationError

log = logging.getLogger(__name__)

DEFAULT_THREAD_WINDOW_DAYS = 7
MAX_ATTEMPTS = 3      # a lost race (unique key, ticket version) is retried with fresh rows
MAX_SUBJECT = 300
SUBJECT_FROM_BODY = 120
# Names the staff intake form uses itself: a channel's intake fields must not take them.
RESERVED_FIELD_NAMES = frozenset({"channel", "kind", "priority", "subject", "intake_token",
                                  "csrf_token", "send_receipt", "attachment"})
STAFF_TOKEN_PREFIX = "staff:"


@dataclass(frozen=True)
class IntakeResult:
    ticket: Ticket
    created: bool     # a new ticket was opened (otherwise the message joined an open one)
    duplicate: bool   # this external id was received before: nothing was written


@dataclass(frozen=True)
class Person:
    """Who wrote, as far as the channel knows."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    national_id: str | None = None
    kind: str | None = None


class UnknownChannel(LookupError):
    pass


# ---------------------------------------------------------------------------------------
# Receiving one message

def thread_window_days() -> int:
    return int(current_app.config.get("INTAKE_THREAD_WINDOW_DAYS",
                                      DEFAULT_THREAD_WINDOW_DAYS))


def _existing_ticket(channel_key: str, external_id: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).join(ExternalRef, ExternalRef.ticket_id == Ticket.id)
        .where(ExternalRef.channel_key == channel_key,
               ExternalRef.external_id == external_id))


def _is_messaging(channel: Channel) -> bool:
    """Providers push conversations: a follow-up belongs with the person's open ticket."""
    return Capability.INBOUND_WEBHOOK in channel.meta.capabilities


def _kind_for(channel: Channel, wanted: str) -> str:
    kinds = channel.meta.kinds
    if wanted in kinds:
        return wanted
    return "other" if "other" in kinds else kinds[0]


def _contact_kind(ticket_kind: str, wanted: str | None) -> str:
    if wanted:
        return wanted
    return "volunteer" if ticket_kind == "volunteering" else "beneficiary"


def _subject_for(channel: Channel, message: InboundMessage, person: Person) -> str:
    if message.subject and message.subject.strip():
        return message.subject.strip()[:MAX_SUBJECT]
    for line in (message.body or "").splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= SUBJECT_FROM_BODY \
                else line[:SUBJECT_FROM_BODY - 1].rstrip() + "…"
    who = person.name or person.phone or person.email
    if who:
        return _("Message from %(name)s", name=who)[:MAX_SUBJECT]
    return _("New message on %(channel)s", channel=str(channel.meta.label))[:MAX_SUBJECT]


def _find_contact(person: Person, *, strict: bool) -> Contact | None:
    """The person's contact, registered if new, inside the intake's transaction.

    Staff typed the details (``strict``): a detail the registry refuses is their error to
    correct. A provider's sender details are taken as far as they are valid: a message is
    never refused because of its sender's number.
    """
    details = {"name": person.name, "national_id": person.national_id,
               "phone": person.phone, "email": person.email}
    kind = person.kind if person.kind in CONTACT_KINDS else "beneficiary"
    while any(details.values()):
        try:
            return find_or_create_contact(**details, kind=kind, commit=False)
        except ValidationError as exc:
            refused = set(exc.errors) & set(details)
            if strict or not refused:
                raise
            log.warning("intake: sender details refused by the registry: %s",
                        ", ".join(sorted(refused)))
            details.update(dict.fromkeys(refused))
    return None


def _lock_contact(contact: Contact) -> None:
    """Serialise intakes of one person, so that two messages sent together thread onto one
    ticket instead of opening two: a row lock on PostgreSQL; on SQLite a write that takes
    the database's write lock before the thread is looked up."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Contact.id).where(Contact.id == contact.id)
                           .with_for_update())
    else:
        db.session.execute(update(Contact).where(Contact.id == contact.id)
                           .values(kind=Contact.kind))


def _open_thread(channel: Channel, message: InboundMessage, contact: Contact | None
                 ) -> Ticket | None:
    """The open ticket this message continues, if any."""
    key = channel.meta.key
    open_statuses = sorted(OPEN_STATUSES)
    if message.thread_id:
        # The provider's conversation id is authoritative: no match means a new thread.
        return db.session.scalar(
            select(Ticket).where(
                Ticket.channel_key == key, Ticket.status.in_(open_statuses),
                Ticket.channel_data["thread_id"].as_string() == message.thread_id)
            .order_by(Ticket.id.desc()).limit(1))
    if contact is None or contact.id is None or not _is_messaging(channel):
        return None
    since = utcnow() - timedelta(days=thread_window_days())
    return db.session.scalar(
        select(Ticket).where(
            Ticket.channel_key == key, Ticket.contact_id == contact.id,
            Ticket.status.in_(open_statuses), Ticket.updated_at >= since)
        .order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(1))


def _append(ticket: Ticket, channel_key: str, message: InboundMessage) -> Event:
    now = utcnow()
    ticket.updated_at = now
    data: dict[str, Any] = {"channel": channel_key, "direction": "in",
                            "external_id": message.external_id}
    if message.received_at is not None:
        data["sent_at"] = message.received_at.isoformat()
    if message.data:
        data["details"] = dict(message.data)
    event = Event(ticket_id=ticket.id, type="message_in", visibility="public", actor_id=None,
                  body=message.body, data=data, created_at=now)
    db.session.add(event)
    return event


def _store(channel: Channel, message: InboundMessage, person: Person, *, thread: bool,
           strict: bool, priority: str, actor: Any, channel_data: Mapping[str, Any] | None,
           default_branch_id: int | None, service_id: int | None = None,
           team_id: int | None = None) -> tuple[Ticket, bool]:
    """Everything one message writes, inside the caller's transaction."""
    key = channel.meta.key
    kind = _kind_for(channel, message.kind)
    person = Person(person.name, person.phone, person.email, person.national_id,
                    _contact_kind(kind, person.kind))
    contact = _find_contact(person, strict=strict)
    if contact is not None:
        db.session.flush()
        _lock_contact(contact)
    ticket = _open_thread(channel, message, contact) if thread else None
    created = ticket is None
    if ticket is None:
        data = {**dict(message.data), **dict(channel_data or {})}
        if message.thread_id:
            data["thread_id"] = message.thread_id
        ticket = open_ticket_in_transaction(
            channel_key=key, kind=kind, subject=_subject_for(channel, message, person),
            body=message.body or None, contact=contact, priority=priority,
            branch_id=(contact.branch_id if contact is not None else None)
            or default_branch_id, channel_data=data, actor=actor, service_id=service_id,
            team_id=team_id)
    else:
        _append(ticket, key, message)
    db.session.add(ExternalRef(channel_key=key, external_id=message.external_id,
                               ticket_id=ticket.id, created_at=utcnow()))
    db.session.flush()
    return ticket, created


def _receive(channel_key: str, message: InboundMessage, person: Person, *, thread: bool,
             strict: bool = False, priority: str = "normal", actor: Any = None,
             channel_data: Mapping[str, Any] | None = None,
             default_branch_id: int | None = None,
             service_id: int | None = None,
             on_created: Callable[[Ticket], None] | None = None,
             team_id: int | None = None) -> IntakeResult:
    channel = get_channel(channel_key)
    if channel is None:
        raise UnknownChannel(channel_key)
    if not message.external_id or len(message.external_id) > 255:
        raise ValueError("an inbound message needs an external id of 1 to 255 characters")
    if priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        existing = _existing_ticket(channel_key, message.external_id)
        if existing is not None:
            return IntakeResult(existing, created=False, duplicate=True)
        try:
            ticket, created = _store(channel, message, person, thread=thread,
                                     strict=strict, priority=priority, actor=actor,
                                     channel_data=channel_data,
                                     default_branch_id=default_branch_id,
                                     service_id=service_id, team_id=team_id)
            if created and on_created is not None:
                on_created(ticket)  # the caller's own writes, in the same transaction
            db.session.commit()
        except (IntegrityError, StaleDataError):
            # Another delivery of this message (or a new contact's twin) committed first,
            # or staff changed the ticket this message joins: start again from fresh rows.
            db.session.rollback()
            if attempt == MAX_ATTEMPTS:
                existing = _existing_ticket(channel_key, message.external_id)
                if existing is not None:
                    return IntakeResult(existing, created=False, duplicate=True)
                raise
            log.info("intake of %s/%s lost a race; retrying", channel_key,
                     message.external_id)
            continue
        except BaseException:
            db.session.rollback()
            raise
        return IntakeResult(ticket, created=created, duplicate=False)
    raise AssertionError("unreachable")  # the loop returns or raises


def receive(channel_key: str, message: InboundMessage) -> IntakeResult:
    """Take one provider message in: a new ticket, or a message on the open one.

    A message whose external id was received before returns the existing ticket with
    ``duplicate=True`` and writes nothing.
    """
    person = Person(name=message.sender_name, phone=message.sender_phone,
                    email=message.sender_email,
                    national_id=_text(message.data.get("national_id")),
                    kind=_text(message.data.get("contact_kind")))
    return _receive(channel_key, message, person, thread=True)


def receive_structured(channel_key: str, message: InboundMessage, person: Person, *,
                       actor: Any, priority: str = "normal",
                       service_id: int | None = None,
                       on_created: Callable[[Ticket], None] | None = None) -> IntakeResult:
    """A ticket from a system that sends structured details (the JSON API, the portal's
    contact form): always a new ticket, the person's details checked strictly, idempotent
    on the external id. ``on_created(ticket)`` adds the caller's rows (attachments, a
    receipt in the outbox) inside the intake's transaction; a repeat does not call it."""
    return _receive(channel_key, message, person, thread=False, strict=True,
                    priority=priority, actor=actor, service_id=service_id,
                    default_branch_id=getattr(actor, "branch_id", None),
                    on_created=on_created)


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


# ---------------------------------------------------------------------------------------
# Staff intake: the form a relations officer or a branch representative fills in

def staff_intake_channels(active_keys: set[str]) -> list[Channel]:
    """Active channels whose contacts staff record with the intake form, in display order."""
    return [channel for key, channel in registered_channels().items()
            if key in active_keys and Capability.STAFF_INTAKE in channel.meta.capabilities]


def new_intake_token() -> str:
    return secrets.token_urlsafe(16)


def _valid_token(token: str | None) -> bool:
    return bool(token) and 16 <= len(token) <= 64 \
        and all(ch.isalnum() or ch in "-_" for ch in token)


def _first_of_type(channel: Channel, answers: Mapping[str, Any], type_: str) -> Any:
    for spec in channel.intake_fields():
        if spec.type == type_ and answers.get(spec.name):
            return answers[spec.name]
    return None


def _message_text(channel: Channel, answers: Mapping[str, Any]) -> str:
    """What the person said: the "summary" field, else the first long-text field."""
    if answers.get("summary"):
        return str(answers["summary"])
    for spec in channel.intake_fields():
        if spec.type == "textarea" and answers.get(spec.name):
            return str(answers[spec.name])
    return ""


def record_staff_intake(channel_key: str, form: Mapping[str, Any], *, actor: Any,
                        files: Mapping[str, FileStorage | None] | None = None
                        ) -> IntakeResult:
    """Validate the staff intake form and open the ticket; ValidationError per field.

    The form's one-time ``intake_token`` is the intake's external id, so a form posted
    twice (a double tap, a resent request) opens one ticket. A file staff attach (a scan,
    a photo, a PDF) is checked like every upload and kept on the ticket's first event; when
    the person agreed (``send_receipt``), their receipt (number and tracking link) is
    queued at once through the channel's answer path or by SMS.
    """
    channel = get_channel(channel_key)
    if channel is None or Capability.STAFF_INTAKE not in channel.meta.capabilities:
        raise UnknownChannel(channel_key)
    specs = [spec for spec in channel.intake_fields()
             if spec.name not in RESERVED_FIELD_NAMES]
    answers, errors = clean_fields(specs, form)
    raw = {spec.name: str(form.get(spec.name) or "").strip() for spec in specs}
    for name, message in (channel.validate_intake(raw) or {}).items():
        errors.setdefault(name, str(message))
    kind = str(form.get("kind") or "")
    if kind not in channel.meta.kinds:
        errors["kind"] = _("Choose the ticket kind.")
    priority = str(form.get("priority") or "normal")
    if priority not in PRIORITIES:
        errors["priority"] = _("Choose a priority.")
    subject = " ".join(str(form.get("subject") or "").split())
    if len(subject) > MAX_SUBJECT:
        errors["subject"] = _("Use at most %(n)d characters.", n=MAX_SUBJECT)
    checked = check_field((files or {}).get("attachment"), errors, "attachment",
                          allowed_types=STAFF_FILE_TYPES, max_bytes=staff_file_max_bytes(),
                          type_message=_("Attach a photo (JPEG, PNG or WebP) or a PDF file."))
    if errors:
        raise ValidationError(errors)
    token = str(form.get("intake_token") or "")
    if not _valid_token(token):
        token = new_intake_token()
    body = _message_text(channel, answers)
    message = InboundMessage(external_id=STAFF_TOKEN_PREFIX + token, body=body, kind=kind,
                             subject=subject or None)
    person = Person(name=_text(answers.get("name")),
                    phone=_first_of_type(channel, answers, "phone"),
                    email=_first_of_type(channel, answers, "email"),
                    national_id=_first_of_type(channel, answers, "national_id"))
    return _receive(channel_key, message, person, thread=False, strict=True, priority=priority,
                    actor=actor, channel_data=answers,
                    # A branch representative's intake belongs to their branch (when the
                    # person's own branch is not known), so that they can follow it.
                    default_branch_id=getattr(actor, "branch_id", None),
                    team_id=recording_team_id(actor),
                    on_created=partial(_after_staff_intake, checked=checked, actor=actor,
                                       send=bool(form.get("send_receipt"))))


def _after_staff_intake(ticket: Ticket, *, checked: CheckedUpload | None, actor: Any,
                        send: bool) -> None:
    """Inside the intake's transaction: the attached file on the first event, the receipt
    queued when the person agreed to receive it."""
    if checked is not None:
        created = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id,
                                                        Event.type == "created"))
        stored = store_checked(checked)
        attachment = Attachment(
            ticket_id=ticket.id, event_id=created.id if created else None,
            display_name=stored.display_name, stored_name=stored.stored_name,
            content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
            uploaded_by_id=getattr(actor, "id", None), created_at=ticket.created_at)
        db.session.add(attachment)
        db.session.flush()
        if created is not None:
            created.data = {**(created.data or {}), "attachments": [attachment.id]}
    if send:
        send_receipt(ticket, locale=person_locale(ticket))


def recording_team_id(actor: Any) -> int | None:
    """The team a contact recorded in the field reaches: the recorder's own, when they
    work for a branch and do not see the unrouted pool (a branch representative), so that
    the people who work it see it and the recorder can follow it up."""
    if getattr(actor, "branch_id", None) is None or can(actor, "tickets.triage"):
        return None
    teams = user_team_ids(actor)
    return teams[0] if teams else None
