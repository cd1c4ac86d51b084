"""A ticket's files: listing them for the staff page, and finding one to download.

Staff reach a file only through the access rule (queries.ticket_access); the person reaches
only the files on public events of the ticket their tracking link names. Either way a file
of another ticket, or one out of reach, is simply not found.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.accounts.models import User
from helpdesk.extensions import db
from helpdesk.tickets.models import Attachment, Event, Ticket
from helpdesk.tickets.queries import ticket_access
from helpdesk.uploads import stored_path

# The types uploads accept (recognised by their first bytes when stored): only these are
# served as what they are; anything else goes out as opaque bytes.
DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
INLINE_TYPES = DOCUMENT_TYPES
OPAQUE_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class AttachmentFile:
    """One file ready to send: its bytes, what to call it, how to label its type."""

    attachment: Attachment
    data: bytes
    content_type: str
    download_name: str
    may_be_inline: bool


@dataclass(frozen=True)
class AttachmentItem:
    """One row of the staff page's list of files."""

    attachment: Attachment
    event: Event | None
    uploader: User | None
    source: str      # who sent it: a staff member's name, or "the person"
    channel: str     # which way it came
    size_label: str
    type_label: str

    @property
    def may_open(self) -> bool:
        """Images and PDF may also be opened in the browser (?inline=1)."""
        return self.attachment.content_type in INLINE_TYPES


@dataclass(frozen=True)
class AttachmentListing:
    items: list[AttachmentItem]
    by_event: dict[int, list[AttachmentItem]]

    def __bool__(self) -> bool:
        return bool(self.items)


# ---------------------------------------------------------------------------------------
# Labels

TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
               "image/webp": "WebP"}


def size_label(size: int) -> str:
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


def type_label(content_type: str) -> str:
    return TYPE_LABELS.get(content_type, _("File"))


def _channel_label(ticket: Ticket, event: Event | None) -> str:
    if event is not None and (event.data or {}).get("via") == "portal":
        return _("Tracking page")
    channel = current_app.extensions["helpdesk_plugins"].channel(ticket.channel_key)
    return str(channel.meta.label) if channel is not None else ticket.channel_key


# ---------------------------------------------------------------------------------------
# The staff page's list

def attachment_listing(ticket: Ticket) -> AttachmentListing:
    """Every file of the ticket, oldest first, with its sender and channel, and grouped by
    the timeline event that carried it."""
    rows = db.session.execute(
        select(Attachment, Event, User)
        .outerjoin(Event, Event.id == Attachment.event_id)
        .outerjoin(User, User.id == Attachment.uploaded_by_id)
        .where(Attachment.ticket_id == ticket.id)
        .order_by(Attachment.id)).all()
    items = [AttachmentItem(
        attachment=attachment, event=event, uploader=uploader,
        source=uploader.name if uploader is not None else _("The person"),
        channel=_channel_label(ticket, event), size_label=size_label(attachment.size),
        type_label=type_label(attachment.content_type)) for attachment, event, uploader in rows]
    by_event: dict[int, list[AttachmentItem]] = {}
    for item in items:
        if item.attachment.event_id is not None:
            by_event.setdefault(item.attachment.event_id, []).append(item)
    return AttachmentListing(items, by_event)


# ---------------------------------------------------------------------------------------
# Finding one file to send

def _safe_name(name: str) -> str:
    """The person's file name without control characters (never in a header)."""
    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return cleaned.replace("/", "_").replace("\\", "_").strip() or "file"


def _file_of(attachment: Attachment | None) -> AttachmentFile | None:
    if attachment is None:
        return None
    path = stored_path(attachment.stored_name)
    if path is None:
        return None
    try:
        # Uploads are small (a few megabytes at most): read at once, no handle left open.
        data = path.read_bytes()
    except OSError:
        return None
    served = attachment.content_type if attachment.content_type in DOCUMENT_TYPES \
        else OPAQUE_TYPE
    return AttachmentFile(attachment=attachment, data=data, content_type=served,
                          download_name=_safe_name(attachment.display_name),
                          may_be_inline=served in INLINE_TYPES)


def _attachment_of(ticket_id: int, attachment_id: int) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                      Attachment.ticket_id == ticket_id))


def staff_attachment(user: Any, number: str, attachment_id: int) -> AttachmentFile | None:
    """The file for a staff member who may see the ticket; None when the ticket is out of
    their reach, the file belongs to another ticket, or it is missing from the disk."""
    access = ticket_access(user, number)
    if access is None:
        return None
    return _file_of(_attachment_of(access.ticket.id, attachment_id))


def person_attachment(ticket: Ticket, attachment_id: int) -> AttachmentFile | None:
    """The file for the person holding the ticket's tracking link: only one carried by a
    public event of that ticket (what they sent or were sent), never a staff-only file."""
    attachment = db.session.scalar(
        select(Attachment).join(Event, Event.id == Attachment.event_id)
        .where(Attachment.id == attachment_id, Attachment.ticket_id == ticket.id,
               Event.ticket_id == ticket.id, Event.visibility == "public"))
    return _file_of(attachment)

