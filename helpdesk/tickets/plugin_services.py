"""The core's side of helpdesk.plugin_api.core: what a plugin's own pages may ask for.

Registered once at start-up (helpdesk/app.py). Recording goes through intake's
idempotency: the (channel, external id) ExternalRef is written in the same transaction as
the ticket or the note, so a repeated submission or provider event writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from helpdesk.accounts.models import User
from helpdesk.accounts.permissions import can
from helpdesk.channels.services import effective_settings, is_channel_active
from helpdesk.contacts.models import Contact
from helpdesk.contacts.services import clean_identifiers
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.image_metadata import strip_metadata
from helpdesk.plugin_api.core import (
    ChannelTicket,
    ContactCard,
    OpenTicket,
    PersonDetails,
    Photo,
    Recorded,
    RecordingRefused,
    StaffMember,
)
from helpdesk.plugin_api.types import InboundMessage
from helpdesk.tickets.change import DEFAULT_STAFF_FILE_MAX_BYTES, changing
from helpdesk.tickets.errors import PermissionDenied, StaleTicket, TicketNotFound
from helpdesk.tickets.intake import Person, receive_structured
from helpdesk.tickets.models import Attachment, Event, ExternalRef, Tag, Ticket, ticket_tags
from helpdesk.tickets.queries import visible_tickets_clause
from helpdesk.tickets.vocabulary import OPEN_STATUSES
from helpdesk.uploads import CheckedUpload, sniff_type, store_checked
from helpdesk.validation import ValidationError

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_TAG = 64


def _actor() -> Any:
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _member(user: User) -> StaffMember:
    branch = user.branch
    return StaffMember(id=user.id, name=user.name, email=user.email, role=user.role,
                       branch_id=user.branch_id,
                       branch_name=branch.name_ar if branch is not None else None)


def _checked_photos(photos: Sequence[Photo], max_bytes: int) -> list[CheckedUpload]:
    checked = []
    megabytes = max(1, max_bytes // (1024 * 1024))
    for photo in photos:
        if not photo.data:
            raise RecordingRefused({"photos": _("The file is empty.")})
        if len(photo.data) > max_bytes:
            raise RecordingRefused({"photos": ngettext(
                "The file is too large: at most %(num)d megabyte.",
                "The file is too large: at most %(num)d megabytes.", megabytes)})
        kind = sniff_type(photo.data[:16])
        if kind is None or kind[0] not in PHOTO_TYPES:
            raise RecordingRefused({"photos": _("Attach a photo (JPEG, PNG or WebP).")})
        data = photo.data
        if not photo.keep_location:
            data = strip_metadata(data, kind[0])
        name = (photo.filename or "photo").replace("/", "_").replace("\\", "_")[:255]
        checked.append(CheckedUpload(data, kind[0], kind[1], name))
    return checked


def _attach(ticket: Ticket, event: Event, photos: list[CheckedUpload], actor: Any) -> None:
    ids = []
    for upload in photos:
        stored = store_checked(upload)
        attachment = Attachment(
            ticket_id=ticket.id, event_id=event.id, display_name=stored.display_name,
            stored_name=stored.stored_name, content_type=stored.content_type,
            size=stored.size, sha256=stored.sha256,
            uploaded_by_id=getattr(actor, "id", None), created_at=utcnow())
        db.session.add(attachment)
        db.session.flush()
        ids.append(attachment.id)
    if ids:
        event.data = {**(event.data or {}), "attachments": ids}


def _tag(ticket: Ticket, names: Sequence[str], actor: Any) -> None:
    for raw in names:
        name = " ".join(str(raw or "").split()).lower()[:MAX_TAG]
        if not name:
            continue
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
        if tag_id is None:
            insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" \
                else sqlite_insert
            db.session.execute(insert(Tag).values(name=name, created_at=utcnow())
                               .on_conflict_do_nothing(index_elements=["name"]))
            tag_id = db.session.scalar(select(Tag.id).where(Tag.name == name))
        present = db.session.scalar(select(ticket_tags.c.tag_id).where(
            ticket_tags.c.ticket_id == ticket.id, ticket_tags.c.tag_id == tag_id))
        if present is None:
            db.session.execute(ticket_tags.insert().values(ticket_id=ticket.id,
                                                           tag_id=tag_id))
            db.session.add(Event(ticket_id=ticket.id, type="tag_added", visibility="internal",
                                 actor_id=getattr(actor, "id", None), data={"tag": name},
                                 created_at=utcnow()))


def _previous(channel_key: str, external_id: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).join(ExternalRef, ExternalRef.ticket_id == Ticket.id)
        .where(ExternalRef.channel_key == channel_key,
               ExternalRef.external_id == external_id))


class CoreServicesForPlugins:
    """The one implementation of plugin_api.core.CoreServices."""

    def current_staff(self) -> StaffMember | None:
        actor = _actor()
        return _member(actor) if actor is not None else None

    def can(self, permission: str) -> bool:
        return can(_actor(), permission)

    def staff_members(self, roles: Sequence[str] = ()) -> list[StaffMember]:
        query = select(User).where(User.active.is_(True)).order_by(User.name, User.id)
        if roles:
            query = query.where(User.role.in_(list(roles)))
        return [_member(user) for user in db.session.scalars(query)]

    def check_person(self, *, phone: str | None = None, national_id: str | None = None
                     ) -> tuple[dict[str, str | None], dict[str, str]]:
        values: dict[str, str | None] = {}
        errors: dict[str, str] = {}
        for name, value in (("phone", phone), ("national_id", national_id)):
            if not (value or "").strip():
                values[name] = None
                continue
            try:
                values[name] = clean_identifiers(**{name: value})[name]
            except ValidationError as exc:
                errors[name] = exc.errors[name]
        return values, errors

    def find_contact_by_phone(self, phone: str) -> ContactCard | None:
        values, errors = self.check_person(phone=phone)
        if errors or not values["phone"]:
            return None
        contact = db.session.scalar(
            select(Contact).where(Contact.phone == values["phone"],
                                  Contact.merged_into_id.is_(None)).order_by(Contact.id))
        if contact is None:
            return None
        actor = _actor()
        tickets = db.session.scalars(
            select(Ticket).where(Ticket.contact_id == contact.id,
                                 Ticket.status.in_(sorted(OPEN_STATUSES)),
                                 visible_tickets_clause(actor))
            .order_by(Ticket.updated_at.desc()).limit(10)) if actor is not None else []
        return ContactCard(id=contact.id, name=contact.name or "", phone=contact.phone,
                           open_tickets=tuple(OpenTicket(t.number, t.subject, t.status, t.kind)
                                              for t in tickets))

    def record(self, channel_key: str, message: InboundMessage, person: PersonDetails, *,
               channel_data: Mapping[str, Any] | None = None,
               join_ticket: str | None = None, photos: Sequence[Photo] = (),
               tags: Sequence[str] = (), max_photo_bytes: int = 0) -> Recorded:
        checked = _checked_photos(photos, max_photo_bytes or DEFAULT_STAFF_FILE_MAX_BYTES)
        previous = _previous(channel_key, message.external_id)
        if previous is not None:
            return Recorded(previous.number, created=False, duplicate=True)
        actor = _actor()
        if join_ticket:
            return self._note(channel_key, message, join_ticket, channel_data or {},
                              checked, tags, actor)
        added: list[int] = []

        def on_created(ticket: Ticket) -> None:
            db.session.flush()
            first = db.session.scalar(select(Event).where(Event.ticket_id == ticket.id)
                                      .order_by(Event.id).limit(1))
            if first is not None:
                _attach(ticket, first, checked, actor)
                added.append(len(checked))
            _tag(ticket, tags, actor)

        data = {**dict(message.data), **dict(channel_data or {})}
        message = InboundMessage(external_id=message.external_id, body=message.body,
                                 kind=message.kind, subject=message.subject, data=data)
        try:
            result = receive_structured(
                channel_key, message,
                Person(name=person.name, phone=person.phone, national_id=person.national_id),
                actor=actor, on_created=on_created)
        except ValidationError as exc:
            raise RecordingRefused(exc.errors) from None
        return Recorded(result.ticket.number, created=result.created,
                        duplicate=result.duplicate, photos=sum(added))

    def _note(self, channel_key: str, message: InboundMessage, number: str,
              channel_data: Mapping[str, Any], checked: list[CheckedUpload],
              tags: Sequence[str], actor: Any) -> Recorded:
        if actor is None:
            raise RecordingRefused({"ticket": _("Choose an open ticket.")})
        try:
            with changing(number, actor=actor, expected_version=None) as change:
                change.require("tickets.note", work=False)
                if change.ticket.status not in OPEN_STATUSES:
                    raise RecordingRefused({"ticket": _("Choose an open ticket.")})
                event = change.event("note", body=message.body or "-", visibility="internal",
                                     data={"channel": channel_key,
                                           "details": dict(channel_data)})
                db.session.flush()
                _attach(change.ticket, event, checked, actor)
                _tag(change.ticket, tags, actor)
                db.session.add(ExternalRef(channel_key=channel_key,
                                           external_id=message.external_id,
                                           ticket_id=change.ticket.id, created_at=utcnow()))
        except (TicketNotFound, PermissionDenied):
            raise RecordingRefused({"ticket": _("Choose an open ticket.")}) from None
        except (IntegrityError, StaleTicket):
            previous = _previous(channel_key, message.external_id)
            if previous is None:
                raise
            return Recorded(previous.number, created=False, duplicate=True)
        return Recorded(change.ticket.number, created=False, duplicate=False,
                        photos=len(checked))

    def channel_tickets(self, channel_key: str, *, since: datetime, until: datetime
                        ) -> list[ChannelTicket]:
        actor = _actor()
        if actor is None:
            return []
        rows = db.session.execute(
            select(Ticket, Contact.name).outerjoin(Contact, Contact.id == Ticket.contact_id)
            .where(Ticket.channel_key == channel_key, Ticket.created_at >= since,
                   Ticket.created_at < until, visible_tickets_clause(actor))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(500)).all()
        return [ChannelTicket(number=t.number, subject=t.subject, status=t.status,
                              kind=t.kind, created_at=t.created_at, contact_name=name,
                              branch_id=t.branch_id, channel_data=dict(t.channel_data or {}))
                for t, name in rows]

    def channel_settings(self, channel_key: str) -> dict[str, Any]:
        return effective_settings(channel_key)

    def channel_active(self, channel_key: str) -> bool:
        return is_channel_active(channel_key)
